/**
 * Limited-memory BFGS (unconstrained) with a strong-Wolfe line search.
 *
 * The search direction comes from the two-loop recursion over the last `memory` correction pairs with
 * the initial scaling γ = sᵀy / yᵀy. The line search brackets a step satisfying the strong Wolfe
 * conditions (sufficient decrease c1 = 1e-4, curvature c2 = 0.9) and zooms in with safeguarded cubic
 * interpolation (Nocedal & Wright, Algorithms 3.5 and 3.6).
 *
 * Convergence (either stops with `converged: true`):
 * - gradient: ‖∇f‖∞ <= `gradientTolerance` (default 1e-5, scipy L-BFGS-B's `pgtol`);
 * - function: (f_k − f_{k+1}) <= `relativeTolerance` · max(|f_k|, |f_{k+1}|, `relativeFloor`)
 *   (default 1e7·eps ≈ 2.2e-9 as scipy's `factr`·eps; scipy's floor is 1, ours defaults to 0 so the
 *   test stays relative for objectives far below 1, such as Huber sums of ln-loss residuals).
 * @module
 */

import type { LbfgsOptions, LbfgsReason, LbfgsResult } from "./types.ts";

/** An objective: writes the gradient into `grad` and returns the value at `x`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

const EPS = 2.220446049250313e-16;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function normInf(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m || v !== v) m = v !== v ? NaN : v;
  }
  return m;
}

/** Work arrays of one call: x, gradient, trial point and gradient, direction, memory (flat m·n). */
interface Workspace {
  busy: boolean;
  readonly x: Float64Array;
  readonly g: Float64Array;
  readonly xt: Float64Array;
  readonly gt: Float64Array;
  readonly d: Float64Array;
  readonly S: Float64Array;
  readonly Y: Float64Array;
  readonly rho: Float64Array;
  readonly alphaBuf: Float64Array;
}

const workspaces = new Map<string, Workspace>();

/** Returns a free workspace for dimension n and memory m, marked busy (contents are stale). */
function acquire(n: number, m: number): Workspace {
  const key = `${n},${m}`;
  const cached = workspaces.get(key);
  if (cached !== undefined && !cached.busy) {
    cached.busy = true;
    cached.g.fill(0);
    cached.gt.fill(0);
    return cached;
  }
  const w: Workspace = {
    busy: true,
    x: new Float64Array(n),
    g: new Float64Array(n),
    xt: new Float64Array(n),
    gt: new Float64Array(n),
    d: new Float64Array(n),
    S: new Float64Array(m * n),
    Y: new Float64Array(m * n),
    rho: new Float64Array(m),
    alphaBuf: new Float64Array(m),
  };
  if (cached === undefined && workspaces.size < 16) workspaces.set(key, w);
  return w;
}

/** Minimiser of the cubic through (a, fa, da) and (b, fb, db), or NaN when it has none. */
function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - 3 * (fa - fb) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
}

/**
 * Minimises `f` from `x0` with L-BFGS; returns the final point, its value, the gradient norm, the
 * number of iterations and evaluations, whether it converged and why it stopped.
 */
export function lbfgsMinimize(f: Objective, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const m = options.memory ?? 10;
  if (!(Number.isInteger(m) && m >= 1)) {
    throw new Error(`lbfgsMinimize: memory must be an integer >= 1, got ${m}`);
  }
  const w = acquire(x0.length, m);
  try {
    return minimize(f, x0, options, w);
  } finally {
    w.busy = false;
  }
}

function minimize(f: Objective, x0: Float64Array, options: LbfgsOptions, w: Workspace): LbfgsResult {
  const n = x0.length;
  const m = options.memory ?? 10;
  const maxIterations = options.maxIterations ?? 15000;
  const gtol = options.gradientTolerance ?? 1e-5;
  const rtol = options.relativeTolerance ?? 1e7 * EPS;
  const floor = options.relativeFloor ?? 0;
  const c1 = options.c1 ?? 1e-4;
  const c2 = options.c2 ?? 0.9;
  const maxLs = options.maxLineSearch ?? 40;

  // Work arrays come from a per-(n, m) cache (one allocation per size, not per call; a fresh set when a
  // call is nested inside an objective); the returned x is a copy.
  const { x, g, xt, gt, d, S, Y, rho, alphaBuf } = w;
  x.set(x0);
  let stored = 0;
  let head = 0; // index of the next slot to write
  let evaluations = 0;

  const evalAt = (step: number): number => {
    for (let i = 0; i < n; i++) xt[i] = x[i] + step * d[i];
    evaluations++;
    return f(xt, gt);
  };

  let fx = f(x, g);
  evaluations++;
  const done = (reason: LbfgsReason, iterations: number): LbfgsResult => {
    const result: LbfgsResult = {
      x: Float64Array.from(x),
      value: fx,
      gradientNorm: normInf(g),
      iterations,
      evaluations,
      converged: reason === "gradient" || reason === "function",
      reason,
    };
    return result;
  };
  if (!Number.isFinite(fx) || !Number.isFinite(normInf(g))) return done("nonFinite", 0);
  if (normInf(g) <= gtol) return done("gradient", 0);

  let iter = 0;
  while (iter < maxIterations) {
    // Two-loop recursion: d = −H g.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    let step0 = 1;
    if (stored === 0) {
      step0 = Math.min(1, 1 / Math.sqrt(dot(g, g)));
    } else {
      for (let j = 0; j < stored; j++) {
        const k = (head - 1 - j + m) % m, o = k * n;
        let sd = 0;
        for (let i = 0; i < n; i++) sd += S[o + i] * d[i];
        const a = rho[k] * sd;
        alphaBuf[k] = a;
        for (let i = 0; i < n; i++) d[i] -= a * Y[o + i];
      }
      const last = (head - 1 + m) % m, ol = last * n;
      let yy = 0;
      for (let i = 0; i < n; i++) yy += Y[ol + i] * Y[ol + i];
      const gamma = 1 / (rho[last] * yy);
      for (let i = 0; i < n; i++) d[i] *= gamma;
      for (let j = stored - 1; j >= 0; j--) {
        const k = (head - 1 - j + m) % m, o = k * n;
        let yd = 0;
        for (let i = 0; i < n; i++) yd += Y[o + i] * d[i];
        const b = rho[k] * yd;
        const c = alphaBuf[k] - b;
        for (let i = 0; i < n; i++) d[i] += c * S[o + i];
      }
    }
    let dphi0 = dot(g, d);
    if (!(dphi0 < 0)) {
      // Not a descent direction (should not happen with sᵀy > 0): restart with steepest descent.
      stored = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      dphi0 = dot(g, d);
      step0 = Math.min(1, 1 / Math.sqrt(-dphi0));
    }

    const fNew = lineSearch(step0, dphi0);
    if (fNew === null) {
      if (stored > 0) {
        stored = 0; // retry once along steepest descent with a fresh memory
        continue;
      }
      return done("lineSearch", iter);
    }
    // Update the memory.
    const oh = head * n;
    let sy = 0, yy = 0;
    for (let i = 0; i < n; i++) {
      const si = xt[i] - x[i], yi = gt[i] - g[i];
      S[oh + i] = si;
      Y[oh + i] = yi;
    }
    for (let i = 0; i < n; i++) sy += S[oh + i] * Y[oh + i];
    for (let i = 0; i < n; i++) yy += Y[oh + i] * Y[oh + i];
    if (sy > EPS * yy) {
      rho[head] = 1 / sy;
      head = (head + 1) % m;
      stored = Math.min(stored + 1, m);
    }
    const fOld = fx;
    x.set(xt);
    g.set(gt);
    fx = fNew;
    iter++;
    if (normInf(g) <= gtol) return done("gradient", iter);
    if (fOld - fx <= rtol * Math.max(Math.abs(fOld), Math.abs(fx), floor)) return done("function", iter);
  }
  return done("maxIterations", iter);

  /** Finds a strong-Wolfe step along d; leaves the point in xt/gt and returns its value, or null. */
  function lineSearch(step1: number, dphi0: number): number | null {
    const f0 = fx;
    let aPrev = 0, fPrev = f0, dPrev = dphi0;
    let a = step1;
    for (let i = 0; i < maxLs; i++) {
      const fa = evalAt(a);
      if (!Number.isFinite(fa) || !Number.isFinite(normInf(gt))) {
        a = aPrev + 0.5 * (a - aPrev); // too far: shrink toward the last good step
        if (a - aPrev <= EPS * Math.max(1, aPrev)) return null;
        continue;
      }
      const da = dot(gt, d);
      if (fa > f0 + c1 * a * dphi0 || (i > 0 && fa >= fPrev)) return zoom(aPrev, fPrev, dPrev, a, fa, da);
      if (Math.abs(da) <= -c2 * dphi0) return fa;
      if (da >= 0) return zoom(a, fa, da, aPrev, fPrev, dPrev);
      const next = cubicMin(aPrev, fPrev, dPrev, a, fa, da);
      aPrev = a;
      fPrev = fa;
      dPrev = da;
      // Extrapolate: between 2× and 10× the current step.
      a = Number.isFinite(next) && next > 2 * a ? Math.min(next, 10 * a) : 2 * a;
    }
    return null;

    function zoom(lo: number, flo: number, dlo: number, hi: number, fhi: number, dhi: number): number | null {
      for (let j = 0; j < maxLs; j++) {
        const width = hi - lo;
        if (Math.abs(width) <= EPS * Math.max(Math.abs(lo), Math.abs(hi))) break;
        let t = cubicMin(lo, flo, dlo, hi, fhi, dhi);
        const left = Math.min(lo, hi), right = Math.max(lo, hi);
        const margin = 0.1 * (right - left);
        if (!Number.isFinite(t) || t < left + margin || t > right - margin) t = lo + 0.5 * width;
        const ft = evalAt(t);
        const dt = Number.isFinite(ft) ? dot(gt, d) : NaN;
        if (!Number.isFinite(ft) || !Number.isFinite(dt) || ft > f0 + c1 * t * dphi0 || ft >= flo) {
          hi = t;
          fhi = Number.isFinite(ft) ? ft : Infinity;
          dhi = Number.isFinite(dt) ? dt : NaN;
        } else {
          if (Math.abs(dt) <= -c2 * dphi0) return ft;
          if (dt * (hi - lo) >= 0) {
            hi = lo;
            fhi = flo;
            dhi = dlo;
          }
          lo = t;
          flo = ft;
          dlo = dt;
        }
      }
      // No strong-Wolfe step found: accept the best sufficient-decrease point if it is strictly lower.
      if (lo > 0 && flo < f0) {
        const fl = evalAt(lo);
        if (fl < f0) return fl;
      }
      return null;
    }
  }
}
