import assert from "node:assert/strict";
import { evaluateLaw } from "../law.ts";
import { CHINCHILLA_LAW } from "../laws/reference.ts";
import { chinchillaOptimum } from "./chinchilla.ts";

/** Minimises L(N, C/(6N)) over log N by a fine scan then golden-section search: independent of the closed form. */
function bruteForceParams(flops: number): number {
  const f = (lnN: number) =>
    evaluateLaw(CHINCHILLA_LAW, { params: Math.exp(lnN), tokens: flops / (6 * Math.exp(lnN)) });
  let best = 0, bestLoss = Infinity;
  const lo = Math.log(1e3), hi = Math.log(flops / 6 / 1e3);
  for (let i = 0; i <= 4000; i++) {
    const x = lo + (hi - lo) * i / 4000;
    if (f(x) < bestLoss) bestLoss = f(x), best = x;
  }
  let a = best - (hi - lo) / 4000, b = best + (hi - lo) / 4000;
  const g = (Math.sqrt(5) - 1) / 2;
  while (b - a > 1e-12) {
    const c = b - g * (b - a), d = a + g * (b - a);
    if (f(c) < f(d)) b = d;
    else a = c;
  }
  return Math.exp((a + b) / 2);
}

Deno.test("closed-form Chinchilla optimum equals brute-force minimisation at fixed C = 6ND", () => {
  for (const flops of [1e18, 5.76e23, 1e26]) {
    const opt = chinchillaOptimum(CHINCHILLA_LAW, flops);
    const n = bruteForceParams(flops);
    assert.ok(Math.abs(opt.paramsOpt / n - 1) < 1e-5, `${flops}: ${opt.paramsOpt} vs ${n}`);
    assert.ok(Math.abs(6 * opt.paramsOpt * opt.tokensOpt / flops - 1) < 1e-12);
    assert.equal(opt.lossNats, evaluateLaw(CHINCHILLA_LAW, { params: opt.paramsOpt, tokens: opt.tokensOpt }));
  }
});

Deno.test("Chinchilla exponents a = β/(α+β) = 0.4516, b = α/(α+β) = 0.5484 and G", () => {
  const opt = chinchillaOptimum(CHINCHILLA_LAW, 1e21);
  assert.equal(opt.a.toFixed(4), "0.4516");
  assert.equal(opt.b.toFixed(4), "0.5484");
  assert.ok(Math.abs(opt.G - Math.pow((0.34 * 406.4) / (0.28 * 410.7), 1 / 0.62)) < 1e-15);
  // Doubling compute scales N_opt by 2^a.
  const twice = chinchillaOptimum(CHINCHILLA_LAW, 2e21);
  assert.ok(Math.abs(twice.paramsOpt / opt.paramsOpt - Math.pow(2, opt.a)) < 1e-12);
});

Deno.test("chinchillaOptimum rejects laws without exactly params and tokens", () => {
  assert.throws(
    () => chinchillaOptimum({ E: 1, terms: [{ variable: "params", A: 1, alpha: 0.3 }] }, 1e20),
    /exactly the terms/,
  );
  assert.throws(() => chinchillaOptimum(CHINCHILLA_LAW, -1), /flops must be > 0/);
});
