import assert from "node:assert/strict";
import type { Approach1Record, Approach3Record, BacktestRecord, FitHealth } from "../records/schemas.ts";
import type { Figure } from "./specs/common.ts";
import {
  backtestWords,
  diffHealthHtml,
  diffHealthText,
  formsRead,
  healthSectionHtml,
  healthWords,
  withHealthNotes,
} from "./health.ts";

const refused: FitHealth = {
  verdict: "refused",
  findings: [{
    code: "too_few_rows",
    message: "2 rows cannot determine the 5 parameters of E + 2 power-law terms.",
  }],
};
const fit = (health: FitHealth) => ({ kind: "approach3", health }) as unknown as Approach3Record;
const backtest = (err: number): BacktestRecord => ({
  kind: "backtest",
  variant: "v",
  holdoutRuns: 1,
  heldOutRuns: ["big"],
  forms: [{
    form: "eq2",
    trainRows: 9,
    heldOutRows: 3,
    meanAbsRelError: err,
    maxAbsRelError: 2 * err,
    E: 1,
    terms: [],
    health: {
      verdict: "ok",
      findings: [],
      measures: {
        nearBest: 9,
        starts: 40,
        exponentSpread: 0,
        condition: 1e6,
        exponentCorrelation: 0.1,
        residualTrendR2: 0.01,
      },
    },
    heldOut: [],
  }],
  best: "eq2",
});

Deno.test("healthWords: nothing for ok; a refused law is said not to be identified, in words", () => {
  assert.equal(healthWords("eq1", { verdict: "ok", findings: [] }), "");
  assert.equal(
    healthWords("eq1", refused),
    "These data do not identify the Eq. 1 (L(N, D) = E + A·N^−α + B·D^−β) law: 2 rows cannot determine the 5 " +
      "parameters of E + 2 power-law terms. Do not read numbers off its line.",
  );
  assert.match(
    backtestWords("eq2", backtest(0.05)),
    /^Backtest failed: .* misses their 3 checkpoints by 5\.00% \(max 10\.00%\)/,
  );
  assert.match(backtestWords("eq2", backtest(0.005)), /predicts their 3 checkpoints within 0\.50%/);
});

Deno.test("withHealthNotes puts the note beside the figures that draw the law, and only there", () => {
  assert.deepEqual(formsRead(["prescriptions"]), ["eq1", "eq2", "eq3"]);
  assert.deepEqual(formsRead(["overspend", "eq1", "rows"]), ["eq1", "eq2"]);
  const figs = [["eq2", "industry"], ["rows"]].map((reads) =>
    ({ reads, tablesHtml: "<t>" }) as unknown as Figure
  );
  const out = withHealthNotes(figs, { variant: "v", fits: { eq2: fit(refused) }, backtest: backtest(0.05) });
  assert.match(
    out[0].tablesHtml!,
    /^<div class="health-note"[^]*These data do not identify the Eq\. 2[^]*Backtest failed[^]*<t>$/,
  );
  assert.equal(out[1].tablesHtml, "<t>");
  const ok = withHealthNotes(figs, {
    variant: "v",
    fits: { eq2: fit({ verdict: "ok", findings: [] }) },
    backtest: backtest(0.001),
  });
  assert.equal(ok[0], figs[0]);
});

Deno.test("the fit-health section and the diff name each verdict and which variant extrapolates better", () => {
  const section = healthSectionHtml({ variant: "v", fits: { eq2: fit(refused) }, backtest: backtest(0.01) });
  assert.match(section, /<td style="color:#c00;font-weight:bold">refused<\/td>/);
  assert.match(section, /Eq\. 2 \(L\(w, d, N, D\)[^<]*\) extrapolates best\./);
  const diff = diffHealthHtml(
    { variant: "a", fits: { eq2: fit(refused) }, backtest: backtest(0.03) },
    { variant: "b", fits: { eq2: fit({ verdict: "ok", findings: [] }) }, backtest: backtest(0.01) },
  );
  assert.match(diff, /<td>3\.00%<\/td><td>1\.00%<\/td><td>b<\/td>/);
  assert.match(diff, /<p>b extrapolates better on 1 of 1 forms\./);
  const a1 = (verdict: "ok" | "warn") =>
    ({
      flops: {
        hull: { health: { verdict, findings: [] } },
        binning: { health: { verdict: "ok", findings: [] } },
      },
      gpuHours: null,
    }) as unknown as Approach1Record;
  const withA1 = diffHealthHtml(
    { variant: "a", fits: {}, backtest: null, approach1: a1("ok") },
    { variant: "b", fits: {}, backtest: null, approach1: a1("warn") },
  );
  assert.match(withA1, /<td>Approach 1 hull, FLOPs<\/td><td[^>]*>ok<\/td><td[^>]*>warn<\/td>/);
  assert.match(diff, /<li>a: These data do not identify the Eq\. 2/);
  // The terminal summary says the same in text: verdicts, both backtest errors, the better one, the notes.
  const text = diffHealthText(
    { variant: "a", fits: { eq2: fit(refused) }, backtest: backtest(0.03) },
    { variant: "b", fits: { eq2: fit({ verdict: "ok", findings: [] }) }, backtest: backtest(0.01) },
  ).split("\n");
  assert.equal(text[0], "Fit health and backtests: b extrapolates better on 1 of 1 forms.");
  assert.match(text[2], /^ {2}Eq\. 2 \(L\(w, d, N, D\)[^)]*\)\s+refused\s+ok\s+3\.00%\s+1\.00%\s+b$/);
  assert.match(text[3], /^ {2}a: These data do not identify the Eq\. 2/);
});

Deno.test("the rainbow figure names the variants whose Eq. 1 fit is questionable", () => {
  const warn: FitHealth = {
    verdict: "warn",
    findings: [{ code: "exponent_at_bound", message: "the exponent of params is 4.89, outside (0.001, 3)." }],
  };
  const fig = { reads: ["rainbow"], tablesHtml: "" } as unknown as Figure;
  const [out] = withHealthNotes([fig], {
    variant: "paper",
    fits: {},
    backtest: null,
    rainbow: [{ variant: "paper", fit: fit({ verdict: "ok", findings: [] }) }, {
      variant: "width_512_only",
      fit: fit(warn),
    }],
  });
  assert.match(
    out.tablesHtml!,
    /<p>width_512_only: The Eq\. 1 .* fit is questionable: the exponent of params is 4\.89/,
  );
  assert.doesNotMatch(out.tablesHtml!, /<p>paper:/);
});
