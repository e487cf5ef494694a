/**
 * Global gradient norm (deterministic two-pass reduction), clipping and AdamW, matching
 * `kernels/reference/adamw.ts`: `scale = clip > 0 && norm > clip ? clip / norm : 1`;
 * `m ← β1 m + (1−β1) g`, `v ← β2 v + (1−β2) g²`, `p ← p − lr (m/bc1 / (sqrt(v/bc2) + ε) + wd p)`,
 * with `wd` only on tensors whose spec has `decay: true`. Per-step scalars live in the step uniform
 * (`packStep`), written once per step with `queue.writeBuffer`.
 * @module
 */
import type { Dispatch, GpuContext } from "./context.ts";
import { grid1d, u32 } from "./context.ts";
import { ENTRY, GLOBAL_INDEX, STEP_STRUCT, TREE_SUM, WG } from "./wgsl.ts";
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

const SUMSQ = `
struct Params { n: u32, groups: u32, base: u32 }
@group(0) @binding(0) var<storage, read> g: array<f32>;
@group(0) @binding(1) var<storage, read_write> partial: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;
${TREE_SUM}
${ENTRY} {
  let grp = wid.x;
  var s = 0.0;
  for (var i = grp * ${WG}u + li; i < p.n; i += p.groups * ${WG}u) { s = fma(g[i], g[i], s); }
  let t = tree_sum(li, s);
  if (li == 0u) { partial[p.base + grp] = t; }
}`;

const NORM = `
${STEP_STRUCT}
struct Params { count: u32 }
@group(0) @binding(0) var<storage, read> partial: array<f32>;
@group(0) @binding(1) var<storage, read_write> norms: array<f32>;
@group(0) @binding(2) var<storage, read_write> scale: array<f32>;
@group(0) @binding(3) var<uniform> step: Step;
@group(0) @binding(4) var<uniform> p: Params;
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
}`;

const ADAMW = `
${STEP_STRUCT}
struct Params { n: u32, decay: u32 }
@group(0) @binding(0) var<storage, read_write> w: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<storage, read> scale: array<f32>;
@group(0) @binding(5) var<uniform> step: Step;
@group(0) @binding(6) var<uniform> p: Params;
${ENTRY} {
  ${GLOBAL_INDEX}
  if (gi >= p.n) { return; }
  let gr = g[gi] * scale[0];
  let mi = step.beta1 * m[gi] + (1.0 - step.beta1) * gr;
  let vi = step.beta2 * v[gi] + (1.0 - step.beta2) * gr * gr;
  m[gi] = mi;
  v[gi] = vi;
  var wd = 0.0;
  if (p.decay != 0u) { wd = step.wd; }
  let upd = (mi / step.bc1) / (sqrt(vi / step.bc2) + step.eps);
  w[gi] = w[gi] - step.lr * (upd + wd * w[gi]);
}`;

/** Workgroups of the sum-of-squares pass for a tensor of `n` values (fixed, so reductions are deterministic). */
export function sumsqGroups(n: number): number {
  return Math.max(1, Math.min(256, Math.ceil(n / (WG * 8))));
}

/**
 * Records the global-norm computation over `b.grads` (sizes `sizes`): per-tensor partial sums of squares
 * into `partial` (at least Σ sumsqGroups floats), then `norms[step.slot] = sqrt(Σ)` and
 * `scale[0]` = the clip factor.
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
  sizes: readonly number[],
): Dispatch[] {
  const { grads, partial, norms, scale, step } = b;
  const out: Dispatch[] = [];
  let base = 0;
  grads.forEach((g, i) => {
    const groups = sumsqGroups(sizes[i]);
    const p = ctx.uniform("grad_sumsq", [u32(sizes[i]), u32(groups), u32(base)]);
    out.push(ctx.dispatch("grad_sumsq", SUMSQ, [g, partial, p], [groups, 1, 1]));
    base += groups;
  });
  const p = ctx.uniform("grad_norm", [u32(base)]);
  out.push(ctx.dispatch("grad_norm", NORM, [partial, norms, scale, step, p], [1, 1, 1]));
  return out;
}

/** Records one AdamW update of a tensor of `o.n` values (`o.decay` selects weight decay). */
export function adamw(
  ctx: GpuContext,
  b: { w: GPUBuffer; g: GPUBuffer; m: GPUBuffer; v: GPUBuffer; scale: GPUBuffer; step: GPUBuffer },
  o: {
    /** Values of the tensor. */
    readonly n: number;
    /** Apply the step's weight decay. */
    readonly decay: boolean;
  },
): Dispatch {
  const { n, decay } = o;
  const p = ctx.uniform("adamw", [u32(n), u32(decay ? 1 : 0)]);
  return ctx.dispatch("adamw", ADAMW, [b.w, b.g, b.m, b.v, b.scale, b.step, p], grid1d(Math.ceil(n / WG)));
}
