/**
 * Training time and utilisation (seed 001 eqs. 59-62) and GPU-hours of a recorded run (seed 002 §4).
 * @module
 */

/**
 * Returns GPU-hours spent after `step` optimizer steps of `secondsPerStep` seconds each on `numNodes`
 * nodes of `gpusPerNode` GPUs: `secondsPerStep · step · numNodes · gpusPerNode / 3600` (hours).
 */
export function gpuHours(secondsPerStep: number, step: number, numNodes: number, gpusPerNode = 8): number {
  return secondsPerStep * step * numNodes * gpusPerNode / 3600;
}

/**
 * Returns the minimum time in seconds to perform `flops` FLOPs at `flopsPerSecond` (seed 001 eq. 59,
 * `t_min = C / λ`).
 */
export function minTrainingSeconds(flops: number, flopsPerSecond: number): number {
  if (!(flopsPerSecond > 0)) {
    throw new Error(`minTrainingSeconds: flopsPerSecond must be > 0, got ${flopsPerSecond}`);
  }
  return flops / flopsPerSecond;
}

/**
 * Returns the training time in seconds of `params` parameters on `tokens` tokens at `flopsPerSecond`
 * with perfect utilisation (seed 001 eq. 60, `t ≈ 6·N·D / λ`).
 */
export function trainingSeconds(params: number, tokens: number, flopsPerSecond: number): number {
  return minTrainingSeconds(6 * params * tokens, flopsPerSecond);
}

/**
 * Returns the training time in seconds of `params` parameters on the rule-of-thumb `20·N` tokens
 * (seed 001 eq. 61, `t ≈ 120·N² / λ`).
 */
export function chinchillaTrainingSeconds(params: number, flopsPerSecond: number): number {
  return trainingSeconds(params, 20 * params, flopsPerSecond);
}

/**
 * Returns a FLOPs utilisation in [0, 1]: `t_min / t_iter = (flopsPerIteration / peakFlopsPerSecond) /
 * secondsPerIteration`. Pass model FLOPs for MFU and hardware FLOPs (with recomputation) for HFU
 * (seed 001 eq. 62; the seed prints the ratio inverted, `t_iter / t_min`, which is ≥ 1: we return the
 * conventional fraction of peak).
 */
export function flopsUtilization(
  flopsPerIteration: number,
  secondsPerIteration: number,
  peakFlopsPerSecond: number,
): number {
  if (!(secondsPerIteration > 0)) {
    throw new Error(`flopsUtilization: secondsPerIteration must be > 0, got ${secondsPerIteration}`);
  }
  return minTrainingSeconds(flopsPerIteration, peakFlopsPerSecond) / secondsPerIteration;
}
