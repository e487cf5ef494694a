import assert from "node:assert/strict";
import { joinColumns, refineBounds, splitColumns, vocabBounds } from "./vocab_split.ts";

Deno.test("vocabBounds: fewest near-equal blocks of at most the given size", () => {
  assert.deepEqual(vocabBounds(37, 8), [0, 7, 14, 22, 29, 37]);
  assert.deepEqual(vocabBounds(37, 37), [0, 37]);
  assert.deepEqual(vocabBounds(37, 1000), [0, 37]);
  assert.deepEqual(vocabBounds(5, 1), [0, 1, 2, 3, 4, 5]);
  assert.throws(() => vocabBounds(5, 0.5), /leaves no room/);
});

Deno.test("refineBounds splits each block on its own, recording parent, offset and stride", () => {
  const sub = refineBounds([0, 7, 14], 4);
  assert.deepEqual(sub.map((b) => [b.start, b.count, b.parent, b.offset, b.parentCount]), [
    [0, 3, 0, 0, 7],
    [3, 4, 0, 3, 7],
    [7, 3, 1, 0, 7],
    [10, 4, 1, 3, 7],
  ]);
  assert.deepEqual(refineBounds([0, 37], 37).map((b) => [b.start, b.count, b.offset]), [[0, 37, 0]]);
});

Deno.test("splitColumns / joinColumns: column blocks of a row-major matrix and back", () => {
  const full = Float32Array.from({ length: 2 * 5 }, (_, i) => i); // [[0..4], [5..9]]
  const blocks = splitColumns(full, 2, 5, [0, 2, 5]);
  assert.deepEqual(blocks.map((b) => Array.from(b)), [[0, 1, 5, 6], [2, 3, 4, 7, 8, 9]]);
  assert.deepEqual(joinColumns(blocks, 2, 5, [0, 2, 5]), full);
  assert.throws(() => splitColumns(full, 3, 5, [0, 5]), /10 values is not 3 × 5/);
});
