import assert from "node:assert/strict";
import { evaluateLaw } from "../law.ts";
import { CHINCHILLA_LAW } from "../laws/reference.ts";
import { gemstonesFlopsPerToken } from "../count/flops.ts";
import { chinchillaOptimum } from "./chinchilla.ts";
import {
  AUTHORS_OVERTRAINING_BUDGETS,
  overtrainedTokens,
  OVERTRAINING_FACTORS,
  overtrainingCurve,
} from "./overtraining.ts";
import { EQ2_TEST_LAW } from "../../testing/laws.ts";

const EQ2 = EQ2_TEST_LAW;

function assertMinimumAtOne(curve: { factor: number; lossNats: number; lossIncreaseNats: number }[]) {
  const i1 = curve.findIndex((p) => p.factor === 1);
  for (let i = 0; i < curve.length; i++) {
    assert.ok(curve[i].lossIncreaseNats >= -1e-9, `factor ${curve[i].factor}`);
    if (i < i1) {
      assert.ok(curve[i].lossNats > curve[i + 1].lossNats, `not decreasing before 1 at ${curve[i].factor}`);
    }
    if (i > i1) {
      assert.ok(curve[i].lossNats > curve[i - 1].lossNats, `not increasing after 1 at ${curve[i].factor}`);
    }
  }
  assert.ok(Math.abs(curve[i1].lossIncreaseNats) < 1e-9);
}

Deno.test("Chinchilla-law overtraining curve: minimum at factor 1, closed-form points", () => {
  assert.deepEqual(OVERTRAINING_FACTORS, [1 / 16, 1 / 8, 1 / 4, 1 / 2, 1, 2, 4, 8, 16]);
  const flops = 1e22;
  const curve = overtrainingCurve(CHINCHILLA_LAW, flops);
  assertMinimumAtOne(curve);
  const opt = chinchillaOptimum(CHINCHILLA_LAW, flops);
  const p4 = curve[6];
  assert.equal(p4.factor, 4);
  // The authors' √f: factor 4 trains on 2× the optimal tokens with half the parameters, 4× the tokens/param.
  assert.ok(Math.abs(p4.tokens / (2 * opt.tokensOpt) - 1) < 1e-12);
  assert.ok(Math.abs(p4.params / (opt.paramsOpt / 2) - 1) < 1e-12);
  assert.ok(Math.abs(p4.tokens / p4.params / (4 * opt.tokensOpt / opt.paramsOpt) - 1) < 1e-12);
  assert.ok(
    Math.abs(p4.lossNats - evaluateLaw(CHINCHILLA_LAW, { params: p4.params, tokens: p4.tokens })) < 1e-12,
  );
});

Deno.test("width-depth overtraining curve: minimum at factor 1, every point spends the budget", () => {
  const flops = 1e21;
  const curve = overtrainingCurve(EQ2, flops, OVERTRAINING_FACTORS);
  assertMinimumAtOne(curve);
  for (const p of curve) {
    const fpt = gemstonesFlopsPerToken({ width: p.width!, depth: p.depth! });
    assert.ok(Math.abs(p.tokens * fpt / flops - 1) < 1e-9, `factor ${p.factor}`);
  }
  // Overtraining shrinks the model: params fall as the factor grows. Tokens are √f × the optimum's (the
  // authors' overtrained_single_parabola.py), so tokens per parameter grow by about f.
  for (let i = 1; i < curve.length; i++) assert.ok(curve[i].params < curve[i - 1].params);
  const at1 = curve.find((p) => p.factor === 1)!;
  for (const p of curve) {
    assert.ok(
      Math.abs(p.tokens / at1.tokens - Math.sqrt(p.factor)) < 1e-12 * Math.sqrt(p.factor),
      `f ${p.factor}`,
    );
    const tpp = p.tokens / p.params / (at1.tokens / at1.params);
    assert.ok(tpp > 0.5 * p.factor && tpp < 2 * p.factor, `f ${p.factor}: tokens/param ×${tpp}`);
  }
});

Deno.test("overtrainingCurve rejects non-positive factors", () => {
  assert.throws(() => overtrainingCurve(CHINCHILLA_LAW, 1e20, [0, 1]), /factors must be > 0/);
});

Deno.test("Figure 8's budgets are the upper edges of rows 2, 5, 9, 12 of the authors' 13 buckets; tokens ×√f", () => {
  // 13 log-spaced buckets over [1e18, 1e26]: row i ends at 10^(18 + 8(i+1)/13).
  const want = [7.017038286703836e19, 4.923882631706752e21, 1.4251026703029964e24, 1e26];
  assert.equal(AUTHORS_OVERTRAINING_BUDGETS.length, 4);
  AUTHORS_OVERTRAINING_BUDGETS.forEach((c, i) =>
    assert.ok(Math.abs(c / want[i] - 1) < 1e-12, `${c} vs ${want[i]}`)
  );
  assert.equal(overtrainedTokens(1e12, 16), 4e12);
  assert.equal(overtrainedTokens(1e12, 1 / 4), 5e11);
});
