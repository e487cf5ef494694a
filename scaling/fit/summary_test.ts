import assert from "node:assert/strict";
import { CHINCHILLA_LAW } from "../laws/reference.ts";
import { gemstonesPoints, readGemstones, synthesise } from "../../testing/gemstones.ts";
import {
  approach3Settings,
  EQ1_VARIABLES,
  fitApproach3,
  lawFromTheta,
  lawParameters,
  mergeStartSummaries,
  runStartSlice,
} from "./approach3.ts";
import { gridStarts } from "./grid.ts";
import { lbfgsMinimize } from "./lbfgs.ts";
import { approach3Objective, prepareLogData } from "./objective.ts";

const points = synthesise(
  gemstonesPoints(readGemstones("wandb_df_for_fitting_hot.jsonl")).filter((_, i) => i % 3 === 0),
  CHINCHILLA_LAW,
  0.01,
  8,
);
const options = { variables: EQ1_VARIABLES, grid: { kind: "lhs" as const, starts: 40, seed: 12 } };

Deno.test("fitApproach3 bookkeeping equals a direct reference loop over the same starts", () => {
  const fit = fitApproach3(points, options);
  const settings = approach3Settings(options);
  const f = approach3Objective(prepareLogData(points, EQ1_VARIABLES, "ref"), settings.huberDelta);
  const grid = gridStarts(options.grid, 2);
  const runs: { value: number; theta: number[] }[] = [];
  const x0 = new Float64Array(5);
  for (let s = 0; s < grid.count; s++) {
    grid.write(s, x0);
    const r = lbfgsMinimize(f, x0, {
      maxIterations: settings.maxIterations,
      gradientTolerance: settings.tolerance,
      relativeTolerance: settings.relativeTolerance,
    });
    if (r.converged) runs.push({ value: r.value, theta: Array.from(r.x) });
  }
  const values = runs.map((r) => r.value).sort((a, b) => a - b);
  assert.equal(fit.converged, runs.length);
  assert.deepEqual(fit.flatness.bestObjectives, values.slice(0, 5));
  assert.equal(fit.objective, values[0]);
  const near = runs.filter((r) => r.value <= values[0] * (1 + 1e-6)).map((r) =>
    lawParameters(lawFromTheta(r.theta, EQ1_VARIABLES))
  );
  assert.equal(fit.flatness.nearBest, near.length);
  for (const name of Object.keys(fit.flatness.paramSpread)) {
    const v = near.map((p) => p[name]);
    assert.equal(fit.flatness.paramSpread[name], Math.max(...v) - Math.min(...v));
  }
});

Deno.test("mergeStartSummaries: any split of the starts merges to the single-slice summary", () => {
  const settings = approach3Settings(options);
  const data = prepareLogData(points, EQ1_VARIABLES, "test");
  const whole = runStartSlice(data, settings, [], 0, 40);
  const parts = [[23, 40], [0, 7], [7, 23]].map(([a, b]) => runStartSlice(data, settings, [], a, b));
  assert.deepEqual(mergeStartSummaries(parts), mergeStartSummaries([whole]));
  assert.deepEqual(mergeStartSummaries([whole]), whole);
});
