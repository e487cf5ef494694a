import assert from "node:assert/strict";
import { approach2IsoFlop, isoFlopBins } from "./approach2.ts";
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

Deno.test("isoFlopBins: every skipped budget carries its code and model-size count; never throws for few bins", () => {
  // Budget 1e18: a clean parabola (fitted). 1e19: 2 sizes. 1e20: concave. 1e21: minimum outside. 1e22: empty.
  const concave = isoFlop(1e20, [-1, 0, 1]).map((p, i) => ({ ...p, lossNats: 3 - 0.1 * (i - 1) ** 2 }));
  const points = [
    ...isoFlop(1e18, KS),
    ...isoFlop(1e19, [-1, 1, 1]),
    ...concave,
    ...isoFlop(1e21, [1, 2, 3]),
  ];
  const r = isoFlopBins(points, { budgets: [1e18, 1e19, 1e20, 1e21, 1e22], tolerance: 0.05 });
  assert.deepEqual(r.bins.map((b) => b.flops), [1e18]);
  assert.deepEqual(
    r.skipped.map((s) => [s.flops, s.code, s.points, s.sizes]),
    [
      [1e19, "too_few_sizes", 3, 2],
      [1e20, "no_minimum", 3, 3],
      [1e21, "minimum_outside", 3, 3],
      [1e22, "no_points", 0, 0],
    ],
  );
  assert.match(r.skipped[0].reason, /^only 2 distinct parameter count\(s\); need >= 3$/);
  // loss = 3 − 0.1 k² with ln N = const + 0.4 k: curvature in ln N is −0.1 / 0.4² = −0.625.
  const a = Number(/curvature (\S+) <= 0/.exec(r.skipped[1].reason)?.[1]);
  assert.ok(Math.abs(a + 0.625) < 1e-9, r.skipped[1].reason);
  // approach2IsoFlop on the same points needs 2 fitted bins and says which were skipped.
  assert.throws(
    () => approach2IsoFlop(points, { budgets: [1e18, 1e19, 1e20, 1e21, 1e22] }),
    /only 1 bin\(s\) could be fitted; need >= 2 \(skipped: 1\.000e\+19 FLOPs: only 2 distinct/,
  );
});
