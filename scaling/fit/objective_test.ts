import assert from "node:assert/strict";
import { evaluateLaw } from "../law.ts";
import { gemstonesPoints, readGemstones } from "../../testing/gemstones.ts";
import { EQ1_VARIABLES, EQ2_VARIABLES, EQ3_VARIABLES, lawFromTheta } from "./approach3.ts";
import { huberLoss } from "./huber.ts";
import { approach3Objective, prepareLogData } from "./objective.ts";

const hot = gemstonesPoints(readGemstones("wandb_df_for_fitting_hot.jsonl"));

Deno.test("approach3Objective: value equals Σ Huber(ln L − ln evaluateLaw) computed directly", () => {
  assert.equal(hot.length, 220);
  const theta = new Float64Array([6, 0.34, 6.02, 0.28, 0.52]);
  const f = approach3Objective(prepareLogData(hot, EQ1_VARIABLES, "test"), 1e-3);
  const law = lawFromTheta(theta, EQ1_VARIABLES);
  let expected = 0;
  for (const p of hot) expected += huberLoss(Math.log(p.lossNats) - Math.log(evaluateLaw(law, p.x)), 1e-3);
  const value = f(theta, new Float64Array(5));
  assert.ok(Math.abs(value - expected) <= 1e-12 * expected, `${value} vs ${expected}`);
});

Deno.test("approach3Objective: analytic gradient matches central differences on the Gemstones hot data", () => {
  const cases: [readonly string[], number[]][] = [
    [EQ1_VARIABLES, [6, 0.34, 6.02, 0.28, 0.52]],
    [EQ1_VARIABLES, [5.36, 0.293, 15.8, 0.729, 0.765]],
    [EQ3_VARIABLES, [3, 0.5, 1, 0.3, 7, 0.3, 0.6]],
    [EQ2_VARIABLES, [4, 0.4, 0.5, 0.7, 6, 0.3, 6, 0.28, 0.6]],
  ];
  for (const [variables, th] of cases) {
    // delta = 1 keeps every residual in the smooth quadratic zone so differences are exact to O(h²).
    for (const delta of [1, 1e-4]) {
      const f = approach3Objective(prepareLogData(hot, variables, "test"), delta);
      const theta = Float64Array.from(th);
      const grad = new Float64Array(theta.length);
      f(theta, grad);
      const scratch = new Float64Array(theta.length);
      for (let j = 0; j < theta.length; j++) {
        const h = 1e-6 * Math.max(1, Math.abs(theta[j]));
        const plus = Float64Array.from(theta), minus = Float64Array.from(theta);
        plus[j] += h;
        minus[j] -= h;
        const fd = (f(plus, scratch) - f(minus, scratch)) / (2 * h);
        const tol = 1e-6 * Math.max(1e-3, Math.abs(fd));
        assert.ok(Math.abs(grad[j] - fd) <= tol, `${variables} δ=${delta} θ[${j}]: ${grad[j]} vs ${fd}`);
      }
    }
  }
});

Deno.test("prepareLogData: bad input names the point, group and field", () => {
  const bad = [...hot.slice(0, 3), { x: { params: 1e8, tokens: -5 }, lossNats: 3, group: "run-x" }];
  assert.throws(
    () => prepareLogData(bad, EQ1_VARIABLES, "fitApproach3"),
    /fitApproach3: point 3 \(group "run-x"\): field x\.tokens must be a finite number > 0, got -5/,
  );
  assert.throws(
    () => prepareLogData([{ x: { params: 1, tokens: 1 }, lossNats: NaN }], EQ1_VARIABLES, "f"),
    /point 0: field lossNats/,
  );
  assert.throws(() => prepareLogData(hot, ["params", "params"], "f"), /duplicates/);
  assert.throws(
    () => prepareLogData(hot, ["params", "nope"], "f"),
    /field x\.nope must be a finite number > 0, got undefined/,
  );
});
