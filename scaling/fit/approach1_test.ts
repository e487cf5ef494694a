import assert from "node:assert/strict";
import { approach1Binning, approach1Hull, lowerConvexHull } from "./approach1.ts";
import { predictPowerLaw } from "./ols.ts";
import type { Approach1Point } from "./types.ts";

// (x, y): the lower-left hull is 0 → 1 → 3 → 4; 2 lies above edge 1-3, 9 lies on it (collinear),
// 7 shares x with 1 but is higher, 5 and 8 are right of the minimum.
const X = [0, 1, 2, 3, 4, 5, 2, 1, 6, 2];
const Y = [5, 3, 2.5, 1, 0.8, 1.5, 4, 3.5, 0.9, 2];

Deno.test("lowerConvexHull: a constructed example with known hull vertices, in any input order", () => {
  assert.deepEqual(lowerConvexHull(X, Y), [0, 1, 3, 4]);
  const perm = [5, 9, 2, 7, 0, 8, 3, 6, 1, 4];
  const got = lowerConvexHull(perm.map((i) => X[i]), perm.map((i) => Y[i])).map((j) => perm[j]);
  assert.deepEqual(got, [0, 1, 3, 4]);
  assert.deepEqual(lowerConvexHull([1], [2]), [0]);
  assert.deepEqual(lowerConvexHull([1, 2, 3], [1, 2, 3]), [0]); // loss never decreases: only the first point
  assert.throws(() => lowerConvexHull([1, NaN], [1, 2]), /point 1 is not finite/);
});

/** Points at resources e^x with loss e^y; frontier points obey params = 0.1·C^0.5, tokens = C/(6·params). */
function hullPoints(): Approach1Point[] {
  const onHull = new Set([0, 1, 3, 4]);
  return X.map((x, i) => {
    const resource = Math.exp(40 + x);
    const params = onHull.has(i) ? 0.1 * Math.sqrt(resource) : 1e6 * (i + 1);
    return { resource, lossNats: Math.exp(Y[i]), params, tokens: resource / (6 * params), group: `run${i}` };
  });
}

Deno.test("approach1Hull: selects the hull and recovers the power laws of the frontier exactly", () => {
  const r = approach1Hull(hullPoints());
  assert.equal(r.method, "hull");
  assert.deepEqual(r.selected, [0, 1, 3, 4]);
  const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);
  close(r.fits.params.slope, 0.5);
  close(r.fits.params.intercept, Math.log(0.1), 1e-10);
  close(r.fits.params.r2, 1);
  close(r.fits.tokens.slope, 0.5);
  close(r.fits.tokens.intercept, -Math.log(0.6), 1e-10);
  close(r.fits.tokensPerParam.slope, 0);
  close(r.fits.tokensPerParam.intercept, -Math.log(0.06), 1e-10);
  close(predictPowerLaw(r.fits.params, 1e22) / 1e10, 1, 1e-10);
});

Deno.test("approach1Binning: lowest loss per log-spaced bucket, then OLS", () => {
  // resources 1e18 … 1e21; 3 bins of width 1 decade: [1e18,1e19), [1e19,1e20), [1e20,1e21].
  const pts: Approach1Point[] = [
    { resource: 1e18, lossNats: 3.0, params: 1e7, tokens: 1e10 },
    { resource: 5e18, lossNats: 2.9, params: 2e7, tokens: 1e10 }, // bin 0 best
    { resource: 2e19, lossNats: 2.7, params: 4e7, tokens: 1e11 },
    { resource: 8e19, lossNats: 2.5, params: 8e7, tokens: 1e11 }, // bin 1 best
    { resource: 1e21, lossNats: 2.2, params: 1.6e8, tokens: 1e12 }, // bin 2 (the right edge belongs to it)
    { resource: 3e20, lossNats: 2.3, params: 1e9, tokens: 1e12 },
  ];
  const r = approach1Binning(pts, { bins: 3 });
  assert.deepEqual(r.selected, [1, 3, 4]);
  // params 2e7, 8e7, 1.6e8 against 5e18, 8e19, 1e21: reference OLS computed by hand in log space.
  const u = [5e18, 8e19, 1e21].map(Math.log), v = [2e7, 8e7, 1.6e8].map(Math.log);
  const mu = (u[0] + u[1] + u[2]) / 3, mv = (v[0] + v[1] + v[2]) / 3;
  const slope = u.reduce((s, ui, i) => s + (ui - mu) * (v[i] - mv), 0) /
    u.reduce((s, ui) => s + (ui - mu) ** 2, 0);
  assert.ok(Math.abs(r.fits.params.slope - slope) < 1e-12);
  assert.ok(Math.abs(r.fits.params.intercept - (mv - slope * mu)) < 1e-9);
  assert.equal(r.fits.params.n, 3);
  assert.throws(() => approach1Binning(pts, { bins: 1 }), /only 1 frontier point\(s\); need >= 2/);
  // As the authors' pd.cut(include_lowest=True): buckets are closed on the right, so a point on the inner
  // edge 1e19 belongs to the bucket below it and wins it with the lowest loss.
  const onEdge = approach1Binning([...pts, { resource: 1e19, lossNats: 2.0, params: 3e7, tokens: 1e10 }], {
    bins: 3,
  });
  assert.deepEqual(onEdge.selected, [6, 3, 4]);
  assert.throws(
    () => approach1Binning([{ ...pts[0], tokens: 0, group: "r7" }], { bins: 2 }),
    /approach1Binning: point 0 \(group "r7"\): field tokens must be a finite number > 0, got 0/,
  );
});
