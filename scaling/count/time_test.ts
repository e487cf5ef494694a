import assert from "node:assert/strict";
import {
  chinchillaTrainingSeconds,
  flopsUtilization,
  gpuHours,
  minTrainingSeconds,
  trainingSeconds,
} from "./time.ts";

Deno.test("gpuHours of a recorded Gemstones run (1024x28: 1.3941 s/step, 32 nodes of 8 GPUs)", () => {
  // 2385 steps: 1.3941352542 · 2385 · 256 / 3600 = 236.44 GPU-hours
  const h = gpuHours(1.3941352542, 2385, 32);
  assert.ok(Math.abs(h - 236.4453392) < 1e-6, String(h));
  assert.equal(gpuHours(2, 3600, 1, 4), 8);
});

Deno.test("training time: t_min = C/λ (eq. 59), 6ND/λ (eq. 60), 120N²/λ (eq. 61)", () => {
  assert.equal(minTrainingSeconds(1e18, 1e15), 1000);
  assert.equal(trainingSeconds(1e9, 2e10, 1.2e17), 6 * 1e9 * 2e10 / 1.2e17);
  assert.equal(chinchillaTrainingSeconds(1e9, 1e15), 120 * 1e18 / 1e15);
  assert.throws(() => minTrainingSeconds(1, 0), /flopsPerSecond/);
});

Deno.test("utilisation is t_min / t_iter (eq. 62, as a fraction of peak)", () => {
  // 6·N·B·S model FLOPs per step at N = 1e9, 1M tokens per step, 30 s per step on 1 PFLOP/s peak: 20%
  assert.ok(Math.abs(flopsUtilization(6e9 * 2 ** 20, 30, 1e15) - 6e9 * 2 ** 20 / 1e15 / 30) < 1e-15);
  assert.equal(flopsUtilization(5e14, 1, 1e15), 0.5);
});
