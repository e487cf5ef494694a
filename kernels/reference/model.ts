/**
 * The whole Gemstones decoder in float64 on the CPU, forward and backward, composed from `layers.ts`.
 *
 * Tokens are `batchSize` sequences of `T + 1` tokens each (`T = tokens.length / batchSize − 1 ≤ cfg.seqLen`):
 * inputs are positions `[0, T)`, targets `[1, T]`. Per layer l (pre-norm residual blocks):
 * `a = rmsnorm(x, attn_norm)`, `q = rope(a·wq)`, `k = rope(a·wk)`, `v = a·wv`,
 * `x = x + attention(q, k, v)·wo`; `m = rmsnorm(x, mlp_norm)`,
 * `x = x + (gelu_tanh(m·w_gate) ⊙ (m·w_up))·w_down`. Then `logits = rmsnorm(x, final_norm)·lm_head`
 * and the loss is the mean softmax cross-entropy in nats/token.
 * @module
 */
import { type ModelConfig, numKvHeads, numQueryHeads, parameterSpecs } from "../types.ts";
import {
  attentionBackward,
  attentionForward,
  type AttentionShape,
  embeddingBackward,
  embeddingForward,
  gegluBackward,
  gegluForward,
  matmulBackward,
  matmulForward,
  residualForward,
  rmsnormBackward,
  rmsnormForward,
  ropeBackward,
  ropeForward,
  softmaxCrossEntropy,
} from "./layers.ts";

/** Loss (nats/token, mean over all target positions) and gradients in `parameterSpecs` order. */
export interface ForwardBackwardResult {
  /** Mean cross-entropy, nats/token. */
  readonly loss: number;
  /** d loss / d parameter, one tensor per `parameterSpecs(cfg)` entry. */
  readonly grads: Float64Array[];
}

/** Splits `batchSize · (T+1)` tokens into inputs and targets `[batchSize · T]`; returns them with T. */
export function splitTokens(
  tokens: ArrayLike<number>,
  batchSize: number,
): { inputs: Int32Array; targets: Int32Array; seqLen: number } {
  if (!Number.isInteger(batchSize) || batchSize <= 0) {
    throw new Error(`tokens: batchSize must be a positive integer, got ${batchSize}`);
  }
  if (tokens.length % batchSize !== 0 || tokens.length / batchSize < 2) {
    throw new Error(
      `tokens: length ${tokens.length} is not batchSize ${batchSize} × (seqLen + 1) with seqLen ≥ 1`,
    );
  }
  const T = tokens.length / batchSize - 1;
  const inputs = new Int32Array(batchSize * T);
  const targets = new Int32Array(batchSize * T);
  for (let b = 0; b < batchSize; b++) {
    for (let t = 0; t < T; t++) {
      inputs[b * T + t] = tokens[b * (T + 1) + t];
      targets[b * T + t] = tokens[b * (T + 1) + t + 1];
    }
  }
  return { inputs, targets, seqLen: T };
}

function checkParams(cfg: ModelConfig, params: ArrayLike<number>[]): void {
  const specs = parameterSpecs(cfg);
  if (params.length !== specs.length) {
    throw new Error(`params: expected ${specs.length} tensors (parameterSpecs order), got ${params.length}`);
  }
  specs.forEach((s, i) => {
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (params[i].length !== n) {
      throw new Error(`params: tensor ${i} "${s.name}" has ${params[i].length} values, expected ${n}`);
    }
  });
}

interface LayerCache {
  xIn: Float64Array;
  a: Float64Array;
  aRstd: Float64Array;
  q: Float64Array;
  k: Float64Array;
  v: Float64Array;
  probs: Float64Array;
  att: Float64Array;
  xMid: Float64Array;
  m: Float64Array;
  mRstd: Float64Array;
  gate: Float64Array;
  up: Float64Array;
  h: Float64Array;
}

function toF64(p: ArrayLike<number>): Float64Array {
  return p instanceof Float64Array ? p : Float64Array.from(p);
}

function run(
  cfg: ModelConfig,
  rawParams: ArrayLike<number>[],
  tokens: ArrayLike<number>,
  batchSize: number,
  withGrad: boolean,
): ForwardBackwardResult {
  checkParams(cfg, rawParams);
  const params = rawParams.map(toF64);
  const { inputs, targets, seqLen: T } = splitTokens(tokens, batchSize);
  if (T > cfg.seqLen) throw new Error(`tokens: sequence length ${T} exceeds cfg.seqLen ${cfg.seqLen}`);
  const B = batchSize, N = B * T, w = cfg.width, hs = cfg.headSize, V = cfg.vocabSize;
  const hq = numQueryHeads(cfg), hkv = numKvHeads(cfg), mdim = cfg.mlpRatio * w;
  const shape: AttentionShape = { batch: B, seqLen: T, numQueryHeads: hq, numKvHeads: hkv, headSize: hs };
  const P = 9; // tensors per layer
  const li = (l: number, j: number) => 1 + l * P + j;

  let x = embeddingForward(params[0], inputs, V, w);
  const caches: LayerCache[] = [];
  for (let l = 0; l < cfg.depth; l++) {
    const [gA, wq, wk, wv, wo, gM, wg, wu, wd] = Array.from({ length: P }, (_, j) => params[li(l, j)]);
    const xIn = x;
    const { y: a, rstd: aRstd } = rmsnormForward(xIn, gA, N, w, cfg.normEps);
    const q = ropeForward(matmulForward(a, wq, N, w, hq * hs), B, T, hq, hs, cfg.ropeTheta);
    const k = ropeForward(matmulForward(a, wk, N, w, hkv * hs), B, T, hkv, hs, cfg.ropeTheta);
    const v = matmulForward(a, wv, N, w, hkv * hs);
    const { out: att, probs } = attentionForward(q, k, v, shape);
    const xMid = residualForward(xIn, matmulForward(att, wo, N, hq * hs, w));
    const { y: m, rstd: mRstd } = rmsnormForward(xMid, gM, N, w, cfg.normEps);
    const gate = matmulForward(m, wg, N, w, mdim);
    const up = matmulForward(m, wu, N, w, mdim);
    const h = gegluForward(gate, up);
    x = residualForward(xMid, matmulForward(h, wd, N, mdim, w));
    if (withGrad) caches.push({ xIn, a, aRstd, q, k, v, probs, att, xMid, m, mRstd, gate, up, h });
  }
  const gF = params[1 + cfg.depth * P], head = params[2 + cfg.depth * P];
  const { y: xf, rstd: fRstd } = rmsnormForward(x, gF, N, w, cfg.normEps);
  const logits = matmulForward(xf, head, N, w, V);
  const { loss, dlogits } = softmaxCrossEntropy(logits, targets, N, V);
  if (!withGrad) return { loss, grads: [] };

  const grads: Float64Array[] = params.map((p) => new Float64Array(p.length));
  const headG = matmulBackward(xf, head, dlogits, N, w, V);
  grads[2 + cfg.depth * P] = headG.dW;
  const fG = rmsnormBackward(x, gF, fRstd, headG.dx, N, w);
  grads[1 + cfg.depth * P] = fG.dg;
  let dx = fG.dx;
  for (let l = cfg.depth - 1; l >= 0; l--) {
    const c = caches[l];
    const [gA, wq, wk, wv, wo, gM, wg, wu, wd] = Array.from({ length: P }, (_, j) => params[li(l, j)]);
    // MLP branch: x = xMid + h·wd
    const dH = matmulBackward(c.h, wd, dx, N, mdim, w);
    grads[li(l, 8)] = dH.dW;
    const { dgate, dup } = gegluBackward(c.gate, c.up, dH.dx);
    const dG = matmulBackward(c.m, wg, dgate, N, w, mdim);
    const dU = matmulBackward(c.m, wu, dup, N, w, mdim);
    grads[li(l, 6)] = dG.dW;
    grads[li(l, 7)] = dU.dW;
    const dm = residualForward(dG.dx, dU.dx);
    const mN = rmsnormBackward(c.xMid, gM, c.mRstd, dm, N, w);
    grads[li(l, 5)] = mN.dg;
    const dxMid = residualForward(dx, mN.dx);
    // attention branch: xMid = xIn + att·wo
    const dO = matmulBackward(c.att, wo, dxMid, N, hq * hs, w);
    grads[li(l, 4)] = dO.dW;
    const { dq, dk, dv } = attentionBackward(c.q, c.k, c.v, c.probs, dO.dx, shape);
    const dqPre = ropeBackward(dq, B, T, hq, hs, cfg.ropeTheta);
    const dkPre = ropeBackward(dk, B, T, hkv, hs, cfg.ropeTheta);
    const dQ = matmulBackward(c.a, wq, dqPre, N, w, hq * hs);
    const dK = matmulBackward(c.a, wk, dkPre, N, w, hkv * hs);
    const dV = matmulBackward(c.a, wv, dv, N, w, hkv * hs);
    grads[li(l, 1)] = dQ.dW;
    grads[li(l, 2)] = dK.dW;
    grads[li(l, 3)] = dV.dW;
    const da = new Float64Array(N * w);
    for (let i = 0; i < da.length; i++) da[i] = dQ.dx[i] + dK.dx[i] + dV.dx[i];
    const aN = rmsnormBackward(c.xIn, gA, c.aRstd, da, N, w);
    grads[li(l, 0)] = aN.dg;
    dx = residualForward(dxMid, aN.dx);
  }
  grads[0] = embeddingBackward(dx, inputs, V, w);
  return { loss, grads };
}

/**
 * Runs forward and backward on `batchSize` sequences of `T+1` tokens; returns the mean loss
 * (nats/token) and the gradients in `parameterSpecs(cfg)` order (float64).
 */
export function referenceForwardBackward(
  cfg: ModelConfig,
  params: ArrayLike<number>[],
  tokens: ArrayLike<number>,
  batchSize: number,
): ForwardBackwardResult {
  return run(cfg, params, tokens, batchSize, true);
}

/** Returns the mean cross-entropy loss (nats/token) of a batch, forward only. */
export function referenceLoss(
  cfg: ModelConfig,
  params: ArrayLike<number>[],
  tokens: ArrayLike<number>,
  batchSize: number,
): number {
  return run(cfg, params, tokens, batchSize, false).loss;
}
