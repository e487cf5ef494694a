import assert from "node:assert/strict";
import { pickSpanning } from "./spanning.ts";

// Shapes of depth 8 and widths 8a, so that the aspect ratio is a (1..9).
const shapes = (aspects: number[]) => aspects.map((a) => ({ width: a * 8, depth: 8, heads: a, params: a }));
const picks = (k: number, standard: number, aspects = [1, 2, 3, 4, 5, 6, 7, 8, 9]) =>
  pickSpanning(shapes(aspects), k, standard).map((p) => [p.shape.width / 8, p.role]);

Deno.test("pickSpanning: deepest, widest, nearest the standard aspect, then the middle of the largest log gap", () => {
  assert.deepEqual(picks(2, 3), [[1, "deep"], [9, "wide"]]);
  assert.deepEqual(picks(3, 3), [[1, "deep"], [3, "standard"], [9, "wide"]]);
  // The gaps ln 1 .. ln 3 and ln 3 .. ln 9 are equal (ln 3); the first is filled, with the shape nearest
  // sqrt(1·3) = 1.73 in log aspect: 2.
  assert.deepEqual(picks(4, 3), [[1, "deep"], [2, "between"], [3, "standard"], [9, "wide"]]);
  // The fifth fills ln 3 .. ln 9, nearest sqrt(27) = 5.2: 5.
  assert.deepEqual(picks(5, 3), [[1, "deep"], [2, "between"], [3, "standard"], [5, "between"], [9, "wide"]]);
});

Deno.test("pickSpanning: k = 0 or k >= n keeps every shape, ordered deep to wide; one shape is standard", () => {
  assert.deepEqual(picks(0, 3, [4, 1, 2]), [[1, "deep"], [2, "between"], [4, "wide"]]);
  assert.deepEqual(picks(7, 3, [4, 1, 2]), [[1, "deep"], [2, "between"], [4, "wide"]]);
  assert.deepEqual(picks(1, 3, [5]), [[5, "standard"]]);
  assert.deepEqual(picks(1, 3, [5, 2]), [[2, "deep"]]);
});
