import assert from "node:assert/strict";
import { type AdditiveLaw } from "../law.ts";
import { CHINCHILLA_LAW } from "../laws/reference.ts";
import { gemstonesPoints, readGemstones, synthesise } from "../../testing/gemstones.ts";
import { EQ1_VARIABLES, EQ2_VARIABLES, fitApproach3, lawParameters, thetaFromLaw } from "./approach3.ts";

// Gemstones shapes (22 runs, widths 256-3072, depths 3-80, 48M-2B params) at 7 token counts 10B-350B.
const shapes = gemstonesPoints(readGemstones("wandb_df_for_fitting_hot_100b+.jsonl")).filter((_, i) =>
  i % 5 === 0
);

/** A width-depth law in the style of Gemstones' Eq. 2 (made-up but plausible parameters). */
const EQ2_LAW: AdditiveLaw = {
  E: 1.8,
  terms: [
    { variable: "width", A: 50, alpha: 0.5 },
    { variable: "depth", A: 2, alpha: 0.6 },
    { variable: "params", A: 400, alpha: 0.34 },
    { variable: "tokens", A: 410, alpha: 0.28 },
  ],
};

function assertRecovered(law: AdditiveLaw, truth: AdditiveLaw, rel: number): void {
  const got = lawParameters(law), want = lawParameters(truth);
  for (const name of Object.keys(want)) {
    assert.ok(
      Math.abs(got[name] - want[name]) <= rel * Math.abs(want[name]),
      `${name}: ${got[name]} vs ${want[name]}`,
    );
  }
}

Deno.test("fitApproach3 Eq. 1, full 4,500-start grid: recovers Chinchilla's law from noise-free data to 1e-6", () => {
  const half = shapes.filter((_, i) => i % 2 === 0);
  assert.ok(half.length === 77 && new Set(half.map((p) => p.group)).size === 22);
  const points = synthesise(half, CHINCHILLA_LAW, 0, 1);
  const fit = fitApproach3(points, { variables: EQ1_VARIABLES, tolerance: 1e-13, relativeTolerance: 0 });
  assert.equal(fit.starts, 4500);
  assert.ok(fit.converged > 1000);
  assertRecovered(fit.law, CHINCHILLA_LAW, 1e-6);
  assert.ok(fit.objective < 1e-20);
  assert.deepEqual(fit.law.terms.map((t) => t.variable), ["params", "tokens"]);
  assert.equal(fit.flatness.bestObjectives.length, 5);
  const tokens = points.map((p) => p.x.tokens);
  assert.deepEqual(fit.inputs.ranges.tokens, { min: Math.min(...tokens), max: Math.max(...tokens) });
});

Deno.test("fitApproach3 Eq. 2 (width, depth, params, tokens): recovers every parameter to 1e-6 from 60 LHS starts", () => {
  const points = synthesise(shapes, EQ2_LAW, 0, 1);
  const fit = fitApproach3(points, {
    variables: EQ2_VARIABLES,
    grid: { kind: "lhs", starts: 60, seed: 1 },
    tolerance: 1e-13,
    relativeTolerance: 0,
    maxIterations: 5000,
  });
  assert.equal(fit.starts, 60);
  assertRecovered(fit.law, EQ2_LAW, 1e-6);
});

Deno.test("fitApproach3: identical inputs give byte-identical JSON; the default settings are the documented ones", () => {
  const points = synthesise(shapes, CHINCHILLA_LAW, 0.01, 5);
  const options = { variables: EQ1_VARIABLES, grid: { kind: "random" as const, starts: 60, seed: 9 } };
  const a = JSON.stringify(fitApproach3(points, options));
  const b = JSON.stringify(fitApproach3(points, options));
  assert.equal(a, b);
  const fit = JSON.parse(a);
  assert.deepEqual(fit.settings, {
    huberDelta: 1e-4,
    grid: { kind: "random", starts: 60, seed: 9 },
    maxIterations: 1000,
    tolerance: 1e-8,
    relativeTolerance: 1e7 * 2.220446049250313e-16,
    memory: 10,
    objective: "sum",
  });
});

Deno.test("fitApproach3: the best-of-grid is at least as low as any start; extra starts are honoured", () => {
  const points = synthesise(shapes, CHINCHILLA_LAW, 0.01, 2);
  const base = fitApproach3(points, { variables: EQ1_VARIABLES, grid: { kind: "lhs", starts: 30, seed: 4 } });
  const bests = base.flatness.bestObjectives;
  for (let i = 1; i < bests.length; i++) assert.ok(bests[i - 1] <= bests[i]);
  assert.equal(base.objective, bests[0]);
  // Starting only from the optimum found gives back the same objective (to the relative tolerance).
  const again = fitApproach3(points, {
    variables: EQ1_VARIABLES,
    grid: { kind: "lhs", starts: 1, seed: 1 },
    extraStarts: [base.theta],
  });
  assert.equal(again.starts, 2);
  assert.ok(again.objective <= base.objective * (1 + 1e-6));
  assert.deepEqual(
    thetaFromLaw(base.law, EQ1_VARIABLES).map((v) => +v.toFixed(9)),
    base.theta.map((v) => +v.toFixed(9)),
  );
});

Deno.test("fitApproach3: when no start converges the lowest run is reported with converged = 0; bad input is named", () => {
  const points = synthesise(shapes, CHINCHILLA_LAW, 0.01, 2);
  const fit = fitApproach3(points, {
    variables: EQ1_VARIABLES,
    grid: { kind: "lhs", starts: 5, seed: 1 },
    maxIterations: 1,
  });
  assert.equal(fit.converged, 0);
  assert.deepEqual(fit.flatness.bestObjectives, []);
  assert.ok(Number.isFinite(fit.objective) && fit.objective > 0);
  assert.ok(fit.gradientNorm > 0);
  assert.throws(() => fitApproach3([], { variables: EQ1_VARIABLES }), /fitApproach3: no points to fit/);
  assert.throws(
    () => fitApproach3(points, { variables: EQ1_VARIABLES, huberDelta: 0 }),
    /huberDelta must be > 0/,
  );
});
