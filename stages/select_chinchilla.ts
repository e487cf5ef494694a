/**
 * The `select.<variant>` stage for Hoffmann et al.'s own points (the Gemstones `slim_chinchilla` subset,
 * collect's `chinchilla.csv`): the rows of one subset of that table in select's `rows.csv` layout, so the
 * Approach 3 Eq. 1 stage fits them like any other selection (paper Figure 6, "Chinchilla Reduced Sampling
 * (Hoffman et al. data)"). The points have params, tokens, FLOPs and loss only: width, depth, step and
 * GPU-hours are written as 0, 0, 0 and empty, and the run id and model are "chinchilla_<i>" (one point each).
 * @module
 */
import type { Params, Stage } from "../pipeline/stage.ts";
import { formatCsv } from "../records/importers/table.ts";
import { readCsvObjects, type SelectedRow, type SelectSummary, stageId } from "../records/schemas.ts";
import { SELECTED_COLUMNS } from "./select.ts";

/** Parameters of the Chinchilla-points select stage. */
export type SelectChinchillaParams = {
  /** Variant name (recorded in the summary). */
  variant: string;
  /** The subset of collect's chinchilla.csv kept (e.g. "slim_chinchilla"). */
  subset: string;
};

/** Returns the rows of `table` (collect's chinchilla.csv, raw strings) in `subset`, as selected rows. */
export function chinchillaRows(
  table: readonly Record<string, string>[],
  subset: string,
  where = "chinchilla.csv",
): SelectedRow[] {
  const known = [...new Set(table.map((r) => r.subset))].sort();
  if (!known.includes(subset)) {
    throw new Error(`${where}: unknown subset "${subset}"; subsets: ${known.join(", ")}`);
  }
  const out: SelectedRow[] = [];
  table.forEach((r, i) => {
    if (r.subset !== subset) return;
    const value = (field: string) => {
      const x = Number(r[field]);
      if (r[field] === undefined || r[field] === "" || !Number.isFinite(x) || x <= 0) {
        throw new Error(`${where}: row ${i + 2}: field ${field} must be a number > 0, got "${r[field]}"`);
      }
      return x;
    };
    const id = `chinchilla_${out.length}`;
    out.push({
      run_id: id,
      model: id,
      width: 0,
      depth: 0,
      step: 0,
      tokens: value("tokens"),
      params: value("params"),
      flops: value("flops"),
      gpu_hours: NaN,
      loss: value("loss"),
      subset,
    });
  });
  return out;
}

/** Returns the select stage of `variant` over the `subset` rows of collect's chinchilla.csv (id `select.<variant>`). */
export function selectChinchillaStage(
  variant: string,
  subset: string,
): Stage<SelectChinchillaParams & Params> {
  return {
    name: "select_chinchilla",
    id: stageId("select", variant),
    module: import.meta.url,
    deps: ["collect"],
    params: { variant, subset },
    inputs: [],
    outputs: ["rows.csv", "select.json"],
    async run(ctx) {
      const path = `${ctx.deps["collect"]}/chinchilla.csv`;
      const rows = chinchillaRows(await readCsvObjects(path), ctx.params.subset, "collect/chinchilla.csv");
      await Deno.writeTextFile(
        `${ctx.outDir}/rows.csv`,
        formatCsv(
          SELECTED_COLUMNS,
          rows.map((r) => SELECTED_COLUMNS.map((c) => (c === "gpu_hours" ? "" : r[c]))),
        ),
      );
      const summary: SelectSummary = {
        variant: ctx.params.variant,
        rows: rows.length,
        runs: rows.length,
        subsets: [ctx.params.subset],
        paramsColumn: "params (Hoffmann et al.)",
        flopsColumn: "flops (Hoffmann et al.)",
        excludedRuns: [],
      };
      await Deno.writeTextFile(`${ctx.outDir}/select.json`, JSON.stringify(summary, null, 2) + "\n");
      ctx.log(
        `select ${ctx.params.variant}: ${rows.length} points of Hoffmann et al. (${ctx.params.subset})`,
      );
    },
  };
}
