/**
 * `ReferenceBackend`: the `Backend` interface on the CPU in float64 (Float32Array at the interface),
 * for testing the training loop without a GPU and as the oracle a WebGPU run is compared against.
 * @module
 */
import {
  type Backend,
  type ModelConfig,
  type OptimizerStep,
  parameterSpecs,
  type TrainState,
  validateModelConfig,
  type WeightedEval,
} from "../types.ts";
import { adamwStep } from "./adamw.ts";
import { referenceEval, referenceForwardBackward, referenceLoss } from "./model.ts";

/** A float64 CPU implementation of {@link Backend}; its identity is "reference-f64". */
export class ReferenceBackend implements Backend {
  /** Always "reference-f64". */
  readonly identity = "reference-f64";
  readonly #cfg: ModelConfig;
  readonly #decay: boolean[];
  readonly #sizes: number[];
  #params: Float64Array[];
  #m: Float64Array[];
  #v: Float64Array[];
  #step = 0;
  #losses: number[] = [];
  #norms: number[] = [];

  /** Creates a backend for `cfg` with all-zero parameters and moments (call `setState` before training). */
  constructor(cfg: ModelConfig) {
    this.#cfg = validateModelConfig(cfg);
    const specs = parameterSpecs(cfg);
    this.#decay = specs.map((s) => s.decay);
    this.#sizes = specs.map((s) => s.shape.reduce((a, b) => a * b, 1));
    this.#params = this.#sizes.map((n) => new Float64Array(n));
    this.#m = this.#sizes.map((n) => new Float64Array(n));
    this.#v = this.#sizes.map((n) => new Float64Array(n));
  }

  #copyIn(name: string, tensors: readonly Float32Array[]): Float64Array[] {
    const specs = parameterSpecs(this.#cfg);
    if (tensors.length !== specs.length) {
      throw new Error(`setState: ${name} has ${tensors.length} tensors, expected ${specs.length}`);
    }
    return tensors.map((t, i) => {
      if (t.length !== this.#sizes[i]) {
        throw new Error(
          `setState: ${name}[${i}] "${specs[i].name}" has ${t.length} values, expected ${this.#sizes[i]}`,
        );
      }
      return Float64Array.from(t);
    });
  }

  /** Replaces parameters, moments and step count (values copied and widened to float64). */
  setState(state: TrainState): Promise<void> {
    try {
      this.#setStateSync(state);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #setStateSync(state: TrainState): void {
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new Error(`setState: step must be a non-negative integer, got ${state.step}`);
    }
    const params = this.#copyIn("params", state.params);
    const m = this.#copyIn("m", state.m);
    const v = this.#copyIn("v", state.v);
    this.#params = params;
    this.#m = m;
    this.#v = v;
    this.#step = state.step;
  }

  /** Returns a copy of the state, rounded to float32. */
  getState(): Promise<TrainState> {
    const f32 = (ts: Float64Array[]) => ts.map((t) => Float32Array.from(t));
    return Promise.resolve({ params: f32(this.#params), m: f32(this.#m), v: f32(this.#v), step: this.#step });
  }

  /**
   * Runs forward, backward, clip and AdamW on one batch (loss weighted by `weights` when given); the loss
   * and pre-clip norm are queued.
   */
  trainStep(tokens: Int32Array, batchSize: number, opt: OptimizerStep, weights?: Float32Array): void {
    const { loss, grads } = referenceForwardBackward(this.#cfg, this.#params, tokens, batchSize, weights);
    const norm = adamwStep(this.#params, grads, this.#m, this.#v, this.#decay, this.#step, opt);
    this.#step++;
    this.#losses.push(loss);
    this.#norms.push(norm);
  }

  /** Returns the queued train losses (nats/token) and pre-clip gradient norms, then clears the queue. */
  readTrainLosses(): Promise<{ loss: Float32Array; gradNorm: Float32Array }> {
    const out = { loss: Float32Array.from(this.#losses), gradNorm: Float32Array.from(this.#norms) };
    this.#losses = [];
    this.#norms = [];
    return Promise.resolve(out);
  }

  /** Returns the mean loss (nats/token) of a batch without changing the state. */
  evalLoss(tokens: Int32Array, batchSize: number): Promise<number> {
    try {
      return Promise.resolve(referenceLoss(this.#cfg, this.#params, tokens, batchSize));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Returns the weighted loss (nats/token) and accuracy of a batch without changing the state. */
  evalWeighted(tokens: Int32Array, batchSize: number, weights: Float32Array): Promise<WeightedEval> {
    try {
      return Promise.resolve(referenceEval(this.#cfg, this.#params, tokens, batchSize, weights));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Nothing to release on the CPU. */
  destroy(): void {}
}
