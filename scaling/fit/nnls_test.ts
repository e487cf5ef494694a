import assert from "node:assert/strict";
import { seededRng } from "../../util/rng.ts";
import { nnlsGram, nnlsWorkspace } from "./nnls.ts";

/** Reference: every subset of free entries solved unconstrained (Gaussian elimination); the best feasible one. */
function bruteForce(g: number[], b: number[]): { x: number[]; value: number } {
  const m = b.length;
  let best = { x: new Array(m).fill(0), value: 0 };
  for (let mask = 1; mask < 1 << m; mask++) {
    const idx = [...Array(m).keys()].filter((i) => mask & (1 << i));
    const p = idx.length;
    const a = idx.map((i) => [...idx.map((j) => g[i * m + j]), b[i]]);
    for (let c = 0; c < p; c++) {
      let piv = c;
      for (let r = c + 1; r < p; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
      [a[c], a[piv]] = [a[piv], a[c]];
      for (let r = 0; r < p; r++) {
        if (r === c) continue;
        const f = a[r][c] / a[c][c];
        for (let t = c; t <= p; t++) a[r][t] -= f * a[c][t];
      }
    }
    const z = idx.map((_, r) => a[r][p] / a[r][r]);
    if (z.some((v) => !(v >= 0))) continue;
    const x = new Array(m).fill(0);
    idx.forEach((i, r) => (x[i] = z[r]));
    let value = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) value += 0.5 * x[i] * g[i * m + j] * x[j];
      value -= b[i] * x[i];
    }
    if (value < best.value) best = { x, value };
  }
  return best;
}

Deno.test("nnlsGram: equals the best feasible active set of an exhaustive search on 200 random problems", () => {
  const rng = seededRng(7);
  const ws = nnlsWorkspace(5);
  for (let t = 0; t < 200; t++) {
    const m = 5, n = 12;
    // Columns of very different scales (as x^−α columns are), and a target some columns cannot reach.
    const u = Array.from(
      { length: m },
      (_, i) => Array.from({ length: n }, () => (rng.next() + 0.1) * 10 ** (3 * i - 6)),
    );
    const y = Array.from({ length: n }, () => rng.next() - 0.3);
    const g = new Array(m * m).fill(0), b = new Array(m).fill(0);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) for (let q = 0; q < n; q++) g[i * m + j] += u[i][q] * u[j][q];
      for (let q = 0; q < n; q++) b[i] += u[i][q] * y[q];
    }
    const out = new Float64Array(m);
    nnlsGram(g, b, out, ws);
    const want = bruteForce(g, b);
    let value = 0;
    for (let i = 0; i < m; i++) {
      assert.ok(out[i] >= 0, `problem ${t}: entry ${i} is ${out[i]}`);
      for (let j = 0; j < m; j++) value += 0.5 * out[i] * g[i * m + j] * out[j];
      value -= b[i] * out[i];
      // Entry by entry to 1e-6 of itself (the columns' scales span 12 decades).
      assert.ok(
        Math.abs(out[i] - want.x[i]) <= 1e-6 * Math.abs(want.x[i]),
        `problem ${t}, entry ${i}: ${out[i]} vs ${want.x[i]}`,
      );
    }
    assert.ok(value <= want.value + 1e-12 * Math.abs(want.value), `problem ${t}: ${value} vs ${want.value}`);
  }
});

Deno.test("nnlsGram: a copy of a free column stays at 0; a fit with an exact solution recovers it", () => {
  // Columns: 1, 1 (a copy: an exponent-0 term beside the constant), q, q²; y = 2 + 3q.
  const n = 6, cols = [(_: number) => 1, (_: number) => 1, (q: number) => q, (q: number) => q * q];
  const m = cols.length, g = new Array(m * m).fill(0), b = new Array(m).fill(0);
  for (let q = 1; q <= n; q++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) g[i * m + j] += cols[i](q) * cols[j](q);
      b[i] += cols[i](q) * (2 + 3 * q);
    }
  }
  const out = new Float64Array(m);
  assert.equal(nnlsGram(g, b, out), 2);
  assert.ok(Math.abs(out[0] + out[1] - 2) < 1e-9 && out[0] * out[1] === 0, `${out}`);
  assert.ok(Math.abs(out[2] - 3) < 1e-9 && out[3] === 0, `${out}`);
  assert.throws(
    () => nnlsGram([0, 0, 0, 1], [1, 1], new Float64Array(2)),
    /diagonal entry 0 must be > 0, got 0/,
  );
});
