import assert from "node:assert/strict";
import { INIT_TRUNCATION_SIGMAS, initParams, initStd } from "./init.ts";
import { type ModelConfig, parameterSpecs, paramSpec } from "./types.ts";

const cfg: ModelConfig = {
  vocabSize: 259,
  width: 64,
  depth: 3,
  headSize: 16,
  gqaRatio: 2,
  mlpRatio: 4,
  seqLen: 32,
  ropeTheta: 10000,
  normEps: 1e-5,
};

// Truncated standard normal on [−3, 3]: Z = 2Φ(3) − 1, φ(3) = e^(−4.5)/sqrt(2π).
const Z = 0.9973002039367398;
const PHI3 = Math.exp(-4.5) / Math.sqrt(2 * Math.PI);
const VAR = 1 - (2 * 3 * PHI3) / Z; // E[z²]
const M4 = 3 * VAR - (2 * 27 * PHI3) / Z; // E[z⁴] by parts

Deno.test("initStd: OLMo-1 'Mitchell' forms for width 64, mlpRatio 4, by tensor name", () => {
  const std = (name: string) => initStd(cfg, paramSpec(cfg, name));
  assert.equal(std("embed"), 1 / 8);
  assert.equal(std("lm_head"), 1 / 8);
  assert.equal(std("layers.1.attn.wk"), 1 / 8);
  assert.equal(std("layers.0.mlp.w_gate"), 1 / 8);
  assert.equal(std("layers.2.attn.wo"), 1 / Math.sqrt(2 * 64 * 3));
  assert.equal(std("layers.0.mlp.w_down"), 1 / Math.sqrt(2 * 256));
  assert.equal(std("layers.1.mlp.w_down"), 1 / Math.sqrt(2 * 256 * 2));
  assert.equal(std("final_norm"), 0);
  assert.equal(std("layers.2.mlp_norm"), 0);
  assert.throws(() => std("bogus"), /unknown parameter name "bogus"/);
});

Deno.test("initParams: truncated-normal moments per tensor, bounds, unit gains, determinism", () => {
  const params = initParams(cfg, 3);
  const specs = parameterSpecs(cfg);
  specs.forEach((s, i) => {
    const p = params[i];
    const sigma = initStd(cfg, s);
    if (sigma === 0) {
      assert.ok(p.every((x) => x === 1), s.name);
      return;
    }
    let m1 = 0, m2 = 0, m4 = 0, max = 0;
    for (const x of p) {
      const z = x / sigma;
      m1 += z;
      m2 += z * z;
      m4 += z ** 4;
      max = Math.max(max, Math.abs(z));
    }
    const n = p.length;
    assert.ok(max <= INIT_TRUNCATION_SIGMAS * (1 + 1e-6), `${s.name}: max |z| ${max}`);
    // 5 standard errors: SE(mean) = sqrt(VAR/n), SE(m2) = sqrt((M4 − VAR²)/n)
    assert.ok(Math.abs(m1 / n) < 5 * Math.sqrt(VAR / n), `${s.name}: mean ${m1 / n}`);
    assert.ok(Math.abs(m2 / n - VAR) < 5 * Math.sqrt((M4 - VAR * VAR) / n), `${s.name}: var ${m2 / n}`);
  });
  // pooled over all matrices (≈ 170k draws): the variance deficit of truncation (2.7%) is resolved
  let n = 0, m2 = 0, m4 = 0;
  specs.forEach((s, i) => {
    const sigma = initStd(cfg, s);
    if (sigma === 0) return;
    for (const x of params[i]) {
      const z = x / sigma;
      m2 += z * z;
      m4 += z ** 4;
      n++;
    }
  });
  assert.ok(Math.abs(m2 / n - VAR) < 0.01, `pooled E[z²] ${m2 / n} vs ${VAR}`);
  assert.ok(Math.abs(m2 / n - 1) > 0.015, "the sample should show the truncation's variance deficit");
  assert.ok(Math.abs(m4 / n - M4) < 0.05, `pooled E[z⁴] ${m4 / n} vs ${M4}`);
  const again = initParams(cfg, 3), other = initParams(cfg, 4);
  again.forEach((t, i) => assert.deepEqual(t, params[i]));
  const embed = paramSpec(cfg, "embed").index;
  assert.notDeepEqual(other[embed], params[embed]);
});
