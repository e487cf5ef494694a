import assert from "node:assert/strict";
import { splitTokens } from "./batch.ts";

Deno.test("splitTokens: inputs and shifted targets per sequence; bad lengths name the numbers", () => {
  const { inputs, targets, seqLen } = splitTokens(new Int32Array([1, 2, 3, 4, 5, 6]), 2);
  assert.equal(seqLen, 2);
  assert.deepEqual(Array.from(inputs), [1, 2, 4, 5]);
  assert.deepEqual(Array.from(targets), [2, 3, 5, 6]);
  assert.throws(() => splitTokens(new Int32Array(7), 2), /length 7 is not batchSize 2/);
});
