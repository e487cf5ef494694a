import assert from "node:assert/strict";

const near = (actual: number, expected: number, tol: number) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);
import { seededRng } from "../../util/rng.ts";
import { fitRecallLaw, recallAt } from "./recall_law.ts";

Deno.test("fitRecallLaw recovers S½ and k of a known logistic in ln S with noisy accuracies", () => {
  const truth = { halfState: 2000, steepness: 1.5, chance: 1 / 32 };
  const rng = seededRng(11);
  const pts = Array.from({ length: 12 }, (_, i) => {
    const state = 2 ** (5 + i);
    const acc = recallAt(truth, state) + 0.01 * (rng.next() - 0.5);
    return { state, accuracy: Math.min(1, Math.max(0, acc)) };
  });
  const fit = fitRecallLaw(pts, truth.chance);
  near(Math.log(fit.halfState), Math.log(2000), 0.05);
  near(fit.steepness, 1.5, 0.1);
  assert.ok(fit.rms < 0.01);
  assert.deepEqual(fit.health.verdict, "ok");
});

Deno.test("fitRecallLaw warns when no transition is in the measured states", () => {
  const pts = [64, 128, 256, 512].map((state) => ({ state, accuracy: 0.03 + 1e-4 * Math.log(state) }));
  const fit = fitRecallLaw(pts, 0.03);
  assert.deepEqual(fit.health.verdict, "warn");
  assert.ok(
    fit.health.findings.some((f) => f.code === "coefficient_at_bound" || f.code === "exponent_at_bound"),
  );
});
