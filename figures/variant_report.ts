/**
 * The report of one variant, written from the upstream folders: read the
 * inputs (inputs.ts), draw the registered figures (registry.ts) with their fit-health notes, and write the
 * figures, `figures/fits.csv` and the page (write.ts, loaded only here because it loads the renderers).
 * The stage in stages/report.ts declares the graph and calls it; the Perceiver AR report is
 * figures/perceiver_report.ts.
 * @module
 */
import type { Approach1Record, Approach3Record, SelectSummary } from "../records/schemas.ts";
import { gridText } from "./specs/approach3.ts";
import {
  approach1Rows,
  approach2Rows,
  approach3Rows,
  drawnFitIds,
  drawnLawIds,
  type FitRow,
  fitsCsv,
  fitsHtml,
  gridSizeRows,
  sensitivityRows,
} from "./fits_table.ts";
import { readRecord } from "./load.ts";
import { approach2SectionHtml, readApproach2Record } from "./approach2_note.ts";
import { healthSectionHtml, type VariantVerdicts, withHealthNotes } from "./health.ts";
import {
  approach3Node,
  isLawNode,
  readReportInputs,
  type ReportDeps,
  type ReportInputs,
  selectOfLaw,
} from "./inputs.ts";
import { drawReportFigures } from "./figure_module.ts";
import { REPORT_FIGURES } from "./registry.ts";

/** Returns whether a select summary counts params without embeddings. */
function noEmbeds(select: SelectSummary): boolean {
  return select.paramsColumn.startsWith("params_non_embedding");
}

/** Returns the fits table rows of the law fit in node `id` (Approach 1, 2 or 3), its context read from its select node. */
async function lawRows(id: string, dir: (id: string) => string, root: string): Promise<FitRow[]> {
  const select = await readRecord<SelectSummary>(`${dir(selectOfLaw(id))}/select.json`);
  const ctx = { fit: id, subsets: select.subsets, noEmbeds: noEmbeds(select) };
  if (id.startsWith("approach1.")) {
    return approach1Rows(
      await readRecord<Approach1Record>(`${dir(id)}/approach1.json`, "approach1"),
      ctx,
      root,
    );
  }
  if (id.startsWith("approach2.")) {
    return approach2Rows(await readApproach2Record(`${dir(id)}/approach2.json`), ctx);
  }
  return approach3Rows(await readRecord<Approach3Record>(`${dir(id)}/fit.json`, "approach3"), ctx, root);
}

/**
 * Returns the fits table rows of a report: the variant's own fits (Approach 1 on its rows' subsets,
 * Approach 2's laws when fitted, every registered law form), then every other law the drawn figures
 * read (`drawn`, node ids from their provenance: {@link drawnFitIds}), each beside the authors'
 * published values found under `root`. A law node's subsets and params convention come from its select
 * node's select.json; the grid-size study and the tornado are rows of their records.
 */
export async function reportFitRows(
  inputs: Pick<
    ReportInputs,
    "approach1" | "approach1Rows" | "rows" | "approach2" | "fits" | "gridSizeStudy" | "sensitivity"
  >,
  deps: ReportDeps,
  drawn: readonly string[],
  options: { root: string; dirs: Readonly<Record<string, string>> },
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
  const seen = new Set<string>([deps.approach1, deps.approach2]);
  for (const [form, rec] of Object.entries(inputs.fits)) {
    const id = approach3Node(deps, form);
    seen.add(id);
    rows.push(...await approach3Rows(rec, { fit: id, ...own }, root));
  }
  const dir = (id: string): string => {
    const d = options.dirs[id];
    if (d === undefined) {
      throw new Error(`report: the law fit "${id}" a figure draws is not among the report stage's deps`);
    }
    return d;
  };
  const studies = [deps.gridSizeStudy, deps.sensitivity].filter((id) => id !== undefined);
  for (const id of drawnLawIds(drawn, studies)) {
    if (seen.has(id)) continue;
    seen.add(id);
    if (id === deps.gridSizeStudy && inputs.gridSizeStudy !== undefined) {
      rows.push(...gridSizeRows(inputs.gridSizeStudy, id));
    } else if (id === deps.sensitivity && inputs.sensitivity !== undefined) {
      rows.push(...sensitivityRows(inputs.sensitivity, id));
    } else if (isLawNode(id)) {
      rows.push(...await lawRows(id, dir, root));
    }
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
  const drawn = drawReportFigures(REPORT_FIGURES, inputs, { variant: label });
  const figures = withHealthNotes(drawn.figures, verdicts);
  // Every law a drawn figure reads, from the figures' provenance: the list cannot drift from the figures.
  const drawnFits = drawnFitIds(figures, inputs.sources);
  const fitRows = await reportFitRows(inputs, deps, drawnFits, { root: run.root, dirs: run.dirs });
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
    notDrawn: drawn.notDrawn,
    sources: inputs.sources,
    files: { "fits.csv": fitsCsv(fitRows) },
  });
  for (const [stem, ms] of Object.entries(written.renderMs)) {
    run.log(`rendered ${stem} in ${ms.toFixed(0)} ms`);
  }
  run.progress(figures.length, figures.length, "done");
}
