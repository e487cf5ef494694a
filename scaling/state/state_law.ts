/**
 * The state scaling law of one architecture (seed 003): final loss against recurrent state size,
 * `L(S) = E + A·S^−α` (L in nats per token, S in floats of state over all layers, A in nats·floats^α,
 * α dimensionless). It is an Approach 3 law with the one variable `state`, so the project's fitter
 * (scaling/fit/approach3.ts), its run bootstrap and its health verdict (scaling/judge/health.ts) apply
 * unchanged: a law the points cannot identify is refused or warned exactly as the Chinchilla forms are.
 * @module
 */
import { fitApproach3 } from "../fit/approach3.ts";
import { bootstrapApproach3 } from "../fit/bootstrap.ts";
import type { FitPoint, InitGrid, Interval } from "../fit/types.ts";
import { type Approach3Health, judgeApproach3 } from "../judge/health.ts";

/** The variable name of the state term (floats of recurrent state, all layers). */
export const STATE_VARIABLE = "state";

/** One run's end point: its state size, its loss and the run it came from. */
export interface StatePoint {
  /** State size, floats (all layers; finite, > 0). */
  readonly state: number;
  /** Final (or checkpoint) loss, nats per token (finite, > 0). */
  readonly lossNats: number;
  /** Run id (the bootstrap resamples whole runs). */
  readonly group?: string;
}

/** A fitted `L(S) = E + A·S^−α` with its health and bootstrap intervals. */
export interface StateLawFit {
  /** Irreducible loss E, nats per token. */
  readonly E: number;
  /** Coefficient A, nats·floats^α. */
  readonly A: number;
  /** Exponent α (dimensionless). */
  readonly alpha: number;
  /** Percentile intervals over run resamples of E, A and α (null without a bootstrap). */
  readonly intervals: { readonly E: Interval; readonly A: Interval; readonly alpha: Interval } | null;
  /** The fitter's health verdict (refused: do not quote the law). */
  readonly health: Approach3Health;
  /** Points fitted. */
  readonly points: number;
  /** Objective at the optimum (sum of Huber losses of ln residuals). */
  readonly objective: number;
}

/** Options of {@link fitStateLaw}. */
export interface StateLawOptions {
  /** Start grid (default a 200-start Latin hypercube over the Gemstones box, seed 1). */
  readonly grid?: InitGrid;
  /** Huber δ on ln-loss residuals (default 1e-3). */
  readonly huberDelta?: number;
  /** Bootstrap resamples over runs (0: none; default 50). */
  readonly bootstrapSamples?: number;
  /** Bootstrap seed (default 1). */
  readonly seed?: number;
}

/** Returns the loss `E + A·S^−α` (nats per token) of a state law at state size `state` (floats). */
export function stateLawLoss(law: Pick<StateLawFit, "E" | "A" | "alpha">, state: number): number {
  return law.E + law.A * Math.pow(state, -law.alpha);
}

/** Returns `points` as fitter points over the one variable {@link STATE_VARIABLE}; throws naming a bad point. */
export function statePoints(points: readonly StatePoint[], who: string): FitPoint[] {
  return points.map((p, i) => {
    for (const [field, v] of [["state", p.state], ["lossNats", p.lossNats]] as const) {
      if (!(Number.isFinite(v) && v > 0)) {
        throw new Error(
          `${who}: point ${i + 1}${p.group ? ` (run ${p.group})` : ""}: ${field} must be > 0, got ${v}`,
        );
      }
    }
    return { x: { [STATE_VARIABLE]: p.state }, lossNats: p.lossNats, ...(p.group ? { group: p.group } : {}) };
  });
}

/**
 * Fits `L(S) = E + A·S^−α` to `points` with the Approach 3 fitter, bootstraps whole runs, and judges the fit
 * (judgeApproach3: fewer than 3 distinct states or 4 points is refused).
 */
export function fitStateLaw(points: readonly StatePoint[], options: StateLawOptions = {}): StateLawFit {
  const fp = statePoints(points, "fitStateLaw");
  const fitOptions = {
    variables: [STATE_VARIABLE],
    huberDelta: options.huberDelta ?? 1e-3,
    grid: options.grid ?? { kind: "lhs", starts: 200, seed: 1 } as InitGrid,
  };
  const samples = options.bootstrapSamples ?? 50;
  const boot = samples > 0 ? bootstrapApproach3(fp, fitOptions, { samples, seed: options.seed ?? 1 }) : null;
  const fit = boot?.fit ?? fitApproach3(fp, fitOptions);
  const term = fit.law.terms[0];
  const p = boot?.parameters;
  return {
    E: fit.law.E,
    A: term.A,
    alpha: term.alpha,
    intervals: p ? { E: p.E, A: p[`A_${STATE_VARIABLE}`], alpha: p[`alpha_${STATE_VARIABLE}`] } : null,
    // Residuals trend against ln S (the law's only resource), not against 6·N·D.
    health: judgeApproach3(fp, fit, { compute: fp.map((q) => q.x[STATE_VARIABLE]) }),
    points: fp.length,
    objective: fit.objective,
  };
}
