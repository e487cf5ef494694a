/**
 * The `report_perceiver` stage: the Perceiver AR runs (seed 000) on a page of their own, apart from the
 * Gemstones report. A thin adapter over figures/perceiver_report.ts, in its own module so that an edit of the
 * Perceiver AR counts reruns this stage alone.
 * @module
 */
import type { Stage } from "../pipeline/stage.ts";
import { FONT_PATH } from "../figures/font.ts";
import { defaultReportDeps } from "../figures/inputs.ts";
import { writePerceiverReport } from "../figures/perceiver_report.ts";

/** Parameters of the Perceiver AR report stage (none: it reads collect's perceiver_val.csv). */
export type PerceiverReportParams = Record<string, never>;

/**
 * Returns the Perceiver AR report stage (id `report_perceiver`): seed 000's experiments (validation
 * loss against self-attention compute, Tables 1-4) on their own page, apart from the Gemstones report.
 * Depends on `collect` (its perceiver_val.csv); a collect without Perceiver runs gives a page saying so.
 */
export function perceiverReportStage(options: { collect?: string } = {}): Stage<PerceiverReportParams> {
  const collect = options.collect ?? "collect";
  return {
    name: "report_perceiver",
    id: "report_perceiver",
    module: import.meta.url,
    deps: [collect],
    params: {},
    inputs: [FONT_PATH],
    outputs: ["index.html", "figures/"],
    run: (ctx) =>
      // Only the perceiverValidation input is read: of the deps, only `collect` is used.
      writePerceiverReport({ ...defaultReportDeps("perceiver"), collect }, {
        outDir: ctx.outDir,
        dirs: ctx.deps,
        root: ctx.root,
        log: (line) => ctx.log(line),
        progress: (done, total, what) => ctx.progress(done, total, what),
      }),
  };
}
