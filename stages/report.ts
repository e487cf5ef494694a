/**
 * The `report` stage: every paper figure of one variant as Vega-Lite JSON, SVG and PNG, and one
 * self-contained offline HTML page (`index.html`) with captions and a "how to read" per figure. A thin
 * adapter: the inputs it reads are the rows of figures/inputs.ts (the stage's deps are their upstream
 * nodes), the figures those registered in figures/registry.ts, and the page is written by
 * figures/variant_report.ts. The Perceiver AR report (seed 000) is stages/report_perceiver.ts.
 * @module
 */
import type { Stage } from "../pipeline/stage.ts";
import { stageId } from "../records/schemas.ts";
import { FONT_PATH } from "../figures/font.ts";
import { MUP_SWEEP_PATH } from "../figures/specs/mup_sweep.ts";
import { defaultReportDeps, INDUSTRY_PATH, reportDepIds, type ReportDeps } from "../figures/inputs.ts";
import { writeVariantReport } from "../figures/variant_report.ts";
import { AUTHORS_PARAMETER_DIRS } from "../records/importers/authors_parameters.ts";

/** Parameters of the report stage. */
export type ReportParams = {
  /** Variant name. */
  variant: string;
  /** Variants of the rainbow, in order. */
  rainbowVariants: string[];
  /** Fit key -> the authors' stored counterpart drawn beside it (deps.authorsLaws; part of the fingerprint). */
  authorsLaws: { [key: string]: string };
};

/**
 * Returns the report stage of one variant (id defaults to `report.<variant>`; node ids default to the
 * variant's own, figures/inputs.ts's defaultReportDeps). The fits table reads what each law it lists was
 * fitted on from that law's select node, a dep of the stage (figures/inputs.ts reportDepIds).
 */
export function reportStage(
  options: {
    variant: string;
    id?: string;
    deps?: Partial<ReportDeps>;
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
      authorsLaws: { ...deps.authorsLaws },
    },
    // The repository files behind the rows and the authors' fits are hashed into figures.json / fits.csv.
    inputs: [FONT_PATH, "data/gemstones/wandb_dfs", INDUSTRY_PATH, MUP_SWEEP_PATH, ...AUTHORS_PARAMETER_DIRS],
    outputs: ["index.html", "figures/"],
    run: (ctx) =>
      writeVariantReport(options.variant, deps, {
        outDir: ctx.outDir,
        dirs: ctx.deps,
        root: ctx.root,
        log: (line) => ctx.log(line),
        progress: (done, total, what) => ctx.progress(done, total, what),
      }),
  };
}
