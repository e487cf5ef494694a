/**
 * The industry models in the tokens-per-parameter panels of the prescription figures (paper Figures 13-19
 * and 21; 5 and 12 are checked on the real fits in figures/figures_test.ts), as the authors' plot_industrial
 * draws them: the 15 models with published token counts, at 6·N·D FLOPs, one colour each, a marker per family.
 */
import assert from "node:assert/strict";
import { parseIndustryModels } from "../../records/importers/industry.ts";
import type { Prescription, PrescriptionsRecord } from "../../records/schemas.ts";
import { APPENDIX_D_FIGURES } from "../paper/appendix_d.ts";
import { FIG21 } from "../paper/fig21_approach3_eq3.ts";
import { compileVegaLite } from "../render.ts";
import type { NotDrawn } from "../figure_module.ts";
import type { FigureDraft } from "./common.ts";
import { industryShape, rainbowColour, X_SHAPE } from "./industry_style.ts";

const FILE = "data/gemstones/data/our_val_loss_data.json";
const industry = parseIndustryModels(await Deno.readTextFile(FILE), FILE);

/** The authors' `industrial_tokens` (plotters/plotting_utils.py): the models drawn, with their tokens. */
const AUTHORS_TOKENS: Record<string, number> = {
  "Gemma-2b": 3e12,
  "Gemma-7b": 6e12,
  "Gemma-2-2b": 2e12,
  "Gemma-2-9b": 8e12,
  "Gemma-2-27b": 13e12,
  "Llama-2-7b-hf": 2e12,
  "Llama-2-13b-hf": 2e12,
  "Llama-2-70b-hf": 2e12,
  "Llama-3-8B": 15e12,
  "Llama-3.1-70B": 15e12,
  "Llama-3.2-1B": 9e12,
  "Llama-3.2-3B": 9e12,
  "Qwen2-0.5B": 12e12,
  "Qwen2-1.5B": 7e12,
  "Qwen2-7B": 7e12,
};

function prescriptions(flops: number[], withShape: boolean): Prescription[] {
  return flops.map((c) => ({
    flops: c,
    params: Math.sqrt(c / 120),
    tokens: 20 * Math.sqrt(c / 120),
    width: withShape ? 1024 : null,
    depth: withShape ? 16 : null,
    loss: 2,
    atBoundary: false,
  }));
}

function record(variant: string): PrescriptionsRecord {
  const budgets = [1e18, 1e20, 1e22, 1e24, 1e26];
  const form = (f: "eq1" | "eq2" | "eq3", shape: boolean) => ({
    form: f,
    method: shape ? "brute_force" as const : "closed_form" as const,
    flopsCounting: "C = 6ND",
    prescriptions: prescriptions(budgets, shape),
  });
  return {
    kind: "prescriptions",
    variant,
    forms: [form("eq1", false), form("eq2", true), form("eq3", true)],
  };
}

/** Asserts that the tokens-per-parameter panel of `f` holds every industry model with a token count. */
function assertIndustryInTokensPerParam(f: FigureDraft): void {
  const rows = (f.spec.datasets as Record<string, Record<string, unknown>[]>).industry
    .filter((r) => r.panel === "tokensPerParam");
  assert.deepEqual(
    rows.map((r) => r.name).sort(),
    Object.keys(AUTHORS_TOKENS).sort(),
    `figure ${f.paperFigure}`,
  );
  for (const r of rows) {
    const m = industry.find((x) => x.hf_name.endsWith(`/${r.name}`))!;
    const tokens = AUTHORS_TOKENS[r.name as string];
    assert.equal(r.value, tokens / m.params, `${f.paperFigure} ${r.name}`);
    assert.equal(r.flops, 6 * m.params * tokens, `${f.paperFigure} ${r.name}`);
  }
  // Llama-3-8B (8,030,261,248 params, 15T tokens) trains on about 1,868 tokens per parameter.
  const llama = rows.find((r) => r.name === "Llama-3-8B")!;
  assert.ok(Math.abs((llama.value as number) - 1867.94) < 0.01, String(llama.value));
  compileVegaLite(f.spec, f.name);
}

/** The figures a module drew; fails when it said why it draws none. */
function figuresOf(drawn: FigureDraft[] | NotDrawn): FigureDraft[] {
  assert.ok(Array.isArray(drawn), `not drawn: ${(drawn as NotDrawn).notDrawn}`);
  return drawn;
}

Deno.test("Figures 13-19 and 21 draw the industry models in their tokens-per-parameter panels", () => {
  const variants = [
    "lr_ablation",
    "cooldown",
    "over_120b_only",
    "over_100b",
    "over_100b_huber_1e-3",
    "lr_ablation_huber_1e-3",
    "cooldown_huber_1e-3",
  ];
  const relaxed = variants.map((variant) => ({ variant, record: record(variant) }));
  const appendixD = figuresOf(APPENDIX_D_FIGURES.draw({ relaxed, industry }, { variant: "paper" }));
  assert.deepEqual(appendixD.map((f) => f.paperFigure), ["13", "14", "15", "16", "17", "18", "19"]);
  for (const f of appendixD) assertIndustryInTokensPerParam(f);
  const [fig21] = figuresOf(
    FIG21.draw({ prescriptions: record("over_100b"), industry }, { variant: "paper" }),
  );
  assertIndustryInTokensPerParam(fig21);
  // Not on the width or depth panels, which the authors' plotter leaves without them.
  const panels = new Set(
    (appendixD[0].spec.datasets as Record<string, Record<string, unknown>[]>).industry.map((r) => r.panel),
  );
  assert.deepEqual([...panels].sort(), ["params", "ratio", "tokens", "tokensPerParam"]);
});

Deno.test("industry markers and colours are the authors' (assign_marker, matplotlib rainbow)", () => {
  assert.equal(industryShape("meta-llama/Llama-2-7b-hf"), X_SHAPE);
  assert.equal(industryShape("google/Gemma-2-9b"), "circle");
  assert.equal(industryShape("Qwen/Qwen2-7B"), "triangle-up");
  assert.equal(industryShape("Qwen/Qwen2.5-7B"), "cross");
  // matplotlib's rainbow: violet at 0, red at 1, green-yellow at the middle (0.5, 1, 0.707).
  assert.equal(rainbowColour(0), "#8000ff");
  assert.equal(rainbowColour(1), "#ff0000");
  assert.equal(rainbowColour(0.5), "#80ffb4");
});
