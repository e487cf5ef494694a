/**
 * Ordinary least squares in log-log space: ln y = intercept + slope · ln x.
 * @module
 */

import type { LogLogFit } from "./types.ts";

/** Returns the OLS fit of ln y on ln x (slope, intercept in ln units of y, r² in log space, n). */
export function fitLogLog(x: readonly number[], y: readonly number[], who = "fitLogLog"): LogLogFit {
  if (x.length !== y.length) throw new Error(`${who}: ${x.length} x values but ${y.length} y values`);
  const n = x.length;
  for (let i = 0; i < n; i++) {
    if (!(Number.isFinite(x[i]) && x[i] > 0)) {
      throw new Error(`${who}: x[${i}] must be finite and > 0, got ${x[i]}`);
    }
    if (!(Number.isFinite(y[i]) && y[i] > 0)) {
      throw new Error(`${who}: y[${i}] must be finite and > 0, got ${y[i]}`);
    }
  }
  const u = x.map(Math.log), v = y.map(Math.log);
  let mu = 0, mv = 0;
  for (let i = 0; i < n; i++) {
    mu += u[i];
    mv += v[i];
  }
  mu /= n;
  mv /= n;
  let suu = 0, suv = 0, svv = 0;
  for (let i = 0; i < n; i++) {
    suu += (u[i] - mu) ** 2;
    suv += (u[i] - mu) * (v[i] - mv);
    svv += (v[i] - mv) ** 2;
  }
  if (n < 2 || !(suu > 0)) throw new Error(`${who}: need at least 2 distinct x values, got ${n} points`);
  const slope = suv / suu;
  const intercept = mv - slope * mu;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (v[i] - intercept - slope * u[i]) ** 2;
  const r2 = svv > 0 ? 1 - sse / svv : 1;
  return { slope, intercept, r2, n };
}

/** Returns y = exp(intercept) · resource^slope of a log-log fit (units of the fitted y). */
export function predictPowerLaw(fit: LogLogFit, resource: number): number {
  return Math.exp(fit.intercept + fit.slope * Math.log(resource));
}
