/**
 * The Approach 3 objective in log space and its analytic gradient.
 *
 * With θ = [a_1, α_1, …, a_k, α_k, e] (a_i = ln A_i, e = ln E) the model is
 * ln L̂ = logsumexp(a_1 − α_1 ln x_1, …, a_k − α_k ln x_k, e), and the objective is the SUM over points
 * of Huber_δ(ln L − ln L̂).
 * @module
 */

import { huberDerivative, huberLoss } from "./huber.ts";
import type { FitPoint } from "./types.ts";

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

/** Returns the objective function θ, grad -> Σ Huber_δ(ln L − ln L̂) (writes the analytic gradient into grad). */
export function approach3Objective(
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
