/**
 * Backtests: hold out the largest-compute rows (or whole runs), fit the rest exactly as a normal fit,
 * and compare the law's predictions on the held-out rows with their losses; optionally with bootstrap
 * prediction intervals. This is the one question a scaling law exists to answer: does it extrapolate?
 * @module
 */
import { evaluateLaw } from "../law.ts";
import { fitApproach3 } from "../fit/approach3.ts";
import { bootstrapApproach3, quantileSorted } from "../fit/bootstrap.ts";
import type { Approach3Fit, Approach3Options, FitPoint } from "../fit/types.ts";
import { type Approach3Health, type HealthOptions, judgeApproach3, verdictOf } from "./health.ts";
import { backtestFinding } from "./backtest_rule.ts";

/** One held-out row: the law's prediction against the observed loss. */
export interface HeldOutRow {
  /** Index of the row in the input points. */
  readonly row: number;
  /** Predicted loss, nats per token. */
  readonly predicted: number;
  /** Observed loss, nats per token. */
  readonly actual: number;
  /** (predicted − actual) / actual (signed; dimensionless). */
  readonly relError: number;
  /** Bootstrap prediction interval of the loss (nats), when a bootstrap was run. */
  readonly interval?: { readonly lower: number; readonly upper: number };
  /** Whether `actual` lies inside `interval`, when a bootstrap was run. */
  readonly inside?: boolean;
}

/** Result of {@link backtestApproach3}. */
export interface Backtest {
  /** The fit on the training rows. */
  readonly fit: Approach3Fit;
  /** Health of that fit (judged on the training rows). */
  readonly health: Approach3Health;
  /** Indices of the training rows. */
  readonly trained: readonly number[];
  /** Every held-out row, in the order given. */
  readonly heldOut: readonly HeldOutRow[];
  /** Mean |relError| over the held-out rows. */
  readonly meanAbsRelError: number;
  /** Largest |relError| over the held-out rows. */
  readonly maxAbsRelError: number;
  /** Bootstrap resamples behind the intervals (0: none). */
  readonly bootstrapSamples: number;
}

/** Options of {@link backtestApproach3}. */
export interface BacktestOptions {
  /** Bootstrap the training fit over groups for prediction intervals (samples >= 1). */
  readonly bootstrap?: { readonly samples: number; readonly seed: number; readonly confidence?: number };
  /** Lines and compute of the points, for the training fit's health messages (indexed like `points`). */
  readonly health?: HealthOptions;
}

/** Returns the indices of the `count` largest `values` (ties: earlier first), in descending value order. */
export function largestRows(values: readonly number[], count: number): number[] {
  if (!(Number.isInteger(count) && count >= 1)) {
    throw new Error(`backtest: count must be an integer >= 1, got ${count}`);
  }
  return values.map((v, i) => ({ v, i })).sort((a, b) => b.v - a.v || a.i - b.i).slice(0, count).map((e) =>
    e.i
  );
}

/**
 * Returns the indices of every point of the `count` groups (runs) whose largest value is largest, so a
 * backtest holds out whole runs (all their checkpoints), not single rows.
 */
export function largestGroups(
  points: readonly FitPoint[],
  values: readonly number[],
  count: number,
): { groups: string[]; rows: number[] } {
  const best = new Map<string, number>();
  points.forEach((p, i) => {
    const g = p.group ?? `#${i}`;
    best.set(g, Math.max(best.get(g) ?? -Infinity, values[i]));
  });
  const order = [...best.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map((e) => e[0]);
  const groups = order.slice(0, count);
  const chosen = new Set(groups);
  const rows = points.flatMap((p, i) => (chosen.has(p.group ?? `#${i}`) ? [i] : []));
  return { groups, rows };
}

/**
 * Fits `points` without the rows `heldOut` (same options as a normal fit) and returns the law's
 * predictions on the held-out rows, their relative errors and, with `bootstrap`, whether each lies in
 * the bootstrap prediction interval.
 */
export function backtestApproach3(
  points: readonly FitPoint[],
  heldOut: readonly number[],
  fitOptions: Approach3Options,
  options: BacktestOptions = {},
): Backtest {
  if (heldOut.length === 0) throw new Error("backtest: no rows held out");
  const out = new Set(heldOut);
  if (out.size === points.length) {
    throw new Error(`backtest: all ${points.length} rows held out; none left to fit`);
  }
  for (const i of heldOut) {
    if (!(Number.isInteger(i) && i >= 0 && i < points.length)) throw new Error(`backtest: no row ${i}`);
  }
  const trained = points.flatMap((_, i) => (out.has(i) ? [] : [i]));
  const train = trained.map((i) => points[i]);
  const sub = <T>(xs: readonly T[] | undefined) => (xs ? trained.map((i) => xs[i]) : undefined);
  const healthOptions = { lines: sub(options.health?.lines), compute: sub(options.health?.compute) };
  const b = options.bootstrap
    ? bootstrapApproach3(train, fitOptions, {
      samples: options.bootstrap.samples,
      seed: options.bootstrap.seed,
      confidence: options.bootstrap.confidence,
    })
    : null;
  const fit = b?.fit ?? fitApproach3(train, fitOptions);
  const rows: HeldOutRow[] = heldOut.map((i) => {
    const p = points[i];
    const predicted = evaluateLaw(fit.law, p.x);
    const base = { row: i, predicted, actual: p.lossNats, relError: (predicted - p.lossNats) / p.lossNats };
    if (!b) return base;
    const sorted = b.laws.map((law) => evaluateLaw(law, p.x)).sort((x, y) => x - y);
    const tail = (1 - b.confidence) / 2;
    const interval = { lower: quantileSorted(sorted, tail), upper: quantileSorted(sorted, 1 - tail) };
    return { ...base, interval, inside: p.lossNats >= interval.lower && p.lossNats <= interval.upper };
  });
  const abs = rows.map((r) => Math.abs(r.relError));
  return {
    fit,
    health: judgeApproach3(train, fit, healthOptions),
    trained,
    heldOut: rows,
    meanAbsRelError: abs.reduce((s, v) => s + v, 0) / abs.length,
    maxAbsRelError: Math.max(...abs),
    bootstrapSamples: b?.samples ?? 0,
  };
}

/** Returns `health` with the finding of a failed backtest (see {@link backtestFinding}) added, if any. */
export function withBacktestVerdict<H extends Approach3Health>(
  health: H,
  bt: Pick<Backtest, "heldOut" | "meanAbsRelError">,
  lineOf?: (row: number) => string,
): H {
  const f = backtestFinding(bt, lineOf);
  if (f === null) return health;
  const findings = [...health.findings, f];
  return { ...health, findings, verdict: verdictOf(findings) };
}
