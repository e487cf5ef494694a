/**
 * Paper Figure 8 drawn as the authors' plotters/overtrained_single_parabola.py: one panel per budget, and in
 * each only the industry models whose loss lies within ±0.01 of the panel's predicted losses (not
 * Llama-3.1-70B), checked on the authors' loss file.
 */
import assert from "node:assert/strict";
import { parseIndustryModels } from "../../records/importers/industry.ts";
import type { OvertrainingRecord } from "../../records/schemas.ts";
import { AUTHORS_OVERTRAINING_BUDGETS, OVERTRAINING_FACTORS } from "../../scaling/prescribe/overtraining.ts";
import { compileVegaLite } from "../render.ts";
import { industryInBand, overtrainingFigure, overtrainingNotDrawn, panelTitle } from "./overtraining.ts";
import { drawReportFigures } from "../figure_module.ts";
import { FIG08 } from "../paper/fig08_overtraining.ts";
import { AUTHORS_FIT_DASH, AUTHORS_FIT_LABEL } from "./authors_fit.ts";

const FILE = "data/gemstones/data/our_val_loss_data.json";
const industry = parseIndustryModels(await Deno.readTextFile(FILE), FILE);

/** A record whose curve at budget i is a parabola in ln f with its minimum `base[i]` at f = 1. */
function record(base: readonly number[]): OvertrainingRecord {
  return {
    kind: "overtraining",
    variant: "over_100b",
    form: "eq2",
    curves: AUTHORS_OVERTRAINING_BUDGETS.map((flops, i) => ({
      flops,
      points: OVERTRAINING_FACTORS.map((factor) => ({
        factor,
        params: 1e9 / Math.sqrt(factor),
        tokens: 2e10 * Math.sqrt(factor),
        width: 2048,
        depth: 24,
        loss: base[i] + 0.004 * Math.log(factor) ** 2,
        lossIncrease: 0.004 * Math.log(factor) ** 2,
      })),
      leftOut: [],
    })),
  };
}

Deno.test("Figure 8: four panels at the authors' budgets, industry models within ±0.01 of each panel's losses", () => {
  // Panel losses span [base, base + 0.004·ln(16)² ≈ base + 0.0307].
  const f = overtrainingFigure({ record: record([2.9, 2.6, 2.3, 2.05]), industry, variant: "over_100b" });
  compileVegaLite(f.spec, f.name);
  const panels = f.spec.vconcat as { title: string }[];
  assert.deepEqual(panels.map((p) => p.title), [
    "FLOPs = 7.01704e+19",
    "FLOPs = 4.92388e+21",
    "FLOPs = 1.42510e+24",
    "FLOPs = 1.00000e+26",
  ]);
  const drawn = (f.spec.datasets as Record<string, { panel: string; name: string; loss: number }[]>).industry;
  const names = (flops: number) =>
    drawn.filter((d) => d.panel === panelTitle(flops)).map((d) => d.name).sort();
  const [c0, c1, c2, c3] = AUTHORS_OVERTRAINING_BUDGETS;
  // Losses in the authors' file: Qwen2-0.5B 2.8981, Qwen2.5-0.5B 2.9302 (band [2.89, 2.9407]).
  assert.deepEqual(names(c0), ["Qwen2-0.5B", "Qwen2.5-0.5B"]);
  // Band [2.59, 2.6407]: Qwen2-1.5B 2.6195, Qwen2.5-1.5B 2.6480 is out (> 2.6407), Llama-3.2-1B 2.6543 out.
  assert.deepEqual(names(c1), ["Qwen2-1.5B"]);
  // Band [2.29, 2.3407]: Llama-3-8B 2.3186, Qwen2.5-14B 2.2979.
  assert.deepEqual(names(c2), ["Llama-3-8B", "Qwen2.5-14B"]);
  // Band [2.04, 2.0907]: Llama-2-7b-hf 2.0554; Llama-3.1-70B (2.0775) is in the band but the authors skip it.
  assert.deepEqual(names(c3), ["Llama-2-7b-hf"]);
  assert.ok(industryInBand(industry, [2.06, 2.08]).some((r) => r.hf_name.endsWith("Llama-2-7b-hf")));
  assert.ok(!industryInBand(industry, [2.06, 2.08]).some((r) => r.hf_name.endsWith("Llama-3.1-70B")));
});

Deno.test("Figure 8 draws the authors' stored law dashed beside ours where it differs, and says how they compare", () => {
  const ours = record([2.9, 2.6, 2.3, 2.05]);
  const theirCurves = record([2.95, 2.65, 2.35, 2.1]).curves;
  const beside = { path: "their.json", objective: 2.9e-4, ourObjective: 2.9001e-4, exponentGap: 0.03 };
  const f = overtrainingFigure({
    record: { ...ours, authors: { ...beside, curves: theirCurves } },
    industry,
    variant: "v",
  });
  compileVegaLite(f.spec, f.name);
  const rows =
    (f.spec.datasets as Record<string, { law: string; panel: string; factor: number; loss: number }[]>)
      .curves;
  const theirs = rows.filter((r) => r.law === AUTHORS_FIT_LABEL);
  assert.equal(theirs.length, theirCurves.flatMap((c) => c.points).length);
  // Each of their points is their record's, on the panel of its budget.
  for (const c of theirCurves) {
    for (const p of c.points) {
      assert.ok(
        theirs.some((r) => r.panel === panelTitle(c.flops) && r.factor === p.factor && r.loss === p.loss),
      );
    }
  }
  // Dashed: the law's strokeDash scale gives theirs the authors' dash.
  const line =
    (f.spec.vconcat as { layer: { encoding: Record<string, { scale?: { range: unknown[] } }> }[] }[])[0]
      .layer.at(-1)!;
  assert.deepEqual(line.encoding.strokeDash.scale?.range, [[1, 0], [...AUTHORS_FIT_DASH]]);
  // Within 0.1 % of each other's objective: the data do not identify the prescription.
  assert.match(f.caption, /their\.json.*data do not identify this prescription/);
  // Exponents within 0.005: not drawn, and the caption says so.
  const same = overtrainingFigure({
    record: { ...ours, authors: { ...beside, exponentGap: 0.001, curves: theirCurves } },
    industry,
    variant: "v",
  });
  const sameRows = (same.spec.datasets as Record<string, { law: string }[]>).curves;
  assert.ok(sameRows.every((r) => r.law !== AUTHORS_FIT_LABEL));
  assert.match(same.caption, /within 0\.005 of ours, so its curves are not drawn/);
});

Deno.test("Figure 8 is not drawn, with the first budget's reason, when every point was left out", () => {
  const drawable = record([2.9, 2.6, 2.3, 2.05]);
  assert.equal(overtrainingNotDrawn(drawable), null);
  // One point left is enough to draw.
  const onePoint: OvertrainingRecord = {
    ...drawable,
    curves: drawable.curves.map((c, i) => ({ ...c, points: i === 3 ? c.points.slice(0, 1) : [] })),
  };
  assert.equal(overtrainingNotDrawn(onePoint), null);
  const edge = "on the edge of the authors' box (width 128, depth 4250.46)";
  const empty: OvertrainingRecord = {
    ...drawable,
    curves: drawable.curves.map((c) => ({
      ...c,
      points: [],
      leftOut: OVERTRAINING_FACTORS.map((factor) => ({ factor, reason: edge })),
    })),
  };
  const why = overtrainingNotDrawn(empty);
  assert.equal(
    why,
    "law eq2 of variant over_100b leaves no point to draw: every overtraining factor at each of the 4 budgets " +
      `was left out; at 7.02e+19 FLOPs, factor 0.0625: ${edge}`,
  );
  // The report's frame keeps the reason and draws no Figure 8.
  const widthDepthEq2 = { health: { verdict: "ok", findings: [] } };
  const drawn = drawReportFigures(
    [FIG08],
    { overtraining: empty, industry, widthDepthEq2 } as unknown as Parameters<typeof drawReportFigures>[1],
    { variant: "over_100b" },
  );
  assert.deepEqual(drawn.figures, []);
  assert.deepEqual(drawn.notDrawn, { "8": why });
  const shown = drawReportFigures(
    [FIG08],
    { overtraining: drawable, industry, widthDepthEq2 } as unknown as Parameters<typeof drawReportFigures>[1],
    { variant: "over_100b" },
  );
  assert.equal(shown.figures.length, 1);
  assert.deepEqual(shown.notDrawn, {});
});
