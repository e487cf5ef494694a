/**
 * The report of one variant, written from the upstream folders: read the
 * inputs (inputs.ts), draw the registered figures (registry.ts) with their fit-health notes, and write the
 * figures, `figures/fits.csv` and the page (write.ts, loaded only here because it loads the renderers).
 * The stage in stages/report.ts declares the graph and calls it; the Perceiver AR report is
 * figures/perceiver_report.ts.
 * @module
 */
import type { SelectSummary } from "../records/schemas.ts";
import { gridText } from "./specs/approach3.ts";
import { approach1Rows, approach2Rows, approach3Rows, type FitRow, fitsCsv, fitsHtml } from "./fits_table.ts";
import { approach2SectionHtml } from "./approach2_note.ts";
import { healthSectionHtml, type VariantVerdicts, withHealthNotes } from "./health.ts";
import { approach3Node, readReportInputs, type ReportDeps, type ReportInputs } from "./inputs.ts";
import { drawFigures } from "./figure_module.ts";
import { REPORT_FIGURES } from "./registry.ts";

/** What a rainbow fit was fitted on, for the fits table: its subsets and whether params drop embeddings. */
export type RainbowFit = {
  /** Subset files fitted. */
  subsets: string[];
  /** Whether params are counted without embeddings (the authors' `_no_embeds` files). */
  noEmbeds: boolean;
};

/** Returns whether a select summary counts params without embeddings. */
function noEmbeds(select: SelectSummary): boolean {
  return select.paramsColumn.startsWith("params_non_embedding");
}

/**
 * Returns the fits table rows of a report: Approach 1 (its rows' subsets), Approach 2's laws when fitted,
 * the variant's fit of every registered law form and the rainbow's Eq. 1 fits of other variants (their
 * subsets from `rainbowFits`), each beside the authors' published values found under `root`.
 */
export async function reportFitRows(
  inputs: Pick<ReportInputs, "approach1" | "approach1Rows" | "rows" | "approach2" | "fits" | "rainbow">,
  deps: ReportDeps,
  options: { root: string; rainbowFits?: Readonly<Record<string, RainbowFit>> },
): Promise<FitRow[]> {
  const root = options.root;
  const a1 = inputs.approach1Rows.summary;
  const rows: FitRow[] = [
    ...await approach1Rows(inputs.approach1, {
      fit: deps.approach1,
      subsets: a1.subsets,
      noEmbeds: noEmbeds(a1),
    }, root),
  ];
  const own = { subsets: inputs.rows.summary.subsets, noEmbeds: noEmbeds(inputs.rows.summary) };
  rows.push(...approach2Rows(inputs.approach2, { fit: deps.approach2, ...own }));
  const seen = new Set<string>();
  for (const [form, rec] of Object.entries(inputs.fits)) {
    const id = approach3Node(deps, form);
    seen.add(id);
    rows.push(...await approach3Rows(rec, { fit: id, ...own }, root));
  }
  for (const { variant, fit } of inputs.rainbow) {
    const id = deps.rainbow[variant];
    if (id === undefined || seen.has(id)) continue;
    seen.add(id);
    const ctx = options.rainbowFits?.[variant] ?? { subsets: [], noEmbeds: false };
    rows.push(...await approach3Rows(fit, { fit: id, ...ctx }, root));
  }
  return rows;
}

/** Where a report is written from and how it reports progress. */
export interface ReportRun {
  /** Output folder (index.html and figures/ are written in it). */
  readonly outDir: string;
  /** Upstream node id -> its output folder. */
  readonly dirs: Readonly<Record<string, string>>;
  /** Project root (repository data files are read under it). */
  readonly root: string;
  /** Logs one line. */
  log(line: string): void;
  /** Reports progress: figures rendered of the total. */
  progress(done: number, total: number, what: string): void;
}

/**
 * Writes the report of `variant` (every registered figure, the fits table, the Approach 2 note, the fit
 * health section and the excluded runs) from the upstream folders of `deps`.
 */
export async function writeVariantReport(
  variant: string,
  deps: ReportDeps,
  rainbowFits: Readonly<Record<string, RainbowFit>>,
  run: ReportRun,
): Promise<void> {
  const inputs = await readReportInputs(variant, deps, run.dirs, { root: run.root });
  const provenance = inputs.provenance;
  // Figures of runs that are not the published ones say so in every title and caption.
  const label = provenance.ownRuns ? `${variant}; ${provenance.source}` : variant;
  const verdicts: VariantVerdicts = {
    variant,
    fits: inputs.fits,
    backtest: inputs.backtest,
    approach1: inputs.approach1,
    rainbow: inputs.rainbow,
  };
  const figures = withHealthNotes(drawFigures(REPORT_FIGURES, inputs, { variant: label }), verdicts);
  const fitRows = await reportFitRows(inputs, deps, { root: run.root, rainbowFits });
  const select = inputs.rows.summary;
  run.progress(0, figures.length, "rendering figures");
  const { writeReport } = await import("./write.ts");
  const written = await writeReport(run.outDir, figures, {
    title: `Scaling-law report: variant ${variant}` +
      (provenance.ownRuns ? ` (this project's own runs)` : ""),
    intro: `The figures of the Gemstones paper (McLeish et al. 2025) in the paper's order, reproduced for ` +
      `variant "${variant}" (subsets ${
        select.subsets.join(", ")
      }; ${select.rows} rows of ${select.runs} runs; ` +
      `params column ${select.paramsColumn}, FLOPs column ${select.flopsColumn}). ` +
      `Each paper figure says which subset and law the authors drew it from, and each of ours which ` +
      `subset and law it uses. Data: ${provenance.source}. Approach 3 (Eq. 2) was fitted from ` +
      `${gridText(inputs.fits.eq2)}; the full grids are a parameter of the fit stages ` +
      `(stages/fit_approach3.ts), left out of the default so that a cold reproduce takes well under ` +
      `three minutes on two cores. Click a legend entry to highlight its line (shift-click for several).`,
    extraHtml: fitsHtml(fitRows) + approach2SectionHtml(inputs.approach2, { rows: select.rows }) +
      healthSectionHtml(verdicts) + provenance.excludedHtml +
      (inputs.perceiverValidation.length > 0
        ? `<p>The Perceiver AR runs (seed 000) have their own report: ` +
          `<a href="../report_perceiver/index.html">report_perceiver/index.html</a>.</p>`
        : ""),
    paperWalk: true,
    sources: inputs.sources,
    files: { "fits.csv": fitsCsv(fitRows) },
  });
  for (const [stem, ms] of Object.entries(written.renderMs)) {
    run.log(`rendered ${stem} in ${ms.toFixed(0)} ms`);
  }
  run.progress(figures.length, figures.length, "done");
}
