/**
 * The health verdict of an Approach 3 fit: `ok`, `warn` or `refused`, with typed findings (a code and
 * one sentence each). The checks: the data can determine the law at all (rows and distinct values),
 * duplicate rows, parameters at or running to a bound, whether the starts agree on the optimum, the
 * conditioning of the Gauss-Newton Hessian at the optimum (condition number, exponent correlation),
 * an optimum outside the start box, and residuals that trend with compute.
 * @module
 */
import { GRID_ALPHAS, GRID_LOG_A, GRID_LOG_E } from "../fit/grid.ts";
import type { Approach3Fit, FitPoint, LogLogFit } from "../fit/types.ts";
import { inverseFromEigen, symmetricEigen } from "./linalg.ts";

/** The overall judgement of a fit. */
export type Verdict = "ok" | "warn" | "refused";

/** Every finding code, with the verdict it implies and what to do about it (README lists the same). */
export const HEALTH_CODES = {
  too_few_rows: { severity: "refused", advice: "add rows: a law with k terms has 2k+1 parameters" },
  too_few_values: {
    severity: "refused",
    advice: "a term needs at least 3 distinct values of its variable; add them or drop the term",
  },
  duplicate_rows: { severity: "warn", advice: "remove the repeated rows or give each its own run (--group)" },
  no_start_converged: { severity: "warn", advice: "raise the iteration limit or widen the start grid" },
  E_at_zero: {
    severity: "warn",
    advice: "the data do not reach the irreducible loss; fix E or add larger runs",
  },
  exponent_at_bound: {
    severity: "warn",
    advice:
      "an exponent near 0 or above 3 trades off against E or another term; add data along that variable",
  },
  coefficient_at_bound: {
    severity: "warn",
    advice: "a coefficient runs to 0 or ∞; the term is not identified",
  },
  starts_disagree: {
    severity: "warn",
    advice: "the optimum is flat or multi-modal; run the full grid or add data",
  },
  ill_conditioned: {
    severity: "warn",
    advice: "parameters are nearly collinear; quote prescriptions, not single exponents",
  },
  outside_start_box: { severity: "warn", advice: "the optimum left the start box; widen the grid around it" },
  too_few_points: {
    severity: "refused",
    advice: "a power law through 2 frontier points is a line through 2 points; add compute budgets",
  },
  poor_power_law: {
    severity: "warn",
    advice: "the frontier is not a straight line in log-log; check the bins",
  },
  residual_trend: {
    severity: "warn",
    advice: "the law misses curvature with compute; do not extrapolate far, or try another form",
  },
  backtest_failed: {
    severity: "warn",
    advice: "fitted without the largest rows, the law misses them: do not extrapolate it; try another form",
  },
} as const satisfies Readonly<Record<string, { severity: Exclude<Verdict, "ok">; advice: string }>>;

/** A finding code (see {@link HEALTH_CODES}). */
export type HealthCode = keyof typeof HEALTH_CODES;

/** One finding: its code and one sentence with the numbers. */
export interface HealthFinding {
  /** What was found. */
  readonly code: HealthCode;
  /** One sentence saying what and how much. */
  readonly message: string;
}

/** The verdict of a fit and the findings behind it. */
export interface FitHealth {
  /** `refused` if any finding refuses, else `warn` if any finding warns, else `ok`. */
  readonly verdict: Verdict;
  /** The findings, in check order. */
  readonly findings: readonly HealthFinding[];
}

/** The numbers behind an Approach 3 verdict, recorded whether or not they raised a finding. */
export interface HealthMeasures {
  /** Converged starts within 1e-6 relative of the best objective. */
  readonly nearBest: number;
  /** Starts run. */
  readonly starts: number;
  /** Largest spread (max − min) of an exponent among the near-best starts. */
  readonly exponentSpread: number;
  /** Condition number of the Gauss-Newton Hessian at the optimum (null: singular). */
  readonly condition: number | null;
  /** Strongest correlation between two exponents (null with one term or when singular). */
  readonly exponentCorrelation: number | null;
  /** Share of the ln-loss residual variance a quadratic in ln compute explains (null below 8 rows). */
  readonly residualTrendR2: number | null;
}

/** The health of an Approach 3 fit: verdict, findings and the measures behind them. */
export interface Approach3Health extends FitHealth {
  /** The numbers the checks looked at. */
  readonly measures: HealthMeasures;
}

/** Options of {@link judgeApproach3} and {@link checkIdentifiable}. */
export interface HealthOptions {
  /** Line (or row number) of each point, for messages; default the 1-based point index. */
  readonly lines?: readonly number[];
  /** Compute of each point (e.g. FLOPs) for the residual trend; default 6·params·tokens, else 6·x_1·x_2. */
  readonly compute?: readonly number[];
}

/** Thresholds of the checks (exported so tests and the README quote the same numbers). */
export const HEALTH_LIMITS = {
  /** E below this fraction of the smallest observed loss counts as "E → 0". */
  eFraction: 1e-3,
  /** Exponents below this (or negative) count as "→ 0". */
  exponentMin: 1e-3,
  /** Exponents above this count as running away. */
  exponentMax: 3,
  /** |ln A| above this counts as a coefficient → 0 or ∞. */
  logCoefficientMax: 50,
  /** Largest spread of an exponent among the near-best starts before they "disagree". */
  exponentSpread: 0.01,
  /** Objective difference per row (Huber units) below which two starts agree even outside the relative band. */
  objectiveFloor: 1e-15,
  /** With at least this many starts, a best objective reached by a single start counts as disagreement. */
  startsForAgreement: 10,
  /** Condition number of the Gauss-Newton Hessian above which a fit is ill-conditioned. */
  conditionMax: 1e12,
  /** |correlation| of two exponents above which they are not separately identified. */
  correlationMax: 0.999,
  /** Fraction of residual variance explained by a quadratic in ln compute above which residuals trend. */
  trendR2: 0.5,
  /** RMS of the trend (ln-loss units) below which a trend is too small to matter. */
  trendRms: 1e-3,
  /** A power-law (log-log OLS) fit with r² below this is poor. */
  powerLawR2: 0.9,
} as const;

/** Returns the verdict of a list of findings. */
export function verdictOf(findings: readonly HealthFinding[]): Verdict {
  if (findings.some((f) => HEALTH_CODES[f.code].severity === "refused")) return "refused";
  return findings.length > 0 ? "warn" : "ok";
}

const g = (v: number) => Number(v.toPrecision(3)).toString();

function lineOf(options: HealthOptions, i: number): number {
  return options.lines?.[i] ?? i + 1;
}

/**
 * Returns the findings that need no fit: too few rows or distinct values for the law (refused) and
 * duplicate rows (same values of every variable; warn), naming their lines.
 */
export function checkIdentifiable(
  points: readonly FitPoint[],
  variables: readonly string[],
  options: HealthOptions = {},
): HealthFinding[] {
  const out: HealthFinding[] = [];
  const params = 2 * variables.length + 1;
  if (points.length <= params) {
    out.push({
      code: "too_few_rows",
      message: `${points.length} rows cannot determine the ${params} parameters of E + ${variables.length} ` +
        `power-law terms (need more than ${params}).`,
    });
  }
  for (const v of variables) {
    const distinct = new Set(points.map((p) => p.x[v])).size;
    if (distinct < 3) {
      out.push({
        code: "too_few_values",
        message: `${v} takes ${distinct} distinct value${distinct === 1 ? "" : "s"}; ` +
          `its term A·${v}^−α needs at least 3 to separate A, α and E.`,
      });
    }
  }
  const seen = new Map<string, number[]>();
  points.forEach((p, i) => {
    const key = variables.map((v) => p.x[v]).join("\u0000");
    const list = seen.get(key);
    if (list) list.push(i);
    else seen.set(key, [i]);
  });
  const dups = [...seen.values()].filter((l) => l.length > 1);
  if (dups.length > 0) {
    const shown = dups.slice(0, 5).map((l) => l.map((i) => lineOf(options, i)).join(" = ")).join("; ");
    const rows = dups.reduce((s, l) => s + l.length, 0);
    out.push({
      code: "duplicate_rows",
      message: `${rows} rows repeat the same ${variables.join(", ")} (lines ${shown}${
        dups.length > 5 ? `; and ${dups.length - 5} more groups` : ""
      }); they count as independent evidence.`,
    });
  }
  return out;
}

/** The conditioning of a fit at its optimum (from the Gauss-Newton Hessian JᵀJ of the ln-residuals). */
export interface Conditioning {
  /** λ_max / λ_min of JᵀJ in θ = [ln A_1, α_1, …, ln E] (Infinity when singular). */
  readonly condition: number;
  /** Largest |correlation| between two exponents from (JᵀJ)^−1 (NaN with one term or when singular). */
  readonly exponentCorrelation: number;
  /** The pair of variables of that correlation ("" with one term). */
  readonly exponentPair: string;
}

/**
 * Returns the condition number of JᵀJ at θ (J = ∂ ln L̂ / ∂θ over the points, the Gauss-Newton Hessian of
 * the squared ln-residuals) and the strongest correlation between two exponents under (JᵀJ)^−1.
 */
export function conditioningAt(
  points: readonly FitPoint[],
  variables: readonly string[],
  theta: readonly number[],
): Conditioning {
  const k = variables.length, dim = 2 * k + 1;
  const h = new Float64Array(dim * dim);
  const row = new Float64Array(dim);
  for (const p of points) {
    let lhat = Math.exp(theta[2 * k]);
    const terms = variables.map((v, i) => {
      const t = Math.exp(theta[2 * i] - theta[2 * i + 1] * Math.log(p.x[v]));
      lhat += t;
      return t;
    });
    variables.forEach((v, i) => {
      row[2 * i] = terms[i] / lhat;
      row[2 * i + 1] = -Math.log(p.x[v]) * terms[i] / lhat;
    });
    row[2 * k] = Math.exp(theta[2 * k]) / lhat;
    for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) h[a * dim + b] += row[a] * row[b];
  }
  const e = symmetricEigen(h, dim);
  const lo = e.values[0], hi = e.values[dim - 1];
  const condition = lo > hi * 1e-300 && lo > 0 ? hi / lo : Infinity;
  let exponentCorrelation = NaN, exponentPair = "";
  if (k >= 2 && Number.isFinite(condition)) {
    const cov = inverseFromEigen(e, dim);
    let best = -1;
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        const a = 2 * i + 1, b = 2 * j + 1;
        const r = cov[a * dim + b] / Math.sqrt(cov[a * dim + a] * cov[b * dim + b]);
        if (Math.abs(r) > best) {
          best = Math.abs(r);
          exponentCorrelation = r;
          exponentPair = `${variables[i]}/${variables[j]}`;
        }
      }
    }
  }
  return { condition, exponentCorrelation, exponentPair };
}

/** Returns the compute of each point: `options.compute`, else 6·params·tokens, else 6·x_1·x_2 (or x_1). */
function computeOf(
  points: readonly FitPoint[],
  variables: readonly string[],
  options: HealthOptions,
): number[] {
  if (options.compute) return [...options.compute];
  const pair = variables.includes("params") && variables.includes("tokens")
    ? ["params", "tokens"]
    : variables.slice(0, 2);
  return points.map((p) => 6 * pair.reduce((prod, v) => prod * p.x[v], 1));
}

/** Returns R² of the least-squares fit of y on [1, u, u²] and the RMS of the fitted trend (y's units). */
export function quadraticTrend(u: readonly number[], y: readonly number[]): { r2: number; rms: number } {
  const n = u.length;
  const mu = u.reduce((s, v) => s + v, 0) / n, my = y.reduce((s, v) => s + v, 0) / n;
  // Orthogonalise [u, u²] against 1 and each other (Gram-Schmidt), then project y.
  const a = u.map((v) => v - mu);
  const aa = a.reduce((s, v) => s + v * v, 0);
  const q = u.map((v) => v * v);
  const mq = q.reduce((s, v) => s + v, 0) / n;
  const qa = q.reduce((s, v, i) => s + (v - mq) * a[i], 0);
  const b = q.map((v, i) => v - mq - (aa > 0 ? (qa / aa) * a[i] : 0));
  const bb = b.reduce((s, v) => s + v * v, 0);
  const yc = y.map((v) => v - my);
  const syy = yc.reduce((s, v) => s + v * v, 0);
  if (!(syy > 0)) return { r2: 0, rms: 0 };
  const ca = aa > 1e-12 * n ? yc.reduce((s, v, i) => s + v * a[i], 0) / aa : 0;
  const cb = bb > 1e-12 * n ? yc.reduce((s, v, i) => s + v * b[i], 0) / bb : 0;
  const fitted = a.map((v, i) => ca * v + cb * b[i]);
  const sff = fitted.reduce((s, v) => s + v * v, 0);
  return { r2: sff / syy, rms: Math.sqrt(sff / n) };
}

/**
 * Returns the health of the power laws fitted to one frontier (Approach 1 or 2: N_opt(C), D_opt(C)):
 * refused on fewer than 3 points (a line through 2 points says nothing), warn on r² < 0.9. Pass laws
 * whose exponent is clearly non-zero; r² says nothing about a flat one (e.g. (D/N)_opt).
 */
export function judgePowerLaws(fits: Readonly<Record<string, LogLogFit>>): FitHealth {
  const findings: HealthFinding[] = [];
  const entries = Object.entries(fits);
  const n = Math.min(...entries.map(([, f]) => f.n));
  if (n < 3) {
    findings.push({
      code: "too_few_points",
      message: `the power laws rest on ${n} frontier points; at least 3 are needed to test a straight line.`,
    });
  }
  for (const [name, f] of entries) {
    if (n >= 3 && !(f.r2 >= HEALTH_LIMITS.powerLawR2)) {
      findings.push({
        code: "poor_power_law",
        message: `the ${name} power law fits its ${f.n} points with r² = ${
          g(f.r2)
        } (below ${HEALTH_LIMITS.powerLawR2}).`,
      });
    }
  }
  return { verdict: verdictOf(findings), findings };
}

/** Returns the health of an Approach 3 fit of `points` (every check of the module doc). */
export function judgeApproach3(
  points: readonly FitPoint[],
  fit: Approach3Fit,
  options: HealthOptions = {},
): Approach3Health {
  const variables = fit.inputs.variables;
  const L = HEALTH_LIMITS;
  const findings = checkIdentifiable(points, variables, options);
  if (fit.converged === 0) {
    findings.push({
      code: "no_start_converged",
      message: `none of ${fit.starts} starts converged; the law shown is the lowest unconverged run.`,
    });
  }
  const minLoss = Math.min(...points.map((p) => p.lossNats));
  if (fit.law.E < L.eFraction * minLoss) {
    findings.push({
      code: "E_at_zero",
      message:
        `E = ${g(fit.law.E)} nats (ln E = ${g(Math.log(fit.law.E))}) runs to 0, below ${L.eFraction} of ` +
        `the smallest loss ${g(minLoss)}.`,
    });
  }
  for (const t of fit.law.terms) {
    if (!(t.alpha > L.exponentMin && t.alpha < L.exponentMax)) {
      findings.push({
        code: "exponent_at_bound",
        message: `the exponent of ${t.variable} is ${
          g(t.alpha)
        }, outside (${L.exponentMin}, ${L.exponentMax}).`,
      });
    }
    if (!(Math.abs(Math.log(t.A)) < L.logCoefficientMax)) {
      findings.push({
        code: "coefficient_at_bound",
        message: `the coefficient of ${t.variable} is ${g(t.A)} (|ln A| = ${g(Math.abs(Math.log(t.A)))} > ` +
          `${L.logCoefficientMax}).`,
      });
    }
  }
  const spreads = fit.law.terms.map((t) => ({
    v: t.variable,
    s: fit.flatness.paramSpread[`alpha_${t.variable}`],
  }));
  const worst = spreads.reduce((a, b) => (b.s > a.s ? b : a), { v: "", s: 0 });
  // A second start within the relative band, or within an absolute floor of a near-exact fit, agrees.
  const [best, second] = fit.flatness.bestObjectives;
  // A variable projection fit whose exponent grid has a single local minimum has one basin to agree on.
  const agreed = (second !== undefined && second - best <= L.objectiveFloor * points.length) ||
    (fit.projection !== undefined && fit.projection.localMinima <= 1);
  if (fit.flatness.nearBest < 2 && !agreed && fit.starts >= L.startsForAgreement && fit.converged > 0) {
    findings.push({
      code: "starts_disagree",
      message:
        `only ${fit.flatness.nearBest} of ${fit.starts} starts ended within 1e-6 of the best objective; ` +
        `a larger grid may find another optimum.`,
    });
  } else if (worst.s > L.exponentSpread) {
    findings.push({
      code: "starts_disagree",
      message:
        `${fit.flatness.nearBest} of ${fit.starts} starts end within 1e-6 of the best objective, but ` +
        `their exponents of ${worst.v} span ${g(worst.s)} (more than ${L.exponentSpread}).`,
    });
  }
  const c = conditioningAt(points, variables, fit.theta);
  const corrBad = Math.abs(c.exponentCorrelation) > L.correlationMax;
  if (!(c.condition < L.conditionMax) || corrBad) {
    findings.push({
      code: "ill_conditioned",
      message:
        `the Gauss-Newton Hessian at the optimum has condition number ${
          Number.isFinite(c.condition) ? c.condition.toExponential(2) : "∞ (singular)"
        }` + (c.exponentPair
          ? ` and the exponents of ${c.exponentPair} correlate at ${
            Number.isFinite(c.exponentCorrelation) ? c.exponentCorrelation.toFixed(4) : "±1"
          }.`
          : "."),
    });
  }
  const outside: string[] = [];
  const box = (name: string, v: number, lo: number, hi: number) => {
    const edge = 1e-6 * (hi - lo);
    if (v < lo || v > hi) outside.push(`${name} = ${g(v)} not in [${lo}, ${hi}]`);
    else if (v - lo < edge || hi - v < edge) outside.push(`${name} = ${g(v)} on the edge of [${lo}, ${hi}]`);
  };
  variables.forEach((v, i) => {
    box(`ln A_${v}`, fit.theta[2 * i], GRID_LOG_A[0], GRID_LOG_A[GRID_LOG_A.length - 1]);
    box(`α_${v}`, fit.theta[2 * i + 1], GRID_ALPHAS[0], GRID_ALPHAS[GRID_ALPHAS.length - 1]);
  });
  box("ln E", fit.theta[2 * variables.length], GRID_LOG_E[0], GRID_LOG_E[GRID_LOG_E.length - 1]);
  if (outside.length > 0) {
    findings.push({
      code: "outside_start_box",
      message: `the optimum lies on or outside the edge of the start box: ${outside.join(", ")}.`,
    });
  }
  let trendR2: number | null = null;
  if (points.length >= 8) {
    const compute = computeOf(points, variables, options);
    const u = compute.map(Math.log);
    const r = points.map((p) => {
      let lhat = fit.law.E;
      for (const t of fit.law.terms) lhat += t.A * Math.pow(p.x[t.variable], -t.alpha);
      return Math.log(p.lossNats) - Math.log(lhat);
    });
    const trend = quadraticTrend(u, r);
    trendR2 = trend.r2;
    if (trend.r2 > L.trendR2 && trend.rms > L.trendRms) {
      findings.push({
        code: "residual_trend",
        message:
          `a quadratic in ln compute explains ${(100 * trend.r2).toFixed(0)}% of the ln-loss residuals ` +
          `(trend RMS ${g(trend.rms)}): the law misses the curvature with compute.`,
      });
    }
  }
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  const measures: HealthMeasures = {
    nearBest: fit.flatness.nearBest,
    starts: fit.starts,
    exponentSpread: worst.s,
    condition: finite(c.condition),
    exponentCorrelation: finite(c.exponentCorrelation),
    residualTrendR2: trendR2,
  };
  return { verdict: verdictOf(findings), findings, measures };
}
