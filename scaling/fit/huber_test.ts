import assert from "node:assert/strict";
import { huberDerivative, huberLoss } from "./huber.ts";

Deno.test("huberLoss: quadratic inside delta, linear outside, continuous at the kink", () => {
  assert.equal(huberLoss(0.5, 1), 0.125);
  assert.equal(huberLoss(-0.5, 1), 0.125);
  assert.equal(huberLoss(3, 1), 2.5); // 1·(3 − 0.5)
  assert.equal(huberLoss(-3, 1), 2.5);
  assert.equal(huberLoss(1, 1), 0.5);
  assert.ok(Math.abs(huberLoss(1e-4 + 1e-12, 1e-4) - 0.5e-8) < 1e-15);
  assert.ok(Math.abs(huberLoss(2e-4, 1e-4) - 1.5e-8) < 1e-22); // 1e-4·(2e-4 − 0.5e-4)
});

Deno.test("huberDerivative: matches central differences away from the kink", () => {
  for (const r of [-2, -0.3, 0, 0.2, 0.7, 5]) {
    const h = 1e-6;
    const fd = (huberLoss(r + h, 0.5) - huberLoss(r - h, 0.5)) / (2 * h);
    assert.ok(Math.abs(huberDerivative(r, 0.5) - fd) < 1e-8, `r=${r}`);
  }
  assert.equal(huberDerivative(10, 0.5), 0.5);
  assert.equal(huberDerivative(-10, 0.5), -0.5);
});
