/**
 * `GpuBackend`: the `Backend` interface on WebGPU, assembled from its parts: the model state on the device
 * (`state.ts`), the step recorder (`recorder.ts`, its fused and unfused plans in `step_plan.ts`), the
 * matmul tile autotuner (`tuner.ts`) and per-kernel profiling (`profile.ts`). Parameters, gradients and
 * AdamW moments live in flat buffers (each named tensor an offset/length view; one buffer per group for
 * any model that fits a binding); activations in a workspace per (batch, sequence length) shape. Every
 * dispatch (pipeline, bind group, shape uniforms) is recorded once per workspace; `trainStep` writes
 * the tokens and the step uniform with `queue.writeBuffer` and submits ONE command buffer holding
 * forward, backward, global-norm clip and AdamW. Losses and gradient norms stay on the device until
 * `readTrainLosses`.
 *
 * Vocabulary-sized tensors larger than a storage binding (`maxBindingBytes`, default the adapter's
 * `maxStorageBufferBindingSize`) are split along the vocabulary: the token embedding into row blocks, the
 * LM head (with its gradient and AdamW moments) into column blocks, the logits into column blocks inside
 * those. The cross-entropy merges each row's running maximum and sum of exponentials block by block in a
 * fixed order; `dx` of the LM head accumulates over the blocks in order; `setState`, `getState` and
 * `readGradients` convert blocks to and from the canonical tensors of `parameterSpecs`.
 * @module
 */
import {
  type Backend,
  type ModelConfig,
  type OptimizerStep,
  type TrainState,
  validateModelConfig,
  type WeightedEval,
} from "../types.ts";
import { splitTokens } from "../batch.ts";
import { meanOneWeights } from "./cross_entropy.ts";
import { GpuContext, type GpuContextOptions } from "./context.ts";
import type { MatmulTile } from "./matmul.ts";
import { tokenIndex } from "./embedding.ts";
import { ropeTablesF32 } from "./rope.ts";
import { queryKeyDim } from "../../scaling/count/mixer.ts";
import { normPartials, packStep, STEP_BYTES } from "./optimizer.ts";
import { ParameterStore } from "./state.ts";
import { MatmulTuner } from "./tuner.ts";
import { isSoftwareAdapter } from "./software.ts";
import { type AttentionMode, type DispatchCounts, recordWorkspace, type Workspace } from "./recorder.ts";
import type { SharedBuffers } from "./step_plan.ts";
import { type KernelTime, profileDispatches } from "./profile.ts";

export { chooseTile } from "./tuner.ts";

/** Options of `createGpuBackend`. */
export interface GpuBackendOptions {
  /** Validation error scopes around every submission, reported with kernel names (default false). */
  readonly debug?: boolean;
  /** Matmul tile for every product (default: chosen per product by `chooseTile`). */
  readonly tile?: MatmulTile;
  /** Steps that may be taken between two `readTrainLosses` calls (default 65536). */
  readonly maxPendingSteps?: number;
  /** Split the K dimension of products with few output tiles over more workgroups (default true). */
  readonly splitK?: boolean;
  /**
   * Attention kernels: "dense" (materialised probabilities, batched matmuls; fast for short sequences),
   * "flash" (recomputation, O(T) memory) or "auto" (default: dense while the saved probabilities of all
   * layers fit in `denseAttentionBytes` and one layer's fit in a storage binding).
   */
  readonly attention?: AttentionMode;
  /** Memory budget of the dense attention's saved probabilities, bytes (default 4 GiB). */
  readonly denseAttentionBytes?: number;
  /**
   * Optional features to request and verify when creating a new context (`GpuContextOptions.features`);
   * the kernels compute in f32 whatever is verified.
   */
  readonly features?: GpuContextOptions["features"];
  /** An existing context to use (not destroyed by `destroy`); default: a new one. */
  readonly context?: GpuContext;
  /**
   * Time every tile of `TUNE_TILES` on each distinct product (its real operands, a scratch output) the
   * first time `readTrainLosses`, `evalLoss` or `profileStep` runs after it was recorded, and use the
   * fastest. Results are bit-identical whichever tile runs. Default: on for a hardware adapter without
   * a fixed `tile`, off on software rasterisers (llvmpipe, lavapipe, SwiftShader).
   */
  readonly tune?: boolean;
  /**
   * Largest storage binding, bytes, for the vocabulary-sized tensors: the token embedding `[V, w]`, the
   * LM head `[w, V]` (with their gradients and AdamW moments) and the logits `[B·T, V]`. Each is split
   * along the vocabulary into near-equal blocks of at most this size (default and upper bound: the
   * adapter's `maxStorageBufferBindingSize`; smaller values force splitting, e.g. in tests). Other tensors
   * are checked against the adapter's limit only.
   */
  readonly maxBindingBytes?: number;
  /**
   * Largest flat buffer of parameters (and of gradients, each AdamW moment), bytes (default and upper bound:
   * the adapter's binding limit); tensors are packed in canonical order into as few buffers as fit. Smaller
   * values force several buffers, e.g. in tests.
   */
  readonly maxArenaBytes?: number;
  /**
   * Record the fused plan (default true): residual adds in the projection epilogues, q and k rotated in one
   * dispatch, one dispatch per RMSNorm backward, the global norm and AdamW as one dispatch per flat buffer.
   * `false` records the unfused plan, one kernel per operation (the benchmarks' baseline); both give the
   * same bits.
   */
  readonly fused?: boolean;
}

/** A WebGPU implementation of {@link Backend}; see the module doc. Create with `createGpuBackend`. */
export class GpuBackend implements Backend {
  /** `"webgpu:"` + adapter vendor, architecture, device and description. */
  readonly identity: string;
  readonly #ctx: GpuContext;
  readonly #ownsCtx: boolean;
  readonly #cfg: ModelConfig;
  readonly #opts: GpuBackendOptions;
  readonly #store: ParameterStore;
  readonly #tuner: MatmulTuner;
  readonly #shared: SharedBuffers;
  /** Binding budget of vocabulary-sized tensors, bytes. */
  readonly #maxBytes: number;
  readonly #capacity: number;
  readonly #workspaces = new Map<string, Workspace>();
  #step = 0;
  #pending = 0;
  #destroyed = false;

  /** Use `createGpuBackend`; this constructor allocates every buffer of the model state. */
  constructor(ctx: GpuContext, ownsCtx: boolean, cfg: ModelConfig, options: GpuBackendOptions) {
    this.#ctx = ctx;
    this.#ownsCtx = ownsCtx;
    this.#cfg = validateModelConfig(cfg);
    this.#opts = options;
    this.identity = ctx.identity;
    const tune = options.tune ??
      (options.tile === undefined && !isSoftwareAdapter(ctx.identity));
    this.#tuner = new MatmulTuner(ctx, { tile: options.tile, splitK: options.splitK ?? true, tune });
    const adapterMax = Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
    const maxBytes = options.maxBindingBytes ?? adapterMax;
    if (!Number.isInteger(maxBytes) || maxBytes < 4 * cfg.width) {
      throw new Error(
        `GpuBackend: maxBindingBytes must be an integer of at least one embedding row (4 · width = ${
          4 * cfg.width
        } bytes), got ${maxBytes}`,
      );
    }
    this.#maxBytes = Math.min(maxBytes, adapterMax);
    const arenaBytes = Math.min(options.maxArenaBytes ?? adapterMax, adapterMax);
    this.#store = new ParameterStore(ctx, cfg, {
      maxBindingBytes: this.#maxBytes,
      maxArenaBytes: arenaBytes,
    });
    const uni = GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
    const step = ctx.device.createBuffer({ label: "step", size: STEP_BYTES, usage: uni });
    const evalStep = ctx.device.createBuffer({ label: "eval step", size: STEP_BYTES, usage: uni });
    const zeroOpt = { lr: 0, beta1: 0, beta2: 0, eps: 0, weightDecay: 0, gradClip: 0 };
    ctx.device.queue.writeBuffer(evalStep, 0, packStep(zeroOpt, 0, 0));
    this.#capacity = options.maxPendingSteps ?? 65536;
    // RoPE rotates q and k heads: headSize, or a linear mixer's feature dimension d'
    const { cos, sin } = ropeTablesF32(cfg.seqLen, queryKeyDim(cfg), cfg.ropeTheta);
    this.#shared = {
      step,
      evalStep,
      lossLog: ctx.storage("loss log", this.#capacity),
      normLog: ctx.storage("grad-norm log", this.#capacity),
      evalLog: ctx.storage("eval loss", 1),
      scale: ctx.storage("clip scale", 1),
      partial: ctx.storage(
        "grad-norm partials",
        normPartials(this.#store.segments().flat()),
      ),
      cos: ctx.upload("rope cos", cos),
      sin: ctx.upload("rope sin", sin),
    };
  }

  /**
   * Returns the vocabulary partition of the token embedding and LM head blocks: bounds `[0, …, V]`
   * (token ids), one block per consecutive pair; `[0, V]` when nothing is split.
   */
  vocabBlocks(): number[] {
    return this.#store.bounds.slice();
  }

  /** Returns the tile chosen by tuning for each product key (`"NT MxNxK/splitK"`); empty when tuning is off. */
  tunedTiles(): Map<string, MatmulTile> {
    return this.#tuner.tunedTiles();
  }

  /** Tunes the products recorded since the last call and swaps the faster dispatches into every plan. */
  async #tune(): Promise<void> {
    const swap = await this.#tuner.tune();
    if (swap.size === 0) return;
    for (const ws of this.#workspaces.values()) {
      ws.train = ws.train.map((d) => swap.get(d) ?? d);
      ws.evalPlan = ws.evalPlan.map((d) => swap.get(d) ?? d);
    }
  }

  #workspace(batch: number, seqLen: number, weighted = false): Workspace {
    const key = `${batch}x${seqLen}${weighted ? "w" : ""}`;
    const hit = this.#workspaces.get(key);
    if (hit) return hit;
    const ws = recordWorkspace(
      this.#ctx,
      this.#cfg,
      { store: this.#store, tuner: this.#tuner, shared: this.#shared },
      { batch, seqLen, weighted },
      {
        attention: this.#opts.attention ?? "auto",
        denseAttentionBytes: this.#opts.denseAttentionBytes ?? 4 * 2 ** 30,
        maxBindingBytes: this.#maxBytes,
        tile: this.#opts.tile,
        fused: this.#opts.fused ?? true,
      },
    );
    this.#workspaces.set(key, ws);
    return ws;
  }

  /**
   * Checks and splits a batch (`splitTokens`), uploads it (and its weights, normalised to mean 1, into a
   * weighted workspace) and returns the workspace.
   */
  #load(tokens: Int32Array, batchSize: number, what: string, weights?: Float32Array): Workspace {
    if (this.#destroyed) throw new Error(`GpuBackend.${what}: backend was destroyed`);
    let batch: ReturnType<typeof splitTokens>;
    try {
      batch = splitTokens(tokens, batchSize);
    } catch (e) {
      throw new Error(`GpuBackend.${what}: ${(e as Error).message}`);
    }
    const T = batch.seqLen;
    if (T > this.#cfg.seqLen) {
      throw new Error(
        `GpuBackend.${what}: sequence length ${T} exceeds the model's seqLen ${this.#cfg.seqLen}`,
      );
    }
    const V = this.#cfg.vocabSize;
    for (let i = 0; i < tokens.length; i++) {
      if (!(tokens[i] >= 0 && tokens[i] < V)) {
        throw new Error(
          `GpuBackend.${what}: token ${tokens[i]} at index ${i} is outside the vocabulary [0, ${V})`,
        );
      }
    }
    let u: Float32Array | undefined;
    try {
      u = weights === undefined ? undefined : meanOneWeights(weights, batch.targets.length);
    } catch (e) {
      throw new Error(`GpuBackend.${what}: ${(e as Error).message}`);
    }
    const ws = this.#workspace(batchSize, T, u !== undefined);
    const { offsets, positions } = tokenIndex(batch.inputs, V);
    const q = this.#ctx.device.queue;
    if (u !== undefined) q.writeBuffer(ws.weights!, 0, u);
    q.writeBuffer(ws.tokens, 0, new Uint32Array(batch.inputs.buffer));
    q.writeBuffer(ws.targets, 0, new Uint32Array(batch.targets.buffer));
    q.writeBuffer(ws.offsets, 0, offsets);
    q.writeBuffer(ws.positions, 0, positions);
    return ws;
  }

  /**
   * Records and submits one optimizer step (one command buffer; loss weighted by `weights` when given); loss
   * and norm are logged on the device.
   */
  trainStep(tokens: Int32Array, batchSize: number, opt: OptimizerStep, weights?: Float32Array): void {
    if (this.#pending >= this.#capacity) {
      throw new Error(
        `GpuBackend.trainStep: ${this.#pending} steps since the last readTrainLosses (capacity ${this.#capacity})`,
      );
    }
    const ws = this.#load(tokens, batchSize, "trainStep", weights);
    this.#ctx.device.queue.writeBuffer(this.#shared.step, 0, packStep(opt, this.#step, this.#pending));
    this.#ctx.run("trainStep", ws.train);
    this.#step++;
    this.#pending++;
  }

  /** Returns the mean train losses (nats/token) and pre-clip gradient norms since the last call. */
  async readTrainLosses(): Promise<{ loss: Float32Array; gradNorm: Float32Array }> {
    await this.#tune();
    const n = this.#pending;
    this.#pending = 0;
    const loss = await this.#ctx.read(this.#shared.lossLog, n);
    const gradNorm = await this.#ctx.read(this.#shared.normLog, n);
    return { loss, gradNorm };
  }

  /** Returns the mean loss (nats/token) of a batch, forward only; the state is unchanged. */
  async evalLoss(tokens: Int32Array, batchSize: number): Promise<number> {
    const ws = this.#load(tokens, batchSize, "evalLoss");
    await this.#tune();
    this.#ctx.run("evalLoss", ws.evalPlan);
    return (await this.#ctx.read(this.#shared.evalLog, 1))[0];
  }

  /** Returns the weighted loss (nats/token) and accuracy of a batch, forward only; the state is unchanged. */
  async evalWeighted(tokens: Int32Array, batchSize: number, weights: Float32Array): Promise<WeightedEval> {
    const ws = this.#load(tokens, batchSize, "evalWeighted", weights);
    await this.#tune();
    this.#ctx.run("evalWeighted", ws.evalPlan);
    const loss = (await this.#ctx.read(this.#shared.evalLog, 1))[0];
    const accuracy = (await this.#ctx.read(ws.accuracy!, 1))[0];
    return { loss, accuracy };
  }

  /** Replaces parameters, AdamW moments and the step count; throws naming a tensor of the wrong size. */
  async setState(state: TrainState): Promise<void> {
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new Error(`setState: step must be a non-negative integer, got ${state.step}`);
    }
    await this.#store.write(state);
    this.#step = state.step;
  }

  /** Reads back parameters, moments (float32, canonical order) and the step count. */
  async getState(): Promise<TrainState> {
    const params = await this.#store.read("param");
    const m = await this.#store.read("adam_m");
    const v = await this.#store.read("adam_v");
    return { params, m, v, step: this.#step };
  }

  /**
   * Returns the dispatch counts of one training step of `batchSize` sequences of `seqLen` positions
   * (recording the workspace if needed): what the benchmarks report as dispatchesPerStep.
   */
  dispatchCounts(batchSize: number, seqLen: number): DispatchCounts {
    return this.#workspace(batchSize, seqLen).counts;
  }

  /**
   * Diagnostic: times each kernel of one training step separately (all dispatches sharing a name,
   * submitted alone `reps` times) and returns milliseconds per step by kernel name, slowest first.
   * It runs the optimizer repeatedly, so the state is changed afterwards.
   */
  async profileStep(
    tokens: Int32Array,
    batchSize: number,
    opt: OptimizerStep,
    reps = 5,
  ): Promise<KernelTime[]> {
    const ws = this.#load(tokens, batchSize, "profileStep");
    await this.#tune();
    this.#ctx.device.queue.writeBuffer(this.#shared.step, 0, packStep(opt, this.#step, 0));
    return profileDispatches(this.#ctx, ws.train, reps);
  }

  /** Reads back the gradients of the last `trainStep` (before clipping), canonical order (for tests). */
  readGradients(): Promise<Float32Array[]> {
    return this.#store.read("grad");
  }

  /** Releases all buffers (and the device when the backend created it). */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    for (const ws of this.#workspaces.values()) ws.buffers.forEach((b) => b.destroy());
    this.#store.destroy();
    this.#tuner.destroy();
    if (this.#ownsCtx) this.#ctx.destroy();
  }
}

/** Creates a `GpuBackend` for `cfg` on a new (or the given) WebGPU context; parameters start at zero. */
export async function createGpuBackend(
  cfg: ModelConfig,
  options: GpuBackendOptions = {},
): Promise<GpuBackend> {
  const ctx = options.context ??
    await GpuContext.create({ debug: options.debug, features: options.features });
  const backend = new GpuBackend(ctx, options.context === undefined, cfg, options);
  await ctx.check();
  return backend;
}
