/**
 * The whole Gemstones decoder in float64 on the CPU, forward and backward, composed from `layers.ts`.
 *
 * Tokens are `batchSize` sequences of `T + 1` tokens each (`T = tokens.length / batchSize − 1 ≤ cfg.seqLen`):
 * inputs are positions `[0, T)`, targets `[1, T]`. Per layer l (pre-norm residual blocks):
 * `a = rmsnorm(x, attn_norm)`, `q = rope(a·wq)`, `k = rope(a·wk)`, `v = a·wv`,
 * `x = x + mixer(q, k, v)·wo` (the config's mixer, `mixers.ts`; softmax attention by default); `m = rmsnorm(x, mlp_norm)`,
 * `x = x + (gelu_tanh(m·w_gate) ⊙ (m·w_up))·w_down`. Then `logits = rmsnorm(x, final_norm)·lm_head`
 * and the loss is the mean softmax cross-entropy in nats/token (weighted by per-target `weights` when given:
 * `Σ w·ℓ / Σ w`, the loss mask of a recall task), with the accuracy at the same positions.
 * @module
 */
import { type ModelConfig, nameTensors, numKvHeads, numQueryHeads, parameterSpecs } from "../types.ts";
import {
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
import { splitTokens } from "../batch.ts";
import { mixerBackward, type MixerCache, mixerForward, type MixerShape } from "./mixers.ts";
import { mixerOf, queryKeyDim } from "../../scaling/count/mixer.ts";

/** Loss (nats/token, mean over all target positions) and gradients in `parameterSpecs` order. */
export interface ForwardBackwardResult {
  /** Mean cross-entropy, nats/token (weighted by the per-target weights when given). */
  readonly loss: number;
  /** Fraction of targets (weighted likewise) whose logit is the row maximum (argmax = target). */
  readonly accuracy: number;
  /** d loss / d parameter, one tensor per `parameterSpecs(cfg)` entry. */
  readonly grads: Float64Array[];
}

function checkParams(cfg: ModelConfig, params: ArrayLike<number>[]): void {
  const specs = parameterSpecs(cfg);
  if (params.length !== specs.length) {
    throw new Error(`params: expected ${specs.length} tensors (parameterSpecs order), got ${params.length}`);
  }
  for (const s of specs) {
    if (params[s.index].length !== s.size) {
      throw new Error(
        `params: tensor ${s.index} "${s.name}" has ${params[s.index].length} values, expected ${s.size}`,
      );
    }
  }
}

interface LayerCache {
  xIn: Float64Array;
  a: Float64Array;
  aRstd: Float64Array;
  q: Float64Array;
  k: Float64Array;
  v: Float64Array;
  mix: MixerCache;
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
  weights?: ArrayLike<number>,
): ForwardBackwardResult {
  checkParams(cfg, rawParams);
  const params = rawParams.map(toF64);
  const { inputs, targets, seqLen: T } = splitTokens(tokens, batchSize);
  if (T > cfg.seqLen) throw new Error(`tokens: sequence length ${T} exceeds cfg.seqLen ${cfg.seqLen}`);
  const B = batchSize, N = B * T, w = cfg.width, hs = cfg.headSize, V = cfg.vocabSize;
  const hq = numQueryHeads(cfg), hkv = numKvHeads(cfg), mdim = cfg.mlpRatio * w;
  const dk = queryKeyDim(cfg), mixer = mixerOf(cfg);
  const shape: MixerShape = {
    batch: B,
    seqLen: T,
    numQueryHeads: hq,
    numKvHeads: hkv,
    headSize: hs,
    keyDim: dk,
  };
  const P = nameTensors(cfg, params);

  let x = embeddingForward(P.embed, inputs, V, w);
  const caches: LayerCache[] = [];
  for (let l = 0; l < cfg.depth; l++) {
    const L = P.layers[l];
    const xIn = x;
    const { y: a, rstd: aRstd } = rmsnormForward(xIn, L.attnNorm, N, w, cfg.normEps);
    const q = ropeForward(matmulForward(a, L.wq, N, w, hq * dk), B, T, hq, dk, cfg.ropeTheta);
    const k = ropeForward(matmulForward(a, L.wk, N, w, hkv * dk), B, T, hkv, dk, cfg.ropeTheta);
    const v = matmulForward(a, L.wv, N, w, hkv * hs);
    const { out: att, cache: mix } = mixerForward(q, k, v, shape, mixer);
    const xMid = residualForward(xIn, matmulForward(att, L.wo, N, hq * hs, w));
    const { y: m, rstd: mRstd } = rmsnormForward(xMid, L.mlpNorm, N, w, cfg.normEps);
    const gate = matmulForward(m, L.wGate, N, w, mdim);
    const up = matmulForward(m, L.wUp, N, w, mdim);
    const h = gegluForward(gate, up);
    x = residualForward(xMid, matmulForward(h, L.wDown, N, mdim, w));
    if (withGrad) caches.push({ xIn, a, aRstd, q, k, v, mix, att, xMid, m, mRstd, gate, up, h });
  }
  const { y: xf, rstd: fRstd } = rmsnormForward(x, P.finalNorm, N, w, cfg.normEps);
  const logits = matmulForward(xf, P.lmHead, N, w, V);
  const { loss, dlogits, accuracy } = softmaxCrossEntropy(logits, targets, N, V, weights);
  if (!withGrad) return { loss, accuracy, grads: [] };

  const grads: Float64Array[] = params.map((p) => new Float64Array(p.length));
  const G = nameTensors(cfg, grads);
  const headG = matmulBackward(xf, P.lmHead, dlogits, N, w, V);
  G.lmHead.set(headG.dW);
  const fG = rmsnormBackward(x, P.finalNorm, fRstd, headG.dx, N, w);
  G.finalNorm.set(fG.dg);
  let dx = fG.dx;
  for (let l = cfg.depth - 1; l >= 0; l--) {
    const c = caches[l], L = P.layers[l], GL = G.layers[l];
    // MLP branch: x = xMid + h·wd
    const dH = matmulBackward(c.h, L.wDown, dx, N, mdim, w);
    GL.wDown.set(dH.dW);
    const { dgate, dup } = gegluBackward(c.gate, c.up, dH.dx);
    const dG = matmulBackward(c.m, L.wGate, dgate, N, w, mdim);
    const dU = matmulBackward(c.m, L.wUp, dup, N, w, mdim);
    GL.wGate.set(dG.dW);
    GL.wUp.set(dU.dW);
    const dm = residualForward(dG.dx, dU.dx);
    const mN = rmsnormBackward(c.xMid, L.mlpNorm, c.mRstd, dm, N, w);
    GL.mlpNorm.set(mN.dg);
    const dxMid = residualForward(dx, mN.dx);
    // attention branch: xMid = xIn + att·wo
    const dO = matmulBackward(c.att, L.wo, dxMid, N, hq * hs, w);
    GL.wo.set(dO.dW);
    const { dq, dk: dkey, dv } = mixerBackward(c.q, c.k, c.v, c.mix, dO.dx, shape, mixer);
    const dqPre = ropeBackward(dq, B, T, hq, dk, cfg.ropeTheta);
    const dkPre = ropeBackward(dkey, B, T, hkv, dk, cfg.ropeTheta);
    const dQ = matmulBackward(c.a, L.wq, dqPre, N, w, hq * dk);
    const dK = matmulBackward(c.a, L.wk, dkPre, N, w, hkv * dk);
    const dV = matmulBackward(c.a, L.wv, dv, N, w, hkv * hs);
    GL.wq.set(dQ.dW);
    GL.wk.set(dK.dW);
    GL.wv.set(dV.dW);
    const da = new Float64Array(N * w);
    for (let i = 0; i < da.length; i++) da[i] = dQ.dx[i] + dK.dx[i] + dV.dx[i];
    const aN = rmsnormBackward(c.xIn, L.attnNorm, c.aRstd, da, N, w);
    GL.attnNorm.set(aN.dg);
    dx = residualForward(dxMid, aN.dx);
  }
  G.embed.set(embeddingBackward(dx, inputs, V, w));
  return { loss, accuracy, grads };
}

/**
 * Runs forward and backward on `batchSize` sequences of `T+1` tokens; returns the mean loss
 * (nats/token; weighted by `weights` `[batchSize · T]` when given) and the gradients in
 * `parameterSpecs(cfg)` order (float64).
 */
export function referenceForwardBackward(
  cfg: ModelConfig,
  params: ArrayLike<number>[],
  tokens: ArrayLike<number>,
  batchSize: number,
  weights?: ArrayLike<number>,
): ForwardBackwardResult {
  return run(cfg, params, tokens, batchSize, true, weights);
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

/**
 * Returns the loss (nats/token) and accuracy of a batch, forward only, both weighted by `weights`
 * `[batchSize · T]` when given (e.g. 1 at the answers of a recall task, 0 elsewhere).
 */
export function referenceEval(
  cfg: ModelConfig,
  params: ArrayLike<number>[],
  tokens: ArrayLike<number>,
  batchSize: number,
  weights?: ArrayLike<number>,
): { loss: number; accuracy: number } {
  const { loss, accuracy } = run(cfg, params, tokens, batchSize, false, weights);
  return { loss, accuracy };
}
