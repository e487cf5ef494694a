/**
 * Training FLOPs per token of the trainer's model, counted with a documented closed form so that the
 * training log can report achieved FLOP/s. The kernels do not depend on `scaling/`; the science library
 * has its own (more detailed) counting functions, this one is the common "6N + attention" estimate.
 *
 * Counting rule (one multiply-add = 2 FLOPs; backward = 2 × forward, so training = 3 × forward):
 * - `N` = parameters that take part in a matrix multiply: per layer wq, wk, wv, wo, w_gate, w_up, w_down,
 *   plus the LM head. The input embedding is a table lookup and the RMSNorm gains are elementwise, so
 *   neither is counted. Forward cost `2N` per token.
 * - Attention scores Q·Kᵀ and the weighted sum A·V: each costs `2 · headSize · numQueryHeads` FLOPs per
 *   (query, key) pair per layer. With a causal mask a query at position t attends to t + 1 keys, so the
 *   mean context is (seqLen + 1) / 2 keys. Forward: `2 · 2 · depth · width_attn · (seqLen + 1) / 2`
 *   where `width_attn = headSize · numQueryHeads` (= width).
 *
 * Total: `flopsPerToken = 6 · N + 6 · depth · width_attn · (seqLen + 1)`.
 *
 * A linear mixer (`scaling/count/mixer.ts`) has q/k of d' per head: wq and wk count `d'` columns per head and
 * Q·Kᵀ costs `2 · d' · numQueryHeads` per pair, so the attention term is
 * `3 · depth · (d' + headSize) · numQueryHeads · (seqLen + 1)`, the parallel form as trained (the window's
 * dense kernels also compute every causal pair). For softmax (d' = headSize) it is the total above.
 * @module
 */

import { type ModelConfig, numKvHeads, numQueryHeads } from "../types.ts";
import { queryKeyDim } from "../../scaling/count/mixer.ts";

/** Returns the number of parameters that enter a matrix multiply (all but embedding and norm gains). */
export function matmulParams(cfg: ModelConfig): number {
  const w = cfg.width, hs = cfg.headSize, dqk = queryKeyDim(cfg);
  const hq = numQueryHeads(cfg), hkv = numKvHeads(cfg);
  const m = cfg.mlpRatio * w;
  const attn = w * hq * dqk + w * hkv * dqk + w * hkv * hs + hq * hs * w;
  const mlp = 3 * w * m;
  return cfg.depth * (attn + mlp) + w * cfg.vocabSize;
}

/** Returns the training FLOPs per token (forward + backward) of the model, see the module doc. */
export function trainFlopsPerToken(cfg: ModelConfig): number {
  const pairCost = (queryKeyDim(cfg) + cfg.headSize) * numQueryHeads(cfg);
  return 6 * matmulParams(cfg) + 3 * cfg.depth * pairCost * (cfg.seqLen + 1);
}
