import assert from "node:assert/strict";
import { collectTables, writeCollected } from "./collect.ts";
import { readRunsRows } from "../records/schemas.ts";
import { selectParams } from "./select.ts";
import {
  DEFAULT_GRID_SIZES,
  readPublishedGridFit,
  sensitivityCases,
  sensitivityParams,
  shapeOptimum,
} from "./sensitivity.ts";
import { resolveVariant } from "./variants.ts";
import { CHINCHILLA_LAW } from "../scaling/laws/reference.ts";
import { chinchillaOptimum } from "../scaling/prescribe/chinchilla.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const dir = await Deno.makeTempDir();
await writeCollected(dir, await collectTables(ROOT));
const runs = await readRunsRows(`${dir}/runs.csv`);
await Deno.remove(dir, { recursive: true });

Deno.test("sensitivity cases of paper: one choice changed per case, data choices re-select the rows", () => {
  const v = resolveVariant("paper");
  const p = sensitivityParams("paper", selectParams("paper", v), v);
  const { cases, counting, skipped } = sensitivityCases(runs, p);
  assert.deepEqual(skipped, []);
  assert.deepEqual(cases.map((c) => [c.choice, c.option]), [
    ["baseline", "the variant"],
    ["Huber δ", "δ = 0.001"],
    ["Huber δ", "δ = 0.00001"],
    ["start grid", "100 LHS starts"],
    ["start grid", "authors' 10000-start study grid"],
    ["Huber sum or mean", "mean"],
    ["params counted", "non_embedding"],
    ["token cut-off", "tokens ≥ 3.0e+10"],
    ["token cut-off", "tokens ≤ 6.0e+10"],
    ["FLOP counter", "6N"],
    ["FLOP counter", "kaplan"],
    ["FLOP counter", "chinchilla"],
  ]);
  const base = cases[0];
  assert.equal(base.points.length, 220);
  assert.equal(base.fit.grid, "gemstones");
  assert.equal(base.fit.huberDelta, 1e-4);
  // hot: 10 checkpoints per run every 2,385 steps of 2048·2048 tokens (10.003B, 20.007B, ..., 100.03B): 8 are
  // >= 3e10 (from 30.01B), 5 are <= 6e10 (the 6th is 60.02B).
  assert.equal(cases[7].points.length, 22 * 8);
  assert.equal(cases[8].points.length, 22 * 5);
  // No embeddings: every model loses 2·50304·width parameters (input embedding and LM head).
  const noEmb = cases[6].points;
  for (let i = 0; i < noEmb.length; i++) {
    const width = runs.find((r) => r.subset === "hot" && r.run_id === base.points[i].group)!.width;
    assert.equal(base.points[i].x.params - noEmb[i].x.params, 2 * 50304 * width);
  }
  assert.deepEqual(counting, [
    { paramsConvention: "total", flopsCounter: "gemstones" },
    { paramsConvention: "non_embedding", flopsCounter: "gemstones" },
    { paramsConvention: "total", flopsCounter: "6N" },
    { paramsConvention: "total", flopsCounter: "kaplan" },
    { paramsConvention: "total", flopsCounter: "chinchilla" },
  ]);
  assert.deepEqual(cases.slice(9).map((c) => c.counting), [2, 3, 4]);
  for (const c of cases.slice(9)) assert.equal(c.points, base.points);
});

Deno.test("sensitivity cases of over_120b_only: a token cut-off no checkpoint passes is left out, and said", () => {
  // hot_120b+_only: every checkpoint has more than 120B tokens, so none is <= 6e10 (the stage failed with
  // "no rows selected" before); tokens >= 3e10 keeps every one of them.
  const v = resolveVariant("over_120b_only");
  const p = sensitivityParams("over_120b_only", selectParams("over_120b_only", v), v);
  const { cases, skipped } = sensitivityCases(runs, p);
  assert.ok(cases[0].points.every((pt) => pt.x.tokens > 1.2e11));
  const cut = cases.filter((c) => c.choice === "token cut-off");
  assert.deepEqual(cut.map((c) => c.option), ["tokens ≥ 3.0e+10"]);
  assert.equal(cut[0].points.length, cases[0].points.length);
  assert.deepEqual(skipped, [{
    choice: "token cut-off",
    option: "tokens ≤ 6.0e+10",
    reason: "the variant has no checkpoint on that side of the cut-off",
  }]);
});

Deno.test("shapeOptimum under 6N is the Chinchilla closed form (continuous shapes)", () => {
  const o = shapeOptimum("total", "6N")(CHINCHILLA_LAW, 1e23);
  const want = chinchillaOptimum(CHINCHILLA_LAW, 1e23);
  assert.ok(Math.abs(o.paramsOpt / want.paramsOpt - 1) < 0.02, `${o.paramsOpt} vs ${want.paramsOpt}`);
  assert.ok(Math.abs(o.tokensOpt / want.tokensOpt - 1) < 0.02, `${o.tokensOpt} vs ${want.tokensOpt}`);
});

Deno.test("grid_size_study: the default sizes; the authors' stored fits are read and named on error", async () => {
  assert.deepEqual(DEFAULT_GRID_SIZES, [3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000]);
  const d4 = await readPublishedGridFit(
    `${ROOT}/data/gemstones/parameters_delta-4/approach_3_parameters_grid_search_0_hot.json`,
    1e-4,
  );
  assert.deepEqual(d4, {
    delta: 1e-4,
    objective: 0.0002076018,
    alpha: 0.2989180518,
    beta: 0.6928331414,
    ratio: 0.2989180518 / (0.2989180518 + 0.6928331414),
  });
  const bad = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(bad, JSON.stringify({ loss: { "0": 1 }, coefficients: { "0": [1, 2] } }));
  await assert.rejects(
    () => readPublishedGridFit(bad, 1e-4),
    /field "exponents" is not a \{"0": \.\.\.\} column/,
  );
  await Deno.remove(bad);
});
