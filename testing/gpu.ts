/**
 * Helpers for the kernel tests: random inputs, f64 → f32 conversion, a relative-error metric and a fresh training state.
 * @module
 */
import { initParams } from "../kernels/init.ts";
import { xorshift32 } from "../util/rng.ts";
import { type ModelConfig, parameterSpecs, type TrainState } from "../kernels/types.ts";

/** Returns `n` deterministic pseudo-random values uniform in [-scale, scale) (xorshift32 from `seed`). */
export function randomArray(n: number, seed: number, scale = 1): Float64Array {
  const next = xorshift32(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = ((next() / 4294967296) * 2 - 1) * scale;
  return out;
}

/** Returns `n` deterministic pseudo-random integers in [0, max). */
export function randomTokens(n: number, max: number, seed: number): Int32Array {
  const r = randomArray(n, seed, 1);
  return Int32Array.from(r, (v) => Math.min(max - 1, Math.floor(((v + 1) / 2) * max)));
}

/** Returns `x` rounded to float32 and back to float64 (so a reference sees exactly the GPU's inputs). */
export function roundF32(x: Float64Array): Float64Array {
  return Float64Array.from(new Float32Array(x));
}

/**
 * Returns the largest elementwise error `|got − want|` divided by `(max |want| + tiny)`: an error relative
 * to the tensor's scale, dimensionless.
 */
export function relError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) throw new Error(`relError: length ${got.length} vs ${want.length}`);
  let maxAbs = 0, maxErr = 0;
  for (let i = 0; i < want.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(want[i]));
    const e = Math.abs(got[i] - want[i]);
    maxErr = Number.isNaN(e) ? Infinity : Math.max(maxErr, e);
  }
  return maxErr / (maxAbs + 1e-30);
}

/**
 * Returns a fresh training state of `cfg`: parameters from `initParams(cfg, seed)` with non-trivial norm gains
 * (1 + 0.1·sin) so their gradients and the gain paths are exercised, zero AdamW moments, step 0.
 */
export function freshState(cfg: ModelConfig, seed: number): TrainState {
  const params = initParams(cfg, seed);
  parameterSpecs(cfg).forEach((s, i) => {
    if (!s.decay) params[i] = params[i].map((_, j) => 1 + 0.1 * Math.sin(j + i));
  });
  return {
    params,
    m: params.map((p) => new Float32Array(p.length)),
    v: params.map((p) => new Float32Array(p.length)),
    step: 0,
  };
}
