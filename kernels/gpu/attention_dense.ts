/**
 * Causal grouped-query attention with materialised scores, built on the batched matmul (fast for
 * short sequences; memory `batch · hq · T²` floats per layer for the saved probabilities):
 * - forward: `S = Q·Kᵀ/sqrt(hs)` (NT, per batch and query head, kv head `h / gqaRatio`), causal
 *   softmax in place → P (kept for backward), `O = P·V` (NN);
 * - backward: `dP = dO·Vᵀ` (NT), `dS = P ⊙ (dP − Σ_u P·dP)` in place, `dQ = dS·K/sqrt(hs)` (NN),
 *   `dK = Σ_g dSᵀ·Q/sqrt(hs)` and `dV = Σ_g Pᵀ·dO` (TN, accumulated over the group's query heads in
 *   a fixed order). Deterministic; no atomics. The products skip the causally masked half: score tiles
 *   above the diagonal are not computed, and products over keys stop (or start) at the diagonal.
 *
 * Other mixers (`scaling/count/mixer.ts`, the formulas of `kernels/reference/mixers.ts`) reuse the products:
 * - `window`: the same, with the softmax (forward) over `t − window < u ≤ t` only; its backward is the
 *   softmax's, since P is zero outside the window;
 * - `taylor` and `power`: `S = Q·Kᵀ` (no scale, q/k size d') into a kept `scores` buffer, then a row kernel
 *   `P = f(S) / Z` with `Z = Σ_u f(S)` (+ ε for power) kept in `rowSum`; backward
 *   `dS = (dP − Σ_u P·dP) / Z · f'(S)`, then `dQ = dS·K`, `dK = Σ_g dSᵀ·Q`, `dV = Σ_g Pᵀ·dO` as above.
 * @module
 */
import type { Dispatch, GpuContext } from "./context.ts";
import { grid1d, u32 } from "./context.ts";
import { matmulDispatch, type MatmulTile } from "./matmul.ts";
import type { AttentionDims } from "./attention.ts";
import { ENTRY, GROUP_INDEX, TREE_SUM, WG } from "./wgsl.ts";
import { type Mixer, POWER_EPS } from "../../scaling/count/mixer.ts";

/** Shape of a dense attention call: attention's, plus the mixer and its q/k size. */
export interface DenseAttentionDims extends AttentionDims {
  /** Per-head size of q and k (default headSize; a linear mixer's d'). */
  readonly keyDim?: number;
  /** The mixer (default softmax). */
  readonly mixer?: Mixer;
}

/** Whether the dense attention of `d` keeps raw scores and row sums (the linear kinds). */
export function denseKeepsScores(d: DenseAttentionDims): boolean {
  return d.mixer?.kind === "taylor" || d.mixer?.kind === "power";
}

/** WGSL: the window softmax, in place over the row's visible keys `lo ≤ u ≤ t`. */
function windowSoftmax(window: number): string {
  return `
struct Params { rows: u32, T: u32 }
@group(0) @binding(0) var<storage, read_write> s: array<f32>;
@group(0) @binding(1) var<uniform> p: Params;
${TREE_SUM}
${ENTRY} {
  ${GROUP_INDEX}
  if (row >= p.rows) { return; }
  let t = row % p.T;
  let o = row * p.T;
  let lo = select(0u, t + 1u - ${window}u, t + 1u > ${window}u);
  var m = -3.0e38;
  for (var u = lo + li; u <= t; u += ${WG}u) { m = max(m, s[o + u]); }
  m = tree_max(li, m);
  var z = 0.0;
  for (var u = lo + li; u <= t; u += ${WG}u) { z += exp(s[o + u] - m); }
  let inv = 1.0 / tree_sum(li, z);
  for (var u = li; u < p.T; u += ${WG}u) {
    var v = 0.0;
    if (u >= lo && u <= t) { v = exp(s[o + u] - m) * inv; }
    s[o + u] = v;
  }
}`;
}

/** WGSL functions \`f(s)\` and \`df(s)\` of a linear mixer over q/k size \`d\`, and its row-sum ε. */
function linearScoreWgsl(mixer: Mixer, d: number): string {
  if (mixer.kind === "taylor") {
    const c1 = 1 / Math.sqrt(d), c2 = 1 / (2 * d), c3 = 1 / d;
    return `const EPS = 0.0;
fn f(s: f32) -> f32 { return 1.0 + s * ${c1} + s * s * ${c2}; }
fn df(s: f32) -> f32 { return ${c1} + s * ${c3}; }`;
  }
  if (mixer.kind === "power") {
    return `const EPS = ${POWER_EPS};
fn f(s: f32) -> f32 { var a = 1.0; for (var i = 0u; i < ${mixer.power}u; i++) { a *= s; } return a; }
fn df(s: f32) -> f32 { var a = ${mixer.power}.0; for (var i = 1u; i < ${mixer.power}u; i++) { a *= s; } return a; }`;
  }
  throw new Error(`dense attention: mixer kind "${mixer.kind}" is not linear`);
}

/** WGSL: P = f(S) / Z over u ≤ t (zero above), Z = Σ f(S) + EPS kept per row. */
function linearForward(mixer: Mixer, d: number): string {
  return `
struct Params { rows: u32, T: u32 }
@group(0) @binding(0) var<storage, read> sc: array<f32>;
@group(0) @binding(1) var<storage, read_write> pr: array<f32>;
@group(0) @binding(2) var<storage, read_write> zrow: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
${linearScoreWgsl(mixer, d)}
${TREE_SUM}
${ENTRY} {
  ${GROUP_INDEX}
  if (row >= p.rows) { return; }
  let t = row % p.T;
  let o = row * p.T;
  var z = 0.0;
  for (var u = li; u <= t; u += ${WG}u) { z += f(sc[o + u]); }
  let zs = tree_sum(li, z) + EPS;
  if (li == 0u) { zrow[row] = zs; }
  for (var u = li; u < p.T; u += ${WG}u) {
    var v = 0.0;
    if (u <= t) { v = f(sc[o + u]) / zs; }
    pr[o + u] = v;
  }
}`;
}

/** WGSL: dS = (dP − Σ_u P·dP) / Z · f'(S) over u ≤ t, in place over dP (zero above). */
function linearBackward(mixer: Mixer, d: number): string {
  return `
struct Params { rows: u32, T: u32 }
@group(0) @binding(0) var<storage, read> pr: array<f32>;
@group(0) @binding(1) var<storage, read> sc: array<f32>;
@group(0) @binding(2) var<storage, read> zrow: array<f32>;
@group(0) @binding(3) var<storage, read_write> dd: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;
${linearScoreWgsl(mixer, d)}
${TREE_SUM}
${ENTRY} {
  ${GROUP_INDEX}
  if (row >= p.rows) { return; }
  let t = row % p.T;
  let o = row * p.T;
  var acc = 0.0;
  for (var u = li; u <= t; u += ${WG}u) { acc = fma(pr[o + u], dd[o + u], acc); }
  let dot = tree_sum(li, acc);
  let zs = zrow[row];
  for (var u = li; u < p.T; u += ${WG}u) {
    var v = 0.0;
    if (u <= t) { v = (dd[o + u] - dot) / zs * df(sc[o + u]); }
    dd[o + u] = v;
  }
}`;
}

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

function layouts(d: DenseAttentionDims) {
  const T = d.seqLen, hs = d.headSize, hq = d.numQueryHeads, hkv = d.numKvHeads, g = hq / hkv;
  const dk = d.keyDim ?? hs;
  return {
    g,
    dk,
    q: { batch: T * hq * dk, head: dk }, // Q, dQ: [B·T, hq·dk]
    o: { batch: T * hq * hs, head: hs }, // O, dO: [B·T, hq·hs]
    k: { batch: T * hkv * dk, head: dk, div: g }, // K read by query head h
    v: { batch: T * hkv * hs, head: hs, div: g }, // V read by query head h
    s: { batch: hq * T * T, head: T * T }, // S, P, dP: [B, hq, T, T]
    ldq: hq * dk,
    ldo: hq * hs,
    ldk: hkv * dk,
    ldv: hkv * hs,
  };
}

/** The score scale: 1/√hs for softmax and window, none for the linear kinds (their f has its own). */
function scoreScale(d: DenseAttentionDims): number | undefined {
  return denseKeepsScores(d) ? undefined : 1 / Math.sqrt(d.headSize);
}

/**
 * Records the dense forward: `probs` `[B, hq, T, T]` (kept) and o `[B·T, hq·hs]`; the linear kinds also
 * keep the raw `scores` (`denseScoresSize` floats) and `rowSum` (`[B, hq, T]`).
 */
export function denseAttentionForward(
  ctx: GpuContext,
  b: {
    q: GPUBuffer;
    k: GPUBuffer;
    v: GPUBuffer;
    o: GPUBuffer;
    probs: GPUBuffer;
    scores?: GPUBuffer;
    rowSum?: GPUBuffer;
  },
  d: DenseAttentionDims,
  opts: {
    /** Matmul tile of the score products (default `DEFAULT_TILE`). */
    readonly tile?: MatmulTile;
  } = {},
): Dispatch[] {
  const tile = opts.tile;
  const T = d.seqLen, hs = d.headSize, L = layouts(d);
  const batch = { batches: d.batch, heads: d.numQueryHeads };
  const rows = d.batch * d.numQueryHeads * T;
  const linear = denseKeepsScores(d);
  if (linear && (b.scores === undefined || b.rowSum === undefined)) {
    throw new Error(`dense attention: mixer ${d.mixer?.kind} needs scores and rowSum buffers`);
  }
  const scores = linear ? b.scores! : b.probs;
  const rowKernel = (): Dispatch => {
    const m = d.mixer;
    if (m?.kind === "window") {
      return ctx.dispatch("attention_window_softmax", windowSoftmax(m.window), [
        b.probs,
        ctx.uniform("attention_window_softmax", [u32(rows), u32(T)]),
      ], grid1d(rows));
    }
    if (linear) {
      return ctx.dispatch("attention_linear", linearForward(m!, L.dk), [
        scores,
        b.probs,
        b.rowSum!,
        ctx.uniform("attention_linear", [u32(rows), u32(T)]),
      ], grid1d(rows));
    }
    return ctx.dispatch("attention_softmax", SOFTMAX, [
      b.probs,
      ctx.uniform("attention_softmax", [u32(rows), u32(T)]),
    ], grid1d(rows));
  };
  return [
    ...matmulDispatch(ctx, b.q, b.k, scores, {
      m: T,
      n: T,
      k: L.dk,
      transB: true,
      lda: L.ldq,
      ldb: L.ldk,
      ldc: T,
      causal: "skipUpper",
      alpha: scoreScale(d),
      batch: { ...batch, a: L.q, b: L.k, c: L.s },
      tile,
    }),
    rowKernel(),
    ...matmulDispatch(ctx, b.probs, b.v, b.o, {
      m: T,
      n: hs,
      k: T,
      lda: T,
      ldb: L.ldv,
      ldc: L.ldo,
      causal: "kToRow",
      batch: { ...batch, a: L.s, b: L.v, c: L.o },
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
    scores?: GPUBuffer;
    rowSum?: GPUBuffer;
  },
  d: DenseAttentionDims,
  opts: {
    /** Matmul tile of the score products (default `DEFAULT_TILE`). */
    readonly tile?: MatmulTile;
  } = {},
): Dispatch[] {
  const tile = opts.tile;
  const T = d.seqLen, hs = d.headSize, L = layouts(d), scale = scoreScale(d);
  const batch = { batches: d.batch, heads: d.numQueryHeads };
  const rows = d.batch * d.numQueryHeads * T;
  const linear = denseKeepsScores(d);
  if (linear && (b.scores === undefined || b.rowSum === undefined)) {
    throw new Error(`dense attention: mixer ${d.mixer?.kind} needs scores and rowSum buffers`);
  }
  const rowKernel = linear
    ? ctx.dispatch("attention_linear_backward", linearBackward(d.mixer!, L.dk), [
      b.probs,
      b.scores!,
      b.rowSum!,
      b.dprobs,
      ctx.uniform("attention_linear_backward", [u32(rows), u32(T)]),
    ], grid1d(rows))
    : ctx.dispatch(
      "attention_softmax_backward",
      SOFTMAX_BACKWARD,
      [b.probs, b.dprobs, ctx.uniform("attention_softmax_backward", [u32(rows), u32(T)])],
      grid1d(rows),
    );
  const out: Dispatch[] = [
    ...matmulDispatch(ctx, b.dout, b.v, b.dprobs, {
      m: T,
      n: T,
      k: hs,
      transB: true,
      lda: L.ldo,
      ldb: L.ldv,
      ldc: T,
      causal: "skipUpper",
      batch: { ...batch, a: L.o, b: L.v, c: L.s },
      tile,
    }),
    rowKernel,
    ...matmulDispatch(ctx, b.dprobs, b.k, b.dq, {
      m: T,
      n: L.dk,
      k: T,
      lda: T,
      ldb: L.ldk,
      ldc: L.ldq,
      causal: "kToRow",
      alpha: scale,
      batch: { ...batch, a: L.s, b: L.k, c: L.q },
      tile,
    }),
  ];
  // dK, dV per kv head: sum over the group's query heads g = 0..G-1 in order
  const kvBatch = { batches: d.batch, heads: d.numKvHeads };
  const kOut = { batch: L.k.batch, head: L.dk }, vOut = { batch: L.v.batch, head: hs };
  for (let g = 0; g < L.g; g++) {
    const sHead = { ...L.s, mul: L.g, add: g };
    const qHead = { batch: L.q.batch, head: L.dk, mul: L.g, add: g };
    const oHead = { batch: L.o.batch, head: hs, mul: L.g, add: g };
    const common = {
      m: T,
      k: T,
      transA: true,
      lda: T,
      accumulate: g > 0,
      causal: "kFromRow" as const,
      tile,
    };
    out.push(
      ...matmulDispatch(ctx, b.dprobs, b.q, b.dk, {
        ...common,
        n: L.dk,
        ldb: L.ldq,
        ldc: L.ldk,
        alpha: scale,
        batch: { ...kvBatch, a: sHead, b: qHead, c: kOut },
      }),
      ...matmulDispatch(ctx, b.probs, b.dout, b.dv, {
        ...common,
        n: hs,
        ldb: L.ldo,
        ldc: L.ldv,
        batch: { ...kvBatch, a: sHead, b: oHead, c: vOut },
      }),
    );
  }
  return out;
}
