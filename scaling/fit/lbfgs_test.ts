import assert from "node:assert/strict";
import { lbfgsMinimize } from "./lbfgs.ts";

function rosenbrock(x: Float64Array, g: Float64Array): number {
  let f = 0;
  g.fill(0);
  for (let i = 0; i < x.length - 1; i++) {
    const a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
    f += 100 * a * a + b * b;
    g[i] += -400 * x[i] * a - 2 * b;
    g[i + 1] += 200 * a;
  }
  return f;
}

Deno.test("lbfgsMinimize: quadratic ½xᵀAx − bᵀx reaches the closed-form minimiser A⁻¹b", () => {
  // A = [[4,1,0],[1,3,1],[0,1,2]], b = [1,2,3].
  const A = [[4, 1, 0], [1, 3, 1], [0, 1, 2]], b = [1, 2, 3];
  const f = (x: Float64Array, g: Float64Array) => {
    let v = 0;
    for (let i = 0; i < 3; i++) {
      let ax = 0;
      for (let j = 0; j < 3; j++) ax += A[i][j] * x[j];
      g[i] = ax - b[i];
      v += 0.5 * x[i] * ax - b[i] * x[i];
    }
    return v;
  };
  const r = lbfgsMinimize(f, new Float64Array([10, -7, 3]), {
    gradientTolerance: 1e-10,
    relativeTolerance: 0,
  });
  // Closed form: 4x+y=1, x+3y+z=2, y+2z=3 -> x = 0.05555…? Solve: from (1) y = 1−4x; (3) z = (3−y)/2 = 1+2x;
  // (2) x + 3 − 12x + 1 + 2x = 2 -> −9x = −2 -> x = 2/9, y = 1/9, z = 13/9.
  const expected = [2 / 9, 1 / 9, 13 / 9];
  assert.equal(r.converged, true);
  assert.equal(r.reason, "gradient");
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(r.x[i] - expected[i]) < 1e-10, `x[${i}]=${r.x[i]}`);
  // Minimum value −½ bᵀx* = −½(2/9 + 2/9 + 39/9) = −43/18.
  assert.ok(Math.abs(r.value + 43 / 18) < 1e-12);
});

Deno.test("lbfgsMinimize: Rosenbrock (2-D and 10-D) converges to (1, …, 1) with value 0", () => {
  for (const n of [2, 10]) {
    const r = lbfgsMinimize(rosenbrock, new Float64Array(n).fill(-1.2), {
      gradientTolerance: 1e-10,
      relativeTolerance: 0,
    });
    assert.equal(r.converged, true, `n=${n}: ${r.reason}`);
    for (let i = 0; i < n; i++) assert.ok(Math.abs(r.x[i] - 1) < 1e-9, `n=${n} x[${i}]=${r.x[i]}`);
    assert.ok(r.value < 1e-18);
    assert.ok(r.gradientNorm <= 1e-10);
  }
});

Deno.test("lbfgsMinimize: scipy-like defaults stop on the relative function change, and say so", () => {
  const r = lbfgsMinimize(rosenbrock, new Float64Array([-1.2, 1]));
  assert.equal(r.converged, true);
  assert.ok(r.reason === "gradient" || r.reason === "function");
  assert.ok(Math.abs(r.x[0] - 1) < 1e-3 && Math.abs(r.x[1] - 1) < 1e-3);
});

Deno.test("lbfgsMinimize: maxIterations and non-finite starts are reported, not hidden", () => {
  const r = lbfgsMinimize(rosenbrock, new Float64Array([-1.2, 1]), {
    maxIterations: 3,
    gradientTolerance: 0,
  });
  assert.equal(r.reason, "maxIterations");
  assert.equal(r.iterations, 3);
  assert.equal(r.converged, false);
  const bad = lbfgsMinimize((x, g) => {
    g[0] = 0;
    return Math.log(x[0] - 10);
  }, new Float64Array([0]));
  assert.equal(bad.reason, "nonFinite");
  assert.equal(bad.converged, false);
});

Deno.test("lbfgsMinimize: a function unbounded in an overflowing direction backs off instead of returning NaN", () => {
  // f = exp(x) + exp(−x) has its minimum 2 at 0; from x0 = 30 the first step overshoots into overflow.
  const f = (x: Float64Array, g: Float64Array) => {
    g[0] = Math.exp(x[0]) - Math.exp(-x[0]);
    return Math.exp(x[0]) + Math.exp(-x[0]);
  };
  const r = lbfgsMinimize(f, new Float64Array([30]), { gradientTolerance: 1e-10, relativeTolerance: 0 });
  assert.equal(r.converged, true);
  assert.ok(Math.abs(r.x[0]) < 1e-10);
  assert.ok(Math.abs(r.value - 2) < 1e-15);
});
