/**
 * The `select.<variant>` stage: the rows of collect's `runs.csv` that a variant fits, with its
 * counting conventions resolved into `params` and `flops` columns (`rows.csv`, so that diff can list
 * the rows that differ between two variants), and a `select.json` summary. Shapes: records/schemas.ts.
 * The Huber delta is deliberately not a parameter here, so changing it reruns only the Approach 3 stages.
 * @module
 */
import type { Params, Stage } from "../pipeline/stage.ts";
import { formatCsv } from "../records/importers/table.ts";
import {
  readRunsRows,
  type RunsRow,
  type SelectedRow,
  type SelectSummary,
  stageId,
} from "../records/schemas.ts";
// Type-only: the stage's code must not depend on the variants file, or editing one variant would change
// the code fingerprint of every variant's stages (variants reach stages only as parameters).
import type { VariantSettings } from "./variants.ts";

/** Returns the subsets Approach 1 uses under `v` (its `approach1Subsets`, else its `subsets`). */
export function approach1SubsetsOf(v: VariantSettings): readonly string[] {
  return v.approach1Subsets.length > 0 ? v.approach1Subsets : v.subsets;
}

/** Parameters of a select stage (the data-selection part of a variant). */
export type SelectParams = {
  /** Variant name (recorded in the summary). */
  variant: string;
  /** Subsets kept. */
  subsets: string[];
  /** runs.csv column used as params (`params_<convention>`). */
  paramsColumn: string;
  /** runs.csv column used as FLOPs (`flops_<counter>`). */
  flopsColumn: string;
  /** Runs left out. */
  excludeRuns: string[];
  /** Widths kept (empty: all). */
  widths: number[];
  /** Minimum tokens kept. */
  minTokens: number;
  /** Maximum tokens kept (null: no limit). */
  maxTokens: number | null;
};

/** Columns of rows.csv, in order. */
export const SELECTED_COLUMNS: readonly (keyof SelectedRow)[] = [
  "run_id",
  "model",
  "width",
  "depth",
  "step",
  "tokens",
  "params",
  "flops",
  "gpu_hours",
  "loss",
  "subset",
];

/** What a select stage selects for: the fits (`subsets`) or Approach 1 (`approach1Subsets`). */
export type SelectPurpose = "fits" | "approach1";

/** Returns the select parameters of a variant's settings for `purpose` (default: the fits). */
export function selectParams(
  variant: string,
  v: VariantSettings,
  purpose: SelectPurpose = "fits",
): SelectParams {
  return {
    variant,
    subsets: [...(purpose === "approach1" ? approach1SubsetsOf(v) : v.subsets)],
    paramsColumn: `params_${
      purpose === "approach1" && v.approach1ParamsConvention !== ""
        ? v.approach1ParamsConvention
        : v.paramsConvention
    }`,
    flopsColumn: `flops_${v.flopsCounter}`,
    excludeRuns: [...v.excludeRuns],
    widths: [...v.widths],
    minTokens: v.minTokens,
    maxTokens: v.maxTokens,
  };
}

/** Returns the rows of `runs` selected by `p`; throws naming valid values when a subset or column is unknown. */
export function selectRows(
  runs: readonly (RunsRow & { counts: Record<string, number> })[],
  p: SelectParams,
): SelectedRow[] {
  const where = `variant "${p.variant}"`;
  const known = [...new Set(runs.map((r) => r.subset))].sort();
  for (const s of p.subsets) {
    if (!known.includes(s)) {
      throw new Error(`${where}: unknown subset "${s}"; subsets in runs.csv: ${known.join(", ")}`);
    }
  }
  const columns = runs.length > 0 ? Object.keys(runs[0].counts) : [];
  for (const c of [p.paramsColumn, p.flopsColumn]) {
    if (!columns.includes(c)) {
      throw new Error(`${where}: unknown counting column "${c}"; columns in runs.csv: ${columns.join(", ")}`);
    }
  }
  const runIds = new Set(runs.map((r) => r.run_id));
  for (const r of p.excludeRuns) {
    if (!runIds.has(r)) throw new Error(`${where}: excludeRuns names unknown run "${r}"`);
  }
  const out: SelectedRow[] = [];
  for (const r of runs) {
    if (!p.subsets.includes(r.subset)) continue;
    if (p.excludeRuns.includes(r.run_id)) continue;
    if (p.widths.length > 0 && !p.widths.includes(r.width)) continue;
    if (r.tokens < p.minTokens) continue;
    if (p.maxTokens !== null && r.tokens > p.maxTokens) continue;
    out.push({
      run_id: r.run_id,
      model: r.model,
      width: r.width,
      depth: r.depth,
      step: r.step,
      tokens: r.tokens,
      params: r.counts[p.paramsColumn],
      flops: r.counts[p.flopsColumn],
      gpu_hours: r.gpu_hours,
      loss: r.loss,
      subset: r.subset,
    });
  }
  if (out.length === 0) throw new Error(`${where}: no rows selected`);
  return out;
}

/** Options of a select stage. */
export interface SelectStageOptions {
  /** What it selects for (default: the fits). */
  readonly purpose?: SelectPurpose;
  /** Node id of the collect stage read (default "collect"). */
  readonly collect?: string;
}

/**
 * Returns the select stage of `variant`: id `select.<variant>` (the fits) or `select_approach1.<variant>`
 * (Approach 1's rows); depends on the collect stage (`options.collect`, default "collect").
 */
export function selectStage(
  variant: string,
  v: VariantSettings,
  options: SelectStageOptions = {},
): Stage<SelectParams & Params> {
  const purpose = options.purpose ?? "fits";
  const collect = options.collect ?? "collect";
  return {
    name: "select",
    id: stageId(purpose === "approach1" ? "select_approach1" : "select", variant),
    module: import.meta.url,
    deps: [collect],
    params: selectParams(variant, v, purpose) as SelectParams & Params,
    inputs: [],
    outputs: ["rows.csv", "select.json"],
    async run(ctx) {
      const runs = await readRunsRows(`${ctx.deps[collect]}/runs.csv`);
      const rows = selectRows(runs, ctx.params);
      await Deno.writeTextFile(
        `${ctx.outDir}/rows.csv`,
        formatCsv(SELECTED_COLUMNS, rows.map((r) => SELECTED_COLUMNS.map((c) => r[c]))),
      );
      const summary: SelectSummary = {
        variant: ctx.params.variant,
        rows: rows.length,
        runs: new Set(rows.map((r) => r.run_id)).size,
        subsets: ctx.params.subsets,
        paramsColumn: ctx.params.paramsColumn,
        flopsColumn: ctx.params.flopsColumn,
        excludedRuns: ctx.params.excludeRuns,
      };
      await Deno.writeTextFile(`${ctx.outDir}/select.json`, JSON.stringify(summary, null, 2) + "\n");
      ctx.log(`select ${ctx.params.variant}: ${rows.length} rows of ${summary.runs} runs`);
    },
  };
}
