/**
 * The Perceiver AR report (seed 000): its figures in order and the page, written from collect's
 * perceiver_val.csv. Its own module so that only `report_perceiver` (stages/report_perceiver.ts) reaches the
 * Perceiver AR counts: an edit there reruns that stage alone, not the Gemstones reports.
 * @module
 */
import type { FigureModule } from "./figure_module.ts";
import { drawFigures } from "./figure_module.ts";
import { type InputKey, readReportInputs, type ReportDeps } from "./inputs.ts";
import type { ReportRun } from "./variant_report.ts";
import { PERCEIVER_TABLES } from "./paper/perceiver_tables.ts";

/** The figures of the Perceiver AR report (seed 000). */
export const PERCEIVER_REPORT_FIGURES: readonly FigureModule<InputKey>[] = [
  PERCEIVER_TABLES,
];

/**
 * Writes the Perceiver AR report (seed 000's experiments, Tables 1-4) from collect's perceiver_val.csv
 * under node `deps.collect`; a collect without Perceiver runs gives a page saying so.
 */
export async function writePerceiverReport(deps: ReportDeps, run: ReportRun): Promise<void> {
  const inputs = await readReportInputs("perceiver", deps, run.dirs, {
    root: run.root,
    keys: ["perceiverValidation", "perceiverEstimates"],
  });
  const figures = drawFigures(PERCEIVER_REPORT_FIGURES, inputs, { variant: "perceiver" });
  const { writeReport } = await import("./write.ts");
  await writeReport(run.outDir, figures, {
    title: "Perceiver AR compute-optimal scaling (seed 000)",
    intro: figures.length > 0
      ? "Martin Krasser's Perceiver AR scaling experiments (seed 000): the article's Tables 1-4, its " +
        "compute-optimal laws and N_opt predictions beside ours, and the validation loss of every run " +
        "against its training FLOPs over the self-attention budget (the article's x axis), from the shipped " +
        "TensorBoard exports."
      : "No Perceiver AR validation losses were collected (data/krasserm-perceiver-ar is absent).",
    sources: inputs.sources,
  });
}
