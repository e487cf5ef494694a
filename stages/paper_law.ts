/**
 * The `paper_law` stage: the paper variant's Eq. 2 (width-depth) Approach 3 fit of the shipped Gemstones
 * runs (collect's runs.csv, read from the collect node it is given), as `fit.json` — the default law the
 * simulate profile generates data from. Its own id keeps it apart from the profile's fit stages.
 * @module
 */
import type { Params, Stage } from "../pipeline/stage.ts";
import { type SelectParams, selectRows } from "./select.ts";
import { writeJson } from "./fit_common.ts";
import { type Approach3Params, approach3Record, type FitOptions, fitPointsOf } from "./fit_approach3.ts";
import { readRunsRows } from "../records/schemas.ts";

/** Parameters of `paper_law`: the Approach 3 options of Eq. 2 and the rows it fits. */
export type PaperLawParams = Approach3Params & {
  /** Which rows of runs.csv are fitted (the paper variant's selection). */
  select: SelectParams;
};

/**
 * Returns the stage "paper_law": Eq. 2 fitted with `options` on the rows `select` picks from the
 * collect node `collect` (default "paper_collect").
 */
export function paperLawStage(
  options: FitOptions,
  select: SelectParams,
  collect = "paper_collect",
): Stage<PaperLawParams & Params> {
  return {
    name: "paper_law",
    id: "paper_law",
    module: import.meta.url,
    deps: [collect],
    params: { ...options, variant: "paper", form: "eq2", select } as PaperLawParams & Params,
    inputs: [],
    outputs: ["fit.json"],
    async run(ctx) {
      const { select, ...fit } = ctx.params;
      const runs = await readRunsRows(`${ctx.deps[collect]}/runs.csv`);
      const rows = selectRows(runs, select);
      const record = approach3Record("paper", "eq2", fitPointsOf(rows, "eq2"), fit);
      await writeJson(ctx.outDir, "fit.json", record);
      ctx.log(
        `paper_law: Eq. 2 fitted on ${rows.length} rows, ${record.converged}/${record.starts} converged`,
      );
    },
  };
}
