/**
 * WebGPU kernels and the `GpuBackend`: WGSL forward/backward kernels of every layer of the Gemstones
 * decoder (tiled matmul in NN/NT/TN forms, embedding, RMSNorm, RoPE, causal GQA attention, GEGLU,
 * fused softmax cross-entropy), deterministic global-norm clipping and AdamW, and the backend that
 * records one command buffer per optimizer step.
 * @module
 */
export { chooseTile, createGpuBackend, GpuBackend, type GpuBackendOptions } from "./backend.ts";
export { adapterIdentity, type Dispatch, GpuContext, type GpuContextOptions } from "./context.ts";
export {
  BIG_TILE,
  DEFAULT_TILE,
  LARGE_TILE,
  matmulDispatch,
  matmulSharedBytes,
  type MatmulSpec,
  type MatmulTile,
  matmulWgsl,
  TALL_TILE,
  TUNE_TILES,
  WIDE_TILE,
} from "./matmul.ts";
export { embeddingBackward, embeddingForward, tokenIndex, type VocabRange } from "./embedding.ts";
export { rmsnormBackward, rmsnormForward, rmsnormScratchSize } from "./rmsnorm.ts";
export { ropeDispatch, ropeTablesF32 } from "./rope.ts";
export { attentionBackward, type AttentionDims, attentionForward } from "./attention.ts";
export { denseAttentionBackward, denseAttentionForward, denseScoresSize } from "./attention_dense.ts";
export { copyDispatch } from "./elementwise.ts";
export { gegluBackward, gegluForward } from "./geglu.ts";
export {
  type CrossEntropyBlock,
  type CrossEntropyBlockBuffers,
  crossEntropyBlockGrad,
  crossEntropyBlockStats,
  crossEntropyRows,
  meanLoss,
} from "./cross_entropy.ts";
export { joinColumns, refineBounds, splitColumns, type SubBlock, vocabBounds } from "./vocab_split.ts";
export { adamw, gradNorm, packStep, STEP_BYTES } from "./optimizer.ts";
