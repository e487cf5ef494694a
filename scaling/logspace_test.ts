import assert from "node:assert/strict";
import { logSpace } from "./logspace.ts";

Deno.test("logSpace: decades 1 … 1000 in 4 points, ends exact to rounding, ratios constant", () => {
  const xs = logSpace(1, 1000, 4);
  assert.equal(xs.length, 4);
  [1, 10, 100, 1000].forEach((want, i) =>
    assert.ok(Math.abs(xs[i] / want - 1) < 1e-14, `${xs[i]} vs ${want}`)
  );
  const ys = logSpace(1e18, 1e27, 60);
  for (let i = 1; i < ys.length; i++) assert.ok(Math.abs(ys[i] / ys[i - 1] / 10 ** (9 / 59) - 1) < 1e-12);
  assert.deepEqual(logSpace(8, 2, 3).map((x) => Math.round(x * 1e12) / 1e12), [8, 4, 2]);
});

Deno.test("logSpace: rejects bounds <= 0, non-finite bounds and n < 2", () => {
  assert.throws(() => logSpace(0, 10, 5), /need finite lo, hi > 0/);
  assert.throws(() => logSpace(1, Infinity, 5), /need finite lo, hi > 0/);
  assert.throws(() => logSpace(1, 10, 1), /integer n >= 2/);
});
