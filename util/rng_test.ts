import assert from "node:assert/strict";
import { Rng, seededRng, xorshift32 } from "./rng.ts";

Deno.test("xoshiro128**: state [1, 2, 3, 4] gives the reference outputs 11520, 0, 5927040", () => {
  const r = Rng.fromState({ algorithm: "xoshiro128**", s: [1, 2, 3, 4] });
  assert.deepEqual([r.nextU32(), r.nextU32(), r.nextU32()], [11520, 0, 5927040]);
});

Deno.test("rng: same seed same stream, different seeds differ, state JSON round trip continues identically", () => {
  const a = new Rng(42), b = new Rng(42), c = new Rng(43);
  const xs = Array.from({ length: 8 }, () => a.nextU32());
  assert.deepEqual(xs, Array.from({ length: 8 }, () => b.nextU32()));
  assert.notDeepEqual(xs, Array.from({ length: 8 }, () => c.nextU32()));
  assert.notDeepEqual(new Rng(1).nextU32(), new Rng(1 + 2 ** 32).nextU32());
  const saved = JSON.parse(JSON.stringify(a.state()));
  const next = [a.nextFloat(), a.nextNormal(), a.nextInt(7), a.nextTruncatedNormal(2)];
  const r = Rng.fromState(saved);
  assert.deepEqual([r.nextFloat(), r.nextNormal(), r.nextInt(7), r.nextTruncatedNormal(2)], next);
});

Deno.test("rng: uniform and normal moments match their closed forms", () => {
  const r = new Rng(7);
  const n = 100_000;
  let s1 = 0, s2 = 0, z2 = 0, z4 = 0;
  const counts = new Array(5).fill(0);
  for (let i = 0; i < n; i++) {
    const u = r.nextFloat();
    assert.ok(u >= 0 && u < 1);
    s1 += u;
    s2 += u * u;
    const z = r.nextNormal();
    z2 += z * z;
    z4 += z ** 4;
    counts[r.nextInt(5)]++;
  }
  assert.ok(Math.abs(s1 / n - 0.5) < 0.005); // SE 0.0009
  assert.ok(Math.abs(s2 / n - 1 / 3) < 0.005);
  assert.ok(Math.abs(z2 / n - 1) < 0.02); // SE 0.0045
  assert.ok(Math.abs(z4 / n - 3) < 0.15); // SE 0.03
  for (const c of counts) assert.ok(Math.abs(c / n - 0.2) < 0.01);
});

Deno.test("rng: restore rejects malformed state naming the field", () => {
  assert.throws(() => Rng.fromState({ algorithm: "xoshiro128**", s: [0, 0, 0, 0] }), /field "s"/);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => Rng.fromState({ algorithm: "pcg", s: [1, 2, 3, 4] } as any), /field "algorithm"/);
  assert.throws(() => new Rng(0.5), /seed/);
});

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

Deno.test("xorshift32: state 1 gives Marsaglia's (13, 17, 5) sequence 270369, 67634689, 2647435461", () => {
  const next = xorshift32(0); // seed 0 maps to state 1
  assert.deepEqual([next(), next(), next()], [270369, 67634689, 2647435461]);
  const a = xorshift32(5), b = xorshift32(5);
  assert.deepEqual([a(), a()], [b(), b()]);
});
