/**
 * The Huber loss used by Approach 3 (same convention as `scipy.special.huber`).
 * @module
 */

/** Returns the Huber loss of residual `r`: r²/2 when |r| <= delta, else delta·(|r| − delta/2) (units of r²). */
export function huberLoss(r: number, delta: number): number {
  const a = Math.abs(r);
  return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
}

/** Returns d huberLoss(r, delta) / dr: r when |r| <= delta, else delta·sign(r) (units of r). */
export function huberDerivative(r: number, delta: number): number {
  if (r > delta) return delta;
  if (r < -delta) return -delta;
  return r;
}
