import assert from "node:assert/strict";
import { fitStarts, gemstonesGridSize, gridStarts, subdividedGridShape } from "./grid.ts";

Deno.test("gemstones grid: 4,500 starts for Eq. 1, 4,050,000 for Eq. 2, every combination exactly once", () => {
  assert.equal(gemstonesGridSize(2), 4500);
  assert.equal(gemstonesGridSize(4), 4050000);
  const g = gridStarts("gemstones", 2);
  assert.equal(g.count, 4500);
  const seen = new Set<string>();
  const out = new Float64Array(5);
  for (let s = 0; s < g.count; s++) {
    g.write(s, out);
    seen.add(out.join(","));
  }
  assert.equal(seen.size, 4500);
  g.write(0, out);
  assert.deepEqual(Array.from(out), [0, 0, 0, 0, -1]);
  g.write(4499, out);
  assert.deepEqual(Array.from(out), [25, 2, 25, 2, 1]);
  const g4 = gridStarts("gemstones", 4);
  const o4 = new Float64Array(9);
  g4.write(4049999, o4);
  assert.deepEqual(Array.from(o4), [25, 2, 25, 2, 25, 2, 25, 2, 1]);
});

Deno.test("lhs grid: one point per stratum in every dimension, inside the box, reproducible", () => {
  const n = 50;
  const a = gridStarts({ kind: "lhs", starts: n, seed: 3 }, 2);
  const b = gridStarts({ kind: "lhs", starts: n, seed: 3 }, 2);
  const lo = [0, 0, 0, 0, -1], hi = [25, 2, 25, 2, 1];
  const strata = lo.map(() => new Set<number>());
  const x = new Float64Array(5), y = new Float64Array(5);
  for (let s = 0; s < n; s++) {
    a.write(s, x);
    b.write(s, y);
    assert.deepEqual(x, y);
    for (let j = 0; j < 5; j++) {
      assert.ok(x[j] >= lo[j] && x[j] < hi[j]);
      strata[j].add(Math.floor(((x[j] - lo[j]) / (hi[j] - lo[j])) * n));
    }
  }
  for (const s of strata) assert.equal(s.size, n);
});

Deno.test("random grid: seeded, inside the box, different seeds differ", () => {
  const a = gridStarts({ kind: "random", starts: 20, seed: 1 }, 1);
  const c = gridStarts({ kind: "random", starts: 20, seed: 2 }, 1);
  const x = new Float64Array(3), z = new Float64Array(3);
  let differ = false;
  for (let s = 0; s < 20; s++) {
    a.write(s, x);
    c.write(s, z);
    assert.ok(x[0] >= 0 && x[0] < 25 && x[1] >= 0 && x[1] < 2 && x[2] >= -1 && x[2] < 1);
    if (x[0] !== z[0]) differ = true;
  }
  assert.ok(differ);
  assert.throws(() => gridStarts({ kind: "lhs", starts: 0, seed: 1 }, 2), /starts must be an integer >= 1/);
});

Deno.test("subdivided grid: the authors' nearest-size subdivisions, evenly spaced values, their product order", () => {
  // 3000^(1/5) ≈ 4.96 -> window [3, 7]; 3·3·7·7·7 = 3087 is the nearest size (3125 = 5^5 is 125 off).
  assert.deepEqual(subdividedGridShape(3000, 2), { exponents: 3, coefficients: 7, errors: 7, size: 3087 });
  // 90000^(1/5) ≈ 9.8 -> window [8, 10]; 10·10·9·9·... : 10^2·10^2·9 = 90000 exactly.
  assert.deepEqual(subdividedGridShape(90000, 2), {
    exponents: 10,
    coefficients: 10,
    errors: 9,
    size: 90000,
  });
  const g = gridStarts({ kind: "subdivided", target: 3000 }, 2);
  assert.equal(g.count, 3087);
  const out = new Float64Array(5);
  g.write(0, out);
  assert.deepEqual(Array.from(out), [0, 0, 0, 0, -1]);
  g.write(1, out); // ln E fastest: linspace(-1, 1.5, 7)[1]
  assert.deepEqual(Array.from(out), [0, 0, 0, 0, -1 + 2.5 / 6]);
  g.write(7, out); // then ln A of the second variable: linspace(0, 30, 7)[1]
  assert.deepEqual(Array.from(out), [0, 0, 5, 0, -1]);
  g.write(7 * 7 * 7, out); // then the second exponent: linspace(0, 2.5, 3)[1]
  assert.deepEqual(Array.from(out), [0, 0, 0, 1.25, -1]);
  g.write(3086, out);
  assert.deepEqual(Array.from(out), [30, 2.5, 30, 2.5, 1.5]);
  assert.throws(() => subdividedGridShape(0, 2), /target must be an integer >= 1, got 0/);
});

Deno.test("fitStarts: the extra starts first, then the grid's; an extra start of the wrong length is named", () => {
  const starts = fitStarts("gemstones", 2, [[1, 2, 3, 4, 5]]);
  assert.equal(starts.count, 1 + 4500);
  const out = new Float64Array(5);
  starts.write(0, out);
  assert.deepEqual([...out], [1, 2, 3, 4, 5]);
  const grid = new Float64Array(5);
  gridStarts("gemstones", 2).write(7, grid);
  starts.write(8, out);
  assert.deepEqual([...out], [...grid]);
  assert.throws(
    () => fitStarts("gemstones", 2, [[1, 2]]).write(0, out),
    /fitApproach3: extra start 0 has length 2, expected 5/,
  );
});
