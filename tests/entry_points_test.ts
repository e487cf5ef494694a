/**
 * The kept `mod.ts` files are the public entry points of the project's libraries: `scaling/mod.ts` (the
 * science library, with one `mod.ts` per section: count, fit, design, judge, laws, prescribe, state),
 * `pipeline/mod.ts` (the engine) and `kernels/mod.ts` with `kernels/train/mod.ts` (the trainer). Stages
 * import modules directly (tests/code_deps_test.ts); nothing else keeps these barrels in use, so this test
 * imports each and calls one export of each against a published number or a closed form.
 */
import assert from "node:assert/strict";
import * as scaling from "../scaling/mod.ts";
import * as count from "../scaling/count/mod.ts";
import * as fit from "../scaling/fit/mod.ts";
import * as design from "../scaling/design/mod.ts";
import * as judge from "../scaling/judge/mod.ts";
import * as laws from "../scaling/laws/mod.ts";
import * as prescribe from "../scaling/prescribe/mod.ts";
import * as state from "../scaling/state/mod.ts";
import * as pipeline from "../pipeline/mod.ts";
import * as kernels from "../kernels/mod.ts";
import * as train from "../kernels/train/mod.ts";

Deno.test("scaling/mod.ts re-exports every export of each section's mod.ts", () => {
  const sections = { count, fit, design, judge, laws, prescribe, state };
  for (const [name, section] of Object.entries(sections)) {
    const exports = Object.entries(section);
    assert.ok(exports.length > 0, name);
    for (const [key, value] of exports) {
      assert.equal((scaling as Record<string, unknown>)[key], value, `scaling/mod.ts lacks ${name}'s ${key}`);
    }
  }
});

Deno.test("each section of scaling/ answers through its mod.ts", () => {
  // Gemstones 1024x28: 543,482,880 parameters, 3.578e9 training FLOPs per token (Appendix G).
  assert.equal(count.gemstonesParams({ width: 1024, depth: 28 }), 543_482_880);
  assert.equal(count.gemstonesFlopsPerToken({ width: 1024, depth: 28 }).toPrecision(4), "3.578e+9");
  // Huber: r²/2 inside δ, δ(|r| − δ/2) outside.
  assert.equal(fit.huberLoss(0.5, 1), 0.125);
  assert.equal(fit.huberLoss(-3, 1), 2.5);
  // 1000 params, 10-100 tokens/param, 3 checkpoints, 100 tokens/step: 1e4, 3.16e4, 1e5 tokens.
  assert.deepEqual(design.checkpointSteps(1000, [10, 100], 3, 100), [100, 316, 1000]);
  const eig = judge.symmetricEigen([2, 1, 1, 2], 2);
  assert.deepEqual([...eig.values].map((v) => Math.round(v * 1e12) / 1e12).sort(), [1, 3]);
  assert.deepEqual(laws.lawSpec("eq1").variables, ["params", "tokens"]);
  // Chinchilla: N_opt ∝ C^(β/(α+β)) with α = 0.34, β = 0.28, and 6·N·D = C.
  const opt = prescribe.chinchillaOptimum(laws.CHINCHILLA_LAW, 1e21);
  assert.equal(opt.a.toFixed(4), "0.4516");
  assert.ok(Math.abs(6 * opt.paramsOpt * opt.tokensOpt / 1e21 - 1) < 1e-12);
  // Iso-loss state of L = E + A·T^κ·S^−α: (A·T^κ / (L − E))^(1/α) = (2·4^0.5 / 1)^2 = 16.
  assert.equal(state.isoLossState({ E: 1, A: 2, alpha: 0.5, kappa: 0.5 }, 2, 4), 16);
});

Deno.test("pipeline/mod.ts and the trainer's mod.ts files answer", () => {
  assert.equal(pipeline.parseSize("2G"), 2 * 1024 ** 3);
  // Peak learning rate: lrBase / (width · √depth).
  const cfg = { lrBase: 1, model: { width: 4, depth: 4 } } as Parameters<typeof train.peakLearningRate>[0];
  assert.equal(train.peakLearningRate(cfg), 0.125);
  assert.equal(kernels.peakLearningRate, train.peakLearningRate);
});
