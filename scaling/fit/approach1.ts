/**
 * Approach 1: the compute-efficient frontier (lowest loss per resource), by log-spaced bins or by the
 * lower convex hull in (ln resource, ln loss), then power laws of params, tokens and tokens/param.
 * @module
 */

import { fitLogLog } from "./ols.ts";
import type { Approach1Point, Approach1Result } from "./types.ts";

function checkPoints(points: readonly Approach1Point[], who: string): void {
  if (points.length === 0) throw new Error(`${who}: no points`);
  points.forEach((p, i) => {
    for (const field of ["resource", "lossNats", "params", "tokens"] as const) {
      const v = p[field];
      if (!(typeof v === "number" && Number.isFinite(v) && v > 0)) {
        const g = p.group !== undefined ? ` (group "${p.group}")` : "";
        throw new Error(`${who}: point ${i}${g}: field ${field} must be a finite number > 0, got ${v}`);
      }
    }
  });
}

function frontierFits(
  points: readonly Approach1Point[],
  selected: number[],
  who: string,
): Approach1Result["fits"] {
  if (selected.length < 2) {
    throw new Error(`${who}: only ${selected.length} frontier point(s); need >= 2 to fit`);
  }
  const r = selected.map((i) => points[i].resource);
  return {
    params: fitLogLog(r, selected.map((i) => points[i].params), `${who} (params)`),
    tokens: fitLogLog(r, selected.map((i) => points[i].tokens), `${who} (tokens)`),
    tokensPerParam: fitLogLog(
      r,
      selected.map((i) => points[i].tokens / points[i].params),
      `${who} (tokens/param)`,
    ),
  };
}

/**
 * Returns the indices of the lower convex hull of the points (x, y) from the leftmost point up to the
 * lowest one, ascending in x, so that y strictly decreases along it. Of points sharing an x only the
 * lowest (then the first) is considered; collinear points inside a hull edge are not vertices.
 * Pass x = ln resource, y = ln loss for Approach 1.
 */
export function lowerConvexHull(x: readonly number[], y: readonly number[]): number[] {
  if (x.length !== y.length) {
    throw new Error(`lowerConvexHull: ${x.length} x values but ${y.length} y values`);
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) {
      throw new Error(`lowerConvexHull: point ${i} is not finite (x=${x[i]}, y=${y[i]})`);
    }
  }
  const order = x.map((_, i) => i).sort((a, b) => x[a] - x[b] || y[a] - y[b] || a - b);
  const unique: number[] = [];
  for (const i of order) if (unique.length === 0 || x[unique[unique.length - 1]] !== x[i]) unique.push(i);
  const hull: number[] = [];
  for (const p of unique) {
    while (hull.length >= 2) {
      const a = hull[hull.length - 2], b = hull[hull.length - 1];
      const cross = (x[b] - x[a]) * (y[p] - y[a]) - (y[b] - y[a]) * (x[p] - x[a]);
      if (cross <= 0) hull.pop();
      else break;
    }
    hull.push(p);
  }
  const out: number[] = [hull[0]];
  for (let j = 1; j < hull.length && y[hull[j]] < y[out[out.length - 1]]; j++) out.push(hull[j]);
  return out;
}

/** Returns Approach 1 by the lower convex hull of (ln resource, ln loss): frontier indices and power-law fits. */
export function approach1Hull(points: readonly Approach1Point[]): Approach1Result {
  checkPoints(points, "approach1Hull");
  const selected = lowerConvexHull(
    points.map((p) => Math.log(p.resource)),
    points.map((p) => Math.log(p.lossNats)),
  );
  return { method: "hull", selected, fits: frontierFits(points, selected, "approach1Hull") };
}

/**
 * The Gemstones authors' number of binning buckets (plotters/approach_1.py `get_bucket_minimizers`,
 * `n_buckets=750`): log-spaced over the whole resource range, not per decade.
 */
export const AUTHORS_BINNING_BUCKETS = 750;

/**
 * Returns Approach 1 by `bins` log-spaced resource buckets over the data's range: the lowest-loss point
 * of each non-empty bucket (ties: first index), ascending in resource, and power-law fits. Buckets are
 * bounded by `10^linspace(log10 min, log10 max, bins + 1)` and closed on the right, the lowest one also on
 * the left, as the authors' `pd.cut(..., include_lowest=True)`: a point on an inner edge belongs to the
 * bucket below it.
 */
export function approach1Binning(
  points: readonly Approach1Point[],
  options: { readonly bins: number },
): Approach1Result {
  checkPoints(points, "approach1Binning");
  const bins = options.bins;
  if (!(Number.isInteger(bins) && bins >= 1)) {
    throw new Error(`approach1Binning: bins must be an integer >= 1, got ${bins}`);
  }
  const lr = points.map((p) => Math.log10(p.resource));
  const lo = Math.min(...lr), hi = Math.max(...lr);
  const edges = Array.from({ length: bins + 1 }, (_, k) => Math.pow(10, lo + ((hi - lo) * k) / bins));
  const best = new Array<number>(bins).fill(-1);
  points.forEach((p, i) => {
    // The first edge >= the point's resource closes its bucket (binary search over the edges).
    let a = 1, b = bins;
    while (a < b) {
      const m = (a + b) >> 1;
      if (edges[m] >= p.resource) b = m;
      else a = m + 1;
    }
    const k = a - 1;
    if (best[k] < 0 || p.lossNats < points[best[k]].lossNats) best[k] = i;
  });
  const selected = best.filter((i) => i >= 0);
  return { method: "binning", selected, fits: frontierFits(points, selected, "approach1Binning") };
}
