/**
 * The power law `y = k · x^exponent`, the one shape of every compute-optimal prescription
 * (N_opt(C), D_opt(C), (D/N)_opt(C)) and of Approach 1 and 2 fits.
 * @module
 */
import type { LogLogFit } from "../fit/types.ts";

/** `y = k · x^exponent` (k in units of y per x^exponent; exponent dimensionless). */
export interface PowerLaw {
  /** Coefficient k (units of y per x^exponent). */
  readonly k: number;
  /** Exponent (dimensionless). */
  readonly exponent: number;
}

/** A power law fitted by ordinary least squares in log-log space, with its goodness of fit. */
export interface PowerLawFit extends PowerLaw {
  /** Coefficient of determination in log space. */
  readonly r2: number;
  /** Number of points fitted. */
  readonly n: number;
}

/** Returns `k · x^exponent` (units of y). */
export function evalPower(p: PowerLaw, x: number): number {
  return p.k * Math.pow(x, p.exponent);
}

/** Returns the power law `y = e^intercept · x^slope` of a log-log OLS fit. */
export function powerLawOf(fit: LogLogFit): PowerLawFit {
  return { k: Math.exp(fit.intercept), exponent: fit.slope, r2: fit.r2, n: fit.n };
}
