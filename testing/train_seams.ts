/**
 * Test seams of the training loop: backend wrappers that tests pass in (through `train`'s `backend`
 * option, or as the backend maker of `runTrainCommand` in kernels/cli.ts, see `wrappedBackendOf`) to make a
 * run fail or go slowly. They live here, not in the loop, its config or the train command's `main`, so no
 * production run can switch them on and no hash sees them.
 * @module
 */
import type { Backend, OptimizerStep, TrainState, WeightedEval } from "../kernels/types.ts";
import { backendOf } from "../kernels/backend_of.ts";
import type { BackendMaker } from "../kernels/cli.ts";

/** A backend that forwards everything to `inner`; subclasses change one call. */
class ForwardingBackend implements Backend {
  /** The step the next `trainStep` call takes (0-based), counted from the last `setState`. */
  protected nextStep = 0;
  constructor(protected readonly inner: Backend) {}
  get identity(): string {
    return this.inner.identity;
  }
  async setState(state: TrainState): Promise<void> {
    this.nextStep = state.step;
    await this.inner.setState(state);
  }
  getState(): Promise<TrainState> {
    return this.inner.getState();
  }
  trainStep(tokens: Int32Array, batchSize: number, opt: OptimizerStep, weights?: Float32Array): void {
    this.inner.trainStep(tokens, batchSize, opt, weights);
    this.nextStep++;
  }
  readTrainLosses(): Promise<{ loss: Float32Array; gradNorm: Float32Array }> {
    return this.inner.readTrainLosses();
  }
  evalLoss(tokens: Int32Array, batchSize: number): Promise<number> {
    return this.inner.evalLoss(tokens, batchSize);
  }
  evalWeighted(tokens: Int32Array, batchSize: number, weights: Float32Array): Promise<WeightedEval> {
    return this.inner.evalWeighted(tokens, batchSize, weights);
  }
  destroy(): void {
    this.inner.destroy();
  }
}

class NanAtStep extends ForwardingBackend {
  constructor(inner: Backend, private readonly step: number) {
    super(inner);
  }
  override trainStep(
    tokens: Int32Array,
    batchSize: number,
    opt: OptimizerStep,
    weights?: Float32Array,
  ): void {
    super.trainStep(tokens, batchSize, this.nextStep === this.step ? { ...opt, lr: NaN } : opt, weights);
  }
}

class SlowSteps extends ForwardingBackend {
  private readonly cell = new Int32Array(new SharedArrayBuffer(4));
  constructor(inner: Backend, private readonly ms: number) {
    super(inner);
  }
  override trainStep(
    tokens: Int32Array,
    batchSize: number,
    opt: OptimizerStep,
    weights?: Float32Array,
  ): void {
    super.trainStep(tokens, batchSize, opt, weights);
    Atomics.wait(this.cell, 0, 0, this.ms); // a synchronous sleep: trainStep is synchronous
  }
}

/** Returns `backend` with a NaN learning rate at 0-based optimizer step `step`, which poisons the weights. */
export function nanAtStep(backend: Backend, step: number): Backend {
  return new NanAtStep(backend, step);
}

/** Returns `backend` sleeping `ms` milliseconds after each optimizer step, so a test can stop a run mid-way. */
export function slowSteps(backend: Backend, ms: number): Backend {
  return new SlowSteps(backend, ms);
}

/**
 * Returns a backend maker for `runTrainCommand` (kernels/cli.ts): `backendOf`, with each backend it makes
 * passed through `wrap` (e.g. `(b) => nanAtStep(b, 4)`).
 */
export function wrappedBackendOf(wrap: (backend: Backend) => Backend): BackendMaker {
  return async (name, model) => wrap(await backendOf(name, model));
}
