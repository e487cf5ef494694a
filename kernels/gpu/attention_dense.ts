/**
 * Causal grouped-query attention with materialised scores, built on the batched matmul (fast for
 * short sequences; memory `batch · hq · T²` floats per layer for the saved probabilities):
 * - forward: `S = Q·Kᵀ/sqrt(hs)` (NT, per batch and query head, kv head `h / gqaRatio`), causal
 *   softmax in place → P (kept for backward), `O = P·V` (NN);
 * - backward: `dP = dO·Vᵀ` (NT), `dS = P ⊙ (dP − Σ_u P·dP)` in place, `dQ = dS·K/sqrt(hs)` (NN),
 *   `dK = Σ_g dSᵀ·Q/sqrt(hs)` and `dV = Σ_g Pᵀ·dO` (TN, accumulated over the group's query heads in
 *   a fixed order). Deterministic; no atomics. The products skip the causally masked half: score tiles
 *   above the diagonal are not computed, and products over keys stop (or start) at the diagonal.
 * @module
 */
import type { Dispatch, GpuContext } from "./context.ts";
import { grid1d, u32 } from "./context.ts";
import { matmulDispatch, type MatmulTile } from "./matmul.ts";
import type { AttentionDims } from "./attention.ts";
import { ENTRY, GROUP_INDEX, TREE_SUM, WG } from "./wgsl.ts";

const SOFTMAX = `
struct Params { rows: u32, T: u32 }
@group(0) @binding(0) var<storage, read_write> s: array<f32>;
@group(0) @binding(1) var<uniform> p: Params;
${TREE_SUM}
${ENTRY} {
  ${GROUP_INDEX}
  if (row >= p.rows) { return; }
  let t = row % p.T;
  let o = row * p.T;
  var m = -3.0e38;
  for (var u = li; u <= t; u += ${WG}u) { m = max(m, s[o + u]); }
  m = tree_max(li, m);
  var z = 0.0;
  for (var u = li; u <= t; u += ${WG}u) { z += exp(s[o + u] - m); }
  let inv = 1.0 / tree_sum(li, z);
  for (var u = li; u < p.T; u += ${WG}u) {
    var v = 0.0;
    if (u <= t) { v = exp(s[o + u] - m) * inv; }
    s[o + u] = v;
  }
}`;

const SOFTMAX_BACKWARD = `
struct Params { rows: u32, T: u32 }
@group(0) @binding(0) var<storage, read> pr: array<f32>;
@group(0) @binding(1) var<storage, read_write> d: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;
${TREE_SUM}
${ENTRY} {
  ${GROUP_INDEX}
  if (row >= p.rows) { return; }
  let t = row % p.T;
  let o = row * p.T;
  var acc = 0.0;
  for (var u = li; u <= t; u += ${WG}u) { acc = fma(pr[o + u], d[o + u], acc); }
  let dot = tree_sum(li, acc);
  for (var u = li; u < p.T; u += ${WG}u) {
    var v = 0.0;
    if (u <= t) { v = pr[o + u] * (d[o + u] - dot); }
    d[o + u] = v;
  }
}`;

/** Floats of the probability (and score-gradient) buffer of one layer: `batch · hq · T²`. */
export function denseScoresSize(d: AttentionDims): number {
  return d.batch * d.numQueryHeads * d.seqLen * d.seqLen;
}

function layouts(d: AttentionDims) {
  const T = d.seqLen, hs = d.headSize, hq = d.numQueryHeads, hkv = d.numKvHeads, g = hq / hkv;
  return {
    g,
    q: { batch: T * hq * hs, head: hs }, // Q, O, dQ, dO: [B·T, hq·hs]
    kv: { batch: T * hkv * hs, head: hs, div: g }, // K, V read by query head h
    s: { batch: hq * T * T, head: T * T }, // S, P, dP: [B, hq, T, T]
    ldq: hq * hs,
    ldkv: hkv * hs,
  };
}

/** Records the dense forward: `probs` `[B, hq, T, T]` (kept) and o `[B·T, hq·hs]`. */
export function denseAttentionForward(
  ctx: GpuContext,
  b: { q: GPUBuffer; k: GPUBuffer; v: GPUBuffer; o: GPUBuffer; probs: GPUBuffer },
  d: AttentionDims,
  opts: {
    /** Matmul tile of the score products (default `DEFAULT_TILE`). */
    readonly tile?: MatmulTile;
  } = {},
): Dispatch[] {
  const tile = opts.tile;
  const T = d.seqLen, hs = d.headSize, L = layouts(d);
  const batch = { batches: d.batch, heads: d.numQueryHeads };
  const rows = d.batch * d.numQueryHeads * T;
  return [
    ...matmulDispatch(ctx, b.q, b.k, b.probs, {
      m: T,
      n: T,
      k: hs,
      transB: true,
      lda: L.ldq,
      ldb: L.ldkv,
      ldc: T,
      causal: "skipUpper",
      alpha: 1 / Math.sqrt(hs),
      batch: { ...batch, a: L.q, b: L.kv, c: L.s },
      tile,
    }),
    ctx.dispatch("attention_softmax", SOFTMAX, [
      b.probs,
      ctx.uniform("attention_softmax", [u32(rows), u32(T)]),
    ], grid1d(rows)),
    ...matmulDispatch(ctx, b.probs, b.v, b.o, {
      m: T,
      n: hs,
      k: T,
      lda: T,
      ldb: L.ldkv,
      ldc: L.ldq,
      causal: "kToRow",
      batch: { ...batch, a: L.s, b: L.kv, c: L.q },
      tile,
    }),
  ];
}

/**
 * Records the dense backward: dq `[B·T, hq·hs]`, dk and dv `[B·T, hkv·hs]` (overwritten), using `dprobs`
 * (`denseScoresSize` floats) as scratch.
 */
export function denseAttentionBackward(
  ctx: GpuContext,
  b: {
    q: GPUBuffer;
    k: GPUBuffer;
    v: GPUBuffer;
    probs: GPUBuffer;
    dout: GPUBuffer;
    dq: GPUBuffer;
    dk: GPUBuffer;
    dv: GPUBuffer;
    dprobs: GPUBuffer;
  },
  d: AttentionDims,
  opts: {
    /** Matmul tile of the score products (default `DEFAULT_TILE`). */
    readonly tile?: MatmulTile;
  } = {},
): Dispatch[] {
  const tile = opts.tile;
  const T = d.seqLen, hs = d.headSize, L = layouts(d), scale = 1 / Math.sqrt(hs);
  const batch = { batches: d.batch, heads: d.numQueryHeads };
  const rows = d.batch * d.numQueryHeads * T;
  const out: Dispatch[] = [
    ...matmulDispatch(ctx, b.dout, b.v, b.dprobs, {
      m: T,
      n: T,
      k: hs,
      transB: true,
      lda: L.ldq,
      ldb: L.ldkv,
      ldc: T,
      causal: "skipUpper",
      batch: { ...batch, a: L.q, b: L.kv, c: L.s },
      tile,
    }),
    ctx.dispatch(
      "attention_softmax_backward",
      SOFTMAX_BACKWARD,
      [b.probs, b.dprobs, ctx.uniform("attention_softmax_backward", [u32(rows), u32(T)])],
      grid1d(rows),
    ),
    ...matmulDispatch(ctx, b.dprobs, b.k, b.dq, {
      m: T,
      n: hs,
      k: T,
      lda: T,
      ldb: L.ldkv,
      ldc: L.ldq,
      causal: "kToRow",
      alpha: scale,
      batch: { ...batch, a: L.s, b: L.kv, c: L.q },
      tile,
    }),
  ];
  // dK, dV per kv head: sum over the group's query heads g = 0..G-1 in order
  const kvBatch = { batches: d.batch, heads: d.numKvHeads };
  const kvOut = { batch: L.kv.batch, head: hs };
  for (let g = 0; g < L.g; g++) {
    const sHead = { ...L.s, mul: L.g, add: g }, qHead = { batch: L.q.batch, head: hs, mul: L.g, add: g };
    const common = {
      m: T,
      n: hs,
      k: T,
      transA: true,
      lda: T,
      ldb: L.ldq,
      ldc: L.ldkv,
      accumulate: g > 0,
      causal: "kFromRow" as const,
      tile,
    };
    out.push(
      ...matmulDispatch(ctx, b.dprobs, b.q, b.dk, {
        ...common,
        alpha: scale,
        batch: { ...kvBatch, a: sHead, b: qHead, c: kvOut },
      }),
      ...matmulDispatch(ctx, b.probs, b.dout, b.dv, {
        ...common,
        batch: { ...kvBatch, a: sHead, b: qHead, c: kvOut },
      }),
    );
  }
  return out;
}
