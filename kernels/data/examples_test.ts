import assert from "node:assert/strict";
import { ExampleLoader } from "./examples.ts";

// 10 examples of 5 tokens: example e is [e, e, e, e, e] + 10·position, so a row names its example
const L = 5, N = 10;
const tokens = Uint16Array.from({ length: N * L }, (_, i) => Math.floor(i / L) + 10 * (i % L));
const mask = Uint8Array.from({ length: N * L }, (_, i) => (i % L === 2 || i % L === 4 ? 1 : 0));

Deno.test("ExampleLoader: batches are whole examples, each once per epoch, with the mask shifted to targets", () => {
  const l = new ExampleLoader(tokens, mask, L, 3);
  const seen: number[][] = [[], []];
  for (let k = 0; k < 5; k++) { // 5 batches of 4 = two epochs of 10
    const { tokens: b, weights } = l.nextBatch(4, L - 1);
    assert.equal(b.length, 4 * L);
    for (let s = 0; s < 4; s++) {
      const e = b[s * L];
      for (let t = 0; t < L; t++) assert.equal(b[s * L + t], e + 10 * t, "a whole example, uncut");
      // target t is token t + 1: scored when token t + 1 is an answer (positions 2 and 4)
      assert.deepEqual(Array.from(weights!.subarray(s * 4, s * 4 + 4)), [0, 1, 0, 1]);
      seen[Math.floor((k * 4 + s) / N)].push(e);
    }
  }
  for (const epoch of seen) assert.deepEqual(epoch.toSorted((a, b) => a - b), [...Array(N).keys()]);
  assert.notDeepEqual(seen[0], seen[1], "a fresh order each epoch");
  assert.equal(l.batches, 5);
});

Deno.test("ExampleLoader: a restored cursor continues exactly, across an epoch boundary", () => {
  const a = new ExampleLoader(tokens, mask, L, 7);
  for (let k = 0; k < 3; k++) a.nextBatch(3, L - 1); // 9 of 10 used
  const saved = JSON.parse(JSON.stringify(a.state()));
  const want = [a.nextBatch(3, L - 1), a.nextBatch(3, L - 1)];
  const b = new ExampleLoader(tokens, mask, L, 99);
  b.restore(saved);
  assert.deepEqual([b.nextBatch(3, L - 1), b.nextBatch(3, L - 1)], want);
  assert.throws(() => b.restore({ ...saved, examples: 11 }), /field "examples" must be 10/);
  assert.throws(() => b.restore({ ...saved, kind: undefined }), /field "kind" must be "examples"/);
});

Deno.test("ExampleLoader: validation is the first examples in order; wrong shapes are named", () => {
  const l = new ExampleLoader(tokens, mask, L, 1);
  const v = l.validationBatches(2, 3, L - 1);
  assert.deepEqual(v.map((b) => [0, 1, 2].map((s) => b.tokens[s * L])), [[0, 1, 2], [3, 4, 5]]);
  assert.deepEqual(l.validationBatches(2, 3, L - 1), v);
  assert.throws(() => l.validationBatches(4, 3, L - 1), /need 12 examples, but the test set has 10/);
  assert.throws(() => l.nextBatch(2, 8), /examples are 5 tokens \(T = 4\), but the model's seqLen is 8/);
  assert.throws(() => new ExampleLoader(tokens.subarray(1), mask.subarray(1), L, 0), /not a whole number/);
});
