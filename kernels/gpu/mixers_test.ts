// The WebGPU mixers (dense attention path) against the float64 reference, on tiny shapes (llvmpipe).
import assert from "node:assert/strict";
import { createGpuBackend } from "./backend.ts";
import { GpuContext } from "./context.ts";
import type { Mixer } from "../../scaling/count/mixer.ts";
import { type ModelConfig, type OptimizerStep, parameterSpecs } from "../types.ts";
import { referenceForwardBackward } from "../reference/model.ts";
import { freshState, randomTokens, relError } from "../../testing/gpu.ts";

// vocab 29, width 12 (3 query heads of 4, gqaRatio 3 → 1 kv head), depth 2, T = 6, batch 2
const BASE: ModelConfig = {
  vocabSize: 29,
  width: 12,
  depth: 2,
  headSize: 4,
  gqaRatio: 3,
  mlpRatio: 2,
  seqLen: 6,
  ropeTheta: 10000,
  normEps: 1e-6,
};
const B = 2;
const NO_STEP: OptimizerStep = { lr: 0, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0, gradClip: 0 };

const CASES: readonly { mixer: Mixer; fused: boolean }[] = [
  { mixer: { kind: "window", window: 3 }, fused: true },
  { mixer: { kind: "taylor", featureDim: 2 }, fused: true },
  { mixer: { kind: "taylor", featureDim: 6 }, fused: false },
  { mixer: { kind: "power", power: 2 }, fused: true },
  { mixer: { kind: "power", power: 4, featureDim: 2 }, fused: false },
];

for (const { mixer, fused } of CASES) {
  const plan = fused ? "fused" : "unfused";
  Deno.test(`GpuBackend mixer ${JSON.stringify(mixer)} (${plan}): loss and gradients match the reference, bit-deterministic`, async () => {
    const cfg: ModelConfig = { ...BASE, mixer };
    const ctx = await GpuContext.create();
    const gpu = await createGpuBackend(cfg, { context: ctx, fused, attention: "auto" });
    try {
      const state = freshState(cfg, 3);
      const tokens = randomTokens(B * (cfg.seqLen + 1), cfg.vocabSize, 5);
      const want = referenceForwardBackward(cfg, state.params, tokens, B);
      const run = async () => {
        await gpu.setState(state);
        gpu.trainStep(tokens, B, NO_STEP);
        const { loss } = await gpu.readTrainLosses();
        return { loss: loss[0], grads: await gpu.readGradients() };
      };
      const a = await run(), b = await run();
      assert.ok(Math.abs(a.loss - want.loss) < 1e-5 * want.loss, `loss ${a.loss} vs ${want.loss}`);
      parameterSpecs(cfg).forEach((s, i) => {
        const e = relError(a.grads[i], want.grads[i]);
        assert.ok(e < 1e-4, `gradient ${s.name}: relative error ${e}`);
        assert.deepEqual(a.grads[i], b.grads[i], `gradient ${s.name} differs between two identical steps`);
      });
      assert.ok(Math.abs((await gpu.evalLoss(tokens, B)) - want.loss) < 1e-5 * want.loss);
    } finally {
      gpu.destroy();
      ctx.destroy();
    }
  });
}

Deno.test("GpuBackend: the flash attention refuses a non-softmax mixer by name", async () => {
  const ctx = await GpuContext.create();
  try {
    const gpu = await createGpuBackend({ ...BASE, mixer: { kind: "window", window: 2 } }, {
      context: ctx,
      attention: "flash",
    });
    try {
      gpu.trainStep(randomTokens(B * 7, 29, 1), B, NO_STEP);
      await assert.rejects(gpu.readTrainLosses(), /attention "flash" has no window mixer/);
    } catch (e) {
      assert.match((e as Error).message, /attention "flash" has no window mixer/);
    } finally {
      gpu.destroy();
    }
  } finally {
    ctx.destroy();
  }
});
