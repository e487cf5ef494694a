import assert from "node:assert/strict";
import { approach2IsoFlop } from "./approach2.ts";
import type { IsoFlopPoint } from "./types.ts";

// Known optimum N*(C) = 0.09·C^0.5; within each isoFLOP the loss is an exact parabola in ln N.
const G = 0.09, EXP = 0.5;
const nStar = (c: number) => G * Math.pow(c, EXP);

function isoFlop(c: number, ks: number[], jitter = 1): IsoFlopPoint[] {
  return ks.map((k) => {
    const params = nStar(c) * Math.exp(0.4 * k);
    const loss = 2 + 100 * Math.pow(c, -0.1) + 0.05 * (Math.log(params) - Math.log(nStar(c))) ** 2;
    return { flops: c * jitter, params, tokens: c / (6 * params), lossNats: loss, group: `${c}-${k}` };
  });
}

const BUDGETS = [1e18, 1e19, 1e20, 1e21];
const KS = [-3, -2, -1, 0.5, 1, 2, 2.5];

Deno.test("approach2IsoFlop: recovers N_opt = 0.09·C^0.5 and D_opt = C/(6 N_opt) at given budgets", () => {
  const points = BUDGETS.flatMap((c, j) => isoFlop(c, KS, 1 + 0.01 * (j - 1.5)));
  points.push({ flops: 5e22, params: 1e9, tokens: 1e13, lossNats: 2 }); // joins no budget
  const r = approach2IsoFlop(points, { budgets: BUDGETS, tolerance: 0.05 });
  assert.equal(r.bins.length, 4);
  assert.equal(r.unassigned, 1);
  assert.deepEqual(r.skipped, []);
  for (const [j, b] of r.bins.entries()) {
    assert.equal(b.flops, BUDGETS[j]);
    assert.equal(b.points.length, KS.length);
    assert.ok(Math.abs(b.paramsOpt / nStar(BUDGETS[j]) - 1) < 1e-9, `bin ${j}`);
    assert.ok(Math.abs(b.tokensOpt / (BUDGETS[j] / (6 * nStar(BUDGETS[j]))) - 1) < 1e-9);
    assert.ok(Math.abs(b.lossOpt - (2 + 100 * Math.pow(BUDGETS[j], -0.1))) < 1e-9);
    assert.ok(Math.abs(b.parabola.a - 0.05) < 1e-9);
  }
  assert.ok(Math.abs(r.fits.params.slope - EXP) < 1e-9);
  assert.ok(Math.abs(r.fits.params.intercept - Math.log(G)) < 1e-8);
  assert.ok(Math.abs(r.fits.tokens.slope - (1 - EXP)) < 1e-9);
  assert.ok(Math.abs(r.fits.tokens.intercept + Math.log(6 * G)) < 1e-8);
});

Deno.test("approach2IsoFlop: log-spaced bins; skipped bins say why", () => {
  const points = [
    ...BUDGETS.flatMap((c) => isoFlop(c, KS)),
    ...isoFlop(1e22, [-1, 1, -1, 1]), // only 2 distinct N
    ...isoFlop(1e23, [1, 2, 3]), // minimum (k = 0) outside the sampled range
  ];
  const r = approach2IsoFlop(points, { bins: 6 });
  assert.deepEqual(r.bins.map((b) => Math.round(Math.log10(b.flops))), [18, 19, 20, 21]);
  assert.ok(Math.abs(r.fits.params.slope - EXP) < 1e-9);
  assert.equal(r.skipped.length, 2);
  assert.match(r.skipped[0].reason, /only 2 distinct parameter count\(s\); need >= 3/);
  assert.equal(r.skipped[0].points, 4);
  assert.match(r.skipped[1].reason, /outside the bin's range/);
  assert.throws(
    () => approach2IsoFlop(isoFlop(1e20, KS), { budgets: [1e20] }),
    /only 1 bin\(s\) could be fitted/,
  );
});
