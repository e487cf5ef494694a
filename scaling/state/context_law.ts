/**
 * The context-state law over seed 003's heat map: `L(S, T) = E + A·T^κ·S^−α` (L nats per token, S floats
 * of state, T tokens of context). Its iso-loss lines are `S ∝ T^γ` with γ = κ/α; seed 003's rule of thumb
 * ("double the state every time the context is quadrupled") is γ = 1/2.
 *
 * The law is fitted as a profile over γ: for a fixed γ, `A·T^κ·S^−α = A·z^−α` with `z = S·T^−γ`, a
 * one-term Approach 3 law, so the project's fitter (scaling/fit/approach3.ts) fits E, A and α and its health
 * verdict judges them; γ is the value that minimises the fitter's objective (a scan over a range, then a
 * golden-section search), κ = γ·α. The interval of γ comes from a residual bootstrap (each resample
 * profiled again).
 * @module
 */
import { fitApproach3 } from "../fit/approach3.ts";
import { quantileSorted } from "../fit/bootstrap.ts";
import type { Approach3Fit, FitPoint, InitGrid, Interval } from "../fit/types.ts";
import { type HealthFinding, judgeApproach3, verdictOf } from "../judge/health.ts";
import type { FitHealth } from "../judge/health.ts";
import { seededRng } from "../../util/rng.ts";

/** One run's point on the heat map. */
export interface ContextPoint {
  /** State size, floats (all layers; > 0). */
  readonly state: number;
  /** Training context T, tokens (> 0). */
  readonly context: number;
  /** Loss, nats per token (> 0). */
  readonly lossNats: number;
  /** Run id (for messages). */
  readonly group?: string;
}

/** A fitted `L(S, T) = E + A·T^κ·S^−α` with γ = κ/α and its interval. */
export interface ContextLawFit {
  /** Irreducible loss E, nats per token. */
  readonly E: number;
  /** Coefficient A, nats·floats^α·tokens^−κ. */
  readonly A: number;
  /** State exponent α (dimensionless). */
  readonly alpha: number;
  /** Context exponent κ (dimensionless). */
  readonly kappa: number;
  /** Iso-loss slope γ = κ/α: at equal loss, S ∝ T^γ. */
  readonly gamma: number;
  /** Percentile interval of γ over residual-bootstrap resamples (null without a bootstrap). */
  readonly gammaInterval: Interval | null;
  /** Resamples whose profile fitted (finite γ). */
  readonly bootstrapSamples: number;
  /** The verdict: the inner fit's health plus the checks on γ and on the spread of T and S. */
  readonly health: FitHealth;
  /** Points fitted. */
  readonly points: number;
  /** The fitter's objective at the optimum. */
  readonly objective: number;
  /** The scan of the profile: γ and the objective there (for a reader to see how sharp the optimum is). */
  readonly profile: readonly { readonly gamma: number; readonly objective: number }[];
}

/** Options of {@link fitContextLaw}. */
export interface ContextLawOptions {
  /** Range of γ searched (default [−1, 2]). */
  readonly gammaRange?: readonly [number, number];
  /** Points of the coarse scan over the range (default 31). */
  readonly scanSteps?: number;
  /** Start grid of each inner fit (default a 40-start Latin hypercube, seed 1). */
  readonly grid?: InitGrid;
  /** Huber δ on ln-loss residuals (default 1e-3). */
  readonly huberDelta?: number;
  /** Residual-bootstrap resamples (0: none; default 50). */
  readonly bootstrapSamples?: number;
  /** Bootstrap seed (default 1). */
  readonly seed?: number;
  /** Confidence of the interval (default 0.95). */
  readonly confidence?: number;
}

/** Returns the loss `E + A·T^κ·S^−α` (nats per token) at state `state` (floats) and context `context` (tokens). */
export function contextLawLoss(
  law: Pick<ContextLawFit, "E" | "A" | "alpha" | "kappa">,
  state: number,
  context: number,
): number {
  return law.E + law.A * Math.pow(context, law.kappa) * Math.pow(state, -law.alpha);
}

/** Returns the state (floats) at which the law predicts `lossNats` at context `context`; NaN at or below E. */
export function isoLossState(
  law: Pick<ContextLawFit, "E" | "A" | "alpha" | "kappa">,
  lossNats: number,
  context: number,
): number {
  if (!(lossNats > law.E)) return NaN;
  return Math.pow(law.A * Math.pow(context, law.kappa) / (lossNats - law.E), 1 / law.alpha);
}

const Z = "z";

function checked(points: readonly ContextPoint[]): void {
  points.forEach((p, i) => {
    for (
      const [field, v] of [["state", p.state], ["context", p.context], ["lossNats", p.lossNats]] as const
    ) {
      if (!(Number.isFinite(v) && v > 0)) {
        throw new Error(
          `fitContextLaw: point ${i + 1}${
            p.group ? ` (run ${p.group})` : ""
          }: ${field} must be > 0, got ${v}`,
        );
      }
    }
  });
}

/** The inner fit at one γ: E + A·z^−α over z = S·T^−γ. */
function fitAt(
  points: readonly ContextPoint[],
  gamma: number,
  grid: InitGrid,
  huberDelta: number,
  extra: readonly (readonly number[])[],
): { fit: Approach3Fit; fp: FitPoint[] } {
  const fp: FitPoint[] = points.map((p) => ({
    x: { [Z]: p.state * Math.pow(p.context, -gamma) },
    lossNats: p.lossNats,
    ...(p.group ? { group: p.group } : {}),
  }));
  return { fit: fitApproach3(fp, { variables: [Z], grid, huberDelta, extraStarts: extra }), fp };
}

const PHI = (Math.sqrt(5) - 1) / 2;

/** Profiles the objective over γ: coarse scan, then golden section around the best scan point. */
function profileGamma(
  points: readonly ContextPoint[],
  range: readonly [number, number],
  steps: number,
  grid: InitGrid,
  huberDelta: number,
  extra: readonly (readonly number[])[],
): { gamma: number; scan: { gamma: number; objective: number }[]; theta: readonly number[] } {
  const [lo, hi] = range;
  const scan: { gamma: number; objective: number }[] = [];
  const thetas: (readonly number[])[] = [];
  let prev: readonly (readonly number[])[] = extra;
  for (let i = 0; i < steps; i++) {
    const gamma = lo + (hi - lo) * i / (steps - 1);
    const { fit } = fitAt(points, gamma, grid, huberDelta, prev);
    prev = [...extra, fit.theta];
    scan.push({ gamma, objective: fit.objective });
    thetas.push(fit.theta);
  }
  let best = 0;
  scan.forEach((s, i) => {
    if (s.objective < scan[best].objective) best = i;
  });
  const step = (hi - lo) / (steps - 1);
  const a = Math.max(lo, scan[best].gamma - step), b = Math.min(hi, scan[best].gamma + step);
  // Warm-started from the best scan point's optimum, so the search never ends above the scan's best.
  const g = goldenGamma(points, a, b, grid, huberDelta, [...extra, thetas[best]]);
  return g.objective <= scan[best].objective
    ? { gamma: g.gamma, scan, theta: g.theta }
    : { gamma: scan[best].gamma, scan, theta: thetas[best] };
}

/** Golden-section search for the γ of lowest objective in [a, b] (to 1e-4). */
function goldenGamma(
  points: readonly ContextPoint[],
  a: number,
  b: number,
  grid: InitGrid,
  huberDelta: number,
  extra: readonly (readonly number[])[],
): { gamma: number; objective: number; theta: readonly number[] } {
  const f = (g: number) => fitAt(points, g, grid, huberDelta, extra).fit.objective;
  let c = b - PHI * (b - a), d = a + PHI * (b - a);
  let fc = f(c), fd = f(d);
  while (b - a > 1e-4) {
    if (fc < fd) {
      b = d, d = c, fd = fc, c = b - PHI * (b - a), fc = f(c);
    } else {
      a = c, c = d, fc = fd, d = a + PHI * (b - a), fd = f(d);
    }
  }
  const gamma = (a + b) / 2;
  const { fit } = fitAt(points, gamma, grid, huberDelta, extra);
  return { gamma, objective: fit.objective, theta: fit.theta };
}

/**
 * Fits `L(S, T) = E + A·T^κ·S^−α` to `points` (profile over γ = κ/α, see the module doc), bootstraps γ
 * (residual bootstrap), and judges it: refused with fewer than 3 distinct states or contexts or fewer than 5 points;
 * warned when γ sits on the edge of the searched range or its interval spans more than half of it, and on
 * every finding of the inner fit's health (judgeApproach3).
 */
export function fitContextLaw(
  points: readonly ContextPoint[],
  options: ContextLawOptions = {},
): ContextLawFit {
  checked(points);
  const range = options.gammaRange ?? [-1, 2];
  if (!(range[1] > range[0])) throw new Error(`fitContextLaw: gammaRange must be increasing, got [${range}]`);
  const steps = options.scanSteps ?? 31;
  if (!(Number.isInteger(steps) && steps >= 3)) {
    throw new Error(`fitContextLaw: scanSteps must be >= 3, got ${steps}`);
  }
  const grid = options.grid ?? { kind: "lhs", starts: 40, seed: 1 };
  const delta = options.huberDelta ?? 1e-3;
  const { gamma, scan, theta } = profileGamma(points, range, steps, grid, delta, []);
  const { fit, fp } = fitAt(points, gamma, grid, delta, [theta]);
  const findings: HealthFinding[] = [];
  if (points.length <= 4) {
    findings.push({
      code: "too_few_rows",
      message: `${points.length} points cannot determine the 4 parameters E, A, κ, α (need more than 4).`,
    });
  }
  for (const v of ["state", "context"] as const) {
    const distinct = new Set(points.map((p) => p[v])).size;
    if (distinct < 3) {
      findings.push({
        code: "too_few_values",
        message: `${v} takes ${distinct} distinct value${
          distinct === 1 ? "" : "s"
        }; the heat-map law needs at least 3.`,
      });
    }
  }
  // The inner fit's own checks (its row and value counts are over z, already judged above).
  const inner = judgeApproach3(fp, fit, { compute: fp.map((q) => q.x[Z]) });
  findings.push(...inner.findings.filter((f) => f.code !== "too_few_rows" && f.code !== "too_few_values"));
  const edge = 1e-3 * (range[1] - range[0]);
  if (gamma - range[0] < edge || range[1] - gamma < edge) {
    findings.push({
      code: "exponent_at_bound",
      message: `γ = ${gamma.toPrecision(3)} lies on the edge of the searched range [${range[0]}, ${
        range[1]
      }].`,
    });
  }
  const samples = options.bootstrapSamples ?? 50;
  const confidence = options.confidence ?? 0.95;
  let gammaInterval: Interval | null = null;
  let done = 0;
  if (samples > 0) {
    // A residual bootstrap: the heat map is a designed grid (every (S, T) cell is chosen, not sampled), so
    // each resample keeps the cells and redraws their ln-loss residuals, centred and inflated by
    // √(n / (n − 4)) for the 4 fitted parameters (resampling whole cells would drop cells of the design).
    const rng = seededRng(options.seed ?? 1);
    const law = {
      E: fit.law.E,
      A: fit.law.terms[0].A,
      alpha: fit.law.terms[0].alpha,
      kappa: gamma * fit.law.terms[0].alpha,
    };
    const fitted = points.map((p) => Math.log(contextLawLoss(law, p.state, p.context)));
    const raw = points.map((p, i) => Math.log(p.lossNats) - fitted[i]);
    const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
    const inflate = Math.sqrt(points.length / Math.max(1, points.length - 4));
    const residuals = raw.map((r) => (r - mean) * inflate);
    const draws: number[] = [];
    for (let s = 0; s < samples; s++) {
      const sample = points.map((p, i) => ({
        ...p,
        lossNats: Math.exp(fitted[i] + residuals[rng.int(residuals.length)]),
      }));
      const seed = rng.int(0x7fffffff);
      // Each resample searches a window of half the range around the full-data γ, from the full-data
      // optimum and 2 seeded starts (no coarse scan: the resample is the same design, only re-noised).
      const w = (range[1] - range[0]) / 4;
      const g = goldenGamma(
        sample,
        Math.max(range[0], gamma - w),
        Math.min(range[1], gamma + w),
        { kind: "lhs", starts: 2, seed },
        delta,
        [fit.theta],
      ).gamma;
      if (Number.isFinite(g)) draws.push(g);
    }
    done = draws.length;
    if (draws.length > 0) {
      draws.sort((a, b) => a - b);
      const tail = (1 - confidence) / 2;
      gammaInterval = {
        estimate: gamma,
        lower: quantileSorted(draws, tail),
        upper: quantileSorted(draws, 1 - tail),
      };
      if (gammaInterval.upper - gammaInterval.lower > (range[1] - range[0]) / 2) {
        findings.push({
          code: "ill_conditioned",
          message: `the ${confidence * 100}% interval of γ, [${gammaInterval.lower.toPrecision(3)}, ${
            gammaInterval.upper.toPrecision(3)
          }], spans more than half the searched range: the data do not pin the iso-loss slope.`,
        });
      }
    }
  }
  const law = fit.law.terms[0];
  return {
    E: fit.law.E,
    A: law.A,
    alpha: law.alpha,
    kappa: gamma * law.alpha,
    gamma,
    gammaInterval,
    bootstrapSamples: done,
    health: { verdict: verdictOf(findings), findings },
    points: points.length,
    objective: fit.objective,
    profile: scan,
  };
}
