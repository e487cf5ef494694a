/**
 * Benchmark of the vocabulary split: ms per training step of one model with the vocabulary-sized tensors
 * whole and with a forced small binding budget (more blocks), in the same process, printed as a table
 * with the ratio to the unsplit run. Run: `deno run -A bench/split.ts [--steps 10]`
 * (or `deno task bench --only split`).
 * @module
 */
import { parseArgs } from "node:util";
import { createGpuBackend } from "../kernels/gpu/backend.ts";
import { GpuContext } from "../kernels/gpu/context.ts";
import type { ModelConfig, OptimizerStep } from "../kernels/types.ts";
import { initParams } from "../kernels/init.ts";
import { DEFAULT_MODEL } from "../kernels/train/config.ts";
import { randomTokens } from "../testing/gpu.ts";
import { refineBounds, vocabBounds } from "../kernels/gpu/vocab_split.ts";

/** The trainer's default micro model with a 4096-token vocabulary, so the vocabulary-sized tensors dominate. */
const CFG: ModelConfig = { ...DEFAULT_MODEL, vocabSize: 4096 };
const OPT: OptimizerStep = { lr: 1e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 1 };

/** Returns ms per step (mean over `steps` after one warm-up step) of a backend with the given budget. */
async function msPerStep(ctx: GpuContext, batch: number, steps: number, maxBindingBytes?: number) {
  const gpu = await createGpuBackend(CFG, { context: ctx, maxBindingBytes });
  try {
    const params = initParams(CFG, 1);
    await gpu.setState({
      params,
      m: params.map((p) => p.map(() => 0)),
      v: params.map((p) => p.map(() => 0)),
      step: 0,
    });
    const tokens = randomTokens(batch * (CFG.seqLen + 1), CFG.vocabSize, 7);
    gpu.trainStep(tokens, batch, OPT);
    await gpu.readTrainLosses();
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) gpu.trainStep(tokens, batch, OPT);
    const { loss } = await gpu.readTrainLosses();
    return {
      ms: (performance.now() - t0) / steps,
      blocks: gpu.vocabBlocks().length - 1,
      loss: loss[steps - 1],
    };
  } finally {
    gpu.destroy();
  }
}

/** Options of {@link benchSplit}. */
export interface SplitBenchOptions {
  /** Timed training steps per budget, after one warm-up step (default 10). */
  readonly steps?: number;
  /** Sequences per batch (default 4). */
  readonly batch?: number;
}

/** Runs the vocabulary-split benchmark and prints one table row per binding budget (ms/step, ratio); returns nothing. */
export async function benchSplit(options: SplitBenchOptions = {}): Promise<void> {
  const steps = options.steps ?? 10, batch = options.batch ?? 4;
  const ctx = await GpuContext.create();
  try {
    const N = batch * CFG.seqLen;
    console.log(
      `${ctx.identity}; V ${CFG.vocabSize}, w ${CFG.width}, depth ${CFG.depth}, ${batch}×${CFG.seqLen} tokens`,
    );
    console.log("budget bytes | param blocks | logits blocks | ms/step | ratio | last loss");
    let base = 0;
    for (const budget of [undefined, 256 * 1024, 64 * 1024]) {
      const r = await msPerStep(ctx, batch, steps, budget);
      base ||= r.ms;
      const logitsBlocks = budget === undefined ? 1 : refineBounds(
        vocabBounds(CFG.vocabSize, Math.floor(budget / (4 * CFG.width))),
        Math.floor(budget / (4 * N)),
      )
        .length;
      console.log(
        `${budget ?? "adapter"} | ${r.blocks} | ${logitsBlocks} | ${r.ms.toFixed(1)} | ${
          (r.ms / base).toFixed(2)
        } | ${r.loss.toFixed(6)}`,
      );
    }
  } finally {
    ctx.destroy();
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { steps: { type: "string", default: "10" }, batch: { type: "string", default: "4" } },
  });
  await benchSplit({ steps: Number(values.steps), batch: Number(values.batch) });
}
