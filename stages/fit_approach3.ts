/**
 * The `approach3_<form>.<variant>` stages: Approach 3 fits of the additive law (seed 002 Eqs. 1-3) to
 * the selected checkpoints by L-BFGS on the Huber loss of ln-loss residuals from a grid of starts
 * (scaling/fit), with a bootstrap over runs. Output: `fit.json` ({@link Approach3Record}).
 *
 * Each form's variables and default settings come from the law registry (scaling/laws): Eq. 1 runs
 * the full Gemstones grid (4,500 starts); Eq. 2 (4 variables, full grid 4,050,000 starts) and Eq. 3
 * (3 variables, 135,000) run seeded Latin-hypercube subsets of the same box, to keep `deno task
 * reproduce` quick on two cores. The record names the grid used; pass `grid: "gemstones"` to run the
 * full grid.
 * @module
 */
import type { Params, ParamValue, Stage } from "../pipeline/stage.ts";
import { bootstrapApproach3 } from "../scaling/fit/bootstrap.ts";
import { fitApproach3 } from "../scaling/fit/approach3.ts";
import type { FitPoint, InitGrid } from "../scaling/fit/types.ts";
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
  /** "gemstones" (full grid) or a seeded random/LHS subset. */
  grid: "gemstones" | { kind: "random" | "lhs"; starts: number; seed: number };
  /** Bootstrap resamples over runs (0 disables). */
  bootstrapSamples: number;
  /** Bootstrap seed. */
  bootstrapSeed: number;
  /** Random (LHS) starts per bootstrap resample, besides the full-data optimum. */
  bootstrapStarts: number;
  /** FLOP budgets for N_opt/D_opt intervals (forms with a closed-form optimum only: Eq. 1, C = 6ND). */
  budgets: number[];
};

/** Returns the stage options of a registry form's fit defaults (a fresh, mutable JSON copy). */
function fitOptionsOf(form: LawForm): FitOptions {
  const d = LAW_SPECS[form].fit;
  if (d.grid !== "gemstones" && d.grid.kind === "subdivided") {
    throw new Error(`law ${form}: a default fit grid of kind "subdivided" is not a stage option`);
  }
  return {
    huberDelta: d.huberDelta,
    grid: d.grid === "gemstones"
      ? "gemstones"
      : { kind: d.grid.kind, starts: d.grid.starts, seed: d.grid.seed },
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
  const grid: InitGrid = options.grid;
  const samples = Math.max(0, options.bootstrapSamples);
  const fitOptions = { variables, huberDelta: options.huberDelta, grid };
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
    grid: grid === "gemstones"
      ? {
        kind: "gemstones",
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
