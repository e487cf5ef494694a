/**
 * The Approach 3 objective in log space and its analytic gradient.
 *
 * With θ = [a_1, α_1, …, a_k, α_k, e] (a_i = ln A_i, e = ln E) the model is
 * ln L̂ = logsumexp(a_1 − α_1 ln x_1, …, a_k − α_k ln x_k, e), and the objective is the SUM over points
 * of Huber_δ(ln L − ln L̂).
 * @module
 */

import { huberDerivative, huberLoss } from "./huber.ts";
import type { Approach3Settings, FitPoint, LbfgsOptions } from "./types.ts";

/** Points prepared for the objective: ln of every variable (point-major) and ln of the loss. */
export interface LogData {
  /** Number of variables k. */
  readonly k: number;
  /** Number of points. */
  readonly n: number;
  /** ln x, point-major: lnX[p·k + i]. */
  readonly lnX: Float64Array;
  /** ln lossNats per point. */
  readonly lnLoss: Float64Array;
}

/** Returns the points in log form after checking every value; errors name the point, its group and the field. */
export function prepareLogData(
  points: readonly FitPoint[],
  variables: readonly string[],
  who: string,
): LogData {
  if (variables.length === 0) throw new Error(`${who}: options.variables is empty`);
  if (new Set(variables).size !== variables.length) {
    throw new Error(`${who}: options.variables has duplicates: ${variables.join(", ")}`);
  }
  if (points.length === 0) throw new Error(`${who}: no points to fit`);
  const k = variables.length, n = points.length;
  const lnX = new Float64Array(n * k);
  const lnLoss = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const pt = points[p];
    const where = () => `${who}: point ${p}${pt.group !== undefined ? ` (group "${pt.group}")` : ""}`;
    if (!(Number.isFinite(pt.lossNats) && pt.lossNats > 0)) {
      throw new Error(`${where()}: field lossNats must be a finite number > 0, got ${pt.lossNats}`);
    }
    lnLoss[p] = Math.log(pt.lossNats);
    for (let i = 0; i < k; i++) {
      const v = pt.x?.[variables[i]];
      if (typeof v !== "number" || !(Number.isFinite(v) && v > 0)) {
        throw new Error(`${where()}: field x.${variables[i]} must be a finite number > 0, got ${v}`);
      }
      lnX[p * k + i] = Math.log(v);
    }
  }
  return { k, n, lnX, lnLoss };
}

/** Bounds of the running product of point sums before it is folded into a log. */
const Q_MIN = 1e-150, Q_MAX = 1e150;

/**
 * Returns the objective function θ, grad -> Σ Huber_δ(ln L − ln L̂) (writes the analytic gradient into
 * grad).
 *
 * Fast form: a variable usually takes few distinct values (Gemstones `hot`: 22 model sizes and 10 token
 * counts over 220 points), so exp(a_i − α_i ln x_i) is computed once per distinct value and a point's
 * L̂ = Σ_i exp(t_i) + exp(e) is a sum of table entries. A point outside the Huber band (|r| > δ, most
 * of them) adds δ·(|ln(L/L̂)| − δ/2): the ratios L/L̂ or L̂/L are multiplied into a running product whose
 * log is taken once per ~100 points, so only points inside the band cost a log each. The gradient is
 * accumulated per distinct value (d/da_i = Σ_u exp(t_u)·C_u, C_u the sum of −h'(r_p)/L̂_p over the
 * points having value u). A point whose L̂ falls outside [max(1e-290, L·1e-100), min(1e290, L·1e100)]
 * (overflow or underflow of the unshifted exps, or NaN) is recomputed with the max-subtracted logsumexp
 * of `approach3ObjectiveStable`. Same value and gradient as the stable form to rounding (about 1e-15
 * relative on the Gemstones tables), not bit for bit.
 */
export function approach3Objective(
  data: LogData,
  huberDelta: number,
): (theta: Float64Array, grad: Float64Array) => number {
  const { k, n, lnX, lnLoss } = data;
  const dim = 2 * k + 1;
  // Distinct ln x per variable: lnU[u] with its variable varOf[u]; idx[p·k + i] = u of point p, variable i.
  const uniq: number[] = [], owner: number[] = [];
  const idx = new Int32Array(n * k);
  for (let i = 0; i < k; i++) {
    const seen = new Map<number, number>();
    for (let p = 0; p < n; p++) {
      const v = lnX[p * k + i];
      let u = seen.get(v);
      if (u === undefined) {
        u = uniq.length;
        uniq.push(v);
        owner.push(i);
        seen.set(v, u);
      }
      idx[p * k + i] = u;
    }
  }
  const U = uniq.length;
  const lnU = Float64Array.from(uniq), varOf = Int32Array.from(owner);
  const ex = new Float64Array(U), acc = new Float64Array(U);
  const direct = new Float64Array(dim), t = new Float64Array(k + 1);
  const delta = huberDelta, halfDelta = 0.5 * huberDelta;
  // Per point: L, the band edges in L̂ (r > δ ⟺ L̂ < L·e^(−δ), r < −δ ⟺ L̂ > L·e^δ), and the range of L̂
  // the factored form accepts (L̂ and L/L̂ within 1e±100 of 1 and of each other, away from over/underflow).
  const loss = new Float64Array(n),
    invLoss = new Float64Array(n),
    lo = new Float64Array(n),
    hi = new Float64Array(n);
  const sMin = new Float64Array(n), sMax = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    loss[p] = Math.exp(lnLoss[p]);
    invLoss[p] = Math.exp(-lnLoss[p]);
    lo[p] = Math.exp(lnLoss[p] - delta);
    hi[p] = Math.exp(lnLoss[p] + delta);
    sMin[p] = Math.max(loss[p] * 1e-100, 1e-290);
    sMax[p] = Math.min(loss[p] * 1e100, 1e290);
  }
  return (theta, grad) => {
    for (let u = 0; u < U; u++) {
      const i = varOf[u];
      ex[u] = Math.exp(theta[2 * i] - theta[2 * i + 1] * lnU[u]);
    }
    acc.fill(0);
    const e = theta[2 * k], ee = Math.exp(e);
    // A point outside the Huber band contributes δ·(|r| − δ/2) with |r| = ±ln(L/L̂): those ratios are
    // multiplied into a running product (folded into a log before it can overflow), so the whole sum
    // costs about one log per hundred points instead of one per point.
    let total = 0, ce = 0, slow = false, q = 1, logQ = 0, outside = 0;
    for (let p = 0; p < n; p++) {
      const base = p * k;
      let s = ee;
      if (k === 2) s += ex[idx[base]] + ex[idx[base + 1]];
      else if (k === 4) s += ex[idx[base]] + ex[idx[base + 1]] + ex[idx[base + 2]] + ex[idx[base + 3]];
      else for (let i = 0; i < k; i++) s += ex[idx[base + i]];
      if (s >= sMin[p] && s <= sMax[p]) {
        const inv = 1 / s;
        let c: number;
        if (s < lo[p]) {
          // r = ln L − ln L̂ > δ.
          q *= loss[p] * inv;
          outside++;
          c = -delta * inv;
        } else if (s > hi[p]) {
          // r < −δ.
          q *= s * invLoss[p];
          outside++;
          c = delta * inv;
        } else {
          const r = lnLoss[p] - Math.log(s);
          total += 0.5 * r * r;
          c = -r * inv;
        }
        if (q > Q_MAX || q < Q_MIN) {
          logQ += Math.log(q);
          q = 1;
        }
        if (k === 2) {
          acc[idx[base]] += c;
          acc[idx[base + 1]] += c;
        } else if (k === 4) {
          acc[idx[base]] += c;
          acc[idx[base + 1]] += c;
          acc[idx[base + 2]] += c;
          acc[idx[base + 3]] += c;
        } else for (let i = 0; i < k; i++) acc[idx[base + i]] += c;
        ce += c;
        continue;
      }
      // Out of range (or NaN): the max-subtracted form for this point, its gradient kept apart.
      if (!slow) {
        direct.fill(0);
        slow = true;
      }
      let m = e;
      for (let i = 0; i < k; i++) {
        const v = theta[2 * i] - theta[2 * i + 1] * lnX[base + i];
        t[i] = v;
        if (v > m) m = v;
      }
      t[k] = e;
      let sm = 0;
      for (let i = 0; i <= k; i++) {
        const w = Math.exp(t[i] - m);
        t[i] = w;
        sm += w;
      }
      const r = lnLoss[p] - (m + Math.log(sm));
      total += huberLoss(r, delta);
      const c = -huberDerivative(r, delta) / sm;
      for (let i = 0; i < k; i++) {
        const cw = c * t[i];
        direct[2 * i] += cw;
        direct[2 * i + 1] -= cw * lnX[base + i];
      }
      direct[2 * k] += c * t[k];
    }
    grad.fill(0);
    for (let u = 0; u < U; u++) {
      const a = acc[u];
      if (a === 0) continue; // also keeps an overflowed exp (whose points all went the slow way) out
      const i = varOf[u], w = a * ex[u];
      grad[2 * i] += w;
      grad[2 * i + 1] -= w * lnU[u];
    }
    grad[2 * k] = ce === 0 ? 0 : ce * ee;
    if (slow) { for (let j = 0; j < dim; j++) grad[j] += direct[j]; }
    return total + delta * (logQ + Math.log(q)) - outside * delta * halfDelta;
  };
}

/**
 * Returns the straightforward form of `approach3Objective`: θ, grad -> Σ Huber_δ(ln L − ln L̂) with a
 * max-subtracted logsumexp per point (k + 1 exps and one log per point; writes the analytic gradient into
 * grad). The reference the fast form is tested and benchmarked against; same value to rounding.
 */
export function approach3ObjectiveStable(
  data: LogData,
  huberDelta: number,
): (theta: Float64Array, grad: Float64Array) => number {
  const { k, n, lnX, lnLoss } = data;
  const t = new Float64Array(k + 1);
  return (theta, grad) => {
    grad.fill(0);
    const e = theta[2 * k];
    let total = 0;
    for (let p = 0; p < n; p++) {
      const base = p * k;
      let m = e;
      for (let i = 0; i < k; i++) {
        const v = theta[2 * i] - theta[2 * i + 1] * lnX[base + i];
        t[i] = v;
        if (v > m) m = v;
      }
      t[k] = e;
      let s = 0;
      for (let i = 0; i <= k; i++) {
        const w = Math.exp(t[i] - m);
        t[i] = w;
        s += w;
      }
      const lse = m + Math.log(s);
      const r = lnLoss[p] - lse;
      total += huberLoss(r, huberDelta);
      // d/dθ Huber(r) = h'(r) · (−d lse/dθ); d lse/d a_i = w_i, d lse/d α_i = −w_i ln x_i, d lse/d e = w_e.
      const c = -huberDerivative(r, huberDelta) / s;
      for (let i = 0; i < k; i++) {
        const cw = c * t[i];
        grad[2 * i] += cw;
        grad[2 * i + 1] -= cw * lnX[base + i];
      }
      grad[2 * k] += c * t[k];
    }
    return total;
  };
}

/**
 * Returns the objective a fit with these settings minimises: `approach3Objective` (the SUM of Huber
 * losses) or, for `objective: "mean"`, that sum divided by the number of points (value and gradient).
 */
export function fitObjective(
  data: LogData,
  settings: { readonly huberDelta: number; readonly objective: "sum" | "mean" },
): (theta: Float64Array, grad: Float64Array) => number {
  const sum = approach3Objective(data, settings.huberDelta);
  if (settings.objective === "sum") return sum;
  const scale = 1 / data.n;
  return (theta, grad) => {
    const v = sum(theta, grad);
    for (let j = 0; j < grad.length; j++) grad[j] *= scale;
    return v * scale;
  };
}

/** Returns the L-BFGS options of a fit's starts under `settings`, at most `maxIterations` iterations each. */
export function startLbfgsOptions(
  settings: Approach3Settings,
  maxIterations: number = settings.maxIterations,
): LbfgsOptions {
  return {
    memory: settings.memory,
    maxIterations,
    gradientTolerance: settings.tolerance,
    relativeTolerance: settings.relativeTolerance,
    relativeFloor: settings.relativeFloor ?? 0,
  };
}
