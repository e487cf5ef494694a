import assert from "node:assert/strict";
import { seededRng } from "./prng.ts";

Deno.test("seededRng: reproducible, in [0, 1), uniform by a chi-square test on 20 bins", () => {
  const a = seededRng(42), b = seededRng(42), c = seededRng(43);
  const counts = new Array(20).fill(0);
  let differs = false;
  const n = 100000;
  for (let i = 0; i < n; i++) {
    const u = a.next();
    assert.equal(u, b.next());
    if (u !== c.next()) differs = true;
    assert.ok(u >= 0 && u < 1);
    counts[Math.floor(u * 20)]++;
  }
  assert.ok(differs);
  const e = n / 20;
  const chi2 = counts.reduce((s, k) => s + (k - e) ** 2 / e, 0);
  assert.ok(chi2 < 43.8, `chi2 = ${chi2}`); // 99.9th percentile of chi-square with 19 degrees of freedom
  const r = seededRng(1);
  for (let i = 0; i < 1000; i++) {
    const k = r.int(7);
    assert.ok(Number.isInteger(k) && k >= 0 && k < 7);
  }
  assert.throws(() => seededRng(NaN), /seed must be finite/);
});
