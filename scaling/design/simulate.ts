/**
 * Simulated training runs from a known additive law, the ground truth of the fitters: each model is a
 * constant-learning-rate run observed at log-spaced token counts (the loss at D tokens is the law at
 * (N, D), as the paper fits hot checkpoints); where asked, a cooled-down run per checkpoint removes a
 * fixed fraction of the reducible loss after `fraction` more tokens; seeded multiplicative (log-normal)
 * noise is added. Fitting the result recovers the law.
 * @module
 */
import { type AdditiveLaw, evaluateLaw } from "../law.ts";
import { PARAM_CONVENTIONS } from "../count/conventions.ts";
import type { ShapeSpec } from "../count/shape.ts";
import { seededRng } from "../../util/rng.ts";

/** One model to simulate: its shape and the tokens its run reaches. */
export interface SimulatedModel {
  /** Shape (architecture fields filled in). */
  readonly shape: ShapeSpec;
  /** Tokens of the full run. */
  readonly tokens: number;
}

/** How runs are simulated (JSON). */
export type SimulationOptions = {
  /** Convention of the law's `params` variable (a key of PARAM_CONVENTIONS). */
  paramsConvention: string;
  /** Checkpoints per run, log-spaced in tokens from `firstFraction` × the run's tokens to all of them. */
  checkpoints: number;
  /** First checkpoint as a fraction of the run's tokens, in (0, 1]. */
  firstFraction: number;
  /** Tokens per optimizer step (checkpoints fall on whole steps). */
  tokensPerStep: number;
  /** Cooled-down runs (null: none): `fraction` more tokens remove `drop` of the reducible loss L − E. */
  cooldown: { fraction: number; drop: number } | null;
  /** Standard deviation of the log-normal noise on the loss (0: exact law values). */
  noise: number;
  /** Seed of the noise. */
  seed: number;
};

/** One simulated checkpoint. */
export interface SimulatedCheckpoint {
  /** Index of the model in the input list. */
  readonly model: number;
  /** Index k of the checkpoint in the model's hot run (a cooled run k branches off hot checkpoint k). */
  readonly checkpoint: number;
  /** Whether this is the cooled-down run's checkpoint. */
  readonly cooldown: boolean;
  /** Optimizer step. */
  readonly step: number;
  /** Tokens seen, step · tokensPerStep. */
  readonly tokens: number;
  /** Validation loss, nats per token (noise included). */
  readonly lossNats: number;
}

/** Validates simulation options; returns them or throws naming the field (prefix "simulate: "). */
export function validateSimulationOptions(p: SimulationOptions): SimulationOptions {
  if (!(p.paramsConvention in PARAM_CONVENTIONS)) {
    throw new Error(
      `simulate: field "paramsConvention" must be one of ${
        Object.keys(PARAM_CONVENTIONS).join(", ")
      }, got "${p.paramsConvention}"`,
    );
  }
  if (!(Number.isInteger(p.checkpoints) && p.checkpoints >= 1)) {
    throw new Error(`simulate: field "checkpoints" must be a positive integer, got ${p.checkpoints}`);
  }
  if (!(p.firstFraction > 0 && p.firstFraction <= 1)) {
    throw new Error(`simulate: field "firstFraction" must be in (0, 1], got ${p.firstFraction}`);
  }
  if (!(p.tokensPerStep > 0)) throw new Error(`simulate: field "tokensPerStep" must be > 0`);
  if (!(p.noise >= 0)) throw new Error(`simulate: field "noise" must be >= 0, got ${p.noise}`);
  if (p.cooldown !== null && !(p.cooldown.fraction >= 0 && p.cooldown.drop >= 0 && p.cooldown.drop < 1)) {
    throw new Error(`simulate: field "cooldown" needs fraction >= 0 and drop in [0, 1)`);
  }
  return p;
}

/** Returns a standard normal deviate (Box-Muller, two draws of `rng`). */
function gaussian(rng: { next(): number }): number {
  const u = Math.max(rng.next(), Number.MIN_VALUE), v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * Returns the simulated checkpoints of `models` under `law` (losses in nats per token): per model and
 * checkpoint k, the hot checkpoint and, with cooldown, the cooled run's checkpoint k right after it.
 */
export function simulateCheckpoints(
  models: readonly SimulatedModel[],
  law: AdditiveLaw,
  p: SimulationOptions,
): SimulatedCheckpoint[] {
  validateSimulationOptions(p);
  const rng = seededRng(p.seed);
  const count = PARAM_CONVENTIONS[p.paramsConvention];
  const out: SimulatedCheckpoint[] = [];
  const lossAt = (shape: ShapeSpec, tokens: number) =>
    evaluateLaw(law, { params: count(shape), tokens, width: shape.width, depth: shape.depth });
  const noisy = (loss: number) => p.noise > 0 ? loss * Math.exp(p.noise * gaussian(rng)) : loss;
  models.forEach((m, model) => {
    const n = p.checkpoints;
    for (let k = 0; k < n; k++) {
      const frac = n === 1 ? 1 : Math.exp(Math.log(p.firstFraction) * (1 - k / (n - 1)));
      const step = Math.max(1, Math.round(frac * m.tokens / p.tokensPerStep));
      const tokens = step * p.tokensPerStep;
      out.push({
        model,
        checkpoint: k,
        cooldown: false,
        step,
        tokens,
        lossNats: noisy(lossAt(m.shape, tokens)),
      });
      if (p.cooldown !== null) {
        const coolStep = Math.max(step + 1, Math.round(step * (1 + p.cooldown.fraction)));
        const coolTokens = coolStep * p.tokensPerStep;
        const hot = lossAt(m.shape, coolTokens);
        out.push({
          model,
          checkpoint: k,
          cooldown: true,
          step: coolStep,
          tokens: coolTokens,
          lossNats: noisy(law.E + (hot - law.E) * (1 - p.cooldown.drop)),
        });
      }
    }
  });
  return out;
}
