/**
 * Learning-rate schedules. With `peak = lrBase / (width · √depth)`, `W` warm-up steps, `S` total steps,
 * `K` cooldown steps and the 0-based step index `s`:
 *
 * - warm-up (s < W): `lr = peak · (s + 1) / W` (linear, reaching the peak on the last warm-up step);
 * - "constant": `lr = peak` after warm-up;
 * - "cosine": `lr = peak · (f + (1 − f) · (1 + cos(π · p)) / 2)` with `p = (s − W) / (S − W)` and `f` the
 *   final fraction (seed 000 decays to 10 % of the peak);
 * - cooldown (s ≥ S − K, K > 0): `lr = base(S − K) · (S − s) / K`, a linear fall from the schedule's value
 *   where the cooldown starts towards zero one step after the end (the paper's cooldown ablation).
 * @module
 */

import { cooldownSteps, peakLearningRate, type TrainConfig, warmupSteps } from "./config.ts";

function baseRate(cfg: TrainConfig, step: number, peak: number, warm: number): number {
  if (step < warm) return peak * (step + 1) / warm;
  if (cfg.schedule === "constant") return peak;
  const p = (step - warm) / (cfg.steps - warm);
  const f = cfg.cosineFinalFraction;
  return peak * (f + (1 - f) * (1 + Math.cos(Math.PI * p)) / 2);
}

/** Returns the learning rate (dimensionless AdamW step size) of the 0-based optimizer step `step`. */
export function learningRateAt(cfg: TrainConfig, step: number): number {
  if (!Number.isInteger(step) || step < 0 || step >= cfg.steps) {
    throw new Error(`learningRateAt: step must be an integer in [0, ${cfg.steps}), got ${step}`);
  }
  const peak = peakLearningRate(cfg);
  const warm = warmupSteps(cfg);
  const k = cooldownSteps(cfg);
  if (k > 0 && step >= cfg.steps - k) {
    const start = cfg.steps - k;
    return baseRate(cfg, start, peak, warm) * (cfg.steps - step) / k;
  }
  return baseRate(cfg, step, peak, warm);
}
