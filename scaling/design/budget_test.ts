import assert from "node:assert/strict";
import { checkpointSteps, fitThroughput, formatPlan, planStudy, secondsPerToken } from "./budget.ts";

const KNOWN = { perToken: 3e-7, perDepth: 1.2e-7, perFlop: 8e-14 };

Deno.test("fitThroughput recovers a known model from exact samples", () => {
  const shapes = [[1, 1e6], [5, 2e6], [20, 3e6], [8, 6e7], [28, 2e8]];
  const samples = shapes.map(([depth, flopsPerToken]) => ({
    depth,
    flopsPerToken,
    tokensPerSecond: 1 / secondsPerToken(KNOWN, depth, flopsPerToken),
  }));
  const m = fitThroughput(samples);
  assert.ok(Math.abs(m.perToken / KNOWN.perToken - 1) < 1e-9, JSON.stringify(m));
  assert.ok(Math.abs(m.perDepth / KNOWN.perDepth - 1) < 1e-9);
  assert.ok(Math.abs(m.perFlop / KNOWN.perFlop - 1) < 1e-9);
  assert.throws(() => fitThroughput(samples.slice(0, 2)), /at least 3/);
  assert.throws(() => fitThroughput([...samples, { ...samples[0], tokensPerSecond: 0 }]), /sample 5/);
});

Deno.test("checkpointSteps: log-spaced from lo·N to hi·N tokens, whole steps", () => {
  // 1000 params, 10-100 tokens/param, 3 checkpoints, 100 tokens/step: 1e4, 3.16e4, 1e5 tokens.
  assert.deepEqual(checkpointSteps(1000, [10, 100], 3, 100), [100, 316, 1000]);
  assert.throws(() => checkpointSteps(10, [10, 100], 8, 100), /collide/);
});

Deno.test("planStudy: tokens × FLOPs/token, (train + eval tokens) × predicted s/token, budget verdict", () => {
  const runs = [
    { id: "a", params: 1e5, depth: 2, flopsPerToken: 1e6, tokens: 1e7, evalTokens: 1e5 },
    { id: "b", params: 1e6, depth: 8, flopsPerToken: 1e7, tokens: 1e8, evalTokens: 2e5 },
  ];
  const plan = planStudy(runs, KNOWN, 100);
  const sa = 1.01e7 * (3e-7 + 2 * 1.2e-7 + 1e6 * 8e-14);
  const sb = 1.002e8 * (3e-7 + 8 * 1.2e-7 + 1e7 * 8e-14);
  assert.ok(Math.abs(plan.runs[0].seconds - sa) < 1e-9 * sa);
  assert.ok(Math.abs(plan.runs[1].seconds - sb) < 1e-9 * sb);
  assert.equal(plan.flops, 1e13 + 1e15);
  assert.equal(plan.tokens, 1.1e8);
  assert.equal(plan.fits, sa + sb <= 100);
  assert.equal(plan.fits, false);
  assert.match(formatPlan(plan), /DOES NOT FIT/);
  assert.equal(planStudy(runs, KNOWN, 1000).fits, true);
});
