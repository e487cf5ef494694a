/**
 * RMSNorm forward and backward (`y = x · rstd · g`, `rstd = 1/sqrt(mean(x²) + eps)`): one workgroup per
 * row with a fixed-order tree reduction. The gain gradient is a deterministic two-pass column sum over
 * row chunks (no atomics).
 * @module
 */
import type { Dispatch, GpuContext } from "./context.ts";
import { f32, grid1d, u32 } from "./context.ts";
import { ENTRY, GLOBAL_INDEX, GROUP_INDEX, TREE_SUM, WG } from "./wgsl.ts";

/** Rows per chunk of the gain-gradient column sum. */
export const DG_CHUNK = 64;

const FORWARD = `
struct Params { rows: u32, width: u32, eps: f32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> rstd: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;
${TREE_SUM}
${ENTRY} {
  ${GROUP_INDEX}
  if (row >= p.rows) { return; }
  let o = row * p.width;
  var ss = 0.0;
  for (var i = li; i < p.width; i += ${WG}u) { ss += x[o + i] * x[o + i]; }
  let s = 1.0 / sqrt(tree_sum(li, ss) / f32(p.width) + p.eps);
  for (var i = li; i < p.width; i += ${WG}u) { y[o + i] = x[o + i] * s * g[i]; }
  if (li == 0u) { rstd[row] = s; }
}`;

const BACKWARD_DX = `
struct Params { rows: u32, width: u32, acc: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> rstd: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;
${TREE_SUM}
${ENTRY} {
  ${GROUP_INDEX}
  if (row >= p.rows) { return; }
  let o = row * p.width;
  var d = 0.0;
  for (var i = li; i < p.width; i += ${WG}u) { d += dy[o + i] * g[i] * x[o + i]; }
  let s = rstd[row];
  let c = s * s * s * tree_sum(li, d) / f32(p.width);
  for (var i = li; i < p.width; i += ${WG}u) {
    let v = s * dy[o + i] * g[i] - c * x[o + i];
    if (p.acc != 0u) { dx[o + i] = dx[o + i] + v; } else { dx[o + i] = v; }
  }
}`;

const BACKWARD_DG_PARTIAL = `
struct Params { rows: u32, width: u32, chunks: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> rstd: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> partial: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;
${ENTRY} {
  ${GLOBAL_INDEX}
  if (gi >= p.chunks * p.width) { return; }
  let ch = gi / p.width;
  let c = gi % p.width;
  var s = 0.0;
  let end = min(p.rows, (ch + 1u) * ${DG_CHUNK}u);
  for (var r = ch * ${DG_CHUNK}u; r < end; r++) { s += dy[r * p.width + c] * x[r * p.width + c] * rstd[r]; }
  partial[gi] = s;
}`;

const COLUMN_SUM = `
struct Params { rows: u32, width: u32 }
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;
${ENTRY} {
  ${GLOBAL_INDEX}
  if (gi >= p.width) { return; }
  var s = 0.0;
  for (var r = 0u; r < p.rows; r++) { s += src[r * p.width + gi]; }
  dst[gi] = s;
}`;

/** Shape of an RMSNorm call: `rows` rows of `width` values. */
export interface RmsnormShape {
  /** Rows (tokens). */
  readonly rows: number;
  /** Values per row (model width). */
  readonly width: number;
}

/** Records RMSNorm forward: y `[rows, width]` and rstd `[rows]` from x and gain g (`eps` added to mean(x²)). */
export function rmsnormForward(
  ctx: GpuContext,
  b: { x: GPUBuffer; g: GPUBuffer; y: GPUBuffer; rstd: GPUBuffer },
  o: RmsnormShape & { readonly eps: number },
): Dispatch {
  const p = ctx.uniform("rmsnorm_forward", [u32(o.rows), u32(o.width), f32(o.eps)]);
  return ctx.dispatch("rmsnorm_forward", FORWARD, [b.x, b.g, b.y, b.rstd, p], grid1d(o.rows));
}

/** Number of floats of the scratch buffer `rmsnormBackward` needs for the gain gradient. */
export function rmsnormScratchSize(rows: number, width: number): number {
  return Math.ceil(rows / DG_CHUNK) * width;
}

/**
 * Records RMSNorm backward: dx `[rows, width]` (added into dx when `accumulate`) and dg `[width]`
 * (overwritten), using `scratch` of `rmsnormScratchSize` floats.
 */
export function rmsnormBackward(
  ctx: GpuContext,
  bufs: {
    x: GPUBuffer;
    g: GPUBuffer;
    rstd: GPUBuffer;
    dy: GPUBuffer;
    dx: GPUBuffer;
    dg: GPUBuffer;
    scratch: GPUBuffer;
  },
  o: RmsnormShape & {
    /** Add into dx instead of overwriting it (the residual stream's gradient). */
    readonly accumulate: boolean;
  },
): Dispatch[] {
  const { x, g, rstd, dy, dx, dg, scratch } = bufs;
  const { rows, width, accumulate } = o;
  const chunks = Math.ceil(rows / DG_CHUNK);
  const p1 = ctx.uniform("rmsnorm_backward_dx", [u32(rows), u32(width), u32(accumulate ? 1 : 0)]);
  const p2 = ctx.uniform("rmsnorm_backward_dg", [u32(rows), u32(width), u32(chunks)]);
  const p3 = ctx.uniform("column_sum", [u32(chunks), u32(width)]);
  return [
    ctx.dispatch("rmsnorm_backward_dx", BACKWARD_DX, [x, g, rstd, dy, dx, p1], grid1d(rows)),
    ctx.dispatch(
      "rmsnorm_backward_dg",
      BACKWARD_DG_PARTIAL,
      [x, rstd, dy, scratch, p2],
      grid1d(Math.ceil(chunks * width / WG)),
    ),
    ctx.dispatch("column_sum", COLUMN_SUM, [scratch, dg, p3], grid1d(Math.ceil(width / WG))),
  ];
}
