import assert from "node:assert/strict";
import { Rng } from "../../util/rng.ts";
import { maxRelativeError, numericalGradient } from "./gradcheck.ts";
import {
  attentionBackward,
  attentionForward,
  type AttentionShape,
  embeddingBackward,
  embeddingForward,
  gegluBackward,
  gegluForward,
  geluTanhBackward,
  geluTanhForward,
  matmulBackward,
  matmulForward,
  rmsnormBackward,
  rmsnormForward,
  ropeBackward,
  ropeForward,
  softmaxCrossEntropy,
} from "./layers.ts";

const rng = new Rng(1234);
function randn(n: number, scale = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.nextNormal() * scale;
  return a;
}
const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i], 0);
const allIdx = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Checks the gradient of the scalar `Σ dy ⊙ f()` w.r.t. `x` at every index. */
function gradCheck(name: string, f: () => Float64Array, dy: Float64Array, x: Float64Array, g: Float64Array) {
  const idx = allIdx(x.length);
  const num = numericalGradient(() => dot(f(), dy), x, idx);
  const err = maxRelativeError(g, idx, num);
  assert.ok(err < 1e-6, `${name}: max relative error ${err}`);
}

Deno.test("matmul: 2x3 · 3x2 by hand, and gradients vs finite differences", () => {
  const x = new Float64Array([1, 2, 3, 4, 5, 6]);
  const w = new Float64Array([1, 0, 0, 1, 1, 1]);
  assert.deepEqual(Array.from(matmulForward(x, w, 2, 3, 2)), [4, 5, 10, 11]);
  const xr = randn(12), wr = randn(20), dy = randn(15);
  const { dx, dW } = matmulBackward(xr, wr, dy, 3, 4, 5);
  gradCheck("matmul dx", () => matmulForward(xr, wr, 3, 4, 5), dy, xr, dx);
  gradCheck("matmul dW", () => matmulForward(xr, wr, 3, 4, 5), dy, wr, dW);
});

Deno.test("embedding: gather rows and scatter-add repeated tokens; out-of-range token names position", () => {
  const table = new Float64Array([0, 1, 10, 11, 20, 21]);
  const tokens = new Int32Array([2, 0, 2]);
  assert.deepEqual(Array.from(embeddingForward(table, tokens, 3, 2)), [20, 21, 0, 1, 20, 21]);
  const dE = embeddingBackward(new Float64Array([1, 2, 3, 4, 5, 6]), tokens, 3, 2);
  assert.deepEqual(Array.from(dE), [3, 4, 0, 0, 6, 8]);
  assert.throws(() => embeddingForward(table, new Int32Array([0, 3]), 3, 2), /token 3 at position 1/);
});

Deno.test("rmsnorm: unit RMS output and gradients vs finite differences", () => {
  const x = randn(12, 3), g = new Float64Array([1, 1, 1, 1]);
  const { y } = rmsnormForward(x, g, 3, 4, 0);
  for (let r = 0; r < 3; r++) {
    const ms = y.slice(r * 4, r * 4 + 4).reduce((s, v) => s + v * v, 0) / 4;
    assert.ok(Math.abs(ms - 1) < 1e-12);
  }
  const gr = randn(4), dy = randn(12);
  const { rstd } = rmsnormForward(x, gr, 3, 4, 1e-5);
  const { dx, dg } = rmsnormBackward(x, gr, rstd, dy, 3, 4);
  gradCheck("rmsnorm dx", () => rmsnormForward(x, gr, 3, 4, 1e-5).y, dy, x, dx);
  gradCheck("rmsnorm dg", () => rmsnormForward(x, gr, 3, 4, 1e-5).y, dy, gr, dg);
});

Deno.test("rope: position 0 is identity, norms preserved, scores depend on relative position only", () => {
  const B = 1, T = 6, H = 1, hs = 8, theta = 10000;
  const v = randn(hs), u = randn(hs);
  const tile = (a: Float64Array) => {
    const out = new Float64Array(T * hs);
    for (let t = 0; t < T; t++) out.set(a, t * hs);
    return out;
  };
  const q = ropeForward(tile(v), B, T, H, hs, theta), k = ropeForward(tile(u), B, T, H, hs, theta);
  assert.deepEqual(Array.from(q.slice(0, hs)), Array.from(v));
  const row = (a: Float64Array, t: number) => a.slice(t * hs, (t + 1) * hs);
  for (let t = 0; t < T; t++) assert.ok(Math.abs(dot(row(q, t), row(q, t)) - dot(v, v)) < 1e-12);
  // q_t · k_s depends on t − s only
  assert.ok(Math.abs(dot(row(q, 3), row(k, 1)) - dot(row(q, 5), row(k, 3))) < 1e-12);
  assert.ok(Math.abs(dot(row(q, 2), row(k, 2)) - dot(v, u)) < 1e-12);
  // explicit pair rotation at t = 1, j = 1: freq = θ^(−2/8)
  const a = 1 * Math.pow(theta, -2 / 8);
  assert.ok(Math.abs(q[hs + 1] - (v[1] * Math.cos(a) - v[5] * Math.sin(a))) < 1e-12);
  assert.ok(Math.abs(q[hs + 5] - (v[5] * Math.cos(a) + v[1] * Math.sin(a))) < 1e-12);
  // backward = transpose of the rotation, checked by finite differences with 2 heads, 2 sequences
  const x = randn(2 * 3 * 2 * 4), dy = randn(x.length);
  gradCheck("rope", () => ropeForward(x, 2, 3, 2, 4, 500), dy, x, ropeBackward(dy, 2, 3, 2, 4, 500));
});

Deno.test("attention: first position returns v, GQA equals MHA with duplicated kv heads, gradients", () => {
  const shape: AttentionShape = { batch: 2, seqLen: 4, numQueryHeads: 4, numKvHeads: 2, headSize: 3 };
  const rows = 8;
  const q = randn(rows * 12), k = randn(rows * 6), v = randn(rows * 6);
  const { out, probs } = attentionForward(q, k, v, shape);
  // position 0 of sequence 1, query head 3 -> kv head 1
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(out[4 * 12 + 9 + i] - v[4 * 6 + 3 + i]) < 1e-12);
  // probabilities: rows sum to 1, zero above the diagonal
  for (let r = 0; r < 2 * 4 * 4; r++) {
    const t = r % 4;
    const p = probs.slice(r * 4, r * 4 + 4);
    assert.ok(Math.abs(p.reduce((s, x) => s + x, 0) - 1) < 1e-12);
    for (let u = t + 1; u < 4; u++) assert.equal(p[u], 0);
  }
  // duplicate kv heads: head h uses kv head floor(h / 2)
  const dup = (a: Float64Array) => {
    const o = new Float64Array(rows * 12);
    for (let r = 0; r < rows; r++) {
      for (let h = 0; h < 4; h++) {
        o.set(a.slice(r * 6 + Math.floor(h / 2) * 3, r * 6 + Math.floor(h / 2) * 3 + 3), r * 12 + h * 3);
      }
    }
    return o;
  };
  const mha = attentionForward(q, dup(k), dup(v), { ...shape, numKvHeads: 4 });
  for (let i = 0; i < out.length; i++) assert.ok(Math.abs(out[i] - mha.out[i]) < 1e-12);
  const dy = randn(out.length);
  const { dq, dk, dv } = attentionBackward(q, k, v, probs, dy, shape);
  const f = () => attentionForward(q, k, v, shape).out;
  gradCheck("attention dq", f, dy, q, dq);
  gradCheck("attention dk", f, dy, k, dk);
  gradCheck("attention dv", f, dy, v, dv);
});

Deno.test("gelu_tanh and GEGLU: known values and gradients", () => {
  const y = geluTanhForward(new Float64Array([0, 1, -1, 3]));
  assert.equal(y[0], 0);
  assert.ok(Math.abs(y[1] - 0.8411919906082768) < 1e-15);
  assert.ok(Math.abs(y[2] + 0.15880800939172324) < 1e-15);
  assert.ok(Math.abs(y[3] - 2.996362607918227) < 1e-14);
  const x = randn(10, 2), dy = randn(10);
  gradCheck("gelu", () => geluTanhForward(x), dy, x, geluTanhBackward(x, dy));
  const gate = randn(10), up = randn(10);
  const { dgate, dup } = gegluBackward(gate, up, dy);
  gradCheck("geglu dgate", () => gegluForward(gate, up), dy, gate, dgate);
  gradCheck("geglu dup", () => gegluForward(gate, up), dy, up, dup);
});

Deno.test("cross-entropy: uniform logits give ln V, gradient matches finite differences", () => {
  const V = 7;
  const { loss } = softmaxCrossEntropy(new Float64Array(3 * V).fill(2.5), new Int32Array([0, 3, 6]), 3, V);
  assert.ok(Math.abs(loss - Math.log(V)) < 1e-14);
  // two-class closed form: loss = log(1 + e^(z1 − z0)) for target 0
  const two = softmaxCrossEntropy(new Float64Array([1000, 1001]), new Int32Array([0]), 1, 2);
  assert.ok(Math.abs(two.loss - Math.log1p(Math.E)) < 1e-12);
  const z = randn(4 * V, 3), targets = new Int32Array([1, 0, 6, 2]);
  const { dlogits } = softmaxCrossEntropy(z, targets, 4, V);
  const idx = allIdx(z.length);
  const num = numericalGradient(() => softmaxCrossEntropy(z, targets, 4, V).loss, z, idx);
  const ceErr = maxRelativeError(dlogits, idx, num);
  assert.ok(ceErr < 1e-6, `cross-entropy max relative error ${ceErr}`);
  assert.throws(() => softmaxCrossEntropy(z, new Int32Array([1, 0, 7, 2]), 4, V), /target 7 at row 2/);
});
