/**
 * What training a grid would cost on this machine, said before it starts: total training FLOPs of the
 * train stages that would run, and hours estimated from measured steps of the smallest model on the
 * WebGPU adapter (quick to measure even on a software adapter). On a software adapter (Mesa llvmpipe,
 * lavapipe, SwiftShader) a run estimated to take longer than {@link SOFTWARE_LIMIT_SECONDS} stops unless the user asks to go on (`--accept-cost`).
 * @module
 */
import type { Stage } from "../pipeline/stage.ts";
import { backendOf } from "../kernels/backend_of.ts";
import { isSoftwareAdapter } from "../kernels/gpu/software.ts";
import { initParams } from "../kernels/init.ts";
import { trainFlopsPerToken } from "../kernels/train/flops.ts";
import type { TrainConfig } from "../kernels/train/config.ts";
import { runConfig, type RunSpec } from "./train.ts";

/** Longest estimated training (seconds) started on a software adapter without `--accept-cost`. */
export const SOFTWARE_LIMIT_SECONDS = 60 * 60;

/** Returns the training FLOPs of one run (6N-style count per token × tokens; evaluations left out). */
export function runFlops(cfg: TrainConfig): number {
  return trainFlopsPerToken(cfg.model) * cfg.totalTokens;
}

/** Returns the measured training FLOP/s of `cfg`'s model on the default WebGPU adapter (2 steps after a warm-up). */
export async function measureStepFlops(
  cfg: TrainConfig,
): Promise<{ flopsPerSecond: number; identity: string }> {
  const backend = await backendOf("gpu", cfg.model);
  try {
    const params = initParams(cfg.model, cfg.seed);
    const zeros = () => params.map((p) => new Float32Array(p.length));
    await backend.setState({ params, m: zeros(), v: zeros(), step: 0 });
    const T = cfg.model.seqLen, B = cfg.batchSize;
    const tokens = new Int32Array(B * (T + 1)).map((_, i) => (i * 7919) % cfg.model.vocabSize);
    const opt = { lr: 1e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 1 };
    backend.trainStep(tokens, B, opt);
    await backend.readTrainLosses();
    const t0 = performance.now();
    backend.trainStep(tokens, B, opt);
    backend.trainStep(tokens, B, opt);
    await backend.readTrainLosses();
    const seconds = (performance.now() - t0) / 1000;
    return {
      flopsPerSecond: (2 * trainFlopsPerToken(cfg.model) * B * T) / seconds,
      identity: backend.identity,
    };
  } finally {
    backend.destroy();
  }
}

/** Returns `x` with three significant digits, never in exponent notation. */
function threeDigits(x: number): string {
  return x >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

/** What {@link trainCost} found. */
export interface TrainCost {
  /** What it would cost, in words (FLOPs, units, adapter, measured rate, estimated hours). */
  readonly message: string;
  /** True when the run should stop unless the user accepts the cost. */
  readonly stop: boolean;
}

/**
 * Returns the cost of the WebGPU train stages among `stages` that would run (ids in `toRun`), or null
 * when none would. `measure` times a step (default {@link measureStepFlops}; tests pass their own).
 */
export async function trainCost(
  stages: readonly Stage[],
  toRun: ReadonlySet<string>,
  measure: (cfg: TrainConfig) => Promise<{ flopsPerSecond: number; identity: string }> = measureStepFlops,
): Promise<TrainCost | null> {
  const cfgs = stages
    .filter((s) => s.name === "train" && toRun.has(s.id ?? s.name))
    .map((s) => s.params as unknown as RunSpec)
    .filter((spec) => spec.backend === "gpu")
    .map((spec) => runConfig(spec, "/corpus"));
  if (cfgs.length === 0) return null;
  const flops = cfgs.reduce((a, c) => a + runFlops(c), 0);
  // The smallest model is measured (a software adapter takes long over a big one's first step); larger
  // models use an adapter better, so the estimate errs on the long side.
  const smallest = cfgs.reduce((a, c) => (trainFlopsPerToken(c.model) < trainFlopsPerToken(a.model) ? c : a));
  const { flopsPerSecond, identity } = await measure(smallest);
  const seconds = flops / flopsPerSecond;
  const software = isSoftwareAdapter(identity);
  const stop = software && seconds > SOFTWARE_LIMIT_SECONDS;
  const message = `cost: ${cfgs.length} training run(s), ${flops.toExponential(2)} FLOPs on ${identity}` +
    `${software ? " (a software adapter, not a GPU)" : ""}; a step of the smallest model ` +
    `(${smallest.model.width}×${smallest.model.depth}) ran at ${
      threeDigits(flopsPerSecond / 1e9)
    } GFLOP/s, ` +
    `so training would take about ${threeDigits(seconds / 3600)} h` +
    (stop
      ? `; stopping: run it on a machine with a GPU (or --executor slurm), or pass --accept-cost to go on here`
      : "");
  return { message, stop };
}
