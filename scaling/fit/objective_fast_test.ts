import assert from "node:assert/strict";
import { gemstonesPoints, readGemstones } from "../../testing/gemstones.ts";
import { EQ1_VARIABLES, EQ2_VARIABLES, EQ3_VARIABLES } from "./approach3.ts";
import { approach3Objective, approach3ObjectiveStable, prepareLogData } from "./objective.ts";

const hot = gemstonesPoints(readGemstones("wandb_df_for_fitting_hot.jsonl"));

/** Asserts the factored and the max-subtracted objective agree in value and gradient at theta. */
function agree(variables: readonly string[], th: number[], delta: number, rel: number): number {
  const data = prepareLogData(hot, variables, "test");
  const fast = approach3Objective(data, delta), stable = approach3ObjectiveStable(data, delta);
  const theta = Float64Array.from(th);
  const g1 = new Float64Array(theta.length).fill(7), g2 = new Float64Array(theta.length);
  const v1 = fast(theta, g1), v2 = stable(theta, g2);
  assert.ok(Number.isFinite(v2), `stable value ${v2}`);
  assert.ok(Math.abs(v1 - v2) <= rel * Math.abs(v2), `${variables} δ=${delta} ${th}: value ${v1} vs ${v2}`);
  const gmax = Math.max(...g2.map(Math.abs));
  for (let j = 0; j < theta.length; j++) {
    assert.ok(
      Math.abs(g1[j] - g2[j]) <= rel * gmax,
      `${variables} δ=${delta} ${th}: grad[${j}] ${g1[j]} vs ${g2[j]}`,
    );
  }
  return v1;
}

Deno.test("approach3Objective: factored form equals the max-subtracted form (value and gradient)", () => {
  const cases: [readonly string[], number[]][] = [
    [EQ1_VARIABLES, [6, 0.34, 6.02, 0.28, 0.52]],
    [EQ1_VARIABLES, [5.31, 0.2897, 16.0, 0.7395, 0.7629]], // near the hot optimum: residuals both signs
    [EQ1_VARIABLES, [25, 2, 0, 0, -1]],
    [EQ3_VARIABLES, [3, 0.5, 1, 0.3, 7, 0.3, 0.6]],
    [EQ2_VARIABLES, [4, 0.4, 0.5, 0.7, 6, 0.3, 6, 0.28, 0.6]],
  ];
  // δ = 1 puts every residual in the quadratic zone (the per-point log path), 1e-4 almost none.
  for (const [variables, th] of cases) {
    for (const delta of [1e-4, 1e-2, 1]) agree(variables, th, delta, 1e-12);
  }
});

Deno.test("approach3Objective: points whose exps overflow or underflow fall back to the stable form", () => {
  // a = 0, α = −35: t = 35·ln N spans ~[600, 760] over the hot models, so the largest overflow exp().
  agree(EQ1_VARIABLES, [0, -35, 6, 0.3, 0.5], 1e-4, 1e-12);
  // Every term far below exp's range: all points take the stable path.
  agree(EQ1_VARIABLES, [-900, 0.1, -900, 0.1, -900], 1e-4, 1e-12);
  // Huge E with ordinary terms: exp(e) overflows, the stable form still gives a finite value.
  const v = agree(EQ1_VARIABLES, [6, 0.3, 6, 0.3, 800], 1e-4, 1e-12);
  assert.ok(Number.isFinite(v));
  const f = approach3Objective(prepareLogData(hot, EQ1_VARIABLES, "test"), 1e-4);
  assert.ok(Number.isNaN(f(Float64Array.from([NaN, 0.3, 6, 0.3, 0.5]), new Float64Array(5))));
});

Deno.test("approach3Objective: repeated calls give the same value and gradient (no state leaks)", () => {
  const f = approach3Objective(prepareLogData(hot, EQ1_VARIABLES, "test"), 1e-4);
  const a = Float64Array.from([6, 0.34, 6.02, 0.28, 0.52]), b = Float64Array.from([0, -35, 6, 0.3, 0.5]);
  const ga = new Float64Array(5), gb = new Float64Array(5), ga2 = new Float64Array(5);
  const va = f(a, ga);
  f(b, gb);
  assert.equal(f(a, ga2), va);
  assert.deepEqual(ga2, ga);
});
