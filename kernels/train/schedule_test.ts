import assert from "node:assert/strict";
import { resolveTrainConfig, type TrainConfigInput } from "./config.ts";
import { learningRateAt } from "./schedule.ts";

// width 64, depth 4: peak = 5 / (64 · √4) = 0.0390625; 2 × 8 = 16 tokens per step.
const base: TrainConfigInput = {
  model: { width: 64, depth: 4, headSize: 16, seqLen: 8 },
  batchSize: 2,
  corpus: "unused",
};
const PEAK = 0.0390625;
const close = (a: number, b: number) =>
  assert.ok(Math.abs(a - b) <= 1e-15 * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

Deno.test("schedule: linear warm-up, constant, linear cooldown to zero (closed form)", () => {
  const cfg = resolveTrainConfig({ ...base, steps: 100, warmupTokens: 160, cooldownFraction: 0.2 });
  close(learningRateAt(cfg, 0), PEAK / 10);
  close(learningRateAt(cfg, 4), PEAK * 5 / 10);
  close(learningRateAt(cfg, 9), PEAK);
  close(learningRateAt(cfg, 50), PEAK);
  close(learningRateAt(cfg, 79), PEAK);
  close(learningRateAt(cfg, 80), PEAK); // cooldown starts at 100 − 20
  close(learningRateAt(cfg, 90), PEAK / 2);
  close(learningRateAt(cfg, 99), PEAK / 20);
});

Deno.test("schedule: warm-up tokens round up to whole steps", () => {
  const cfg = resolveTrainConfig({ ...base, steps: 100, warmupTokens: 150 }); // ceil(150 / 16) = 10
  close(learningRateAt(cfg, 0), PEAK / 10);
  close(learningRateAt(cfg, 10), PEAK);
  const none = resolveTrainConfig({ ...base, steps: 10, warmupTokens: 0 });
  close(learningRateAt(none, 0), PEAK);
});

Deno.test("schedule: cosine decays to 10 % of the peak after warm-up (closed form)", () => {
  const cfg = resolveTrainConfig({ ...base, steps: 110, warmupTokens: 160, schedule: "cosine" });
  close(learningRateAt(cfg, 10), PEAK);
  close(learningRateAt(cfg, 35), PEAK * (0.1 + 0.9 * (1 + Math.SQRT1_2) / 2)); // p = 1/4
  close(learningRateAt(cfg, 60), PEAK * 0.55); // p = 1/2
  close(learningRateAt(cfg, 85), PEAK * (0.1 + 0.9 * (1 - Math.SQRT1_2) / 2)); // p = 3/4
  close(learningRateAt(cfg, 109), PEAK * (0.1 + 0.9 * (1 + Math.cos(Math.PI * 0.99)) / 2)); // p = 99/100
});

Deno.test("schedule: cosine with cooldown falls linearly from the cosine value at the cooldown start", () => {
  const cfg = resolveTrainConfig({
    ...base,
    steps: 100,
    warmupTokens: 160,
    schedule: "cosine",
    cosineFinalFraction: 0,
    cooldownFraction: 0.2,
  });
  const atStart = PEAK * (1 + Math.cos(Math.PI * 70 / 90)) / 2;
  close(learningRateAt(cfg, 80), atStart);
  close(learningRateAt(cfg, 95), atStart * 5 / 20);
});

Deno.test("schedule: the width-depth rule lr = lrBase / (width · √depth)", () => {
  const cfg = resolveTrainConfig({
    ...base,
    model: { width: 96, depth: 9, headSize: 16 },
    lrBase: 3,
    steps: 5,
  });
  close(learningRateAt(cfg, 4), 3 / (96 * 3));
  assert.throws(() => learningRateAt(cfg, 5), /step must be an integer in \[0, 5\)/);
});
