/**
 * The `approach3_<form>.<variant>` stages: Approach 3 fits of the additive law (seed 002 Eqs. 1-3) to
 * the selected checkpoints by L-BFGS on the Huber loss of ln-loss residuals from a grid of starts
 * (scaling/fit), with a bootstrap over runs. Output: `fit.json` ({@link Approach3Record}).
 *
 * Default grids keep `deno task reproduce` quick on two cores: Eq. 1 runs the full Gemstones grid
 * (4,500 starts); Eq. 2 (4 variables, full grid 4,050,000 starts) and Eq. 3 (3 variables, 135,000)
 * run seeded Latin-hypercube subsets of the same box. The record names the grid used; pass
 * `grid: "gemstones"` to run the full grid.
 * @module
 */
import type { Params, ParamValue, Stage } from "../pipeline/stage.ts";
import {
  bootstrapApproach3,
  EQ1_VARIABLES,
  EQ2_VARIABLES,
  EQ3_VARIABLES,
  fitApproach3,
  type FitPoint,
  gemstonesGridSize,
  type InitGrid,
} from "../scaling/fit/mod.ts";
import { chinchillaOptimum } from "../scaling/prescribe/chinchilla.ts";
import { selectedRowsOf, writeJson } from "./fit_common.ts";
import { type Approach3Record, type LawForm, type SelectedRow, stageId } from "./schemas.ts";

/** Variables of each law form, in term order. */
export const FORM_VARIABLES: Readonly<Record<LawForm, readonly string[]>> = {
  eq1: EQ1_VARIABLES,
  eq2: EQ2_VARIABLES,
  eq3: EQ3_VARIABLES,
};

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
  /** FLOP budgets for N_opt/D_opt intervals (Eq. 1 only, C = 6ND closed form). */
  budgets: number[];
};

/** Default options per form (the Huber delta is replaced by the variant's). */
export const DEFAULT_FIT_OPTIONS: Readonly<Record<LawForm, FitOptions>> = {
  eq1: {
    huberDelta: 1e-4,
    grid: "gemstones",
    bootstrapSamples: 40,
    bootstrapSeed: 1,
    bootstrapStarts: 8,
    budgets: [1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25],
  },
  eq2: {
    huberDelta: 1e-4,
    grid: { kind: "lhs", starts: 1000, seed: 1 },
    bootstrapSamples: 20,
    bootstrapSeed: 1,
    bootstrapStarts: 4,
    budgets: [],
  },
  eq3: {
    huberDelta: 1e-4,
    grid: { kind: "lhs", starts: 1000, seed: 1 },
    bootstrapSamples: 20,
    bootstrapSeed: 1,
    bootstrapStarts: 4,
    budgets: [],
  },
};

/** Parameters of an Approach 3 stage. */
export type Approach3Params = FitOptions & { variant: string; form: LawForm };

/** Returns the fit points of `rows` for the variables of `form` (group = run). */
export function fitPointsOf(rows: readonly SelectedRow[], form: LawForm): FitPoint[] {
  const vars = FORM_VARIABLES[form];
  return rows.map((r) => {
    const all: Record<string, number> = {
      params: r.params,
      tokens: r.tokens,
      width: r.width,
      depth: r.depth,
    };
    return { x: Object.fromEntries(vars.map((v) => [v, all[v]])), lossNats: r.loss, group: r.run_id };
  });
}

/** Returns the Approach 3 record of `points` fitted with the law `form` under `options`. */
export function approach3Record(
  variant: string,
  form: LawForm,
  points: readonly FitPoint[],
  options: FitOptions,
): Approach3Record {
  const variables = FORM_VARIABLES[form];
  const grid: InitGrid = options.grid;
  const samples = Math.max(0, options.bootstrapSamples);
  const fitOptions = { variables, huberDelta: options.huberDelta, grid };
  const b = samples > 0
    ? bootstrapApproach3(points, fitOptions, {
      samples,
      seed: options.bootstrapSeed,
      localStarts: options.bootstrapStarts,
      budgets: form === "eq1" ? options.budgets : [],
      optimum: form === "eq1" ? chinchillaOptimum : undefined,
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
  };
}

/** Returns the Approach 3 stage of `variant` for `form` (id `approach3_<form>.<variant>`). */
export function approach3Stage(
  variant: string,
  form: LawForm,
  options: FitOptions = DEFAULT_FIT_OPTIONS[form],
): Stage<Approach3Params & Params> {
  if (!(form in FORM_VARIABLES)) {
    throw new Error(`unknown law form "${form}"; valid: ${Object.keys(FORM_VARIABLES).join(", ")}`);
  }
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
      );
      ctx.log(`approach3 ${ctx.params.form}: ${record.converged}/${record.starts} starts converged`);
      await writeJson(ctx.outDir, "fit.json", record);
    },
  };
}
