import assert from "node:assert/strict";
import type { AdditiveLaw } from "../law.ts";
import { CHINCHILLA_LAW } from "../laws/reference.ts";
import { gemstonesPoints, readGemstones, synthesise } from "../../testing/gemstones.ts";
import { EQ1_VARIABLES, fitApproach3 } from "../fit/approach3.ts";
import {
  checkIdentifiable,
  conditioningAt,
  judgeApproach3,
  judgePowerLaws,
  quadraticTrend,
  verdictOf,
} from "./health.ts";

// 22 Gemstones runs at 7 token counts (154 shapes x tokens), as the fitter's own tests use.
const shapes = gemstonesPoints(readGemstones("wandb_df_for_fitting_hot_100b+.jsonl")).filter((_, i) =>
  i % 5 === 0
);
const grid = { kind: "lhs" as const, starts: 60, seed: 3 };

Deno.test("health: Chinchilla's law recovered from data generated with it (0.5% noise) is ok", () => {
  const points = synthesise(shapes, CHINCHILLA_LAW, 0.005, 11);
  const fit = fitApproach3(points, { variables: EQ1_VARIABLES, grid });
  const h = judgeApproach3(points, fit);
  assert.deepEqual([h.verdict, h.findings], ["ok", []]);
  assert.ok(h.measures.nearBest >= 2 && h.measures.condition! < 1e12, JSON.stringify(h.measures));
  assert.ok(Math.abs(fit.law.terms[1].alpha - 0.28) < 0.02);
});

Deno.test("health: two rows are refused as under-determined", () => {
  const points = synthesise(shapes.slice(0, 2), CHINCHILLA_LAW, 0, 1);
  const fit = fitApproach3(points, { variables: EQ1_VARIABLES, grid: { kind: "lhs", starts: 20, seed: 1 } });
  const h = judgeApproach3(points, fit);
  assert.equal(h.verdict, "refused");
  assert.equal(h.findings[0].code, "too_few_rows");
  assert.match(h.findings[0].message, /^2 rows cannot determine the 5 parameters of E \+ 2 power-law terms/);
  assert.ok(h.findings.some((f) => f.code === "too_few_values"));
});

Deno.test("health: duplicated rows are warned with their line numbers", () => {
  const base = synthesise(shapes, CHINCHILLA_LAW, 0.005, 2);
  const points = [...base, base[3], base[10]];
  const lines = points.map((_, i) => i + 2); // CSV: header on line 1
  const found = checkIdentifiable(points, EQ1_VARIABLES, { lines });
  assert.equal(found.length, 1);
  assert.equal(found[0].code, "duplicate_rows");
  assert.equal(
    found[0].message,
    "4 rows repeat the same params, tokens (lines 5 = 156; 12 = 157); they count as independent evidence.",
  );
  assert.equal(verdictOf(found), "warn");
});

Deno.test("health: data built with E = 0 is flagged at the bound (and outside the start box)", () => {
  const noE: AdditiveLaw = { ...CHINCHILLA_LAW, E: 1e-30 };
  const points = synthesise(shapes, noE, 0, 1);
  const fit = fitApproach3(points, { variables: EQ1_VARIABLES, grid });
  const h = judgeApproach3(points, fit);
  const codes = h.findings.map((f) => f.code);
  assert.ok(codes.includes("E_at_zero"), JSON.stringify(h));
  assert.ok(codes.includes("outside_start_box"), JSON.stringify(h));
  assert.equal(h.verdict, "warn");
});

Deno.test("health: a tokens term far steeper than the start box is flagged at the bound", () => {
  const points = shapes.map((p) => ({
    ...p,
    lossNats: 1.7 + 400 * Math.pow(p.x.params, -0.34) + 1e20 * Math.pow(p.x.tokens, -4),
  }));
  const fit = fitApproach3(points, { variables: EQ1_VARIABLES, grid });
  const codes = judgeApproach3(points, fit).findings.map((f) => f.code);
  assert.ok(fit.law.terms[1].alpha > 3, `alpha ${fit.law.terms[1].alpha}`);
  assert.ok(codes.includes("exponent_at_bound") && codes.includes("outside_start_box"), codes.join(", "));
});

Deno.test("health: a loss that bends with compute away from any power law has a residual trend", () => {
  const lnC = shapes.map((p) => Math.log(6 * p.x.params * p.x.tokens));
  const m = lnC.reduce((a, b) => a + b) / lnC.length;
  const sd = Math.sqrt(lnC.reduce((a, b) => a + (b - m) ** 2, 0) / lnC.length);
  const points = shapes.map((p, i) => ({
    ...p,
    lossNats: 1.7 + 400 * Math.pow(p.x.params, -0.34) + 410 * Math.pow(p.x.tokens, -0.28) -
      0.1 * ((lnC[i] - m) / sd) ** 2,
  }));
  const fit = fitApproach3(points, { variables: EQ1_VARIABLES, grid });
  const trend = judgeApproach3(points, fit).findings.find((f) => f.code === "residual_trend");
  assert.ok(trend, "no residual_trend finding");
  assert.match(trend.message, /^a quadratic in ln compute explains \d+% of the ln-loss residuals/);
  // The same law without the bend: no trend.
  const clean = synthesise(shapes, CHINCHILLA_LAW, 0.005, 4);
  const cleanFit = fitApproach3(clean, { variables: EQ1_VARIABLES, grid });
  assert.ok(!judgeApproach3(clean, cleanFit).findings.some((f) => f.code === "residual_trend"));
});

Deno.test("conditioningAt: Eq. 1 at Chinchilla's law is well conditioned; a duplicated variable is singular", () => {
  const points = synthesise(shapes, CHINCHILLA_LAW, 0, 1);
  const theta = [Math.log(406.4), 0.34, Math.log(410.7), 0.28, Math.log(1.69)];
  const c = conditioningAt(points, EQ1_VARIABLES, theta);
  assert.ok(c.condition > 1 && c.condition < 1e12, `${c.condition}`);
  assert.equal(c.exponentPair, "params/tokens");
  // Two copies of the same variable: their (ln A, α) columns are identical, so JᵀJ is singular and the
  // two exponents are perfectly (anti-)correlated or undefined.
  const twin = points.map((p) => ({ ...p, x: { ...p.x, params2: p.x.params } }));
  const s = conditioningAt(twin, ["params", "params2", "tokens"], [6, 0.34, 6, 0.34, 6, 0.28, 0.5]);
  assert.ok(!(s.condition < 1e12), `${s.condition}`);
});

Deno.test("quadraticTrend: exact quadratic explains all; noise orthogonal to it explains none", () => {
  const u = [0, 1, 2, 3, 4, 5, 6, 7];
  const q = quadraticTrend(u, u.map((v) => 0.01 * (v - 3) ** 2 + 0.002 * v));
  assert.ok(Math.abs(q.r2 - 1) < 1e-12);
  const flat = quadraticTrend(u, u.map(() => 0.5));
  assert.equal(flat.r2, 0);
});

Deno.test("judgePowerLaws: 2 frontier points are refused; a scattered frontier warns; a clean one is ok", () => {
  const fit = (n: number, r2: number) => ({ slope: 0.5, intercept: 1, r2, n });
  assert.deepEqual(judgePowerLaws({ params: fit(5, 0.999), tokens: fit(5, 0.99) }), {
    verdict: "ok",
    findings: [],
  });
  const two = judgePowerLaws({ params: fit(2, 1), tokens: fit(2, 1) });
  assert.equal(two.verdict, "refused");
  assert.equal(two.findings[0].code, "too_few_points");
  const poor = judgePowerLaws({ params: fit(6, 0.5), tokens: fit(6, 0.95) });
  assert.equal(poor.verdict, "warn");
  assert.equal(poor.findings[0].message, "the params power law fits its 6 points with r² = 0.5 (below 0.9).");
});

Deno.test("health: an optimum exactly on the edge of the start box is flagged as such", () => {
  const points = synthesise(shapes, CHINCHILLA_LAW, 0.005, 11);
  const fit = fitApproach3(points, { variables: EQ1_VARIABLES, grid });
  // The same fit with its tokens exponent moved onto the box's upper edge α = 2.
  const theta = [...fit.theta];
  theta[3] = 2;
  const h = judgeApproach3(points, { ...fit, theta });
  const f = h.findings.find((x) => x.code === "outside_start_box");
  assert.ok(f, JSON.stringify(h.findings));
  assert.match(f.message, /α_tokens = 2 on the edge of \[0, 2\]/);
});
