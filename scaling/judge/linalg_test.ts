import assert from "node:assert/strict";
import { inverseFromEigen, symmetricEigen } from "./linalg.ts";

Deno.test("symmetricEigen: a matrix built from known eigenpairs gives them back; its inverse times it is I", () => {
  // Q = rotation in the (0, 1) plane by 0.3 rad; A = Q diag(1, 4, 9) Qᵀ.
  const c = Math.cos(0.3), s = Math.sin(0.3);
  const q = [c, -s, 0, s, c, 0, 0, 0, 1];
  const d = [1, 4, 9];
  const a = new Float64Array(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      for (let k = 0; k < 3; k++) a[i * 3 + j] += q[i * 3 + k] * d[k] * q[j * 3 + k];
    }
  }
  const e = symmetricEigen(a, 3);
  assert.deepEqual(Array.from(e.values, (v) => +v.toFixed(12)), [1, 4, 9]);
  // First eigenvector is ±(c, s, 0).
  assert.ok(Math.abs(Math.abs(e.vectors[0]) - c) < 1e-12 && Math.abs(Math.abs(e.vectors[3]) - s) < 1e-12);
  const inv = inverseFromEigen(e, 3);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let sum = 0;
      for (let k = 0; k < 3; k++) sum += inv[i * 3 + k] * a[k * 3 + j];
      assert.ok(Math.abs(sum - (i === j ? 1 : 0)) < 1e-12);
    }
  }
});
