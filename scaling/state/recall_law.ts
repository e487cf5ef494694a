/**
 * Recall against state size: `acc(S) = c + (1 − c) / (1 + (S½/S)^k)`, a logistic in ln S from the chance
 * level c up to 1 (acc a fraction of answer positions, S floats of state, S½ floats: the state at which half
 * of the recall above chance is reached, k dimensionless: how abruptly). Chosen over the power form on the
 * error rate because MQAR accuracy is bounded on both sides and jumps (Zoology, Arora et al. 2023, Fig. 2),
 * and an error rate of exactly 0 has no logarithm. Fitted by least squares with the fitter's L-BFGS
 * (scaling/fit/lbfgs.ts) from a small grid of starts; judged with the fitter's finding codes.
 * @module
 */
import { lbfgsMinimize } from "../fit/lbfgs.ts";
import { type FitHealth, type HealthFinding, verdictOf } from "../judge/health.ts";

/** One run's recall: its state size and its accuracy at answer positions. */
export interface RecallPoint {
  /** State size, floats (> 0). */
  readonly state: number;
  /** Accuracy at answer positions, a fraction in [0, 1]. */
  readonly accuracy: number;
}

/** A fitted recall curve. */
export interface RecallLawFit {
  /** State of half recall above chance, S½ (floats). */
  readonly halfState: number;
  /** Steepness k (dimensionless: per e-fold of state). */
  readonly steepness: number;
  /** Chance level c (fraction; given, not fitted). */
  readonly chance: number;
  /** Root-mean-square residual (accuracy units). */
  readonly rms: number;
  /** Verdict and findings. */
  readonly health: FitHealth;
  /** Points fitted. */
  readonly points: number;
}

/** Returns the accuracy the recall curve predicts at state `state` (floats). */
export function recallAt(
  law: Pick<RecallLawFit, "halfState" | "steepness" | "chance">,
  state: number,
): number {
  return law.chance + (1 - law.chance) / (1 + Math.pow(law.halfState / state, law.steepness));
}

/** Steepness above which the curve is a step: the data place the jump but not its slope. */
export const RECALL_STEEPNESS_MAX = 50;

/**
 * Fits the recall curve to `points` with chance level `chance` (e.g. 1/(number of value tokens)); refused
 * with fewer than 3 distinct states or 3 points, warned when S½ lies outside the measured states (no
 * transition seen) or the jump is steeper than {@link RECALL_STEEPNESS_MAX}.
 */
export function fitRecallLaw(points: readonly RecallPoint[], chance = 0): RecallLawFit {
  points.forEach((p, i) => {
    if (!(Number.isFinite(p.state) && p.state > 0)) {
      throw new Error(`fitRecallLaw: point ${i + 1}: state must be > 0, got ${p.state}`);
    }
    if (!(p.accuracy >= 0 && p.accuracy <= 1)) {
      throw new Error(`fitRecallLaw: point ${i + 1}: accuracy must be in [0, 1], got ${p.accuracy}`);
    }
  });
  if (!(chance >= 0 && chance < 1)) throw new Error(`fitRecallLaw: chance must be in [0, 1), got ${chance}`);
  const ls = points.map((p) => Math.log(p.state));
  const f = (x: Float64Array, grad: Float64Array): number => {
    const [l50, lk] = x, k = Math.exp(lk);
    let s = 0, g0 = 0, g1 = 0;
    points.forEach((p, i) => {
      const u = k * (ls[i] - l50);
      const sig = 1 / (1 + Math.exp(-u));
      const r = chance + (1 - chance) * sig - p.accuracy;
      const d = 2 * r * (1 - chance) * sig * (1 - sig);
      s += r * r, g0 += -d * k, g1 += d * u;
    });
    grad[0] = g0, grad[1] = g1;
    return s;
  };
  const lo = Math.min(...ls), hi = Math.max(...ls);
  let best = { value: Infinity, x: new Float64Array([0.5 * (lo + hi), 0]) };
  for (let i = 0; i < 5; i++) {
    for (const k of [0.5, 2, 8]) {
      const r = lbfgsMinimize(f, new Float64Array([lo + (hi - lo) * i / 4, Math.log(k)]), {
        maxIterations: 500,
        gradientTolerance: 1e-10,
      });
      if (Number.isFinite(r.value) && r.value < best.value) {
        best = { value: r.value, x: Float64Array.from(r.x) };
      }
    }
  }
  const halfState = Math.exp(best.x[0]), steepness = Math.exp(best.x[1]);
  const findings: HealthFinding[] = [];
  if (points.length < 3) {
    findings.push({
      code: "too_few_rows",
      message: `${points.length} points cannot determine S½ and k (need 3).`,
    });
  }
  const distinct = new Set(points.map((p) => p.state)).size;
  if (distinct < 3) {
    findings.push({
      code: "too_few_values",
      message: `state takes ${distinct} distinct values; a recall curve needs 3.`,
    });
  }
  if (!(best.x[0] >= lo && best.x[0] <= hi)) {
    findings.push({
      code: "coefficient_at_bound",
      message: `S½ = ${halfState.toPrecision(3)} lies outside the measured states [${
        Math.exp(lo).toPrecision(3)
      }, ${Math.exp(hi).toPrecision(3)}]: no transition was seen.`,
    });
  }
  if (!(steepness < RECALL_STEEPNESS_MAX)) {
    findings.push({
      code: "exponent_at_bound",
      message: `the steepness k = ${
        steepness.toPrecision(3)
      } exceeds ${RECALL_STEEPNESS_MAX}: the jump is a step between two measured states.`,
    });
  }
  return {
    halfState,
    steepness,
    chance,
    rms: Math.sqrt(best.value / Math.max(1, points.length)),
    health: { verdict: verdictOf(findings), findings },
    points: points.length,
  };
}
