/**
 * Training FLOPs per token (forward + backward) of a decoder-only transformer, by several published
 * counting conventions. Every counter takes a {@link ShapeSpec} and returns FLOPs per trained token;
 * multiply by the number of training tokens for the run's total FLOPs.
 * @module
 */
import { blockMatrixParams, gemstonesParams, gemstonesParamsNoEmbeds } from "./params.ts";
import { resolveShape, shapeKvHeads, shapeQueryHeads, type ShapeSpec } from "./shape.ts";

/**
 * Returns training FLOPs per token by the Gemstones counting function (seed 002 Appendix G,
 * `flops_per_token_gqa`): GQA projections, RoPE, causal (halved) score FLOPs, softmax, GEGLU MLP
 * (three matmuls plus 10 FLOPs per hidden unit), two RMSNorms per block (7 FLOPs per element), residual
 * additions, final RMSNorm and logits; flash-attention backward (2× projections, 2.5× score ops);
 * embedding lookups cost 0. Head counts are fractional (`w / hs`), as in the printed function.
 */
export function gemstonesFlopsPerToken(shape: ShapeSpec): number {
  const r = resolveShape(shape);
  const s = r.seqLen, w = r.width, hs = r.headSize, depth = r.depth;
  const qHeads = w / hs;
  const kvHeads = 2 * qHeads / r.gqaRatio; // key heads plus value heads
  const embeddings = 0;
  let attention = 2.0 * s * (qHeads + kvHeads) * w * hs;
  attention += 3.5 * s * (qHeads + kvHeads / 2) * hs; // RoPE on queries and keys
  const kqLogits = 1.0 * s * s * hs * qHeads;
  const softmax = 3.0 * s * s * qHeads;
  const softmaxQReduction = 2.0 * s * s * hs * qHeads;
  const finalLinear = 2.0 * s * w * hs * qHeads;
  const attentionBackward = (2.0 * attention + 2.5 * (kqLogits + softmax + softmaxQReduction) +
    2.0 * finalLinear) * depth;
  attention += kqLogits + softmax + softmaxQReduction + finalLinear;
  const ffwSize = r.mlpRatio * w;
  let denseBlock = 6.0 * s * w * ffwSize;
  denseBlock += 10 * s * ffwSize;
  denseBlock += 2.0 * w * s;
  const rmsnorm = 2 * 7.0 * w * s;
  const finalRmsNorm = 7.0 * w * s;
  const finalLogits = 2.0 * s * w * r.vocabSize;
  const nonAttentionBackward = 2.0 *
    (embeddings + depth * (denseBlock + rmsnorm) + finalRmsNorm + finalLogits);
  const forward = embeddings + depth * (attention + denseBlock + rmsnorm) + finalRmsNorm + finalLogits;
  const backward = attentionBackward + nonAttentionBackward;
  return (forward + backward) / s;
}

/** Options of {@link sixNFlopsPerToken}. */
export interface SixNOptions {
  /** Whether N includes the input embedding and LM head (`true`) or drops both (`false`). */
  embeddings: boolean;
}

/**
 * Returns `6·N` FLOPs per token (seed 001 eq. 58; Kaplan et al. 2020), N = {@link gemstonesParams} with
 * embeddings, or {@link gemstonesParamsNoEmbeds} with `drop_both` without.
 */
export function sixNFlopsPerToken(shape: ShapeSpec, options: SixNOptions = { embeddings: true }): number {
  return 6 * (options.embeddings ? gemstonesParams(shape) : gemstonesParamsNoEmbeds(shape, "drop_both"));
}

/**
 * Returns Kaplan et al. (2020, Table 1) training FLOPs per token: forward `2N + 2·n_layer·n_ctx·d_attn`
 * with N the non-embedding weight-matrix parameters (attention and MLP matrices of the shape, integer
 * heads) and `d_attn = h·hs`; training = 3 × forward.
 */
export function kaplanFlopsPerToken(shape: ShapeSpec): number {
  const r = resolveShape(shape);
  const n = r.depth * blockMatrixParams(r);
  const dAttn = shapeQueryHeads(r) * r.headSize;
  return 3 * (2 * n + 2 * r.depth * r.seqLen * dAttn);
}

/**
 * Returns Hoffmann et al. (2022, Appendix F) training FLOPs per token: embeddings `2·V·w`; per layer
 * KQV projections `2·w·hs·(h + 2·h_kv)`, logits `2·S·hs·h`, softmax `3·h·S`, softmax-times-values
 * `2·S·hs·h`, output projection `2·hs·h·w`, MLP `2·k·w·m` over its k matrices (GEGLU: 3); final logits
 * `2·w·V`; backward = 2 × forward. Integer head counts.
 */
export function chinchillaFlopsPerToken(shape: ShapeSpec): number {
  const r = resolveShape(shape);
  const s = r.seqLen, w = r.width, hs = r.headSize;
  const h = shapeQueryHeads(r), hkv = shapeKvHeads(r);
  const embeddings = 2 * r.vocabSize * w;
  const attention = 2 * w * hs * (h + 2 * hkv) + 2 * s * hs * h + 3 * h * s + 2 * s * hs * h + 2 * hs * h * w;
  const dense = 2 * 3 * w * (r.mlpRatio * w);
  const logits = 2 * w * r.vocabSize;
  return 3 * (embeddings + r.depth * (attention + dense) + logits);
}

/** Options of {@link seed004FlopsPerToken}. */
export interface Seed004Options {
  /** Activation checkpointing: 4 matmuls per forward matmul instead of 3. */
  checkpointing: boolean;
}

/**
 * Returns training FLOPs per token by per-layer matmul counting (seed 004, "FLOPs in training"):
 * forward matmuls per layer: q/k/v/o projections `2·(w·hs·(h + 2·h_kv) + h·hs·w)`, attention mechanism
 * `2·2·S·h·hs`, MLP `2·3·w·m` (GEGLU's three matrices); unembedding `2·w·V`; each forward matmul costs
 * 3× in training (4× with activation checkpointing); the embedding lookup adds `w` once.
 */
export function seed004FlopsPerToken(
  shape: ShapeSpec,
  options: Seed004Options = { checkpointing: false },
): number {
  const r = resolveShape(shape);
  const w = r.width, hs = r.headSize;
  const h = shapeQueryHeads(r), hkv = shapeKvHeads(r);
  const perLayer = 2 * (w * hs * (h + 2 * hkv) + h * hs * w) + 2 * 2 * r.seqLen * h * hs +
    2 * 3 * w * (r.mlpRatio * w);
  const matmulForward = r.depth * perLayer + 2 * w * r.vocabSize;
  return (options.checkpointing ? 4 : 3) * matmulForward + w;
}

/**
 * Returns training (model) FLOPs per token of seed 001 eq. 57, `C = 12·B·D·L·S·(S + (2+E)·D)` divided
 * by the `B·S` tokens: `12·w·L·(S + (2+E)·w)`, E = mlpRatio. Like eq. 57 it omits the LM head
 * (footnote 46) and assumes full-width q/k/v and a two-matrix MLP.
 */
export function seed001FlopsPerToken(shape: ShapeSpec): number {
  const r = resolveShape(shape);
  return 12 * r.width * r.depth * (r.seqLen + (2 + r.mlpRatio) * r.width);
}

/** Name of a FLOP counter in {@link FLOP_COUNTERS}. */
export type FlopCounterName =
  | "gemstones"
  | "6N"
  | "6N_no_embeds"
  | "kaplan"
  | "chinchilla"
  | "seed004"
  | "seed004_ckpt"
  | "seed001";

/** Every training FLOPs-per-token counter by name (keys: {@link FlopCounterName}); each returns FLOPs per token. */
export const FLOP_COUNTERS: Readonly<Record<string, (shape: ShapeSpec) => number>> = {
  gemstones: gemstonesFlopsPerToken,
  "6N": (shape) => sixNFlopsPerToken(shape, { embeddings: true }),
  "6N_no_embeds": (shape) => sixNFlopsPerToken(shape, { embeddings: false }),
  kaplan: kaplanFlopsPerToken,
  chinchilla: chinchillaFlopsPerToken,
  seed004: (shape) => seed004FlopsPerToken(shape, { checkpointing: false }),
  seed004_ckpt: (shape) => seed004FlopsPerToken(shape, { checkpointing: true }),
  seed001: seed001FlopsPerToken,
};

/** Returns the FLOPs-per-token counter named `name`; throws naming the known counters if there is none. */
export function flopCounterByName(name: string): (shape: ShapeSpec) => number {
  const counter = Object.hasOwn(FLOP_COUNTERS, name) ? FLOP_COUNTERS[name] : undefined;
  if (!counter) {
    throw new Error(`unknown FLOP counter "${name}" (known: ${Object.keys(FLOP_COUNTERS).join(", ")})`);
  }
  return counter;
}
