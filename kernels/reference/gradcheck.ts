/**
 * Central finite differences, for checking the analytic backward functions (reference and GPU).
 * @module
 */

/**
 * Returns the central-difference estimate `(f(x + h·e_i) − f(x − h·e_i)) / 2h` of ∂f/∂x_i for each
 * index in `indices` (same order). `x` is perturbed in place and restored exactly afterwards.
 */
export function numericalGradient(
  f: () => number,
  x: Float64Array,
  indices: readonly number[],
  h = 1e-5,
): Float64Array {
  const out = new Float64Array(indices.length);
  indices.forEach((i, n) => {
    const saved = x[i];
    x[i] = saved + h;
    const fp = f();
    x[i] = saved - h;
    const fm = f();
    x[i] = saved;
    out[n] = (fp - fm) / (2 * h);
  });
  return out;
}

/**
 * Returns the largest relative error `|a − n| / max(|a| + |n|, floor)` between analytic values `a[indices]`
 * and numerical estimates `n` (dimensionless); `floor` keeps near-zero gradients from dominating.
 */
export function maxRelativeError(
  analytic: Float64Array,
  indices: readonly number[],
  numerical: Float64Array,
  floor = 1e-4,
): number {
  let worst = 0;
  indices.forEach((i, n) => {
    const a = analytic[i], b = numerical[n];
    const e = Math.abs(a - b) / Math.max(Math.abs(a) + Math.abs(b), floor);
    if (e > worst) worst = e;
  });
  return worst;
}
