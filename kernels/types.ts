/**
 * The trainer's shared vocabulary: model configuration, parameter layout and the backend interface
 * that both the float64 reference (CPU) and the WebGPU implementation satisfy.
 *
 * Layout conventions (shared by reference and GPU so their tensors can be compared element by element):
 * - all tensors are row-major, flat `Float32Array` (GPU, checkpoints) or `Float64Array` (reference);
 * - a linear layer's weight is stored as `[in, out]`, so `y = x · W` with `x: [rows, in]`;
 * - activations are `[batch · seqLen, width]`, token index = `b · seqLen + t`.
 * @module
 */
import { type Mixer, queryKeyDim, validateMixer } from "../scaling/count/mixer.ts";

/** Architecture of a Gemma-style decoder (seed 002 §3), scaled by configuration. */
export interface ModelConfig {
  /** Vocabulary size (tokens). */
  readonly vocabSize: number;
  /** Model width d_model. Must equal headSize · numQueryHeads. */
  readonly width: number;
  /** Number of transformer blocks. */
  readonly depth: number;
  /** Size of one attention head (128 at paper scale). */
  readonly headSize: number;
  /** Query heads per key/value head (grouped-query attention; 2 in Gemstones). */
  readonly gqaRatio: number;
  /** MLP intermediate size divided by width (4 in Gemstones). */
  readonly mlpRatio: number;
  /** Sequence length in tokens. */
  readonly seqLen: number;
  /** RoPE base θ. */
  readonly ropeTheta: number;
  /** RMSNorm epsilon. */
  readonly normEps: number;
  /**
   * Sequence mixer (`scaling/count/mixer.ts`). Absent means softmax attention, and is never written then: a
   * config without it is byte-identical to one from before mixers existed.
   */
  readonly mixer?: Mixer;
}

/** Kinds of the tensors of one transformer block, in canonical (checkpoint) order. */
export const LAYER_TENSOR_KINDS = [
  "attnNorm",
  "wq",
  "wk",
  "wv",
  "wo",
  "mlpNorm",
  "wGate",
  "wUp",
  "wDown",
] as const;

/** Kind of a tensor inside a transformer block. */
export type LayerTensorKind = typeof LAYER_TENSOR_KINDS[number];

/** Kind of a parameter tensor: a block's tensor, or one of the model-level tensors. */
export type TensorKind = "embed" | LayerTensorKind | "finalNorm" | "lmHead";

/** Checkpoint name suffix of each block tensor kind (`layers.{l}.` + suffix). */
const LAYER_TENSOR_NAMES: Readonly<Record<LayerTensorKind, string>> = {
  attnNorm: "attn_norm",
  wq: "attn.wq",
  wk: "attn.wk",
  wv: "attn.wv",
  wo: "attn.wo",
  mlpNorm: "mlp_norm",
  wGate: "mlp.w_gate",
  wUp: "mlp.w_up",
  wDown: "mlp.w_down",
};

/**
 * One parameter tensor of the model: what it is (kind, layer), its shape and where it lies in the flat
 * parameter vector (the concatenation of every tensor in canonical order, as in checkpoints).
 */
export interface ParamSpec {
  /** Name, e.g. "embed", "layers.0.attn.wq", "lm_head" (checkpoint and error-message name). */
  readonly name: string;
  /** What the tensor is. */
  readonly kind: TensorKind;
  /** Transformer block (0-based) of a block tensor; -1 for embed, final_norm and lm_head. */
  readonly layer: number;
  /** Position in canonical order (index into `TrainState.params`). */
  readonly index: number;
  /** Shape, row-major. */
  readonly shape: readonly number[];
  /** Number of values (product of the shape). */
  readonly size: number;
  /** First value in the flat parameter vector, floats (sum of the sizes of the tensors before it). */
  readonly offset: number;
  /** Whether AdamW applies weight decay (matrices yes; norm gains no). */
  readonly decay: boolean;
}

/** The tensors of one transformer block, by kind (llm.c's per-layer `ParameterTensors` fields). */
export type LayerTensors<T> = { readonly [K in LayerTensorKind]: T };

/**
 * The model's parameter tensors by name, as llm.c's `ParameterTensors`: the token embedding, one
 * `LayerTensors` per block, the final norm gain and the LM head. `T` is whatever is held per tensor: a
 * `ParamSpec`, a host array, a GPU buffer or view.
 */
export interface ParameterTensors<T> {
  /** Token embedding `[V, w]`. */
  readonly embed: T;
  /** Per transformer block: attnNorm `[w]`, wq, wk, wv, wo, mlpNorm `[w]`, wGate, wUp, wDown. */
  readonly layers: readonly LayerTensors<T>[];
  /** Final RMSNorm gain `[w]`. */
  readonly finalNorm: T;
  /** LM head `[w, V]`. */
  readonly lmHead: T;
}

/** Number of query heads of a config. */
export function numQueryHeads(cfg: ModelConfig): number {
  return cfg.width / cfg.headSize;
}

/** Number of key/value heads of a config. */
export function numKvHeads(cfg: ModelConfig): number {
  return numQueryHeads(cfg) / cfg.gqaRatio;
}

/**
 * Returns the model's parameter tensors in canonical order (the order of checkpoints and of the
 * flat parameter vector). Per layer: attn_norm [w], wq [w, hq·dqk], wk [w, hkv·dqk], wv [w, hkv·hs],
 * wo [hq·hs, w], mlp_norm [w], w_gate [w, m], w_up [w, m], w_down [m, w]; then final_norm [w],
 * lm_head [w, V]; the token embedding [V, w] comes first. `dqk` is `queryKeyDim(cfg)`: the head size,
 * or the feature dimension d' of a linear mixer.
 */
export function parameterSpecs(cfg: ModelConfig): ParamSpec[] {
  const w = cfg.width, hs = cfg.headSize, dqk = queryKeyDim(cfg);
  const hq = numQueryHeads(cfg), hkv = numKvHeads(cfg);
  const m = cfg.mlpRatio * w;
  const shapes: Record<LayerTensorKind, number[]> = {
    attnNorm: [w],
    wq: [w, hq * dqk],
    wk: [w, hkv * dqk],
    wv: [w, hkv * hs],
    wo: [hq * hs, w],
    mlpNorm: [w],
    wGate: [w, m],
    wUp: [w, m],
    wDown: [m, w],
  };
  const specs: ParamSpec[] = [];
  let offset = 0;
  const add = (name: string, kind: TensorKind, layer: number, shape: number[]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const decay = kind !== "attnNorm" && kind !== "mlpNorm" && kind !== "finalNorm";
    specs.push({ name, kind, layer, index: specs.length, shape, size, offset, decay });
    offset += size;
  };
  add("embed", "embed", -1, [cfg.vocabSize, w]);
  for (let l = 0; l < cfg.depth; l++) {
    for (const kind of LAYER_TENSOR_KINDS) {
      add(`layers.${l}.${LAYER_TENSOR_NAMES[kind]}`, kind, l, shapes[kind]);
    }
  }
  add("final_norm", "finalNorm", -1, [w]);
  add("lm_head", "lmHead", -1, [w, cfg.vocabSize]);
  return specs;
}

/** Returns the total number of parameter values of a config (floats of the flat parameter vector). */
export function parameterCount(cfg: ModelConfig): number {
  const specs = parameterSpecs(cfg);
  const last = specs[specs.length - 1];
  return last.offset + last.size;
}

/**
 * Returns the entries of `values` (one per tensor, canonical order: `TrainState.params`, gradients,
 * GPU buffers) addressed by name. Throws when the count is not the model's number of tensors.
 */
export function nameTensors<T>(cfg: ModelConfig, values: readonly T[]): ParameterTensors<T> {
  const n = 3 + LAYER_TENSOR_KINDS.length * cfg.depth;
  if (values.length !== n) {
    throw new Error(`parameter tensors: expected ${n} (parameterSpecs order), got ${values.length}`);
  }
  const per = LAYER_TENSOR_KINDS.length;
  const layers = Array.from({ length: cfg.depth }, (_, l) => {
    const entries = LAYER_TENSOR_KINDS.map((kind, j) => [kind, values[1 + l * per + j]]);
    return Object.fromEntries(entries) as LayerTensors<T>;
  });
  return { embed: values[0], layers, finalNorm: values[n - 2], lmHead: values[n - 1] };
}

/** Returns the model's `ParamSpec`s by name (`nameTensors` of `parameterSpecs`). */
export function parameterTensors(cfg: ModelConfig): ParameterTensors<ParamSpec> {
  return nameTensors(cfg, parameterSpecs(cfg));
}

/** Returns the spec of the tensor called `name` (e.g. "layers.1.attn.wo"); throws naming an unknown one. */
export function paramSpec(cfg: ModelConfig, name: string): ParamSpec {
  const hit = parameterSpecs(cfg).find((s) => s.name === name);
  if (!hit) throw new Error(`unknown parameter name "${name}"`);
  return hit;
}

/** Validates a config; throws an Error naming the field and what was expected. */
export function validateModelConfig(cfg: ModelConfig): ModelConfig {
  const ints: (keyof Omit<ModelConfig, "mixer">)[] = [
    "vocabSize",
    "width",
    "depth",
    "headSize",
    "gqaRatio",
    "mlpRatio",
    "seqLen",
  ];
  for (const k of ints) {
    const v = cfg[k];
    if (!Number.isInteger(v) || v <= 0) {
      throw new Error(`model config: ${k} must be a positive integer, got ${v}`);
    }
  }
  if (cfg.width % cfg.headSize !== 0) {
    throw new Error(`model config: width ${cfg.width} must be a multiple of headSize ${cfg.headSize}`);
  }
  if (numQueryHeads(cfg) % cfg.gqaRatio !== 0) {
    throw new Error(
      `model config: query heads ${numQueryHeads(cfg)} must be a multiple of gqaRatio ${cfg.gqaRatio}`,
    );
  }
  if (cfg.headSize % 2 !== 0) {
    throw new Error(`model config: headSize must be even for RoPE, got ${cfg.headSize}`);
  }
  if (cfg.mixer !== undefined) validateMixer(cfg.mixer, "model config: mixer");
  return cfg;
}

/** AdamW and clipping hyper-parameters of one optimizer step. */
export interface OptimizerStep {
  /** Learning rate of this step. */
  readonly lr: number;
  /** AdamW β1 (default 0.9). */
  readonly beta1: number;
  /** AdamW β2 (default 0.95). */
  readonly beta2: number;
  /** AdamW ε (default 1e-8). */
  readonly eps: number;
  /** Decoupled weight decay (default 0.1), applied to specs with `decay: true` only. */
  readonly weightDecay: number;
  /** Clip gradients to this global L2 norm (0 disables). */
  readonly gradClip: number;
}

/** Full training state: parameters and AdamW moments in canonical order, plus the step count. */
export interface TrainState {
  /** Parameter tensors, one per `parameterSpecs` entry. */
  readonly params: Float32Array[];
  /** AdamW first moments. */
  readonly m: Float32Array[];
  /** AdamW second moments. */
  readonly v: Float32Array[];
  /** Number of optimizer steps taken (AdamW bias correction uses step + 1 for the next step). */
  readonly step: number;
}

/** What `Backend.evalWeighted` returns. */
export interface WeightedEval {
  /** Weighted mean cross-entropy, nats/token. */
  readonly loss: number;
  /** Weighted fraction of targets whose logit is the row maximum (argmax = target), in [0, 1]. */
  readonly accuracy: number;
}

/**
 * A compute backend that can train the model. The WebGPU backend records one command buffer per
 * `trainStep` (forward, backward, global-norm clip, AdamW); the reference backend does the same in
 * float64 on the CPU.
 */
export interface Backend {
  /** Identity of the device, e.g. "webgpu:llvmpipe (LLVM 15.0.6, 256 bits)" or "reference-f64". */
  readonly identity: string;
  /** Replace the whole training state. */
  setState(state: TrainState): Promise<void>;
  /** Read back the whole training state (for checkpoints and tests). */
  getState(): Promise<TrainState>;
  /**
   * One optimizer step on a batch of `batchSize` sequences of `seqLen + 1` tokens each
   * (inputs are tokens [0, seqLen), targets [1, seqLen]). The mean train loss (nats/token) is kept
   * on the device until `readTrainLosses`. With per-target `weights` `[batchSize · seqLen]`
   * (`TokenBatch.weights` of kernels/batch.ts) the loss is `Σ w·ℓ / Σ w` and its gradient follows.
   */
  trainStep(tokens: Int32Array, batchSize: number, opt: OptimizerStep, weights?: Float32Array): void;
  /** Mean train losses (nats/token) and pre-clip global gradient norms of the steps since the last call. */
  readTrainLosses(): Promise<{ loss: Float32Array; gradNorm: Float32Array }>;
  /** Mean loss (nats/token) of a batch, no gradient. */
  evalLoss(tokens: Int32Array, batchSize: number): Promise<number>;
  /**
   * Loss `Σ w·ℓ / Σ w` (nats/token) and accuracy `Σ w·[argmax = target] / Σ w` of a batch under
   * per-target `weights` `[batchSize · seqLen]` (1 at the answers of a recall task, 0 elsewhere), no gradient.
   */
  evalWeighted(tokens: Int32Array, batchSize: number, weights: Float32Array): Promise<WeightedEval>;
  /** Release device resources. */
  destroy(): void;
}
