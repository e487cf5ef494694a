import assert from "node:assert/strict";
import { evaluateLaw } from "../law.ts";
import { CHINCHILLA_LAW } from "../laws/reference.ts";
import { gemstonesPoints, readGemstones, synthesise } from "../../testing/gemstones.ts";
import { EQ1_VARIABLES } from "../fit/approach3.ts";
import { backtestApproach3, largestGroups, largestRows } from "./backtest.ts";

const shapes = gemstonesPoints(readGemstones("wandb_df_for_fitting_hot_100b+.jsonl")).filter((_, i) =>
  i % 5 === 0
);
const compute = shapes.map((p) => 6 * p.x.params * p.x.tokens);
const options = { variables: EQ1_VARIABLES, tolerance: 1e-13, relativeTolerance: 0 };

Deno.test("backtest on noise-free data returns the generating law's predictions for the held-out runs", () => {
  const points = synthesise(shapes, CHINCHILLA_LAW, 0, 1);
  const { groups, rows } = largestGroups(points, compute, 3);
  assert.equal(groups.length, 3);
  assert.equal(rows.length, 21); // 3 runs x 7 token counts: every checkpoint of the held-out runs
  const bt = backtestApproach3(points, rows, options);
  assert.equal(bt.trained.length, points.length - 21);
  for (const r of bt.heldOut) {
    const truth = evaluateLaw(CHINCHILLA_LAW, points[r.row].x);
    assert.ok(Math.abs(r.predicted / truth - 1) < 1e-7, `row ${r.row}: ${r.predicted} vs ${truth}`);
    assert.ok(Math.abs(r.relError) < 1e-7);
  }
  assert.ok(bt.meanAbsRelError < 1e-7);
  assert.equal(bt.health.verdict, "ok", JSON.stringify(bt.health));
  // Held-out runs are the largest: every trained run's largest compute is below every held-out run's.
  const heldMin = Math.min(
    ...groups.map((g) => Math.max(...rows.filter((i) => points[i].group === g).map((i) => compute[i]))),
  );
  for (const i of bt.trained) assert.ok(compute[i] <= heldMin || !groups.includes(points[i].group!));
});

Deno.test("backtest with a bootstrap gives intervals around the prediction; with noise the truth mostly lies inside", () => {
  const points = synthesise(shapes, CHINCHILLA_LAW, 0.01, 5);
  const rows = largestRows(compute, 5);
  assert.deepEqual(rows, [...compute.keys()].sort((a, b) => compute[b] - compute[a] || a - b).slice(0, 5));
  const bt = backtestApproach3(points, rows, {
    variables: EQ1_VARIABLES,
    grid: { kind: "lhs", starts: 30, seed: 2 },
  }, {
    bootstrap: { samples: 20, seed: 1 },
  });
  assert.equal(bt.bootstrapSamples, 20);
  for (const r of bt.heldOut) {
    assert.ok(r.interval!.lower <= r.predicted * 1.02 && r.interval!.upper >= r.predicted * 0.98);
    assert.equal(r.inside, r.actual >= r.interval!.lower && r.actual <= r.interval!.upper);
    assert.ok(Math.abs(r.relError) < 0.05, `${r.relError}`);
  }
});

Deno.test("backtest refuses to hold out nothing or everything", () => {
  const points = synthesise(shapes.slice(0, 10), CHINCHILLA_LAW, 0, 1);
  assert.throws(() => backtestApproach3(points, [], options), /no rows held out/);
  assert.throws(() => backtestApproach3(points, points.map((_, i) => i), options), /all 10 rows held out/);
  assert.throws(() => largestRows([1, 2], 0), /count must be an integer >= 1/);
});
