import assert from "node:assert/strict";
import { gemstonesPoints, readGemstones } from "../../testing/gemstones.ts";
import { approach3Record, fitPointsOf } from "../../stages/fit_approach3.ts";
import type { SelectedRow } from "../../records/schemas.ts";
import { flatRanges, identifiabilityFigure } from "./identifiability.ts";

Deno.test("Figure S2: the Eq. 2 profile of a projection fit, its flat ranges bracketing the fitted exponents", () => {
  const points = gemstonesPoints(readGemstones("wandb_df_for_fitting_hot.jsonl"));
  const rows = points.map((p) => ({ ...p.x, loss: p.lossNats, run_id: p.group }) as unknown as SelectedRow);
  const options = {
    huberDelta: 1e-4,
    grid: "projection" as const,
    bootstrapSamples: 0,
    bootstrapSeed: 1,
    bootstrapStarts: 0,
    budgets: [],
  };
  const rec = approach3Record("paper", "eq2", fitPointsOf(rows, "eq2"), options);
  assert.equal(rec.grid.kind, "projection");
  assert.equal(rec.starts, 21 ** 4);
  const p = rec.projection!;
  assert.equal(p.profile.marginal.length, 4);
  // Each marginal's minimum is the best cell's objective, at or above the polished optimum.
  for (const m of p.profile.marginal) assert.equal(Math.min(...m), p.bestCellObjective);
  assert.ok(p.bestCellObjective >= rec.objective);
  const flat = flatRanges(rec);
  assert.deepEqual(flat.map((f) => f.variable), ["width", "depth", "params", "tokens"]);
  for (const [i, f] of flat.entries()) {
    // The cells nearest the fitted exponent lie within 1 % only if the valley is wide; the range always lies
    // in the grid, and the fitted exponent lies within one step of it.
    assert.ok(f.lo >= p.lo && f.hi <= p.hi && f.lo <= f.hi, JSON.stringify(f));
    const a = rec.terms[i].alpha;
    assert.ok(a >= f.lo - p.step && a <= f.hi + p.step, `${f.variable}: ${a} outside ${f.lo}-${f.hi}`);
  }
  const fig = identifiabilityFigure(rec, ["widthDepthEq2"])!;
  assert.equal(fig.paperFigure, "S2");
  assert.match(fig.title, /not a paper figure/);
  const spec = fig.spec as { vconcat: { hconcat: unknown[] }[] };
  assert.equal(spec.vconcat[0].hconcat.length, 4); // one curve per exponent
  // Six pairs of exponents, three heat maps a row.
  assert.deepEqual(spec.vconcat.slice(1).map((r) => r.hconcat.length), [3, 3]);
  assert.match(fig.caption, /194,481 cells/);
  assert.match(fig.caption, new RegExp(`above the optimum ${rec.objective.toExponential(6)} that`));
  // A fit without a projection search draws nothing.
  assert.equal(identifiabilityFigure({ ...rec, projection: undefined }, []), null);
});
