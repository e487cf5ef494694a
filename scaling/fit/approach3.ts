/**
 * Approach 3: fit `L = E + Σ A_i x_i^(−α_i)` by minimising the sum of Huber losses of ln-loss
 * residuals with L-BFGS (analytic gradients) from every point of an init grid, keeping the lowest
 * objective among converged runs.
 * @module
 */

import type { AdditiveLaw } from "../law.ts";
import { fitStarts } from "./grid.ts";
import { lbfgsMinimize } from "./lbfgs.ts";
import { fitObjective, type LogData, prepareLogData, startLbfgsOptions } from "./objective.ts";
import { projectionSettings, runProjection } from "./projection.ts";
import { polishScreen, runScreenSlice, screenSettings } from "./screen.ts";
import type { Approach3Fit, Approach3Options, Approach3Settings, FitPoint, InitGrid } from "./types.ts";

// The forms' variables are declared once, in the law registry; re-exported for the fitter's callers.
export { EQ1_VARIABLES } from "../laws/eq1.ts";
export { EQ2_VARIABLES } from "../laws/eq2.ts";
export { EQ3_VARIABLES } from "../laws/eq3.ts";

/** Relative distance to the best objective within which runs count as "the same optimum" for flatness. */
export const NEAR_BEST_RELATIVE = 1e-6;

/** One run kept by the start loop: its objective, its global start index and its optimum θ. */
export interface RunRecord {
  /** Objective at the run's end. */
  readonly objective: number;
  /** Global start index (extra starts first, then the grid). */
  readonly index: number;
  /** Log-space parameters at the run's end. */
  readonly theta: number[];
  /** Infinity norm of the objective's gradient at the run's end. */
  readonly gradientNorm: number;
}

/** What a slice of starts produced; slices merge into the same result whatever the split. */
export interface StartSummary {
  /** Converged runs in the slice. */
  converged: number;
  /** The 5 lowest converged runs, by (objective, index). */
  top: RunRecord[];
  /** Converged runs within NEAR_BEST_RELATIVE of the slice's best converged objective. */
  near: RunRecord[];
  /** Lowest finite run whether converged or not (fallback when none converged). */
  fallback: RunRecord | null;
}

const before = (a: RunRecord, b: RunRecord): boolean =>
  a.objective < b.objective || (a.objective === b.objective && a.index < b.index);

/** Returns the highest objective that counts as "the same optimum" as `best`. */
export const nearThreshold = (best: number): number => best + NEAR_BEST_RELATIVE * Math.abs(best);

/** Returns the resolved settings of `options` (defaults filled in). */
export function approach3Settings(options: Approach3Options): Approach3Settings {
  const huberDelta = options.huberDelta ?? 1e-4;
  if (!(huberDelta > 0)) throw new Error(`fitApproach3: huberDelta must be > 0, got ${huberDelta}`);
  const grid: InitGrid = options.grid ?? "gemstones";
  const objective = options.objective ?? "sum";
  if (objective !== "sum" && objective !== "mean") {
    throw new Error(`fitApproach3: objective must be "sum" or "mean", got ${JSON.stringify(objective)}`);
  }
  const floor = options.relativeFloor ?? 0;
  if (!(floor >= 0)) throw new Error(`fitApproach3: relativeFloor must be >= 0, got ${floor}`);
  return {
    huberDelta,
    grid,
    maxIterations: options.maxIterations ?? 1000,
    tolerance: options.tolerance ?? 1e-8,
    relativeTolerance: options.relativeTolerance ?? 1e7 * 2.220446049250313e-16,
    memory: 10,
    objective,
    ...(floor > 0 ? { relativeFloor: floor } : {}),
    ...(options.screen ? { screen: screenSettings(options.screen) } : {}),
  };
}

/** Runs L-BFGS from global starts [from, to) (extra starts first, then the grid) and summarises them. */
export function runStartSlice(
  data: LogData,
  settings: Approach3Settings,
  extraStarts: readonly (readonly number[])[],
  from: number,
  to: number,
): StartSummary {
  const starts = fitStarts(settings.grid, data.k, extraStarts);
  const f = fitObjective(data, settings);
  const options = startLbfgsOptions(settings);
  const x0 = new Float64Array(2 * data.k + 1);
  const summary: StartSummary = { converged: 0, top: [], near: [], fallback: null };
  let best = Infinity;
  for (let index = from; index < to; index++) {
    starts.write(index, x0);
    const r = lbfgsMinimize(f, x0, options);
    if (!Number.isFinite(r.value)) continue;
    const rec: RunRecord = {
      objective: r.value,
      index,
      theta: Array.from(r.x),
      gradientNorm: r.gradientNorm,
    };
    if (summary.fallback === null || before(rec, summary.fallback)) summary.fallback = rec;
    if (!r.converged) continue;
    summary.converged++;
    insertTop(summary.top, rec);
    if (rec.objective < best) {
      best = rec.objective;
      const th = nearThreshold(best);
      summary.near = summary.near.filter((q) => q.objective <= th);
    }
    if (rec.objective <= nearThreshold(best)) summary.near.push(rec);
  }
  return summary;
}

function insertTop(top: RunRecord[], rec: RunRecord): void {
  if (top.length === 5 && !before(rec, top[4])) return;
  let i = top.length;
  while (i > 0 && before(rec, top[i - 1])) i--;
  top.splice(i, 0, rec);
  if (top.length > 5) top.pop();
}

/** Merges slice summaries (in any order) into one, identical to running all starts in one slice. */
export function mergeStartSummaries(parts: readonly StartSummary[]): StartSummary {
  const out: StartSummary = { converged: 0, top: [], near: [], fallback: null };
  for (const p of parts) {
    out.converged += p.converged;
    for (const r of p.top) insertTop(out.top, r);
    if (p.fallback !== null && (out.fallback === null || before(p.fallback, out.fallback))) {
      out.fallback = p.fallback;
    }
  }
  if (out.top.length > 0) {
    const th = nearThreshold(out.top[0].objective);
    out.near = parts.flatMap((p) => p.near).filter((r) => r.objective <= th).sort((a, b) =>
      a.index - b.index
    );
  }
  return out;
}

/** Returns the law of log-space parameters θ = [a_1, α_1, …, a_k, α_k, e] (A = e^a, E = e^e). */
export function lawFromTheta(theta: ArrayLike<number>, variables: readonly string[]): AdditiveLaw {
  const k = variables.length;
  return {
    E: Math.exp(theta[2 * k]),
    terms: variables.map((variable, i) => ({ variable, A: Math.exp(theta[2 * i]), alpha: theta[2 * i + 1] })),
  };
}

/** Returns θ = [ln A_1, α_1, …, ln A_k, α_k, ln E] of `law` with its terms ordered as `variables`. */
export function thetaFromLaw(law: AdditiveLaw, variables: readonly string[]): number[] {
  const theta: number[] = [];
  for (const v of variables) {
    const term = law.terms.find((t) => t.variable === v);
    if (term === undefined) throw new Error(`thetaFromLaw: law has no term for variable "${v}"`);
    theta.push(Math.log(term.A), term.alpha);
  }
  theta.push(Math.log(law.E));
  return theta;
}

/** Returns the named parameters (E, A_<var>, alpha_<var>) of a law, in a fixed order. */
export function lawParameters(law: AdditiveLaw): Record<string, number> {
  const out: Record<string, number> = { E: law.E };
  for (const t of law.terms) {
    out[`A_${t.variable}`] = t.A;
    out[`alpha_${t.variable}`] = t.alpha;
  }
  return out;
}

/** Builds the fit report from merged summaries. */
export function finishApproach3(
  points: readonly FitPoint[],
  variables: readonly string[],
  settings: Approach3Settings,
  starts: number,
  summary: StartSummary,
): Approach3Fit {
  const bestRec = summary.top.length > 0 ? summary.top[0] : summary.fallback;
  if (bestRec === null) {
    throw new Error(`fitApproach3: every one of ${starts} starts gave a non-finite objective`);
  }
  const law = lawFromTheta(bestRec.theta, variables);
  const spread: Record<string, number> = {};
  const names = Object.keys(lawParameters(law));
  const nearLaws = summary.near.map((r) => lawParameters(lawFromTheta(r.theta, variables)));
  for (const name of names) {
    let lo = Infinity, hi = -Infinity;
    for (const p of nearLaws) {
      lo = Math.min(lo, p[name]);
      hi = Math.max(hi, p[name]);
    }
    spread[name] = nearLaws.length > 0 ? hi - lo : 0;
  }
  const ranges: Record<string, { min: number; max: number }> = {};
  for (const v of [...variables, "lossNats"]) {
    let min = Infinity, max = -Infinity;
    for (const p of points) {
      const value = v === "lossNats" ? p.lossNats : p.x[v];
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
    ranges[v] = { min, max };
  }
  return {
    law,
    objective: bestRec.objective,
    theta: bestRec.theta,
    gradientNorm: bestRec.gradientNorm,
    starts,
    converged: summary.converged,
    flatness: {
      bestObjectives: summary.top.map((r) => r.objective),
      paramSpread: spread,
      nearBest: summary.near.length,
    },
    settings,
    inputs: { points: points.length, variables: [...variables], ranges },
  };
}

/**
 * Fits the additive law over `options.variables` to `points` (Approach 3) in this thread; returns the
 * lowest-objective converged fit with its flatness diagnostics, settings and input summary.
 */
export function fitApproach3(points: readonly FitPoint[], options: Approach3Options): Approach3Fit {
  const settings = approach3Settings(options);
  const data = prepareLogData(points, options.variables, "fitApproach3");
  if (options.projection) return fitProjection(points, data, settings, options);
  const extra = options.extraStarts ?? [];
  const starts = fitStarts(settings.grid, data.k, extra).count;
  if (settings.screen !== undefined) {
    const screened = runScreenSlice(data, settings, extra, 0, starts);
    const { summary, report } = polishScreen(data, settings, screened, nearThreshold);
    return { ...finishApproach3(points, options.variables, settings, starts, summary), screen: report };
  }
  const summary = runStartSlice(data, settings, extra, 0, starts);
  return finishApproach3(points, options.variables, settings, starts, summary);
}

/**
 * The variable projection fit of prepared points (projection.ts): the exponent grid replaces the start
 * grid; the record's `starts` counts the grid's cells and `settings.grid` is not used.
 */
function fitProjection(
  points: readonly FitPoint[],
  data: LogData,
  base: Approach3Settings,
  options: Approach3Options,
): Approach3Fit {
  const { screen: _screen, ...rest } = base;
  const settings: Approach3Settings = {
    ...rest,
    projection: projectionSettings(options.projection as true, data.k, data.n),
  };
  const { summary, report, cells } = runProjection(
    data,
    settings,
    options.variables,
    nearThreshold,
    options.progress,
  );
  return { ...finishApproach3(points, options.variables, settings, cells, summary), projection: report };
}
