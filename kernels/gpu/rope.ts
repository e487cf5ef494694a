/**
 * Rotary position embedding (GPT-NeoX rotate-half), in place on `[rows, heads·headSize]`. The cos/sin
 * tables are computed on the host in float64 (`ropeTablesF32`), so long positions keep their accuracy.
 * Backward is the same kernel with the inverse rotation (`sign = −1`).
 * @module
 */
import type { Dispatch, GpuContext } from "./context.ts";
import { f32, grid1d, u32 } from "./context.ts";
import { ENTRY, GLOBAL_INDEX, WG } from "./wgsl.ts";

const ROPE = `
struct Params { rows: u32, seqLen: u32, heads: u32, half: u32, sign: f32 }
@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@group(0) @binding(1) var<storage, read> cosT: array<f32>;
@group(0) @binding(2) var<storage, read> sinT: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
${ENTRY} {
  ${GLOBAL_INDEX}
  if (gi >= p.rows * p.heads * p.half) { return; }
  let j = gi % p.half;
  let rh = gi / p.half;
  let h = rh % p.heads;
  let r = rh / p.heads;
  let t = r % p.seqLen;
  let c = cosT[t * p.half + j];
  let s = p.sign * sinT[t * p.half + j];
  let o = r * p.heads * 2u * p.half + h * 2u * p.half + j;
  let x1 = x[o];
  let x2 = x[o + p.half];
  x[o] = x1 * c - x2 * s;
  x[o + p.half] = x2 * c + x1 * s;
}`;

// q and k of one layer in one dispatch: heads [0, hq) of q, then [0, hkv) of k (the same rotation).
const ROPE_QK = `
struct Params { rows: u32, seqLen: u32, hq: u32, hkv: u32, half: u32, sign: f32 }
@group(0) @binding(0) var<storage, read_write> xq: array<f32>;
@group(0) @binding(1) var<storage, read_write> xk: array<f32>;
@group(0) @binding(2) var<storage, read> cosT: array<f32>;
@group(0) @binding(3) var<storage, read> sinT: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;
${ENTRY} {
  ${GLOBAL_INDEX}
  let heads = p.hq + p.hkv;
  if (gi >= p.rows * heads * p.half) { return; }
  let j = gi % p.half;
  let rh = gi / p.half;
  let hh = rh % heads;
  let r = rh / heads;
  let t = r % p.seqLen;
  let c = cosT[t * p.half + j];
  let s = p.sign * sinT[t * p.half + j];
  if (hh < p.hq) {
    let o = r * p.hq * 2u * p.half + hh * 2u * p.half + j;
    let x1 = xq[o];
    let x2 = xq[o + p.half];
    xq[o] = x1 * c - x2 * s;
    xq[o + p.half] = x2 * c + x1 * s;
  } else {
    let o = r * p.hkv * 2u * p.half + (hh - p.hq) * 2u * p.half + j;
    let x1 = xk[o];
    let x2 = xk[o + p.half];
    xk[o] = x1 * c - x2 * s;
    xk[o + p.half] = x2 * c + x1 * s;
  }
}`;

/** Returns float32 RoPE tables cos and sin `[seqLen, headSize/2]` (angle `t·θ^(−2j/headSize)`, radians). */
export function ropeTablesF32(
  seqLen: number,
  headSize: number,
  theta: number,
): { cos: Float32Array; sin: Float32Array } {
  const half = headSize / 2;
  const cos = new Float32Array(seqLen * half), sin = new Float32Array(seqLen * half);
  for (let t = 0; t < seqLen; t++) {
    for (let j = 0; j < half; j++) {
      const a = t * Math.pow(theta, (-2 * j) / headSize);
      cos[t * half + j] = Math.cos(a);
      sin[t * half + j] = Math.sin(a);
    }
  }
  return { cos, sin };
}

/** Shape of a RoPE call on `[rows, heads·headSize]`. */
export interface RopeShape {
  /** Rows (batch · seqLen). */
  readonly rows: number;
  /** Positions per sequence (row r is position r mod seqLen). */
  readonly seqLen: number;
  /** Heads per row. */
  readonly heads: number;
  /** Size of one head (even). */
  readonly headSize: number;
}

/**
 * Records an in-place RoPE rotation of x `[batch·seqLen, heads·headSize]`: forward (`inverse` false)
 * or its backward (inverse rotation).
 */
export function ropeDispatch(
  ctx: GpuContext,
  b: { x: GPUBuffer; cos: GPUBuffer; sin: GPUBuffer },
  shape: RopeShape & {
    /** Apply the inverse rotation (the backward). */
    readonly inverse: boolean;
  },
): Dispatch {
  const { x, cos, sin } = b, inverse = shape.inverse;
  const half = shape.headSize / 2;
  const name = inverse ? "rope_backward" : "rope_forward";
  const p = ctx.uniform(name, [
    u32(shape.rows),
    u32(shape.seqLen),
    u32(shape.heads),
    u32(half),
    f32(inverse ? -1 : 1),
  ]);
  return ctx.dispatch(name, ROPE, [x, cos, sin, p], grid1d(Math.ceil(shape.rows * shape.heads * half / WG)));
}

/**
 * Records the in-place RoPE rotation of a layer's q `[rows, qHeads·headSize]` and k `[rows,
 * kHeads·headSize]` in one dispatch (the same arithmetic as two `ropeDispatch` calls).
 */
export function ropeQK(
  ctx: GpuContext,
  b: { q: GPUBuffer; k: GPUBuffer; cos: GPUBuffer; sin: GPUBuffer },
  shape: Omit<RopeShape, "heads"> & {
    /** Query heads per row of q. */
    readonly qHeads: number;
    /** Key heads per row of k. */
    readonly kHeads: number;
    /** Apply the inverse rotation (the backward). */
    readonly inverse: boolean;
  },
): Dispatch {
  const half = shape.headSize / 2;
  const name = shape.inverse ? "rope_qk_backward" : "rope_qk_forward";
  const p = ctx.uniform(name, [
    u32(shape.rows),
    u32(shape.seqLen),
    u32(shape.qHeads),
    u32(shape.kHeads),
    u32(half),
    f32(shape.inverse ? -1 : 1),
  ]);
  const n = shape.rows * (shape.qHeads + shape.kHeads) * half;
  return ctx.dispatch(name, ROPE_QK, [b.q, b.k, b.cos, b.sin, p], grid1d(Math.ceil(n / WG)));
}
