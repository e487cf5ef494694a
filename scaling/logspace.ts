/**
 * Log-spaced grids (FLOP budgets, loss targets, widths and depths, figure axes).
 * @module
 */

/**
 * Returns `n` values log-spaced from `lo` to `hi` inclusive, `exp(ln lo + (ln hi − ln lo)·i/(n − 1))` for
 * i = 0 … n − 1, in the units of `lo` and `hi` (both finite and > 0, in either order; n an integer >= 2).
 */
export function logSpace(lo: number, hi: number, n: number): number[] {
  if (!(lo > 0 && hi > 0 && Number.isFinite(lo) && Number.isFinite(hi) && Number.isInteger(n) && n >= 2)) {
    throw new Error(`logSpace: need finite lo, hi > 0 and an integer n >= 2, got ${lo}, ${hi}, ${n}`);
  }
  const a = Math.log(lo), b = Math.log(hi);
  return Array.from({ length: n }, (_, i) => Math.exp(a + ((b - a) * i) / (n - 1)));
}
