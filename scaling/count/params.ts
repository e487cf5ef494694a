/**
 * Parameter counts of the Gemstones architecture (seed 002 §3): a Gemma-style decoder with grouped-query
 * attention, a GEGLU MLP, two RMSNorms per block, a final RMSNorm, and untied input embedding and LM head.
 * @module
 */
import { resolveShape, type ShapeSpec } from "./shape.ts";

/** How embedding parameters are removed: both matrices (input + LM head) or only one of them. */
export type EmbeddingConvention = "drop_both" | "drop_one";

/**
 * Returns the weight-matrix parameters of one block (attention + MLP, no norms): q, k, v and output
 * projections with integer head counts, plus the GEGLU MLP's three matrices `3 · mlpRatio · w²`.
 * `queryKeyDim` is the per-head size of q and k (default headSize; a linear mixer's feature dimension d').
 */
export function blockMatrixParams(shape: ShapeSpec, queryKeyDim?: number): number {
  const r = resolveShape(shape);
  const hq = Math.max(1, Math.floor(r.width / r.headSize)), hkv = Math.max(1, Math.floor(hq / r.gqaRatio));
  const dqk = queryKeyDim ?? r.headSize;
  const attention = r.width * (hq + hkv) * dqk + r.width * hkv * r.headSize + r.headSize * hq * r.width;
  const mlp = 3 * r.mlpRatio * r.width * r.width;
  return attention + mlp;
}

/**
 * Returns the total parameter count (a number of scalars) including the input embedding and the untied
 * LM head: `d · [w·(h + 2·h_kv)·hs + hs·h·w + 3·E·w² + 2w] + 2·V·w + w`, which at the paper's settings
 * (hs = 128, h_kv = h/2, E = 4) is seed 002's `d·[w·(h + 2·(h/2))·128 + 128·h·w + 12w² + 2w] + 2Vw + w`.
 * Equals `params_active_precise` of the 22 Gemstones models.
 */
export function gemstonesParams(shape: ShapeSpec): number {
  const r = resolveShape(shape);
  return r.depth * (blockMatrixParams(r) + 2 * r.width) + 2 * r.vocabSize * r.width + r.width;
}

/**
 * Returns the parameter count without embeddings: `drop_both` removes the input embedding and the LM
 * head (`2·V·w`), `drop_one` removes only one `V·w` matrix (the count a tied-embedding model would use).
 */
export function gemstonesParamsNoEmbeds(shape: ShapeSpec, convention: EmbeddingConvention): number {
  const r = resolveShape(shape);
  const total = gemstonesParams(r);
  if (convention === "drop_both") return total - 2 * r.vocabSize * r.width;
  if (convention === "drop_one") return total - r.vocabSize * r.width;
  throw new Error(`gemstonesParamsNoEmbeds: unknown convention "${String(convention)}"`);
}

/**
 * Returns the parameter count with fractional head counts (`h = w / hs`, `h_kv = h / gqaRatio`), a
 * smooth function of width and depth used when the head-count integer constraint is relaxed
 * (seed 002 Appendix D). Equals {@link gemstonesParams} when the head counts are integers.
 */
export function gemstonesParamsContinuous(shape: ShapeSpec): number {
  const r = resolveShape(shape);
  const hq = r.width / r.headSize, hkv = hq / r.gqaRatio;
  const block = r.width * (hq + 2 * hkv) * r.headSize + r.headSize * hq * r.width +
    3 * r.mlpRatio * r.width * r.width + 2 * r.width;
  return r.depth * block + 2 * r.vocabSize * r.width + r.width;
}
