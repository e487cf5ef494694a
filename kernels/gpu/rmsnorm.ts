/**
 * RMSNorm forward and backward (`y = x · rstd · g`, `rstd = 1/sqrt(mean(x²) + eps)`): one workgroup per
 * row with a fixed-order tree reduction. The gain gradient is a deterministic two-pass column sum over
 * row chunks (no atomics). The fused backward writes dx and the chunk partials in one dispatch, and one
 * `columnSums` dispatch finishes every gain gradient of a step; the gains may sit at an offset inside a
 * flat buffer.
 * @module
 */
import type { Dispatch, GpuContext } from "./context.ts";
import { f32, grid1d, u32 } from "./context.ts";
import { ENTRY, GLOBAL_INDEX, GROUP_INDEX, TREE_SUM, WG } from "./wgsl.ts";

/** Rows per chunk of the gain-gradient column sum. */
export const DG_CHUNK = 64;

const FORWARD = `
struct Params { rows: u32, width: u32, eps: f32, gOff: u32 }
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
  for (var i = li; i < p.width; i += ${WG}u) { y[o + i] = x[o + i] * s * g[p.gOff + i]; }
  if (li == 0u) { rstd[row] = s; }
}`;

// dx of row \`row\` (offset o): every invocation of the workgroup runs it (tree_sum inside).
const ROW_DX = `
  var d = 0.0;
  for (var i = li; i < p.width; i += ${WG}u) { d += dy[o + i] * g[p.gOff + i] * x[o + i]; }
  let s = rstd[row];
  let c = s * s * s * tree_sum(li, d) / f32(p.width);
  for (var i = li; i < p.width; i += ${WG}u) {
    let v = s * dy[o + i] * g[p.gOff + i] - c * x[o + i];
    if (p.acc != 0u) { dx[o + i] = dx[o + i] + v; } else { dx[o + i] = v; }
  }`;

const BACKWARD_DX = `
struct Params { rows: u32, width: u32, acc: u32, gOff: u32 }
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
  ${ROW_DX}
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

// Fused backward: one workgroup per chunk of DG_CHUNK rows writes dx of its rows (row by row, as
// BACKWARD_DX) and the chunk's partial gain gradient (column by column, rows in order, as
// BACKWARD_DG_PARTIAL), so both are bit-identical to the two-kernel form.
const BACKWARD_FUSED = `
struct Params { rows: u32, width: u32, acc: u32, gOff: u32, partOff: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> rstd: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;
@group(0) @binding(5) var<storage, read_write> partial: array<f32>;
@group(0) @binding(6) var<uniform> p: Params;
${TREE_SUM}
${ENTRY} {
  let ch = wid.y * nwg.x + wid.x;
  let r0 = ch * ${DG_CHUNK}u;
  if (r0 >= p.rows) { return; }
  let end = min(p.rows, r0 + ${DG_CHUNK}u);
  for (var row = r0; row < end; row++) {
    let o = row * p.width;
    ${ROW_DX}
  }
  for (var c = li; c < p.width; c += ${WG}u) {
    var s = 0.0;
    for (var r = r0; r < end; r++) { s += dy[r * p.width + c] * x[r * p.width + c] * rstd[r]; }
    partial[p.partOff + ch * p.width + c] = s;
  }
}`;

// Column sums of several [chunks, width] partial blocks, each into its own destination: segment k
// (4 u32: partial offset, chunks, destination offset, unused) covers invocations [k·width, (k+1)·width).
const COLUMN_SUM = `
struct Params { count: u32, width: u32 }
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<storage, read> seg: array<u32>;
@group(0) @binding(3) var<uniform> p: Params;
${ENTRY} {
  ${GLOBAL_INDEX}
  if (gi >= p.count * p.width) { return; }
  let k = gi / p.width;
  let c = gi % p.width;
  let base = seg[4u * k];
  var s = 0.0;
  for (var r = 0u; r < seg[4u * k + 1u]; r++) { s += src[base + r * p.width + c]; }
  dst[seg[4u * k + 2u] + c] = s;
}`;

/** Shape of an RMSNorm call: `rows` rows of `width` values. */
export interface RmsnormShape {
  /** Rows (tokens). */
  readonly rows: number;
  /** Values per row (model width). */
  readonly width: number;
  /** Element offset of the gain in its buffer, floats (default 0). */
  readonly gOffset?: number;
}

/** Records RMSNorm forward: y `[rows, width]` and rstd `[rows]` from x and gain g (`eps` added to mean(x²)). */
export function rmsnormForward(
  ctx: GpuContext,
  b: { x: GPUBuffer; g: GPUBuffer; y: GPUBuffer; rstd: GPUBuffer },
  o: RmsnormShape & { readonly eps: number },
): Dispatch {
  const p = ctx.uniform("rmsnorm_forward", [u32(o.rows), u32(o.width), f32(o.eps), u32(o.gOffset ?? 0)]);
  return ctx.dispatch("rmsnorm_forward", FORWARD, [b.x, b.g, b.y, b.rstd, p], grid1d(o.rows));
}

/** Number of floats of the scratch buffer `rmsnormBackward` needs for the gain gradient. */
export function rmsnormScratchSize(rows: number, width: number): number {
  return Math.ceil(rows / DG_CHUNK) * width;
}

/** One gain gradient of `columnSums`: its chunk partials and where the sum goes. */
export interface ColumnSumSegment {
  /** First float of its `[chunks, width]` partials in the partial buffer. */
  readonly partialOffset: number;
  /** Row chunks (`ceil(rows / DG_CHUNK)`). */
  readonly chunks: number;
  /** First float of the gain gradient `[width]` in the destination buffer. */
  readonly dstOffset: number;
}

/** Records the column sums of every segment's partials into `b.dst` (one dispatch, rows in order). */
export function columnSums(
  ctx: GpuContext,
  b: { partial: GPUBuffer; dst: GPUBuffer },
  segments: readonly ColumnSumSegment[],
  width: number,
): Dispatch {
  const seg = ctx.upload(
    "column_sum segments",
    Uint32Array.from(segments.flatMap((s) => [s.partialOffset, s.chunks, s.dstOffset, 0])),
  );
  const p = ctx.uniform("column_sum", [u32(segments.length), u32(width)]);
  return ctx.dispatch(
    "column_sum",
    COLUMN_SUM,
    [b.partial, b.dst, seg, p],
    grid1d(Math.ceil(segments.length * width / WG)),
  );
}

/** Options of an RMSNorm backward. */
export interface RmsnormBackwardOptions extends RmsnormShape {
  /** Add into dx instead of overwriting it (the residual stream's gradient). */
  readonly accumulate: boolean;
}

/**
 * Records RMSNorm backward: dx `[rows, width]` (added into dx when `accumulate`) and dg `[width]` at
 * `dgOffset` (overwritten), using `scratch` of `rmsnormScratchSize` floats: three dispatches (dx, chunk
 * partials of dg, their column sum).
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
  o: RmsnormBackwardOptions & {
    /** Element offset of dg in its buffer, floats (default 0). */
    readonly dgOffset?: number;
  },
): Dispatch[] {
  const { x, g, rstd, dy, dx, dg, scratch } = bufs;
  const { rows, width, accumulate } = o;
  const chunks = Math.ceil(rows / DG_CHUNK);
  const p1 = ctx.uniform("rmsnorm_backward_dx", [
    u32(rows),
    u32(width),
    u32(accumulate ? 1 : 0),
    u32(o.gOffset ?? 0),
  ]);
  const p2 = ctx.uniform("rmsnorm_backward_dg", [u32(rows), u32(width), u32(chunks)]);
  return [
    ctx.dispatch("rmsnorm_backward_dx", BACKWARD_DX, [x, g, rstd, dy, dx, p1], grid1d(rows)),
    ctx.dispatch(
      "rmsnorm_backward_dg",
      BACKWARD_DG_PARTIAL,
      [x, rstd, dy, scratch, p2],
      grid1d(Math.ceil(chunks * width / WG)),
    ),
    columnSums(
      ctx,
      { partial: scratch, dst: dg },
      [{ partialOffset: 0, chunks, dstOffset: o.dgOffset ?? 0 }],
      width,
    ),
  ];
}

/**
 * Records the fused RMSNorm backward (one dispatch): dx as `rmsnormBackward` and the chunk partials of
 * dg into `partial` from `partialOffset` on (`rmsnormScratchSize` floats); a later `columnSums` turns
 * them into dg. Bit-identical to `rmsnormBackward`.
 */
export function rmsnormBackwardFused(
  ctx: GpuContext,
  b: { x: GPUBuffer; g: GPUBuffer; rstd: GPUBuffer; dy: GPUBuffer; dx: GPUBuffer; partial: GPUBuffer },
  o: RmsnormBackwardOptions & {
    /** First float of this norm's partials in `partial`. */
    readonly partialOffset: number;
  },
): Dispatch {
  const p = ctx.uniform("rmsnorm_backward", [
    u32(o.rows),
    u32(o.width),
    u32(o.accumulate ? 1 : 0),
    u32(o.gOffset ?? 0),
    u32(o.partialOffset),
  ]);
  return ctx.dispatch(
    "rmsnorm_backward",
    BACKWARD_FUSED,
    [b.x, b.g, b.rstd, b.dy, b.dx, b.partial, p],
    grid1d(Math.ceil(o.rows / DG_CHUNK)),
  );
}
