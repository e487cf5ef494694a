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
import { industryInBand, overtrainingFigure, panelTitle } from "./overtraining.ts";

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
