import assert from "node:assert/strict";
import { gemstonesPoints, readGemstones, synthesise } from "../../testing/gemstones.ts";
import { EQ2_TEST_LAW } from "../../testing/laws.ts";
import { EQ1_VARIABLES, EQ2_VARIABLES, fitApproach3, lawParameters } from "./approach3.ts";
import { PROJECTION_CANDIDATES, projectionExponents, projectionSettings } from "./projection.ts";

const hot = gemstonesPoints(readGemstones("wandb_df_for_fitting_hot.jsonl"));

Deno.test("projection: the default grid's step follows cells × points; bad options name the field", () => {
  assert.equal(projectionSettings(true, 4, 220).step, 0.1); // 21^4 cells
  assert.equal(projectionSettings(true, 4, 770).step, 0.1);
  assert.equal(projectionSettings(true, 4, 2000).step, 0.25);
  assert.equal(projectionSettings(true, 2, 220).step, 0.02);
  assert.equal(projectionSettings(true, 2, 100000).step, 0.05);
  assert.equal(projectionSettings(true, 4, 12).step, 0.1); // at most 200,000 cells however few the points
  assert.equal(projectionSettings(true, 3, 12).step, 0.05);
  const s = projectionSettings({ lo: 0, hi: 2, step: 0.5 }, 2, 10);
  assert.deepEqual(projectionExponents(s), [0, 0.5, 1, 1.5, 2]); // the authors' main grid's exponents
  assert.equal(s.candidates, PROJECTION_CANDIDATES);
  assert.throws(
    () => projectionSettings({ step: 0 }, 2, 10),
    /projection.step must be in \(0, hi − lo\], got 0/,
  );
  assert.throws(
    () => projectionSettings({ candidates: 1.5 }, 2, 10),
    /projection.candidates must be an integer >= 1, got 1.5/,
  );
  assert.throws(() => projectionSettings({ lo: 2, hi: 1 }, 2, 10), /finite lo < hi, got lo 2, hi 1/);
});

Deno.test("projection: recovers a known Eq. 2 law from noise-free points (exponents off the grid)", () => {
  const points = synthesise(hot, EQ2_TEST_LAW, 0, 1);
  const fit = fitApproach3(points, { variables: EQ2_VARIABLES, projection: { step: 0.25 } });
  assert.ok(fit.objective < 1e-12, `objective ${fit.objective}`);
  const want = lawParameters(EQ2_TEST_LAW), got = lawParameters(fit.law);
  for (const [name, v] of Object.entries(want)) {
    assert.ok(Math.abs(got[name] / v - 1) < 1e-4, `${name}: ${got[name]} vs ${v}`);
  }
  assert.equal(fit.starts, 9 ** 4);
  assert.equal(fit.projection?.cells, 9 ** 4);
});

Deno.test("projection: Eq. 1 on `hot` reaches the full 4,500-start grid's objective", () => {
  const vp = fitApproach3(hot, { variables: EQ1_VARIABLES, projection: true });
  // The paper profile's approach3_eq1.paper (every start of the 4,500-start grid to convergence): 2.0750515560080223e-4.
  assert.ok(vp.objective <= 2.0750515560080223e-4 * (1 + 1e-12), `objective ${vp.objective}`);
  // The profile: for two variables the pair is the whole grid, its minimum the best cell, and each
  // marginal is the pair's row or column minimum.
  const p = vp.projection!.profile, G = p.exponents.length;
  assert.equal(G, 101);
  assert.deepEqual(p.pairs.map((q) => q.variables), [["params", "tokens"]]);
  const cells = p.pairs[0].values;
  assert.equal(Math.min(...cells), vp.projection!.bestCellObjective);
  for (let i = 0; i < G; i++) {
    assert.equal(p.marginal[0][i], Math.min(...cells.slice(i * G, (i + 1) * G)));
    assert.equal(
      p.marginal[1][i],
      Math.min(...Array.from({ length: G }, (_, r): number => cells[r * G + i])),
    );
  }
  // Each cell's objective is at or above the polished optimum (it is the objective at one point).
  assert.ok(vp.projection!.bestCellObjective >= vp.objective);
});

Deno.test("projection: Eq. 2 on `hot`, default grid (21^4 cells): the screened full grid's basin minimum", () => {
  const fit = fitApproach3(hot, { variables: EQ2_VARIABLES, projection: true });
  // docs/science.md: every screened subset of the 4,050,000-start grid polishes to 1.114037940957e-4;
  // the authors' stored fit (parameters_delta-4/approach_3_width_depth_parameters_grid_search_0_hot.json)
  // reached 1.11878e-4.
  assert.ok(Math.abs(fit.objective / 1.114037940957e-4 - 1) < 1e-9, `objective ${fit.objective}`);
  assert.equal(fit.starts, 21 ** 4);
  const r = fit.projection!;
  assert.ok(r.polished >= 1 && r.polished <= PROJECTION_CANDIDATES && r.atBest >= 1);
  assert.equal(r.profile.pairs.length, 6);
  assert.equal(fit.settings.projection?.step, 0.1);
  assert.equal(fit.settings.screen, undefined);
});
