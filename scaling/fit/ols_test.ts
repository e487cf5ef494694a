import assert from "node:assert/strict";
import { fitLogLog, predictPowerLaw } from "./ols.ts";

Deno.test("fitLogLog: exact on a power law, matches the closed-form OLS on noisy data", () => {
  const x = [1e18, 1e19, 1e20, 1e21];
  const exact = fitLogLog(x, x.map((c) => 3 * Math.pow(c, 0.48)));
  assert.ok(Math.abs(exact.slope - 0.48) < 1e-12 && Math.abs(exact.intercept - Math.log(3)) < 1e-9);
  assert.equal(exact.r2, 1);
  assert.ok(Math.abs(predictPowerLaw(exact, 1e22) / (3 * Math.pow(1e22, 0.48)) - 1) < 1e-10);
  // Points (u, v) = (0,0), (1,1), (2,1) in log space: slope 1/2, intercept 1/6, r² = 3/4.
  const f = fitLogLog([1, Math.E, Math.E ** 2], [1, Math.E, Math.E]);
  assert.ok(
    Math.abs(f.slope - 0.5) < 1e-12 && Math.abs(f.intercept - 1 / 6) < 1e-12 && Math.abs(f.r2 - 0.75) < 1e-12,
  );
  assert.throws(() => fitLogLog([5, 5], [1, 2]), /at least 2 distinct x/);
  assert.throws(() => fitLogLog([1, -2], [1, 2], "myFit"), /myFit: x\[1\] must be finite and > 0, got -2/);
});
