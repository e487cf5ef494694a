import assert from "node:assert/strict";
import { lbfgsMinimize } from "./lbfgs.ts";

/** f(x) = Σ (x_i − c_i)², minimiser c. */
const shifted = (c: number[]) => (x: Float64Array, g: Float64Array): number => {
  let v = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - c[i];
    g[i] = 2 * d;
    v += d * d;
  }
  return v;
};

Deno.test("lbfgsMinimize: results of successive calls do not share arrays", () => {
  const r1 = lbfgsMinimize(shifted([1, 2, 3]), new Float64Array(3));
  const r2 = lbfgsMinimize(shifted([-4, 5, -6]), new Float64Array(3));
  for (const [r, c] of [[r1, [1, 2, 3]], [r2, [-4, 5, -6]]] as const) {
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(r.x[i] - c[i]) < 1e-6, `${r.x} vs ${c}`);
  }
});

Deno.test("lbfgsMinimize: a call nested inside an objective does not disturb the outer one", () => {
  // Outer: minimise Σ (x_i − 1)² in 3-D; every evaluation also runs an inner 3-D minimisation.
  const outer = shifted([1, 1, 1]);
  let inner = 0;
  const r = lbfgsMinimize((x, g) => {
    const ri = lbfgsMinimize(shifted([7, 8, 9]), new Float64Array(3));
    inner += Math.abs(ri.x[0] - 7) < 1e-6 ? 1 : 0;
    return outer(x, g);
  }, Float64Array.from([5, -5, 2]));
  assert.ok(r.converged);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(r.x[i] - 1) < 1e-6, `${r.x}`);
  assert.equal(inner, r.evaluations);
});

Deno.test("lbfgsMinimize: an objective that throws leaves the next call working", () => {
  assert.throws(() =>
    lbfgsMinimize(() => {
      throw new Error("boom");
    }, new Float64Array(3)), /boom/);
  const r = lbfgsMinimize(shifted([2, 2, 2]), new Float64Array(3));
  assert.ok(r.converged && Math.abs(r.x[1] - 2) < 1e-6);
  assert.throws(
    () => lbfgsMinimize(shifted([1]), new Float64Array(1), { memory: 2.5 }),
    /memory must be an integer/,
  );
});
