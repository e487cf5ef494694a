/**
 * The `report` stage: every paper figure of one variant as Vega-Lite JSON, SVG and PNG, and one
 * self-contained offline HTML page (`index.html`) with captions and a "how to read" per figure; and the
 * Perceiver AR report (seed 000) on its own page, {@link perceiverReportStage}. Thin adapters: the inputs
 * they read are the rows of figures/inputs.ts (the stage's deps are their upstream nodes), the figures
 * those registered in figures/registry.ts, and the page is written by figures/variant_report.ts.
 * @module
 */
import type { Stage } from "../pipeline/stage.ts";
import { stageId } from "./schemas.ts";
import { FONT_PATH } from "../figures/font.ts";
import { MUP_SWEEP_PATH } from "../figures/specs/mup_sweep.ts";
import { defaultReportDeps, INDUSTRY_PATH, reportDepIds, type ReportDeps } from "../figures/inputs.ts";
import { type RainbowFit, writePerceiverReport, writeVariantReport } from "../figures/variant_report.ts";
import { AUTHORS_PARAMETER_DIRS } from "./importers/authors_parameters.ts";

export type { RainbowFit } from "../figures/variant_report.ts";

/** Parameters of the report stage. */
export type ReportParams = {
  /** Variant name. */
  variant: string;
  /** Variants of the rainbow, in order. */
  rainbowVariants: string[];
  /** Per rainbow variant, what its Eq. 1 fit was fitted on (set by the graph; absent: unknown). */
  rainbowFits: { [variant: string]: RainbowFit };
};

/**
 * Returns the report stage of one variant (id defaults to `report.<variant>`; node ids default to the
 * variant's own, figures/inputs.ts's defaultReportDeps); `rainbowFits` says what each rainbow variant's
 * Eq. 1 fit was fitted on, so the fits table can set it beside the authors' fit.
 */
export function reportStage(
  options: {
    variant: string;
    id?: string;
    deps?: Partial<ReportDeps>;
    rainbowFits?: Readonly<Record<string, RainbowFit>>;
  },
): Stage<ReportParams> {
  const deps: ReportDeps = { ...defaultReportDeps(options.variant), ...options.deps };
  return {
    name: "report",
    id: options.id ?? stageId("report", options.variant),
    module: import.meta.url,
    deps: reportDepIds(deps),
    params: {
      variant: options.variant,
      rainbowVariants: Object.keys(deps.rainbow),
      rainbowFits: { ...options.rainbowFits },
    },
    // The repository files behind the rows and the authors' fits are hashed into figures.json / fits.csv.
    inputs: [FONT_PATH, "data/gemstones/wandb_dfs", INDUSTRY_PATH, MUP_SWEEP_PATH, ...AUTHORS_PARAMETER_DIRS],
    outputs: ["index.html", "figures/"],
    run: (ctx) =>
      writeVariantReport(options.variant, deps, ctx.params.rainbowFits, {
        outDir: ctx.outDir,
        dirs: ctx.deps,
        root: ctx.root,
        log: (line) => ctx.log(line),
        progress: (done, total, what) => ctx.progress(done, total, what),
      }),
  };
}

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
