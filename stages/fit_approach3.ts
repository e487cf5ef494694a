/**
 * The `approach3_<form>.<variant>` stages: Approach 3 fits of the additive law (seed 002 Eqs. 1-3) to
 * the selected checkpoints by L-BFGS on the Huber loss of ln-loss residuals from a grid of starts
 * (scaling/fit), with a bootstrap over runs. Output: `fit.json` ({@link Approach3Record}).
 *
 * Each form's variables and default settings come from the law registry (scaling/laws): Eq. 1 runs
 * the full Gemstones grid (4,500 starts); Eq. 2 (4 variables, full grid 4,050,000 starts) runs the
 * variable projection search (`grid: "projection"`: every exponent cell of the full grid's range with
 * the coefficients solved, the best minima polished; scaling/fit/projection.ts), which reaches the
 * authors' objective in seconds; Eq. 3 (3 variables, 135,000) runs a seeded Latin-hypercube subset of
 * the same box. The record names the search used; pass `grid: "gemstones"` to run the full grid.
 * @module
 */
import type { Params, ParamValue, Stage } from "../pipeline/stage.ts";
import { bootstrapApproach3 } from "../scaling/fit/bootstrap.ts";
import { fitApproach3 } from "../scaling/fit/approach3.ts";
import type { Approach3Options, FitPoint } from "../scaling/fit/types.ts";
import { gemstonesGridSize } from "../scaling/fit/grid.ts";
import { type Approach3Health, type HealthOptions, judgeApproach3 } from "../scaling/judge/health.ts";
import { LAW_NAMES, LAW_SPECS, lawSpec } from "../scaling/laws/registry.ts";
import { selectedRowsOf, writeJson } from "./fit_common.ts";
import { type Approach3Record, type LawForm, type SelectedRow, stageId } from "../records/schemas.ts";

/** Variables of each law form, in term order (from the law registry, scaling/laws). */
export const FORM_VARIABLES: Readonly<Record<LawForm, readonly string[]>> = Object.fromEntries(
  LAW_NAMES.map((name) => [name, LAW_SPECS[name].variables]),
) as Record<LawForm, readonly string[]>;

/** Options of one Approach 3 fit stage (JSON, part of the fingerprint). */
export type FitOptions = {
  /** Huber delta on ln-loss residuals. */
  huberDelta: number;
  /** "gemstones" (full grid), a seeded random/LHS subset, or "projection" (the variable projection search). */
  grid: StageGrid;
  /** Bootstrap resamples over runs (0 disables). */
  bootstrapSamples: number;
  /** Bootstrap seed. */
  bootstrapSeed: number;
  /** Random (LHS) starts per bootstrap resample, besides the full-data optimum. */
  bootstrapStarts: number;
  /** FLOP budgets for N_opt/D_opt intervals (forms with a closed-form optimum only: Eq. 1, C = 6ND). */
  budgets: number[];
};

/** A stage's search: the full Gemstones grid, a seeded random/LHS subset of its box, or variable projection. */
export type StageGrid = "gemstones" | "projection" | { kind: "random" | "lhs"; starts: number; seed: number };

/** Returns the `fitApproach3` options that run a stage's search (`grid`, or `projection` for "projection"). */
export function searchOptions(grid: StageGrid): Pick<Approach3Options, "grid" | "projection"> {
  return grid === "projection" ? { projection: true } : { grid };
}

/** Returns the stage options of a registry form's fit defaults (a fresh, mutable JSON copy). */
function fitOptionsOf(form: LawForm): FitOptions {
  const d = LAW_SPECS[form].fit, g = d.grid;
  if (g !== "gemstones" && g !== "projection" && g.kind === "subdivided") {
    throw new Error(`law ${form}: a default fit grid of kind "subdivided" is not a stage option`);
  }
  return {
    huberDelta: d.huberDelta,
    grid: g === "gemstones" || g === "projection" ? g : { kind: g.kind, starts: g.starts, seed: g.seed },
    bootstrapSamples: d.bootstrapSamples,
    bootstrapSeed: d.bootstrapSeed,
    bootstrapStarts: d.bootstrapStarts,
    budgets: [...d.budgets],
  };
}

/** Default options per form, from the law registry (the Huber delta is replaced by the variant's). */
export const DEFAULT_FIT_OPTIONS: Readonly<Record<LawForm, FitOptions>> = Object.fromEntries(
  LAW_NAMES.map((name) => [name, fitOptionsOf(name)]),
) as Record<LawForm, FitOptions>;

/** Parameters of an Approach 3 stage. */
export type Approach3Params = FitOptions & { variant: string; form: LawForm };

/** Returns the fit points of `rows` for the variables of `form` (each a column of the row; group = run). */
export function fitPointsOf(rows: readonly SelectedRow[], form: LawForm): FitPoint[] {
  const vars = lawSpec(form).variables;
  return rows.map((r) => ({
    x: Object.fromEntries(vars.map((v) => [v, r[v]])),
    lossNats: r.loss,
    group: r.run_id,
  }));
}

/** Returns the health options of selected rows: each row's line in `rows.csv` (header on line 1) and its FLOPs. */
export function healthOptionsOf(rows: readonly SelectedRow[]): HealthOptions {
  return { lines: rows.map((_, i) => i + 2), compute: rows.map((r) => r.flops) };
}

/**
 * Returns the Approach 3 record of `points` fitted with the law `form` under `options`, with its health
 * verdict (judged with `extra.health`: row lines and compute; default row numbers and 6·N·D).
 */
export function approach3Record(
  variant: string,
  form: LawForm,
  points: readonly FitPoint[],
  options: FitOptions,
  extra: { readonly health?: HealthOptions } = {},
): Approach3Record & { readonly health: Approach3Health } {
  const spec = lawSpec(form);
  const variables = spec.variables;
  const grid = options.grid;
  const samples = Math.max(0, options.bootstrapSamples);
  const fitOptions = { variables, huberDelta: options.huberDelta, ...searchOptions(grid) };
  const b = samples > 0
    ? bootstrapApproach3(points, fitOptions, {
      samples,
      seed: options.bootstrapSeed,
      localStarts: options.bootstrapStarts,
      budgets: spec.optimum ? options.budgets : [],
      optimum: spec.optimum,
    })
    : null;
  const fit = b?.fit ?? fitApproach3(points, fitOptions);
  return {
    kind: "approach3",
    variant,
    form,
    E: fit.law.E,
    terms: fit.law.terms.map((t) => ({ variable: t.variable, A: t.A, alpha: t.alpha })),
    objective: fit.objective,
    huberDelta: options.huberDelta,
    grid: grid === "gemstones" || grid === "projection"
      ? {
        kind: grid,
        starts: fit.starts,
        seed: null,
        fullGridSize: gemstonesGridSize(variables.length),
      }
      : {
        kind: grid.kind,
        starts: fit.starts,
        seed: grid.seed,
        fullGridSize: gemstonesGridSize(variables.length),
      },
    starts: fit.starts,
    converged: fit.converged,
    rows: points.length,
    ...(fit.projection && fit.settings.projection
      ? {
        projection: {
          lo: fit.settings.projection.lo,
          hi: fit.settings.projection.hi,
          step: fit.settings.projection.step,
          localMinima: fit.projection.localMinima,
          polished: fit.projection.polished,
          atBest: fit.projection.atBest,
          bestCell: fit.projection.bestCell,
          bestCellObjective: fit.projection.bestCellObjective,
          profile: fit.projection.profile,
        },
      }
      : {}),
    bootstrap: b
      ? { samples, seed: b.seed, confidence: b.confidence, parameters: b.parameters, optima: b.optima }
      : null,
    health: judgeApproach3(points, fit, extra.health),
  };
}

/** Returns the Approach 3 stage of `variant` for `form` (id `approach3_<form>.<variant>`). */
export function approach3Stage(
  variant: string,
  form: LawForm,
  options: FitOptions = DEFAULT_FIT_OPTIONS[form],
): Stage<Approach3Params & Params> {
  lawSpec(form); // throws naming the registered forms
  const params = { ...options, variant, form } as Approach3Params & { [k: string]: ParamValue };
  return {
    name: "approach3",
    id: stageId(`approach3_${form}`, variant),
    module: import.meta.url,
    deps: [stageId("select", variant)],
    params,
    inputs: [],
    outputs: ["fit.json"],
    async run(ctx) {
      const rows = await selectedRowsOf(ctx.deps, ctx.params.variant);
      const record = approach3Record(
        ctx.params.variant,
        ctx.params.form,
        fitPointsOf(rows, ctx.params.form),
        ctx.params,
        { health: healthOptionsOf(rows) },
      );
      ctx.log(
        `approach3 ${ctx.params.form}: ${record.converged}/${record.starts} starts converged; ` +
          `health ${record.health.verdict}${
            record.health.findings.map((f) => `\n  ${f.code}: ${f.message}`).join("")
          }`,
      );
      await writeJson(ctx.outDir, "fit.json", record);
    },
  };
}
