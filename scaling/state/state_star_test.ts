import assert from "node:assert/strict";

const near = (actual: number, expected: number, tol: number) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);
import { stateStar } from "./state_star.ts";

Deno.test("stateStar solves E + A·S^−α = 1.05·L_softmax in closed form and picks the smallest measured state", () => {
  const law = { E: 1, A: 16, alpha: 0.5 };
  // 1.05·2 = 2.1 = 1 + 16/√S  ⇒  √S = 16/1.1.
  const points = [
    { state: 64, lossNats: 3 },
    { state: 256, lossNats: 2.05 },
    { state: 1024, lossNats: 1.5 },
  ];
  const s = stateStar(law, points, 2, 1000);
  near(s.fitted!, (16 / 1.1) ** 2, 1e-9);
  near(s.fittedRatio!, (16 / 1.1) ** 2 / 1000, 1e-12);
  assert.deepEqual(s.measured, 256);
  assert.deepEqual(s.measuredRatio, 0.256);
});

Deno.test("stateStar says never (null) when the law's floor E is above the target", () => {
  const s = stateStar({ E: 3, A: 1, alpha: 0.5 }, [{ state: 64, lossNats: 3.2 }], 2, 100);
  assert.deepEqual(s.fitted, null);
  assert.deepEqual(s.measured, null);
});
