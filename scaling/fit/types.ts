/**
 * Public data shapes of the scaling-law fitters (Approaches 1, 2 and 3, bootstrap).
 *
 * All losses are in nats per token; resources are FLOPs (or GPU-hours for Approach 1 when the caller
 * says so); parameters and tokens are counts.
 * @module
 */

import type { AdditiveLaw } from "../law.ts";

/** One observation for Approach 3: the values of the law's variables, the loss, and the run it came from. */
export interface FitPoint {
  /** Variable name -> value (e.g. params, tokens, width, depth); every value must be finite and > 0. */
  readonly x: Readonly<Record<string, number>>;
  /** Observed loss in nats per token (finite, > 0). */
  readonly lossNats: number;
  /** Run id; the bootstrap resamples whole groups (runs), not single checkpoints. */
  readonly group?: string;
}

/** Which starting points Approach 3 runs L-BFGS from. */
export type InitGrid =
  | "gemstones"
  | {
    /**
     * "subdivided": the grid of the authors' grid-size study (Gemstones Figure 20): exponents on
     * linspace(0, 2.5, e), ln A on linspace(0, 30, c), ln E on linspace(−1, 1.5, r), with the
     * subdivisions (e, c, r) whose e^k·c^k·r is nearest `target` (see `subdividedGridShape`).
     */
    readonly kind: "subdivided";
    /** Target number of starts. */
    readonly target: number;
  }
  | {
    /** "random": uniform in the Gemstones box; "lhs": Latin hypercube over the same box. */
    readonly kind: "random" | "lhs";
    /** Number of starting points. */
    readonly starts: number;
    /** Seed of the deterministic PRNG (any integer). */
    readonly seed: number;
  };

/** Options of `fitApproach3`. */
export interface Approach3Options {
  /** Names of the law's variables, in order (e.g. `EQ1_VARIABLES`). */
  readonly variables: readonly string[];
  /** Huber delta on ln-loss residuals (default 1e-4). */
  readonly huberDelta?: number;
  /** Starting points (default "gemstones": α∈{0,.5,1,1.5,2}, ln A∈{0,5,…,25}, ln E∈{−1,−.5,0,.5,1}). */
  readonly grid?: InitGrid;
  /** Maximum L-BFGS iterations per start (default 1000). */
  readonly maxIterations?: number;
  /** Gradient tolerance: stop when the infinity norm of the gradient is <= this (default 1e-8). */
  readonly tolerance?: number;
  /**
   * Relative function-change tolerance: stop when (f_k − f_{k+1}) <= this · max(|f_k|, |f_{k+1}|)
   * (default 1e7·eps ≈ 2.2e-9, scipy's factr, but without scipy's floor of 1, see lbfgs.ts).
   */
  readonly relativeTolerance?: number;
  /** `fitApproach3Parallel` only: number of Web Workers (default 2); the result is identical for any count. */
  readonly workers?: number;
  /** `fitApproach3Parallel` only: grids with more starts than this use workers (default 20,000). */
  readonly parallelThreshold?: number;
  /** Extra starting points (log-space parameter vectors, layout as `Approach3Fit.theta`) run before the grid. */
  readonly extraStarts?: readonly (readonly number[])[];
  /**
   * Floor of the denominator of the relative-change test (default 0; 1 is scipy L-BFGS-B's, which makes
   * the test absolute for objectives below 1, as in the authors' fits).
   */
  readonly relativeFloor?: number;
  /** "sum" (default, as the Chinchilla and Gemstones code) or "mean" of the Huber losses over points. */
  readonly objective?: "sum" | "mean";
  /**
   * Screen every start for a few iterations and polish only the best endpoints (see screen.ts); the fit
   * then reports `screen`. `true` takes the defaults.
   */
  readonly screen?: boolean | ScreenOptions;
  /**
   * Variable projection (see projection.ts): an exhaustive grid over the exponents with the coefficients
   * solved by non-negative least squares, then the best grid minima polished with L-BFGS; the fit then
   * reports `projection` (with the profile objective over the exponents). `true` takes the defaults.
   * Replaces `grid` and `screen`.
   */
  readonly projection?: boolean | ProjectionOptions;
  /**
   * Called now and then with the phase and its work done and total (the grid's cells, about 200 calls;
   * then the candidates polished), for a progress line; not part of the settings or the result.
   */
  readonly progress?: FitProgress;
}

/** A progress callback of a fit: the phase ("grid" or "polish"), the work done in it and its total. */
export type FitProgress = (phase: "grid" | "polish", done: number, total: number) => void;

/** Options of the variable projection search (projection.ts). */
export interface ProjectionOptions {
  /** Lowest exponent of the grid (default 0). */
  readonly lo?: number;
  /** Highest exponent of the grid (default 2, as the authors' main grid; their grid-size study goes to 2.5). */
  readonly hi?: number;
  /**
   * Spacing of the exponent grid (default: the finest of 0.02, 0.05, 0.1, 0.25 whose cells × points stay
   * within the budget, see `PROJECTION_BUDGET`).
   */
  readonly step?: number;
  /** How many of the lowest grid-local minima are polished (default 8). */
  readonly candidates?: number;
}

/** The resolved variable projection settings. */
export interface ProjectionSettings {
  /** Lowest exponent of the grid. */
  readonly lo: number;
  /** Highest exponent of the grid. */
  readonly hi: number;
  /** Spacing of the exponent grid. */
  readonly step: number;
  /** Exponent values per variable ((hi − lo)/step + 1). */
  readonly values: number;
  /** Number of lowest grid-local minima polished. */
  readonly candidates: number;
  /** Polish: fresh L-BFGS rounds from each candidate until a round lowers the objective no more. */
  readonly polish: ScreenSettings["polish"];
}

/** The profile objective over the exponents: the lowest cell objective per exponent and per pair of exponents. */
export interface ProjectionProfile {
  /** The grid's exponent values (the same for every variable). */
  readonly exponents: readonly number[];
  /** Per variable (law order): the lowest cell objective at each exponent value (min over the other exponents). */
  readonly marginal: readonly (readonly number[])[];
  /**
   * Per pair of variables (i < j, in law order): the lowest cell objective at each (α_i, α_j), row-major with
   * α_i the row (min over the other exponents; for two variables this is the whole grid).
   */
  readonly pairs: readonly {
    readonly variables: readonly [string, string];
    readonly values: readonly number[];
  }[];
}

/** What the variable projection search did, as stored in the fit. */
export interface ProjectionReport {
  /** Exponent cells evaluated (values^k). */
  readonly cells: number;
  /** Cells whose objective is finite. */
  readonly finite: number;
  /** Cells lower than every neighbour along each exponent axis. */
  readonly localMinima: number;
  /** Candidates polished. */
  readonly polished: number;
  /** Polished candidates within 1e-9 relative of the best polished objective. */
  readonly atBest: number;
  /** Rank (0 = lowest cell objective) among the polished candidates of the one that gave the best. */
  readonly bestCandidateRank: number;
  /** Exponents of that candidate's cell (law order). */
  readonly bestCell: readonly number[];
  /** The lowest cell objective (the Huber objective at that cell's least-squares coefficients). */
  readonly bestCellObjective: number;
  /** L-BFGS iterations in the polish, over all candidates. */
  readonly polishIterations: number;
  /**
   * The profile objective: the fit's objective at each cell's non-negative least-squares coefficients (an
   * upper bound of the minimum over the coefficients), reduced to one and two exponents.
   */
  readonly profile: ProjectionProfile;
}

/** Options of the screen-and-polish search (screen.ts). */
export interface ScreenOptions {
  /** L-BFGS iterations every start runs in the screen (default 10). */
  readonly iterations?: number;
  /** How many of the lowest screen endpoints are polished (default 128). */
  readonly candidates?: number;
}

/** The resolved screen-and-polish settings. */
export interface ScreenSettings {
  /** L-BFGS iterations per start in the screen (capped by maxIterations; the other stopping rules apply). */
  readonly iterations: number;
  /** Number of lowest screen endpoints polished. */
  readonly candidates: number;
  /** Polish: fresh L-BFGS rounds from each candidate until a round lowers the objective no more. */
  readonly polish: {
    /** Most rounds per candidate. */
    readonly rounds: number;
    /** Iterations per round. */
    readonly maxIterations: number;
    /** Gradient infinity-norm tolerance of a round. */
    readonly tolerance: number;
    /** Relative function-change tolerance of a round (0: run until the line search fails). */
    readonly relativeTolerance: number;
  };
}

/** What the screen-and-polish search did, as stored in the fit. */
export interface ScreenReport {
  /** Starts screened (every start of the grid). */
  readonly screened: number;
  /** Starts whose screen ended finite. */
  readonly finite: number;
  /** Starts that met a stopping rule within the screen's iterations. */
  readonly convergedInScreen: number;
  /** Candidates polished. */
  readonly polished: number;
  /** Polished candidates within 1e-9 relative of the best polished objective. */
  readonly atBest: number;
  /** Screen rank (0 = lowest screen objective) of the candidate that gave the best. */
  readonly bestScreenRank: number;
  /** Start index of that candidate. */
  readonly bestStart: number;
  /** L-BFGS iterations in the screen, over all starts. */
  readonly screenIterations: number;
  /** L-BFGS iterations in the polish, over all candidates. */
  readonly polishIterations: number;
}

/** The settings an Approach 3 fit actually used (all defaults resolved). */
export interface Approach3Settings {
  /** Huber delta on ln-loss residuals. */
  readonly huberDelta: number;
  /** The init grid. */
  readonly grid: InitGrid;
  /** Maximum L-BFGS iterations per start. */
  readonly maxIterations: number;
  /** Gradient infinity-norm tolerance. */
  readonly tolerance: number;
  /** Relative function-change tolerance. */
  readonly relativeTolerance: number;
  /** L-BFGS memory. */
  readonly memory: number;
  /** SUM (default, as in the Chinchilla/Gemstones code) or MEAN of the Huber losses over points. */
  readonly objective: "sum" | "mean";
  /** Floor of the relative-change test's denominator (present only when set and > 0). */
  readonly relativeFloor?: number;
  /** Screen-and-polish settings (present only when the fit was screened). */
  readonly screen?: ScreenSettings;
  /** Variable projection settings (present only when the fit used it). */
  readonly projection?: ProjectionSettings;
}

/** Result of `fitApproach3`. */
export interface Approach3Fit {
  /** The fitted law (E and each A in nats, alpha dimensionless), terms in the order of `variables`. */
  readonly law: AdditiveLaw;
  /** Lowest objective (sum of Huber losses of ln-loss residuals) among converged runs (among all runs when `converged` is 0). */
  readonly objective: number;
  /** Log-space optimum [a_1, α_1, …, a_k, α_k, e] with a_i = ln A_i, e = ln E. */
  readonly theta: readonly number[];
  /** Infinity norm of the objective's gradient with respect to θ at the optimum (a convergence check). */
  readonly gradientNorm: number;
  /** Number of starting points run. */
  readonly starts: number;
  /** Number of runs that converged (gradient or relative-function criterion). */
  readonly converged: number;
  /** How flat the optimum is. */
  readonly flatness: {
    /** The 5 lowest objectives among converged runs, ascending (distinct runs, may repeat values). */
    readonly bestObjectives: readonly number[];
    /** max − min of each parameter (E, A_<var>, alpha_<var>) among converged runs within 1e-6 relative of the best. */
    readonly paramSpread: Readonly<Record<string, number>>;
    /** Number of converged runs within 1e-6 relative of the best. */
    readonly nearBest: number;
  };
  /** Resolved settings. */
  readonly settings: Approach3Settings;
  /**
   * Only for screened fits: what the screen and the polish did. `converged` and `flatness` then count
   * the polished candidates, not the starts.
   */
  readonly screen?: ScreenReport;
  /**
   * Only for variable projection fits: the grid, the polish and the profile objective. `starts` then counts
   * the grid's cells, `converged` and `flatness` the polished candidates.
   */
  readonly projection?: ProjectionReport;
  /** What was fitted. */
  readonly inputs: {
    /** Number of points. */
    readonly points: number;
    /** Variable names in order. */
    readonly variables: readonly string[];
    /** Minimum and maximum of each variable and of lossNats. */
    readonly ranges: Readonly<Record<string, { readonly min: number; readonly max: number }>>;
  };
}

/** Options of `lbfgsMinimize`. */
export interface LbfgsOptions {
  /** Number of correction pairs kept (default 10). */
  readonly memory?: number;
  /** Maximum iterations (default 15000, as scipy). */
  readonly maxIterations?: number;
  /** Stop when the infinity norm of the gradient is <= this (default 1e-5, scipy's pgtol). */
  readonly gradientTolerance?: number;
  /** Stop when (f_k − f_{k+1}) <= this · max(|f_k|, |f_{k+1}|, floor) (default 1e7·eps, scipy's factr·eps). */
  readonly relativeTolerance?: number;
  /** Floor of the denominator of the relative-change test (default 0; scipy uses 1). */
  readonly relativeFloor?: number;
  /** Sufficient-decrease constant of the Wolfe conditions (default 1e-4). */
  readonly c1?: number;
  /** Curvature constant of the strong Wolfe conditions (default 0.9). */
  readonly c2?: number;
  /** Maximum function evaluations per line search (default 40). */
  readonly maxLineSearch?: number;
}

/** Why `lbfgsMinimize` stopped. */
export type LbfgsReason = "gradient" | "function" | "maxIterations" | "lineSearch" | "nonFinite";

/** Result of `lbfgsMinimize`. */
export interface LbfgsResult {
  /** The final point. */
  readonly x: Float64Array;
  /** Objective at `x`. */
  readonly value: number;
  /** Infinity norm of the gradient at `x`. */
  readonly gradientNorm: number;
  /** Iterations done. */
  readonly iterations: number;
  /** Objective evaluations done. */
  readonly evaluations: number;
  /** True when stopped by the gradient or relative-function criterion. */
  readonly converged: boolean;
  /** Why it stopped. */
  readonly reason: LbfgsReason;
}

/** An ordinary-least-squares fit `ln y = intercept + slope · ln resource`. */
export interface LogLogFit {
  /** Exponent (dimensionless). */
  readonly slope: number;
  /** Intercept in ln units of y. */
  readonly intercept: number;
  /** Coefficient of determination in log space. */
  readonly r2: number;
  /** Number of points fitted. */
  readonly n: number;
}

/** One observation for Approach 1. */
export interface Approach1Point {
  /** Compute spent (FLOPs or GPU-hours; > 0). */
  readonly resource: number;
  /** Loss in nats per token. */
  readonly lossNats: number;
  /** Parameter count. */
  readonly params: number;
  /** Tokens trained on. */
  readonly tokens: number;
  /** Run id (for the bootstrap). */
  readonly group?: string;
}

/** Result of Approach 1 (bins or hull). */
export interface Approach1Result {
  /** How the frontier was picked. */
  readonly method: "binning" | "hull";
  /** Indices (into the input) of the frontier points, ascending in resource. */
  readonly selected: readonly number[];
  /** Power laws of params, tokens and tokens/param against the resource. */
  readonly fits: {
    readonly params: LogLogFit;
    readonly tokens: LogLogFit;
    readonly tokensPerParam: LogLogFit;
  };
}

/** One observation for Approach 2 (isoFLOP). */
export interface IsoFlopPoint {
  /** Training compute in FLOPs. */
  readonly flops: number;
  /** Parameter count. */
  readonly params: number;
  /** Tokens trained on. */
  readonly tokens: number;
  /** Loss in nats per token. */
  readonly lossNats: number;
  /** Run id (informational). */
  readonly group?: string;
}

/** Options of `approach2IsoFlop`: either log-spaced `bins` over the FLOP range or explicit `budgets`. */
export interface Approach2Options {
  /** Number of log-spaced FLOP bins over the data's range (default 10 when no budgets). */
  readonly bins?: number;
  /** Explicit FLOP budgets; a point joins the nearest budget within `tolerance`. */
  readonly budgets?: readonly number[];
  /** Max |ln flops − ln budget| for a point to join a budget (default 0.05, i.e. ~5%). */
  readonly tolerance?: number;
}

/** One isoFLOP bin that was fitted. */
export interface IsoFlopBin {
  /** The bin's budget in FLOPs (the given budget, or the geometric mean of its points' FLOPs). */
  readonly flops: number;
  /** Indices of the points in the bin. */
  readonly points: readonly number[];
  /** Parabola loss = a·u² + b·u + c with u = ln params (nats). */
  readonly parabola: { readonly a: number; readonly b: number; readonly c: number };
  /** Parameter count at the parabola's minimum. */
  readonly paramsOpt: number;
  /** Tokens at the minimum (from an OLS of ln tokens on ln params within the bin). */
  readonly tokensOpt: number;
  /** Loss at the minimum, nats per token. */
  readonly lossOpt: number;
}

/**
 * Why a bin was skipped, as a code: `no_points` (no point within the tolerance), `too_few_sizes` (fewer
 * than 3 distinct parameter counts, so no parabola), `singular` (the parabola's normal equations are
 * singular), `no_minimum` (curvature <= 0: loss is not convex in ln params), `minimum_outside` (the
 * parabola's minimum lies outside the bin's range of parameter counts).
 */
export type SkipCode = "no_points" | "too_few_sizes" | "singular" | "no_minimum" | "minimum_outside";

/** A bin left out, and why. */
export interface SkippedBin {
  /** The bin's budget in FLOPs (NaN-free; geometric mean or given budget). */
  readonly flops: number;
  /** Number of points in it. */
  readonly points: number;
  /** Distinct parameter counts (model sizes) among its points. */
  readonly sizes: number;
  /** Why it was skipped, as a code. */
  readonly code: SkipCode;
  /** Why it was skipped, in words with the numbers. */
  readonly reason: string;
}

/** The isoFLOP bins of a data set: those fitted with a parabola and those skipped (`isoFlopBins`). */
export interface IsoFlopBins {
  /** Fitted bins, ascending in FLOPs. */
  readonly bins: readonly IsoFlopBin[];
  /** Bins skipped, with reasons. */
  readonly skipped: readonly SkippedBin[];
  /** Points that joined no budget (only with `budgets`). */
  readonly unassigned: number;
}

/** Result of `approach2IsoFlop`. */
export interface Approach2Result extends IsoFlopBins {
  /** N_opt(C) and D_opt(C) power laws over the fitted bins. */
  readonly fits: { readonly params: LogLogFit; readonly tokens: LogLogFit };
}

/** A percentile confidence interval. */
export interface Interval {
  /** The full-data estimate. */
  readonly estimate: number;
  /** Lower percentile bound. */
  readonly lower: number;
  /** Upper percentile bound. */
  readonly upper: number;
}

/** The compute-optimal allocation at a budget, as returned by an injected optimum function. */
export interface OptimumAllocation {
  /** Optimal parameter count. */
  readonly paramsOpt: number;
  /** Optimal tokens. */
  readonly tokensOpt: number;
}

/** Options of the bootstraps. */
export interface BootstrapOptions {
  /** Number of resamples. */
  readonly samples: number;
  /** Seed of the deterministic PRNG. */
  readonly seed: number;
  /** Two-sided confidence level (default 0.95). */
  readonly confidence?: number;
  /** FLOP budgets at which to give intervals of N_opt and D_opt (needs `optimum`). */
  readonly budgets?: readonly number[];
  /** Compute-optimal allocation of a law at a budget in FLOPs (injected; e.g. from scaling/prescribe). */
  readonly optimum?: (law: AdditiveLaw, flops: number) => OptimumAllocation;
  /** Extra random (LHS) starts per resample besides the full-data optimum (default 8). */
  readonly localStarts?: number;
}

/** Result of `bootstrapApproach3`. */
export interface BootstrapApproach3Result {
  /** The full-data fit. */
  readonly fit: Approach3Fit;
  /** Resamples done. */
  readonly samples: number;
  /** Seed used. */
  readonly seed: number;
  /** Confidence level. */
  readonly confidence: number;
  /** Number of distinct groups resampled. */
  readonly groups: number;
  /** Interval of every parameter: E, A_<var>, alpha_<var>. */
  readonly parameters: Readonly<Record<string, Interval>>;
  /** Intervals of N_opt and D_opt at each budget (empty without `optimum`/`budgets`). */
  readonly optima: readonly {
    readonly flops: number;
    readonly paramsOpt: Interval;
    readonly tokensOpt: Interval;
  }[];
  /** Every resample's law (for plotting spreads). */
  readonly laws: readonly AdditiveLaw[];
}

/** Result of `bootstrapApproach1`. */
export interface BootstrapApproach1Result {
  /** The full-data fit. */
  readonly fit: Approach1Result;
  /** Resamples that gave a fit (>= 2 frontier points). */
  readonly samples: number;
  /** Resamples that gave no fit. */
  readonly failed: number;
  /** Seed used. */
  readonly seed: number;
  /** Confidence level. */
  readonly confidence: number;
  /** Intervals of slope and intercept of params, tokens and tokensPerParam. */
  readonly fits: Readonly<
    Record<"params" | "tokens" | "tokensPerParam", { readonly slope: Interval; readonly intercept: Interval }>
  >;
}

/** How Approach 1 picks its frontier (for the bootstrap): the lower convex hull, or the best point of each of `bins` log-spaced bins. */
export type FrontierMethod = { readonly method: "hull" } | {
  readonly method: "binning";
  readonly bins: number;
};
