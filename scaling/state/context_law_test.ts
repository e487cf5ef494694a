import assert from "node:assert/strict";

const near = (actual: number, expected: number, tol: number) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);
import { seededRng } from "../../util/rng.ts";
import { contextLawLoss, type ContextPoint, fitContextLaw, isoLossState } from "./context_law.ts";

/** A heat map of L = E + A·T^κ·S^−α (5 states × 5 contexts) with 0.5 % log-normal noise (seeded). */
function heatMap(
  truth: { E: number; A: number; alpha: number; kappa: number },
  seed: number,
): ContextPoint[] {
  const rng = seededRng(seed);
  const out: ContextPoint[] = [];
  for (const context of [64, 128, 256, 512, 1024]) {
    for (const state of [64, 256, 1024, 4096, 16384]) {
      const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
      const lossNats = contextLawLoss(truth, state, context) * Math.exp(0.005 * z);
      out.push({ state, context, lossNats, group: `S${state}_T${context}` });
    }
  }
  return out;
}

Deno.test("fitContextLaw recovers γ = κ/α = 1/2 (seed 003's rule) and its bootstrap interval covers it", () => {
  const truth = { E: 0.3, A: 5, alpha: 0.5, kappa: 0.25 };
  const fit = fitContextLaw(heatMap(truth, 1), { bootstrapSamples: 100 });
  near(fit.gamma, 0.5, 0.1);
  near(fit.alpha, 0.5, 0.1);
  near(fit.kappa, fit.gamma * fit.alpha, 1e-12);
  const iv = fit.gammaInterval!;
  assert.ok(iv.lower <= 0.5 && 0.5 <= iv.upper, JSON.stringify(iv));
  assert.ok(fit.health.verdict !== "refused", JSON.stringify(fit.health.findings));
});

Deno.test("fitContextLaw recovers a steeper iso-loss line (γ = 1) and the iso-loss state follows S ∝ T^γ", () => {
  const truth = { E: 0.2, A: 2, alpha: 0.4, kappa: 0.4 };
  const fit = fitContextLaw(heatMap(truth, 5), { bootstrapSamples: 0 });
  near(fit.gamma, 1, 0.15);
  const s1 = isoLossState(fit, 1, 100), s4 = isoLossState(fit, 1, 400);
  near(Math.log(s4 / s1) / Math.log(4), fit.gamma, 1e-9);
  assert.deepEqual(fit.gammaInterval, null);
});

Deno.test("fitContextLaw refuses a heat map with two contexts", () => {
  const pts = heatMap({ E: 0.3, A: 5, alpha: 0.5, kappa: 0.25 }, 1).filter((p) => p.context <= 128);
  const fit = fitContextLaw(pts, { bootstrapSamples: 0, scanSteps: 7 });
  assert.deepEqual(fit.health.verdict, "refused");
  assert.ok(fit.health.findings.some((f) => f.code === "too_few_values" && f.message.startsWith("context")));
});
