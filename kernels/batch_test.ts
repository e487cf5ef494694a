import assert from "node:assert/strict";
import { checkWeights, splitTokens } from "./batch.ts";

Deno.test("splitTokens: inputs and shifted targets per sequence; bad lengths name the numbers", () => {
  const { inputs, targets, seqLen } = splitTokens(new Int32Array([1, 2, 3, 4, 5, 6]), 2);
  assert.equal(seqLen, 2);
  assert.deepEqual(Array.from(inputs), [1, 2, 4, 5]);
  assert.deepEqual(Array.from(targets), [2, 3, 5, 6]);
  assert.throws(() => splitTokens(new Int32Array(7), 2), /length 7 is not batchSize 2/);
});

Deno.test("checkWeights: returns Σ w; a wrong length, a negative or non-finite entry, all zeros are named", () => {
  assert.equal(checkWeights(Float32Array.from([0, 1, 0.5, 0]), 4), 1.5);
  assert.throws(() => checkWeights(new Float32Array(3), 4), /3 entries, expected one per target .* = 4/);
  assert.throws(() => checkWeights(Float32Array.from([1, -1]), 2), /entry 1 is -1/);
  assert.throws(() => checkWeights(Float32Array.from([NaN, 1]), 2), /entry 0 is NaN/);
  assert.throws(() => checkWeights(new Float32Array(2), 2), /all zero/);
});
