/**
 * Sensitivity of an Approach 3 fit to the choices made around it.
 *
 * - The grid-size study of Gemstones Figure 20: the Eq. 1 law fitted from the authors' subdivided start
 *   grids of 3,000 to 90,000 starts, for Huber δ 1e-3, 1e-4 and 1e-5, with the authors' optimiser settings
 *   (scipy L-BFGS-B defaults: gradient tolerance 1e-5, relative decrease 2.2e-9 with a floor of 1, at most
 *   15,000 iterations); each point is the best converged start of its grid, and its exponent ratio
 *   α/(α+β) (the exponent of D_opt ∝ C^(α/(α+β))).
 * - The tornado: the law refitted once per alternative choice (Huber δ, start grid, summed or mean
 *   Huber loss, counting convention, token cut-off, FLOP counter), each alternative changing one choice of
 *   the baseline, and the compute-optimal N_opt and D_opt at one budget of each refit.
 * Pure: no file I/O; the optimum at a budget is injected (scaling/prescribe lives above this library).
 * @module
 */

import type { AdditiveLaw } from "../law.ts";
import { EQ1_VARIABLES } from "./approach3.ts";
import { subdividedGridShape } from "./grid.ts";
import { fitApproach3Parallel } from "./parallel.ts";
import type { Approach3Fit, Approach3Options, FitPoint, OptimumAllocation } from "./types.ts";

/** The target grid sizes of the authors' grid-size study (plotters/slope_analysis.py), in order. */
export const FIGURE20_GRID_SIZES: readonly number[] = [
  3000,
  4000,
  5000,
  6000,
  7000,
  8000,
  9000,
  10000,
  15000,
  20000,
  25000,
  30000,
  35000,
  40000,
  45000,
  50000,
  60000,
  70000,
  80000,
  90000,
];

/**
 * The Huber deltas of Figure 20: the authors' three (plotters/slope_analysis.py `deltas`); they store
 * full-grid fits for the first two only (parameters_delta-3, parameters_delta-4).
 */
export const FIGURE20_DELTAS: readonly number[] = [1e-3, 1e-4, 1e-5];

/** The authors' optimiser: scipy L-BFGS-B's defaults, as `fitApproach3` options. */
export const AUTHORS_OPTIMISER: Pick<
  Approach3Options,
  "tolerance" | "relativeTolerance" | "relativeFloor" | "maxIterations"
> = {
  tolerance: 1e-5,
  relativeTolerance: 1e7 * 2.220446049250313e-16,
  relativeFloor: 1,
  maxIterations: 15000,
};

/** One point of the grid-size study. */
export interface GridSizePoint {
  /** Huber delta. */
  readonly delta: number;
  /** Target grid size (the x of Figure 20). */
  readonly gridSize: number;
  /** Starts actually run (the nearest size the subdivisions reach). */
  readonly starts: number;
  /** Converged starts. */
  readonly converged: number;
  /** Best objective (sum of Huber losses). */
  readonly objective: number;
  /** Exponent α of the params term. */
  readonly alpha: number;
  /** Exponent β of the tokens term. */
  readonly beta: number;
  /** α / (α + β): Figure 20's y ("Params Exp / (Params Exp + Tokens Exp)"). */
  readonly ratio: number;
}

/** Options of {@link gridSizeStudy}. */
export interface GridSizeStudyOptions {
  /** Target grid sizes (default FIGURE20_GRID_SIZES). */
  readonly gridSizes?: readonly number[];
  /** Huber deltas (default FIGURE20_DELTAS). */
  readonly deltas?: readonly number[];
  /** Web Workers per fit (default 2). */
  readonly workers?: number;
}

/** Fits Eq. 1 to `points` on each subdivided grid and delta; resolves to the points of Figure 20 (delta-major). */
export async function gridSizeStudy(
  points: readonly FitPoint[],
  options: GridSizeStudyOptions = {},
): Promise<GridSizePoint[]> {
  const out: GridSizePoint[] = [];
  for (const delta of options.deltas ?? FIGURE20_DELTAS) {
    for (const gridSize of options.gridSizes ?? FIGURE20_GRID_SIZES) {
      subdividedGridShape(gridSize, EQ1_VARIABLES.length); // validates the size before the fit
      const fit = await fitApproach3Parallel(points, {
        variables: EQ1_VARIABLES,
        huberDelta: delta,
        grid: { kind: "subdivided", target: gridSize },
        ...AUTHORS_OPTIMISER,
        workers: options.workers ?? 2,
        parallelThreshold: 0,
      });
      const [alpha, beta] = fit.law.terms.map((t) => t.alpha);
      out.push({
        delta,
        gridSize,
        starts: fit.starts,
        converged: fit.converged,
        objective: fit.objective,
        alpha,
        beta,
        ratio: alpha / (alpha + beta),
      });
    }
  }
  return out;
}

/** One alternative of the tornado: which choice it changes, to what, and the fit it implies. */
export interface SensitivityCase {
  /** The choice changed ("Huber δ", "start grid", …); "baseline" for the baseline itself. */
  readonly choice: string;
  /** The alternative, in words (e.g. "δ = 1e-3"). */
  readonly option: string;
  /** The points fitted (the baseline's, or re-selected for a data choice). */
  readonly points: readonly FitPoint[];
  /** Fit options (variables, δ, grid, objective, …). */
  readonly fit: Approach3Options;
  /** Index into the optimum functions passed to {@link sensitivityStudy} (FLOP counter, params convention). */
  readonly counting: number;
}

/** One refit of the tornado. */
export interface SensitivityResult {
  /** The choice changed ("baseline" for the baseline). */
  readonly choice: string;
  /** The alternative, in words. */
  readonly option: string;
  /** The refitted law. */
  readonly law: AdditiveLaw;
  /** Best objective of the refit. */
  readonly objective: number;
  /** Points fitted. */
  readonly points: number;
  /** Starts run. */
  readonly starts: number;
  /** Compute-optimal parameters at the budget. */
  readonly paramsOpt: number;
  /** Compute-optimal tokens at the budget. */
  readonly tokensOpt: number;
}

/**
 * Refits every case (a case whose points and fit options equal an earlier case's reuses that fit: a FLOP
 * counter changes only the optimum) and returns N_opt and D_opt of each at `flops` FLOPs, by
 * `optimum[case.counting]`.
 */
export async function sensitivityStudy(
  cases: readonly SensitivityCase[],
  flops: number,
  optimum: readonly ((law: AdditiveLaw, flops: number) => OptimumAllocation)[],
): Promise<SensitivityResult[]> {
  if (!(flops > 0)) throw new Error(`sensitivityStudy: budget must be > 0 FLOPs, got ${flops}`);
  const fits: { points: readonly FitPoint[]; key: string; fit: Approach3Fit }[] = [];
  const out: SensitivityResult[] = [];
  for (const c of cases) {
    const f = optimum[c.counting];
    if (f === undefined) {
      throw new Error(`sensitivityStudy: case "${c.choice}: ${c.option}" has no optimum ${c.counting}`);
    }
    const key = JSON.stringify(c.fit);
    let fit = fits.find((x) => x.points === c.points && x.key === key)?.fit;
    if (fit === undefined) {
      fit = await fitApproach3Parallel(c.points, c.fit);
      fits.push({ points: c.points, key, fit });
    }
    const o = f(fit.law, flops);
    out.push({
      choice: c.choice,
      option: c.option,
      law: fit.law,
      objective: fit.objective,
      points: c.points.length,
      starts: fit.starts,
      paramsOpt: o.paramsOpt,
      tokensOpt: o.tokensOpt,
    });
  }
  return out;
}
