/**
 * Causal grouped-query attention without materialised scores (flash-attention's recomputation, one
 * invocation per query row): the forward keeps only the output and the row log-sum-exp; the backward
 * recomputes probabilities from it. Query head h reads kv head `floor(h / gqaRatio)`. Every sum runs
 * over positions in increasing order, so results are deterministic and no atomics are needed:
 * - `attention_forward`: per (b, h, t), online softmax over u ≤ t → o_t, lse_t;
 * - `attention_backward_dq`: per (b, h, t) → dq_t and `D_t = do_t · o_t`;
 * - `attention_backward_dkdv`: per (b, kv head, u), over the group's query heads and t ≥ u → dk_u, dv_u.
 * @module
 */
import type { Dispatch, GpuContext } from "./context.ts";
import { f32, grid1d, u32 } from "./context.ts";
import { ENTRY, GLOBAL_INDEX, WG } from "./wgsl.ts";

/** Shape of one attention call. */
export interface AttentionDims {
  /** Sequences. */
  readonly batch: number;
  /** Positions per sequence. */
  readonly seqLen: number;
  /** Query heads. */
  readonly numQueryHeads: number;
  /** Key/value heads. */
  readonly numKvHeads: number;
  /** Head size. */
  readonly headSize: number;
}

const PARAMS = `struct Params { B: u32, T: u32, hq: u32, hkv: u32, group: u32, scale: f32 }`;

function forwardWgsl(hs: number): string {
  return `
${PARAMS}
@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read_write> o: array<f32>;
@group(0) @binding(4) var<storage, read_write> lse: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;
const HS = ${hs}u;
${ENTRY} {
  ${GLOBAL_INDEX}
  if (gi >= p.B * p.hq * p.T) { return; }
  let t = gi % p.T;
  let bh = gi / p.T;
  let h = bh % p.hq;
  let b = bh / p.hq;
  let kh = h / p.group;
  let qo = (b * p.T + t) * p.hq * HS + h * HS;
  var qv: array<f32, HS>;
  var acc: array<f32, HS>;
  for (var i = 0u; i < HS; i++) { qv[i] = q[qo + i] * p.scale; acc[i] = 0.0; }
  var m = -3.0e38;
  var l = 0.0;
  for (var u = 0u; u <= t; u++) {
    let ko = (b * p.T + u) * p.hkv * HS + kh * HS;
    var s = 0.0;
    for (var i = 0u; i < HS; i++) { s = fma(qv[i], k[ko + i], s); }
    if (s > m) {
      let c = exp(m - s);
      l = l * c;
      for (var i = 0u; i < HS; i++) { acc[i] = acc[i] * c; }
      m = s;
    }
    let e = exp(s - m);
    l += e;
    for (var i = 0u; i < HS; i++) { acc[i] = fma(e, v[ko + i], acc[i]); }
  }
  let inv = 1.0 / l;
  for (var i = 0u; i < HS; i++) { o[qo + i] = acc[i] * inv; }
  lse[gi] = m + log(l);
}`;
}

function backwardDqWgsl(hs: number): string {
  return `
${PARAMS}
@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> o: array<f32>;
@group(0) @binding(4) var<storage, read> lse: array<f32>;
@group(0) @binding(5) var<storage, read> dout: array<f32>;
@group(0) @binding(6) var<storage, read_write> dq: array<f32>;
@group(0) @binding(7) var<storage, read_write> dsum: array<f32>;
@group(0) @binding(8) var<uniform> p: Params;
const HS = ${hs}u;
${ENTRY} {
  ${GLOBAL_INDEX}
  if (gi >= p.B * p.hq * p.T) { return; }
  let t = gi % p.T;
  let bh = gi / p.T;
  let h = bh % p.hq;
  let b = bh / p.hq;
  let kh = h / p.group;
  let qo = (b * p.T + t) * p.hq * HS + h * HS;
  var qv: array<f32, HS>;
  var dov: array<f32, HS>;
  var acc: array<f32, HS>;
  var d = 0.0;
  for (var i = 0u; i < HS; i++) {
    qv[i] = q[qo + i] * p.scale;
    dov[i] = dout[qo + i];
    acc[i] = 0.0;
    d = fma(dov[i], o[qo + i], d);
  }
  dsum[gi] = d;
  let L = lse[gi];
  for (var u = 0u; u <= t; u++) {
    let ko = (b * p.T + u) * p.hkv * HS + kh * HS;
    var s = 0.0;
    var dp = 0.0;
    for (var i = 0u; i < HS; i++) { s = fma(qv[i], k[ko + i], s); dp = fma(dov[i], v[ko + i], dp); }
    let ds = exp(s - L) * (dp - d);
    for (var i = 0u; i < HS; i++) { acc[i] = fma(ds, k[ko + i], acc[i]); }
  }
  for (var i = 0u; i < HS; i++) { dq[qo + i] = acc[i] * p.scale; }
}`;
}

function backwardDkDvWgsl(hs: number): string {
  return `
${PARAMS}
@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> lse: array<f32>;
@group(0) @binding(4) var<storage, read> dsum: array<f32>;
@group(0) @binding(5) var<storage, read> dout: array<f32>;
@group(0) @binding(6) var<storage, read_write> dk: array<f32>;
@group(0) @binding(7) var<storage, read_write> dv: array<f32>;
@group(0) @binding(8) var<uniform> p: Params;
const HS = ${hs}u;
${ENTRY} {
  ${GLOBAL_INDEX}
  if (gi >= p.B * p.hkv * p.T) { return; }
  let u = gi % p.T;
  let bk = gi / p.T;
  let kh = bk % p.hkv;
  let b = bk / p.hkv;
  let ko = (b * p.T + u) * p.hkv * HS + kh * HS;
  var kv: array<f32, HS>;
  var vv: array<f32, HS>;
  var dka: array<f32, HS>;
  var dva: array<f32, HS>;
  for (var i = 0u; i < HS; i++) { kv[i] = k[ko + i] * p.scale; vv[i] = v[ko + i]; dka[i] = 0.0; dva[i] = 0.0; }
  for (var g = 0u; g < p.group; g++) {
    let h = kh * p.group + g;
    for (var t = u; t < p.T; t++) {
      let qo = (b * p.T + t) * p.hq * HS + h * HS;
      let row = (b * p.hq + h) * p.T + t;
      var s = 0.0;
      var dp = 0.0;
      for (var i = 0u; i < HS; i++) { s = fma(q[qo + i], kv[i], s); dp = fma(dout[qo + i], vv[i], dp); }
      let pr = exp(s - lse[row]);
      let ds = pr * (dp - dsum[row]);
      for (var i = 0u; i < HS; i++) {
        dva[i] = fma(pr, dout[qo + i], dva[i]);
        dka[i] = fma(ds, q[qo + i], dka[i]);
      }
    }
  }
  for (var i = 0u; i < HS; i++) { dk[ko + i] = dka[i] * p.scale; dv[ko + i] = dva[i]; }
}`;
}

function params(ctx: GpuContext, name: string, d: AttentionDims) {
  return ctx.uniform(name, [
    u32(d.batch),
    u32(d.seqLen),
    u32(d.numQueryHeads),
    u32(d.numKvHeads),
    u32(d.numQueryHeads / d.numKvHeads),
    f32(1 / Math.sqrt(d.headSize)),
  ]);
}

/** Records the forward: o `[B·T, hq·hs]` and lse `[B, hq, T]` (natural-log sums of exp of scaled scores). */
export function attentionForward(
  ctx: GpuContext,
  b: { q: GPUBuffer; k: GPUBuffer; v: GPUBuffer; o: GPUBuffer; lse: GPUBuffer },
  d: AttentionDims,
): Dispatch {
  return ctx.dispatch(
    "attention_forward",
    forwardWgsl(d.headSize),
    [b.q, b.k, b.v, b.o, b.lse, params(ctx, "attention_forward", d)],
    grid1d(Math.ceil(d.batch * d.numQueryHeads * d.seqLen / WG)),
  );
}

/**
 * Records the backward: dq `[B·T, hq·hs]`, dk and dv `[B·T, hkv·hs]` (all overwritten), using `dsum`
 * `[B, hq, T]` as scratch.
 */
export function attentionBackward(
  ctx: GpuContext,
  b: {
    q: GPUBuffer;
    k: GPUBuffer;
    v: GPUBuffer;
    o: GPUBuffer;
    lse: GPUBuffer;
    dout: GPUBuffer;
    dq: GPUBuffer;
    dk: GPUBuffer;
    dv: GPUBuffer;
    dsum: GPUBuffer;
  },
  d: AttentionDims,
): Dispatch[] {
  return [
    ctx.dispatch(
      "attention_backward_dq",
      backwardDqWgsl(d.headSize),
      [b.q, b.k, b.v, b.o, b.lse, b.dout, b.dq, b.dsum, params(ctx, "attention_backward_dq", d)],
      grid1d(Math.ceil(d.batch * d.numQueryHeads * d.seqLen / WG)),
    ),
    ctx.dispatch(
      "attention_backward_dkdv",
      backwardDkDvWgsl(d.headSize),
      [b.q, b.k, b.v, b.lse, b.dsum, b.dout, b.dk, b.dv, params(ctx, "attention_backward_dkdv", d)],
      grid1d(Math.ceil(d.batch * d.numKvHeads * d.seqLen / WG)),
    ),
  ];
}
