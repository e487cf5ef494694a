/**
 * Approach 2: isoFLOP profiles. Runs are grouped into FLOP bins; in each bin a parabola of loss in
 * ln params is fitted by least squares and its minimum gives N_opt (and D_opt from a log-log line of
 * tokens on params within the bin); N_opt(C) and D_opt(C) are then fitted as power laws.
 * @module
 */

import { fitLogLog } from "./ols.ts";
import type {
  Approach2Options,
  Approach2Result,
  IsoFlopBin,
  IsoFlopBins,
  IsoFlopPoint,
  LogLogFit,
  SkippedBin,
} from "./types.ts";

/** Least-squares parabola y = a u² + b u + c; returns null when the normal equations are singular. */
function fitParabola(u: readonly number[], y: readonly number[]): { a: number; b: number; c: number } | null {
  const n = u.length;
  const m = u.reduce((s, v) => s + v, 0) / n; // centre for conditioning
  let s1 = 0, s2 = 0, s3 = 0, s4 = 0, t0 = 0, t1 = 0, t2 = 0;
  for (let i = 0; i < n; i++) {
    const z = u[i] - m, z2 = z * z;
    s1 += z;
    s2 += z2;
    s3 += z2 * z;
    s4 += z2 * z2;
    t0 += y[i];
    t1 += z * y[i];
    t2 += z2 * y[i];
  }
  // Solve [[s4 s3 s2][s3 s2 s1][s2 s1 n]] [A B C]ᵀ = [t2 t1 t0]ᵀ by Cramer's rule.
  const det3 = (a: number[]) =>
    a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) +
    a[2] * (a[3] * a[7] - a[4] * a[6]);
  const M = [s4, s3, s2, s3, s2, s1, s2, s1, n];
  const D = det3(M);
  if (!(Math.abs(D) > 1e-12 * Math.max(1, s4 * s2 * n))) return null;
  const A = det3([t2, s3, s2, t1, s2, s1, t0, s1, n]) / D;
  const B = det3([s4, t2, s2, s3, t1, s1, s2, t0, n]) / D;
  const C = det3([s4, s3, t2, s3, s2, t1, s2, s1, t0]) / D;
  // Un-centre: A (u−m)² + B (u−m) + C.
  return { a: A, b: B - 2 * A * m, c: A * m * m - B * m + C };
}

/**
 * Returns the isoFLOP bins of `points`: those fitted (parabola, N_opt, D_opt, loss at the minimum) and
 * those skipped, each with a code and a reason. Never throws for too few fitted bins (see
 * {@link approach2IsoFlop}); throws on invalid points or options.
 */
export function isoFlopBins(points: readonly IsoFlopPoint[], options: Approach2Options = {}): IsoFlopBins {
  const who = "isoFlopBins";
  if (points.length === 0) throw new Error(`${who}: no points`);
  points.forEach((p, i) => {
    for (const field of ["flops", "params", "tokens", "lossNats"] as const) {
      const v = p[field];
      if (!(typeof v === "number" && Number.isFinite(v) && v > 0)) {
        const g = p.group !== undefined ? ` (group "${p.group}")` : "";
        throw new Error(`${who}: point ${i}${g}: field ${field} must be a finite number > 0, got ${v}`);
      }
    }
  });
  const lf = points.map((p) => Math.log(p.flops));
  const members: number[][] = [];
  const centres: (number | null)[] = [];
  let unassigned = 0;
  if (options.budgets !== undefined) {
    const tol = options.tolerance ?? 0.05;
    const lb = options.budgets.map((b, j) => {
      if (!(Number.isFinite(b) && b > 0)) {
        throw new Error(`${who}: budgets[${j}] must be finite and > 0, got ${b}`);
      }
      return Math.log(b);
    });
    for (const b of options.budgets) {
      members.push([]);
      centres.push(b);
    }
    lf.forEach((v, i) => {
      let best = -1;
      for (let j = 0; j < lb.length; j++) {
        if (best < 0 || Math.abs(v - lb[j]) < Math.abs(v - lb[best])) best = j;
      }
      if (best >= 0 && Math.abs(v - lb[best]) <= tol) members[best].push(i);
      else unassigned++;
    });
  } else {
    const bins = options.bins ?? 10;
    if (!(Number.isInteger(bins) && bins >= 1)) {
      throw new Error(`${who}: bins must be an integer >= 1, got ${bins}`);
    }
    const lo = Math.min(...lf), hi = Math.max(...lf);
    const width = (hi - lo) / bins;
    for (let j = 0; j < bins; j++) {
      members.push([]);
      centres.push(null);
    }
    lf.forEach((v, i) => members[width > 0 ? Math.min(bins - 1, Math.floor((v - lo) / width)) : 0].push(i));
  }

  const fitted: IsoFlopBin[] = [];
  const skipped: SkippedBin[] = [];
  members.forEach((idx, j) => {
    if (idx.length === 0) {
      if (centres[j] !== null) {
        skipped.push({
          flops: centres[j] as number,
          points: 0,
          sizes: 0,
          code: "no_points",
          reason: "no points",
        });
      }
      return;
    }
    const flops = centres[j] ?? Math.exp(idx.reduce((s, i) => s + lf[i], 0) / idx.length);
    const u = idx.map((i) => Math.log(points[i].params));
    const distinct = new Set(idx.map((i) => points[i].params)).size;
    const skip = { flops, points: idx.length, sizes: distinct };
    if (distinct < 3) {
      skipped.push({
        ...skip,
        code: "too_few_sizes",
        reason: `only ${distinct} distinct parameter count(s); need >= 3`,
      });
      return;
    }
    const par = fitParabola(u, idx.map((i) => points[i].lossNats));
    if (par === null) {
      skipped.push({ ...skip, code: "singular", reason: "singular parabola fit" });
      return;
    }
    if (!(par.a > 0)) {
      skipped.push({
        ...skip,
        code: "no_minimum",
        reason: `parabola has no minimum (curvature ${par.a} <= 0)`,
      });
      return;
    }
    const uOpt = -par.b / (2 * par.a);
    const uMin = Math.min(...u), uMax = Math.max(...u);
    if (uOpt < uMin || uOpt > uMax) {
      skipped.push({
        ...skip,
        code: "minimum_outside",
        reason: `minimum at ${Math.exp(uOpt).toPrecision(4)} params is outside the bin's range ` +
          `[${Math.exp(uMin).toPrecision(4)}, ${Math.exp(uMax).toPrecision(4)}]`,
      });
      return;
    }
    const dFit = fitLogLog(
      idx.map((i) => points[i].params),
      idx.map((i) => points[i].tokens),
      `${who} (tokens)`,
    );
    fitted.push({
      flops,
      points: idx,
      parabola: par,
      paramsOpt: Math.exp(uOpt),
      tokensOpt: Math.exp(dFit.intercept + dFit.slope * uOpt),
      lossOpt: par.c - par.b * par.b / (4 * par.a),
    });
  });
  fitted.sort((a, b) => a.flops - b.flops);
  return { bins: fitted, skipped, unassigned };
}

/** Returns the power laws N_opt(C) and D_opt(C) (C in FLOPs) over fitted bins; throws with fewer than 2. */
export function isoFlopLaws(
  bins: readonly IsoFlopBin[],
  who = "isoFlopLaws",
): { readonly params: LogLogFit; readonly tokens: LogLogFit } {
  if (bins.length < 2) throw new Error(`${who}: only ${bins.length} bin(s) could be fitted; need >= 2`);
  const c = bins.map((b) => b.flops);
  return {
    params: fitLogLog(c, bins.map((b) => b.paramsOpt), `${who} (N_opt)`),
    tokens: fitLogLog(c, bins.map((b) => b.tokensOpt), `${who} (D_opt)`),
  };
}

/**
 * Returns the isoFLOP analysis of `points` ({@link isoFlopBins}) with power laws N_opt(C), D_opt(C) (C in
 * FLOPs) over the fitted bins; throws, listing the skipped bins, when fewer than 2 bins could be fitted.
 */
export function approach2IsoFlop(
  points: readonly IsoFlopPoint[],
  options: Approach2Options = {},
): Approach2Result {
  const who = "approach2IsoFlop";
  const r = isoFlopBins(points, options);
  if (r.bins.length < 2) {
    const why = r.skipped.map((s) => `${s.flops.toExponential(3)} FLOPs: ${s.reason}`).join("; ");
    throw new Error(
      `${who}: only ${r.bins.length} bin(s) could be fitted; need >= 2 (skipped: ${why || "none"})`,
    );
  }
  return { ...r, fits: isoFlopLaws(r.bins, who) };
}
