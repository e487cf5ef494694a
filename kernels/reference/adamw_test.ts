import assert from "node:assert/strict";
import type { OptimizerStep } from "../types.ts";
import { adamwStep, clipScale, globalGradNorm } from "./adamw.ts";

const opt: OptimizerStep = { lr: 0.01, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 0 };

Deno.test("globalGradNorm and clipScale: 3-4-5 triangle across tensors", () => {
  const norm = globalGradNorm([new Float64Array([3]), new Float64Array([0, 4])]);
  assert.equal(norm, 5);
  assert.equal(clipScale(norm, 1), 0.2);
  assert.equal(clipScale(norm, 10), 1);
  assert.equal(clipScale(norm, 0), 1);
});

Deno.test("adamw: constant gradient moves each step by lr·g/(|g|+ε) (bias correction exact)", () => {
  const p = [new Float64Array([1, -2])], m = [new Float64Array(2)], v = [new Float64Array(2)];
  const g = [new Float64Array([0.5, -0.003])];
  for (let t = 0; t < 5; t++) adamwStep(p, g, m, v, [false], t, { ...opt, weightDecay: 0.1 });
  const expected = [1 - 5 * 0.01 * 0.5 / (0.5 + 1e-8), -2 + 5 * 0.01 * 0.003 / (0.003 + 1e-8)];
  assert.ok(Math.abs(p[0][0] - expected[0]) < 1e-12);
  assert.ok(Math.abs(p[0][1] - expected[1]) < 1e-12);
  // moments: m_5 = g(1 − β1⁵), v_5 = g²(1 − β2⁵)
  assert.ok(Math.abs(m[0][0] - 0.5 * (1 - 0.9 ** 5)) < 1e-15);
  assert.ok(Math.abs(v[0][0] - 0.25 * (1 - 0.95 ** 5)) < 1e-15);
});

Deno.test("adamw: decoupled weight decay only on decay tensors; clipping scales g and returns pre-clip norm", () => {
  const p = [new Float64Array([2]), new Float64Array([2])];
  const m = [new Float64Array(1), new Float64Array(1)], v = [new Float64Array(1), new Float64Array(1)];
  const g = [new Float64Array([3]), new Float64Array([4])];
  const norm = adamwStep(p, g, m, v, [true, false], 0, { ...opt, gradClip: 1 });
  assert.equal(norm, 5);
  // step 1: update = sign(g)·|g|/(|g|+ε) with clipped |g| = 0.6, 0.8
  assert.ok(Math.abs(p[0][0] - (2 - 0.01 * (0.6 / (0.6 + 1e-8) + 0.1 * 2))) < 1e-14);
  assert.ok(Math.abs(p[1][0] - (2 - 0.01 * (0.8 / (0.8 + 1e-8)))) < 1e-14);
  assert.ok(Math.abs(m[0][0] - 0.1 * 0.6) < 1e-15);
  assert.ok(Math.abs(v[1][0] - 0.05 * 0.64) < 1e-15);
});
