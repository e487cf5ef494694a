import assert from "node:assert/strict";

const near = (actual: number, expected: number, tol: number) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);
import { seededRng } from "../../util/rng.ts";
import { fitStateLaw, stateLawLoss, type StatePoint } from "./state_law.ts";

/** Points of L(S) = 0.5 + 30·S^−0.4 at S = 2^4 … 2^16 with 0.5 % log-normal noise (seeded). */
function noisy(seed: number): StatePoint[] {
  const rng = seededRng(seed);
  const truth = { E: 0.5, A: 30, alpha: 0.4 };
  return Array.from({ length: 13 }, (_, i) => {
    const state = 2 ** (4 + i);
    // Box-Muller normal.
    const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    return { state, lossNats: stateLawLoss(truth, state) * Math.exp(0.005 * z), group: `r${i}` };
  });
}

Deno.test("fitStateLaw recovers E, A and α from noisy points of a known law, and its intervals cover them", () => {
  const fit = fitStateLaw(noisy(7), { bootstrapSamples: 40 });
  near(fit.alpha, 0.4, 0.05);
  near(fit.E, 0.5, 0.05);
  const iv = fit.intervals!;
  assert.ok(iv.alpha.lower <= 0.4 && 0.4 <= iv.alpha.upper, JSON.stringify(iv.alpha));
  assert.ok(iv.E.lower <= 0.5 && 0.5 <= iv.E.upper, JSON.stringify(iv.E));
  assert.ok(fit.health.verdict !== "refused", JSON.stringify(fit.health.findings));
});

Deno.test("fitStateLaw refuses a law through two distinct states and names a bad point", () => {
  const two = [64, 64, 256, 256].map((state, i) => ({ state, lossNats: 1 + 10 / state + 0.001 * i }));
  const fit = fitStateLaw(two, { bootstrapSamples: 0 });
  assert.deepEqual(fit.health.verdict, "refused");
  assert.ok(fit.health.findings.some((f) => f.code === "too_few_values"));
  assert.deepEqual(fit.intervals, null);
  assert.throws(
    () =>
      fitStateLaw([{ state: 64, lossNats: 1, group: "softmax_64" }, {
        state: 0,
        lossNats: 1,
        group: "taylor_0",
      }]),
    /point 2 \(run taylor_0\): state must be > 0, got 0/,
  );
});
