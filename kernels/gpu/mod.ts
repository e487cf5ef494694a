/**
 * WebGPU kernels and the `GpuBackend`: WGSL forward/backward kernels of every layer of the Gemstones
 * decoder (tiled matmul in NN/NT/TN forms, embedding, RMSNorm, RoPE, causal GQA attention, GEGLU,
 * fused softmax cross-entropy), deterministic global-norm clipping and AdamW, and the backend that
 * records one command buffer per optimizer step.
 * @module
 */
export { createGpuBackend, GpuBackend, type GpuBackendOptions } from "./backend.ts";
export { chooseTile, MatmulTuner, type MatmulTunerOptions } from "./tuner.ts";
export { type BlockRef, type BoundBlock, ParameterStore, type StateGroup, type TensorRef } from "./state.ts";
export {
  type AttentionMode,
  type DispatchCounts,
  type RecordOptions,
  recordWorkspace,
  type Workspace,
} from "./recorder.ts";
export { type SharedBuffers, type StepPlan, stepPlan } from "./step_plan.ts";
export { type StepProducts, stepProducts } from "./products.ts";
export { isSoftwareAdapter, SOFTWARE_ADAPTER_WORDS } from "./software.ts";
export { type KernelTime, profileDispatches } from "./profile.ts";
export { NOMINAL_F32_PEAKS, type NominalPeak } from "./peaks.ts";
export {
  checkShaderF16,
  checkSubgroups,
  type FeatureCheck,
  halfBits,
  OPTIONAL_FEATURES,
  type OptionalFeature,
  verifyFeatures,
} from "./features.ts";
export { adapterIdentity, type Dispatch, GpuContext, type GpuContextOptions } from "./context.ts";
export {
  BIG_TILE,
  DEFAULT_TILE,
  type EpilogueKind,
  LARGE_TILE,
  type MatmulBatch,
  matmulDispatch,
  type MatmulEpilogue,
  matmulSharedBytes,
  type MatmulSpec,
  type MatmulTile,
  matmulWgsl,
  type OperandStrides,
  TALL_TILE,
  TUNE_TILES,
  WIDE_TILE,
} from "./matmul.ts";
export { embeddingBackward, embeddingForward, tokenIndex, type VocabRange } from "./embedding.ts";
export {
  columnSums,
  type ColumnSumSegment,
  rmsnormBackward,
  rmsnormBackwardFused,
  type RmsnormBackwardOptions,
  rmsnormForward,
  rmsnormScratchSize,
  type RmsnormShape,
} from "./rmsnorm.ts";
export { ropeDispatch, ropeQK, type RopeShape, ropeTablesF32 } from "./rope.ts";
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
  meanOneWeights,
  type RowWeights,
} from "./cross_entropy.ts";
export { joinColumns, refineBounds, splitColumns, type SubBlock, vocabBounds } from "./vocab_split.ts";
export {
  adamw,
  gradNorm,
  gradNormFinish,
  gradSumsq,
  normPartials,
  packStep,
  type Segment,
  STEP_BYTES,
  sumsqGroups,
} from "./optimizer.ts";
