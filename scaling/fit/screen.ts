/**
 * Screen and polish: the Approach 3 search for grids too large to run every start to convergence
 * (the Gemstones Eq. 2 grid, 4,050,000 starts).
 *
 * 1. Screen: every start runs `iterations` L-BFGS iterations (f64, the fit's own objective and
 *    stopping rules); the `candidates` lowest endpoints are kept, by (objective, start index), so the
 *    kept set does not depend on how the starts were split across workers.
 * 2. Polish: from each kept endpoint, fresh L-BFGS rounds with a tight tolerance are run until a round
 *    lowers the objective no more, i.e. to the bottom of the basin the endpoint is in.
 *
 * Why: with δ = 1e-4 the Huber objective is nearly flat along a valley, and a start run with the default
 * stopping rules stops wherever the relative decrease falls below 2.2e-9, so the "best objective" of an
 * exhaustive run is the start that happened to crawl furthest; two f64 implementations of the same
 * objective, differing only in rounding, pick different best starts and differ by ~5e-6 relative. Every
 * near-best endpoint polishes to the same basin minimum (to 1e-11 relative on `hot`), which is what
 * the screen's polished best and an exhaustive run's polished best both equal. The screen is a
 * heuristic: a basin that no kept endpoint lies in is missed; `ScreenReport` says how many candidates
 * reached the best and at which screen rank the best was found.
 * @module
 */

import type { RunRecord, StartSummary } from "./approach3.ts";
import { fitStarts } from "./grid.ts";
import { lbfgsMinimize } from "./lbfgs.ts";
import { fitObjective, type LogData, startLbfgsOptions } from "./objective.ts";
import type { Approach3Settings, ScreenOptions, ScreenReport, ScreenSettings } from "./types.ts";

/** Default screen iterations per start. */
export const SCREEN_ITERATIONS = 10;
/** Default number of screen endpoints polished. */
export const SCREEN_CANDIDATES = 128;
/** Relative distance to the best polished objective within which a candidate counts as "at the best". */
export const AT_BEST_RELATIVE = 1e-9;

/** Returns the resolved screen settings of `options` (`true` or an object; defaults filled in). */
export function screenSettings(options: true | ScreenOptions): ScreenSettings {
  const o = options === true ? {} : options;
  const iterations = o.iterations ?? SCREEN_ITERATIONS, candidates = o.candidates ?? SCREEN_CANDIDATES;
  if (!(Number.isInteger(iterations) && iterations >= 1)) {
    throw new Error(`fitApproach3: screen.iterations must be an integer >= 1, got ${iterations}`);
  }
  if (!(Number.isInteger(candidates) && candidates >= 1)) {
    throw new Error(`fitApproach3: screen.candidates must be an integer >= 1, got ${candidates}`);
  }
  return {
    iterations,
    candidates,
    polish: { rounds: 20, maxIterations: 20000, tolerance: 1e-14, relativeTolerance: 0 },
  };
}

/** What a slice of screened starts produced; slices merge into the same result whatever the split. */
export interface ScreenSummary {
  /** Starts screened. */
  screened: number;
  /** Starts whose screen endpoint is finite. */
  finite: number;
  /** Starts that met a stopping rule within the screen's iterations. */
  converged: number;
  /** L-BFGS iterations done. */
  iterations: number;
  /** The lowest endpoints, by (objective, index), at most `candidates` of them. */
  kept: RunRecord[];
}

const before = (a: RunRecord, b: RunRecord): boolean =>
  a.objective < b.objective || (a.objective === b.objective && a.index < b.index);
const order = (a: RunRecord, b: RunRecord): number => (before(a, b) ? -1 : before(b, a) ? 1 : 0);

/** Screens global starts [from, to) (extra starts first, then the grid) of a fit with `settings.screen`. */
export function runScreenSlice(
  data: LogData,
  settings: Approach3Settings,
  extraStarts: readonly (readonly number[])[],
  from: number,
  to: number,
): ScreenSummary {
  const screen = settings.screen;
  if (screen === undefined) throw new Error("runScreenSlice: the settings have no screen");
  const starts = fitStarts(settings.grid, data.k, extraStarts);
  const f = fitObjective(data, settings);
  const options = startLbfgsOptions(settings, Math.min(screen.iterations, settings.maxIterations));
  const x0 = new Float64Array(2 * data.k + 1);
  const out: ScreenSummary = { screened: 0, finite: 0, converged: 0, iterations: 0, kept: [] };
  // Kept endpoints are collected in batches and cut back to the best `candidates` when a batch fills.
  let worst = Infinity;
  for (let index = from; index < to; index++) {
    starts.write(index, x0);
    const r = lbfgsMinimize(f, x0, options);
    out.screened++;
    out.iterations += r.iterations;
    if (r.converged) out.converged++;
    if (!Number.isFinite(r.value)) continue;
    out.finite++;
    if (r.value > worst) continue;
    out.kept.push({ objective: r.value, index, theta: Array.from(r.x), gradientNorm: r.gradientNorm });
    if (out.kept.length >= 4 * screen.candidates) {
      out.kept.sort(order);
      out.kept.length = screen.candidates;
      worst = out.kept[screen.candidates - 1].objective;
    }
  }
  out.kept.sort(order);
  if (out.kept.length > screen.candidates) out.kept.length = screen.candidates;
  return out;
}

/** Merges screen summaries (in any order) into one, identical to screening all starts in one slice. */
export function mergeScreenSummaries(parts: readonly ScreenSummary[], candidates: number): ScreenSummary {
  const kept = parts.flatMap((p) => p.kept).sort(order).slice(0, candidates);
  const sum = (key: "screened" | "finite" | "converged" | "iterations") =>
    parts.reduce((a, p) => a + p[key], 0);
  return {
    screened: sum("screened"),
    finite: sum("finite"),
    converged: sum("converged"),
    iterations: sum("iterations"),
    kept,
  };
}

/** A polished candidate: its record and its rank among the candidates before the polish (0 = lowest). */
export interface PolishedCandidate {
  /** The record at the bottom of the candidate's basin. */
  readonly rec: RunRecord;
  /** Rank of the candidate before the polish. */
  readonly rank: number;
}

/**
 * Polishes each kept record (fresh L-BFGS rounds with `polish`'s tolerances until a round lowers the
 * objective no more); returns the polished records sorted by (objective, index) and the iterations used.
 * `onPolished` is called with the number done after each.
 */
export function polishCandidates(
  data: LogData,
  settings: Approach3Settings,
  polish: ScreenSettings["polish"],
  kept: readonly RunRecord[],
  onPolished?: (done: number) => void,
): { polished: PolishedCandidate[]; iterations: number } {
  const f = fitObjective(data, settings);
  let iterations = 0;
  const polished: PolishedCandidate[] = [];
  kept.forEach((start, rank) => {
    let x: Float64Array = Float64Array.from(start.theta);
    let value = start.objective, gradientNorm = start.gradientNorm;
    for (let round = 0; round < polish.rounds; round++) {
      const r = lbfgsMinimize(f, x, {
        memory: settings.memory,
        maxIterations: polish.maxIterations,
        gradientTolerance: polish.tolerance,
        relativeTolerance: polish.relativeTolerance,
      });
      iterations += r.iterations;
      if (!(r.value < value)) break;
      x = r.x;
      value = r.value;
      gradientNorm = r.gradientNorm;
    }
    polished.push({
      rec: { objective: value, index: start.index, theta: Array.from(x), gradientNorm },
      rank,
    });
    onPolished?.(rank + 1);
  });
  polished.sort((a, b) => order(a.rec, b.rec));
  return { polished, iterations };
}

/**
 * The start summary of polished candidates (each "converged": a fresh L-BFGS round no longer lowers it)
 * for `finishApproach3`, with how many reached the best (within AT_BEST_RELATIVE).
 */
export function polishedSummary(
  polished: readonly PolishedCandidate[],
  nearThreshold: (best: number) => number,
): { summary: StartSummary; atBest: number } {
  const recs = polished.map((p) => p.rec);
  const best = recs.length > 0 ? recs[0].objective : NaN;
  const th = nearThreshold(best);
  return {
    summary: {
      converged: recs.length,
      top: recs.slice(0, 5),
      near: recs.filter((r) => r.objective <= th).sort((a, b) => a.index - b.index),
      fallback: recs.length > 0 ? recs[0] : null,
    },
    atBest: recs.filter((r) => r.objective - best <= AT_BEST_RELATIVE * Math.abs(best)).length,
  };
}

/**
 * Polishes every kept endpoint of a merged screen; returns the start summary of the polished runs (each
 * "converged": a fresh L-BFGS round no longer lowers it) for `finishApproach3`, and the screen report.
 */
export function polishScreen(
  data: LogData,
  settings: Approach3Settings,
  screen: ScreenSummary,
  nearThreshold: (best: number) => number,
): { summary: StartSummary; report: ScreenReport } {
  const s = settings.screen;
  if (s === undefined) throw new Error("polishScreen: the settings have no screen");
  const { polished, iterations } = polishCandidates(data, settings, s.polish, screen.kept);
  const { summary, atBest } = polishedSummary(polished, nearThreshold);
  const report: ScreenReport = {
    screened: screen.screened,
    finite: screen.finite,
    convergedInScreen: screen.converged,
    polished: polished.length,
    atBest,
    bestScreenRank: polished.length > 0 ? polished[0].rank : -1,
    bestStart: polished.length > 0 ? polished[0].rec.index : -1,
    screenIterations: screen.iterations,
    polishIterations: iterations,
  };
  return { summary, report };
}
