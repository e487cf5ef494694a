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
}

/** One parameter tensor of the model, in canonical order. */
export interface ParamSpec {
  /** Name, e.g. "embed", "layers.0.attn.wq", "lm_head". */
  readonly name: string;
  /** Shape, row-major. */
  readonly shape: readonly number[];
  /** Whether AdamW applies weight decay (matrices yes; norm gains no). */
  readonly decay: boolean;
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
 * flat parameter vector). Per layer: attn_norm [w], wq [w, hq·hs], wk [w, hkv·hs], wv [w, hkv·hs],
 * wo [hq·hs, w], mlp_norm [w], w_gate [w, m], w_up [w, m], w_down [m, w]; then final_norm [w],
 * lm_head [w, V]; the token embedding [V, w] comes first.
 */
export function parameterSpecs(cfg: ModelConfig): ParamSpec[] {
  const w = cfg.width, hs = cfg.headSize;
  const hq = numQueryHeads(cfg), hkv = numKvHeads(cfg);
  const m = cfg.mlpRatio * w;
  const specs: ParamSpec[] = [{ name: "embed", shape: [cfg.vocabSize, w], decay: true }];
  for (let l = 0; l < cfg.depth; l++) {
    const p = `layers.${l}.`;
    specs.push(
      { name: p + "attn_norm", shape: [w], decay: false },
      { name: p + "attn.wq", shape: [w, hq * hs], decay: true },
      { name: p + "attn.wk", shape: [w, hkv * hs], decay: true },
      { name: p + "attn.wv", shape: [w, hkv * hs], decay: true },
      { name: p + "attn.wo", shape: [hq * hs, w], decay: true },
      { name: p + "mlp_norm", shape: [w], decay: false },
      { name: p + "mlp.w_gate", shape: [w, m], decay: true },
      { name: p + "mlp.w_up", shape: [w, m], decay: true },
      { name: p + "mlp.w_down", shape: [m, w], decay: true },
    );
  }
  specs.push(
    { name: "final_norm", shape: [w], decay: false },
    { name: "lm_head", shape: [w, cfg.vocabSize], decay: true },
  );
  return specs;
}

/** Validates a config; throws an Error naming the field and what was expected. */
export function validateModelConfig(cfg: ModelConfig): ModelConfig {
  const ints: (keyof ModelConfig)[] = [
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
   * on the device until `readTrainLosses`.
   */
  trainStep(tokens: Int32Array, batchSize: number, opt: OptimizerStep): void;
  /** Mean train losses (nats/token) and pre-clip global gradient norms of the steps since the last call. */
  readTrainLosses(): Promise<{ loss: Float32Array; gradNorm: Float32Array }>;
  /** Mean loss (nats/token) of a batch, no gradient. */
  evalLoss(tokens: Int32Array, batchSize: number): Promise<number>;
  /** Release device resources. */
  destroy(): void;
}
