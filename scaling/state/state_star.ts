/**
 * S* ÷ N (seed 003: "the state size should be of the same order as the parameter count"): the smallest state at
 * which an architecture comes within a tolerance (5 %) of softmax attention's loss, over the model's
 * non-embedding parameters. Given both from the fitted state law (solving E + A·S^−α = (1 + tol)·L_softmax)
 * and from the measured runs (the smallest measured state that meets it).
 * @module
 */
import { type StateLawFit, type StatePoint } from "./state_law.ts";

/** The default tolerance: within 5 % of softmax attention's loss. */
export const STATE_STAR_TOLERANCE = 0.05;

/** S* of one architecture at one model size, and S* ÷ N. */
export interface StateStar {
  /** Target loss (1 + tolerance)·L_softmax, nats per token. */
  readonly targetLossNats: number;
  /** S* from the fitted law, floats (null when the law's E is at or above the target: never reached). */
  readonly fitted: number | null;
  /** Smallest measured state whose loss meets the target, floats (null: none did). */
  readonly measured: number | null;
  /** Non-embedding parameters N of the model. */
  readonly params: number;
  /** fitted / N (null with fitted). */
  readonly fittedRatio: number | null;
  /** measured / N (null with measured). */
  readonly measuredRatio: number | null;
}

/**
 * Returns S* and S* ÷ N of an architecture with state law `law` and measured `points` against softmax loss
 * `softmaxLossNats` (nats per token) for a model of `params` non-embedding parameters.
 */
export function stateStar(
  law: Pick<StateLawFit, "E" | "A" | "alpha">,
  points: readonly StatePoint[],
  softmaxLossNats: number,
  params: number,
  tolerance = STATE_STAR_TOLERANCE,
): StateStar {
  if (!(softmaxLossNats > 0)) throw new Error(`stateStar: softmax loss must be > 0, got ${softmaxLossNats}`);
  if (!(params > 0)) throw new Error(`stateStar: params must be > 0, got ${params}`);
  if (!(tolerance >= 0)) throw new Error(`stateStar: tolerance must be >= 0, got ${tolerance}`);
  const target = (1 + tolerance) * softmaxLossNats;
  const fitted = target > law.E && law.alpha > 0 ? Math.pow(law.A / (target - law.E), 1 / law.alpha) : null;
  const meeting = points.filter((p) => p.lossNats <= target).map((p) => p.state);
  const measured = meeting.length > 0 ? Math.min(...meeting) : null;
  return {
    targetLossNats: target,
    fitted,
    measured,
    params,
    fittedRatio: fitted === null ? null : fitted / params,
    measuredRatio: measured === null ? null : measured / params,
  };
}
