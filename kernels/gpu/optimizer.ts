/**
 * Global gradient norm (deterministic two-pass reduction), clipping and AdamW over flat buffers, matching
 * `kernels/reference/adamw.ts`: `scale = clip > 0 && norm > clip ? clip / norm : 1`;
 * `m ← β1 m + (1−β1) g`, `v ← β2 v + (1−β2) g²`, `p ← p − lr (m/bc1 / (sqrt(v/bc2) + ε) + wd p)`,
 * with `wd` only on tensors whose spec has `decay: true`.
 *
 * A flat buffer holds many tensors ("segments": an offset, a length, a decay flag). One dispatch covers any
 * list of segments of one buffer: AdamW is elementwise, and the sum of squares gives every segment its own
 * fixed set of workgroups (`sumsqGroups` of its length), each writing one partial sum at a fixed slot, so
 * the partials, their fixed-order total and hence every bit of the update are the same whether the
 * segments are recorded in one dispatch or one each. Per-step scalars live in the step uniform
 * (`packStep`), written once per step with `queue.writeBuffer`.
 * @module
 */
import type { Dispatch, GpuContext } from "./context.ts";
import { grid1d, u32 } from "./context.ts";
import { ENTRY, STEP_STRUCT, TREE_SUM, WG } from "./wgsl.ts";
import type { OptimizerStep } from "../types.ts";

/** Size of the step uniform in bytes. */
export const STEP_BYTES = 48;

/** Packs the step uniform: optimizer scalars, bias corrections for step `step + 1` and the log slot. */
export function packStep(opt: OptimizerStep, step: number, slot: number): ArrayBuffer {
  const buf = new ArrayBuffer(STEP_BYTES);
  const dv = new DataView(buf);
  const t = step + 1;
  const f = [opt.lr, opt.beta1, opt.beta2, opt.eps, opt.weightDecay, opt.gradClip];
  f.forEach((x, i) => dv.setFloat32(i * 4, x, true));
  dv.setFloat32(24, 1 - Math.pow(opt.beta1, t), true);
  dv.setFloat32(28, 1 - Math.pow(opt.beta2, t), true);
  dv.setUint32(32, slot, true);
  return buf;
}

/** One tensor (or vocabulary block) inside a flat buffer. */
export interface Segment {
  /** First value, floats from the start of the buffer. */
  readonly offset: number;
  /** Number of values. */
  readonly size: number;
  /** Whether AdamW applies weight decay to it. */
  readonly decay: boolean;
}

// A segment table holds 4 u32 per segment: offset, size, first (workgroup or value index of the dispatch
// where the segment starts; increasing), and its workgroup count (sum of squares) or decay flag (AdamW).
// `find(key)` returns the last segment whose first ≤ key.
const FIND = `
fn find(key: u32) -> u32 {
  var lo = 0u;
  var hi = p.count - 1u;
  while (lo < hi) {
    let mid = (lo + hi + 1u) / 2u;
    if (seg[4u * mid + 2u] <= key) { lo = mid; } else { hi = mid - 1u; }
  }
  return lo;
}`;

const SUMSQ = `
struct Params { count: u32, base: u32 }
@group(0) @binding(0) var<storage, read> g: array<f32>;
@group(0) @binding(1) var<storage, read_write> partial: array<f32>;
@group(0) @binding(2) var<storage, read> seg: array<u32>;
@group(0) @binding(3) var<uniform> p: Params;
${TREE_SUM}
${FIND}
${ENTRY} {
  let w = wid.y * nwg.x + wid.x;
  let k = find(w);
  let off = seg[4u * k];
  let n = seg[4u * k + 1u];
  let groups = seg[4u * k + 3u];
  let grp = w - seg[4u * k + 2u];
  var s = 0.0;
  for (var i = grp * ${WG}u + li; i < n; i += groups * ${WG}u) { s = fma(g[off + i], g[off + i], s); }
  let t = tree_sum(li, s);
  if (li == 0u) { partial[p.base + w] = t; }
}`;

// The norm from the partial sums; with \`loss\`, also the step's mean loss from the row losses (the same
// reduction as cross_entropy.ts's mean_loss, so the fused step logs the same bits).
function normWgsl(loss: boolean): string {
  return `
${STEP_STRUCT}
struct Params { count: u32, rows: u32 }
@group(0) @binding(0) var<storage, read> partial: array<f32>;
@group(0) @binding(1) var<storage, read_write> norms: array<f32>;
@group(0) @binding(2) var<storage, read_write> scale: array<f32>;
@group(0) @binding(3) var<uniform> step: Step;
@group(0) @binding(4) var<uniform> p: Params;
${
    loss
      ? `@group(0) @binding(5) var<storage, read> rowLoss: array<f32>;
@group(0) @binding(6) var<storage, read_write> losses: array<f32>;`
      : ""
  }
${TREE_SUM}
${ENTRY} {
  var s = 0.0;
  for (var i = li; i < p.count; i += ${WG}u) { s += partial[i]; }
  let n = sqrt(tree_sum(li, s));
  if (li == 0u) {
    norms[step.slot] = n;
    var c = 1.0;
    if (step.clip > 0.0 && n > step.clip) { c = step.clip / n; }
    scale[0] = c;
  }
  ${
    loss
      ? `var sl = 0.0;
  for (var i = li; i < p.rows; i += ${WG}u) { sl += rowLoss[i]; }
  let t = tree_sum(li, sl);
  if (li == 0u) { losses[step.slot] = t / f32(p.rows); }`
      : ""
  }
}`;
}

/** The step's mean loss, computed by the norm dispatch (fused plan) instead of a `meanLoss` dispatch. */
export interface FusedMeanLoss {
  /** Per-row losses `[rows]` (nats). */
  readonly rowLoss: GPUBuffer;
  /** The loss log; the mean goes to `step.slot`. */
  readonly losses: GPUBuffer;
  /** Rows (tokens). */
  readonly rows: number;
}

const ADAMW = `
${STEP_STRUCT}
struct Params { count: u32, n: u32 }
@group(0) @binding(0) var<storage, read_write> w: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<storage, read> scale: array<f32>;
@group(0) @binding(5) var<storage, read> seg: array<u32>;
@group(0) @binding(6) var<uniform> step: Step;
@group(0) @binding(7) var<uniform> p: Params;
${FIND}
${ENTRY} {
  let j = (wid.y * nwg.x + wid.x) * ${WG}u + li;
  if (j >= p.n) { return; }
  let k = find(j);
  let gi = seg[4u * k] + j - seg[4u * k + 2u];
  let gr = g[gi] * scale[0];
  let mi = step.beta1 * m[gi] + (1.0 - step.beta1) * gr;
  let vi = step.beta2 * v[gi] + (1.0 - step.beta2) * gr * gr;
  m[gi] = mi;
  v[gi] = vi;
  var wd = 0.0;
  if (seg[4u * k + 3u] != 0u) { wd = step.wd; }
  let upd = (mi / step.bc1) / (sqrt(vi / step.bc2) + step.eps);
  w[gi] = w[gi] - step.lr * (upd + wd * w[gi]);
}`;

/** Workgroups of the sum-of-squares pass for a tensor of `n` values (fixed, so reductions are deterministic). */
export function sumsqGroups(n: number): number {
  return Math.max(1, Math.min(256, Math.ceil(n / (WG * 8))));
}

/** Returns the partial sums `gradNorm` writes for `segments`: one per workgroup, Σ sumsqGroups. */
export function normPartials(segments: readonly Segment[]): number {
  return segments.reduce((s, g) => s + sumsqGroups(g.size), 0);
}

function table(ctx: GpuContext, name: string, rows: number[][]): GPUBuffer {
  return ctx.upload(name, Uint32Array.from(rows.flat()));
}

/**
 * Records the sum of squares of `segments` of `b.grads` (one dispatch) into `b.partial` from slot
 * `base` on (`normPartials(segments)` slots).
 */
export function gradSumsq(
  ctx: GpuContext,
  b: { readonly grads: GPUBuffer; readonly partial: GPUBuffer },
  segments: readonly Segment[],
  base: number,
): Dispatch {
  let first = 0;
  const rows = segments.map((s) => {
    const groups = sumsqGroups(s.size);
    const row = [s.offset, s.size, first, groups];
    first += groups;
    return row;
  });
  const p = ctx.uniform("grad_sumsq", [u32(segments.length), u32(base)]);
  const seg = table(ctx, "grad_sumsq segments", rows);
  return ctx.dispatch("grad_sumsq", SUMSQ, [b.grads, b.partial, seg, p], grid1d(first));
}

/**
 * Records the global norm from the first `count` partial sums: `norms[step.slot] = sqrt(Σ partial)` and
 * `scale[0]` = the clip factor; with `meanLoss`, also `losses[step.slot]` = the mean row loss.
 */
export function gradNormFinish(
  ctx: GpuContext,
  b: {
    readonly partial: GPUBuffer;
    readonly norms: GPUBuffer;
    readonly scale: GPUBuffer;
    readonly step: GPUBuffer;
  },
  count: number,
  meanLoss?: FusedMeanLoss,
): Dispatch {
  const p = ctx.uniform("grad_norm", [u32(count), u32(meanLoss?.rows ?? 0)]);
  const extra = meanLoss ? [meanLoss.rowLoss, meanLoss.losses] : [];
  return ctx.dispatch("grad_norm", normWgsl(!!meanLoss), [b.partial, b.norms, b.scale, b.step, p, ...extra], [
    1,
    1,
    1,
  ]);
}

/**
 * Records the global-norm computation over per-buffer segment lists (`groups[i]` lies in `b.grads[i]`):
 * one sum-of-squares dispatch per group (`perSegment`: one per segment, the unfused plan), then
 * `norms[step.slot]` and `scale[0]`. `b.partial` holds at least Σ `normPartials` floats.
 */
export function gradNorm(
  ctx: GpuContext,
  b: {
    readonly grads: readonly GPUBuffer[];
    readonly partial: GPUBuffer;
    readonly norms: GPUBuffer;
    readonly scale: GPUBuffer;
    readonly step: GPUBuffer;
  },
  groups: readonly (readonly Segment[])[],
  opts: {
    /** One dispatch per segment instead of one per buffer (the unfused baseline). */
    readonly perSegment?: boolean;
    /** Also log the step's mean loss (instead of a separate `meanLoss` dispatch). */
    readonly meanLoss?: FusedMeanLoss;
  } = {},
): Dispatch[] {
  const out: Dispatch[] = [];
  let base = 0;
  groups.forEach((segs, i) => {
    for (const part of opts.perSegment ? segs.map((s) => [s]) : [segs]) {
      out.push(gradSumsq(ctx, { grads: b.grads[i], partial: b.partial }, part, base));
      base += normPartials(part);
    }
  });
  out.push(gradNormFinish(ctx, b, base, opts.meanLoss));
  return out;
}

/** Records one AdamW update of `segments` of one flat buffer (one dispatch; decay per segment). */
export function adamw(
  ctx: GpuContext,
  b: { w: GPUBuffer; g: GPUBuffer; m: GPUBuffer; v: GPUBuffer; scale: GPUBuffer; step: GPUBuffer },
  segments: readonly Segment[],
): Dispatch {
  let first = 0;
  const rows = segments.map((s) => {
    const row = [s.offset, s.size, first, s.decay ? 1 : 0];
    first += s.size;
    return row;
  });
  const p = ctx.uniform("adamw", [u32(segments.length), u32(first)]);
  const seg = table(ctx, "adamw segments", rows);
  return ctx.dispatch(
    "adamw",
    ADAMW,
    [b.w, b.g, b.m, b.v, b.scale, seg, b.step, p],
    grid1d(Math.ceil(first / WG)),
  );
}
