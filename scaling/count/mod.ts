/**
 * Counting for scaling laws: parameters, training FLOPs per token under several conventions, memory,
 * time and GPU-hours, the Gemstones shape grid, the Perceiver AR estimator of seed 000 and its
 * fixed-exponent compute-optimal laws, and the recurrent state size of a sequence mixer. Pure functions, no I/O.
 * @module
 */
export {
  GEMSTONES_SHAPE_DEFAULTS,
  type ResolvedShape,
  resolveShape,
  shapeKvHeads,
  shapeQueryHeads,
  type ShapeSpec,
} from "./shape.ts";
export {
  blockMatrixParams,
  type EmbeddingConvention,
  gemstonesParams,
  gemstonesParamsContinuous,
  gemstonesParamsNoEmbeds,
} from "./params.ts";
export {
  chinchillaFlopsPerToken,
  FLOP_COUNTERS,
  flopCounterByName,
  type FlopCounterName,
  gemstonesFlopsPerToken,
  kaplanFlopsPerToken,
  seed001FlopsPerToken,
  seed004FlopsPerToken,
  type Seed004Options,
  sixNFlopsPerToken,
  type SixNOptions,
} from "./flops.ts";
export {
  chinchillaTrainingSeconds,
  flopsUtilization,
  gpuHours,
  minTrainingSeconds,
  trainingSeconds,
} from "./time.ts";
export {
  type ActivationDims,
  type ActivationMemory,
  activationMemory,
  mixedPrecisionMinBatch,
  type ModelStateMemory,
  modelStateMemory,
} from "./memory.ts";
export {
  enumerateShapes,
  GEMSTONES_CONSTRAINTS,
  GEMSTONES_MODELS,
  GEMSTONES_TARGET_PARAMS,
  type GridShape,
  type ShapeConstraints,
} from "./shapes.ts";
export {
  formatExp2,
  formatPerceiverRow,
  PERCEIVER_EXPERIMENTS,
  type PerceiverArConfig,
  type PerceiverArModel,
  perceiverCrossAttnFlops,
  perceiverCrossAttnParams,
  type PerceiverExperiment,
  type PerceiverExperimentRow,
  perceiverExperimentRows,
  perceiverExperimentTable,
  perceiverParams,
  perceiverPrefixLength,
  type PerceiverReferenceCompute,
  perceiverReferenceCompute,
  perceiverSelfAttnFlops,
  perceiverSelfAttnParams,
  perceiverTrainingSteps,
  perceiverTrainingTokens,
} from "./perceiver.ts";
export {
  fitFixedExponentLaw,
  fitPowerCoefficient,
  type FixedExponentLaw,
  fixedExponentParams,
  fixedExponentTokens,
  formatFixedExponentLaw,
} from "./fixed_exponent.ts";
export { countingOf, PARAM_CONVENTIONS } from "./conventions.ts";
export {
  binomial,
  featureCount,
  mixerNonEmbeddingParams,
  STATE_BYTES_PER_FLOAT,
  type StateSize,
  stateSize,
} from "./state.ts";
export {
  isLinearMixer,
  type Mixer,
  MIXER_KINDS,
  type MixerKind,
  mixerLabel,
  mixerOf,
  POWER_EPS,
  queryKeyDim,
  SOFTMAX,
  validateMixer,
} from "./mixer.ts";
