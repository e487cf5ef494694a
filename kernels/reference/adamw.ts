/**
 * Float64 reference optimizer step: global L2 gradient norm, clipping, and AdamW with bias correction
 * and decoupled weight decay. With `t = step + 1` (1-based count of this step):
 *
 * - `norm = sqrt(Σ_tensors Σ_i g_i²)` (pre-clip, reported);
 * - `scale = gradClip > 0 && norm > gradClip ? gradClip / norm : 1`, `g ← g · scale`;
 * - `m ← β1·m + (1 − β1)·g`, `v ← β2·v + (1 − β2)·g²`;
 * - `m̂ = m / (1 − β1^t)`, `v̂ = v / (1 − β2^t)`;
 * - `p ← p − lr · (m̂ / (sqrt(v̂) + ε) + wd · p)`, the `wd · p` term only for specs with `decay: true`
 *   (the old p; identical to PyTorch's `p ← p·(1 − lr·wd)` followed by the Adam update).
 * @module
 */
import type { OptimizerStep } from "../types.ts";

/** Returns the global L2 norm `sqrt(Σ g²)` over all gradient tensors (same units as the gradients). */
export function globalGradNorm(grads: readonly ArrayLike<number>[]): number {
  let ss = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) ss += g[i] * g[i];
  return Math.sqrt(ss);
}

/** Returns the factor the gradients are multiplied by: `gradClip / norm` when clipping applies, else 1. */
export function clipScale(norm: number, gradClip: number): number {
  return gradClip > 0 && norm > gradClip ? gradClip / norm : 1;
}

/**
 * Applies one AdamW step in place to `params`, `m`, `v` (float64, canonical order), using gradients
 * `grads` clipped to `opt.gradClip`; `step` is the number of steps already taken. Returns the pre-clip
 * global gradient norm.
 */
export function adamwStep(
  params: Float64Array[],
  grads: readonly Float64Array[],
  m: Float64Array[],
  v: Float64Array[],
  decay: readonly boolean[],
  step: number,
  opt: OptimizerStep,
): number {
  const norm = globalGradNorm(grads);
  const scale = clipScale(norm, opt.gradClip);
  const t = step + 1;
  const bc1 = 1 - Math.pow(opt.beta1, t), bc2 = 1 - Math.pow(opt.beta2, t);
  for (let k = 0; k < params.length; k++) {
    const p = params[k], g = grads[k], mk = m[k], vk = v[k];
    const wd = decay[k] ? opt.weightDecay : 0;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] * scale;
      mk[i] = opt.beta1 * mk[i] + (1 - opt.beta1) * gi;
      vk[i] = opt.beta2 * vk[i] + (1 - opt.beta2) * gi * gi;
      const update = mk[i] / bc1 / (Math.sqrt(vk[i] / bc2) + opt.eps);
      p[i] -= opt.lr * (update + wd * p[i]);
    }
  }
  return norm;
}
