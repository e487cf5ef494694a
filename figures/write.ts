/**
 * Renders figures and writes them with the HTML page into an output folder: for each figure
 * `figures/<stem>.vl.json`, `.svg` and `.png` (stems named after the paper figure, e.g.
 * `fig05-approach3`), plus `figures.json` (per figure: its paper figure, title, caption, the one line
 * "subset · law", the files it was drawn from with SHA-256 and the fit records it uses), any extra
 * files (e.g. `fits.csv`) and `index.html`. Multi-line figures get legend-click highlighting. Every
 * file is written to a temporary name and renamed into place.
 * @module
 */
import { type Figure, figureStem, withLegendHighlight } from "./specs/common.ts";
import { buildReportHtml, displayTitle, type PageFigure, type PageOptions } from "./html.ts";
import { renderFigure } from "./render.ts";
import { writeFileAtomic } from "../util/fs.ts";
import { figureProvenance, type InputSource } from "./sources.ts";

/** What {@link writeReport} wrote. */
export interface WrittenReport {
  /** Absolute path of index.html. */
  readonly html: string;
  /** Stems of the figures written, in order. */
  readonly stems: readonly string[];
  /** Milliseconds spent rendering each figure (stem -> ms). */
  readonly renderMs: Readonly<Record<string, number>>;
}

/** Options of {@link writeReport}: the page's, plus the report's sources and extra files. */
export interface ReportOptions extends PageOptions {
  /**
   * The report's inputs by key (figures/sources.ts); every figure's `reads` must name keys of it. Absent:
   * figures must read nothing (a report without inputs, e.g. a test page).
   */
  readonly sources?: Readonly<Record<string, InputSource>>;
  /** Extra files written beside the figures, `figures/<name>` -> text (e.g. "fits.csv"). */
  readonly files?: Readonly<Record<string, string>>;
}

/**
 * Returns `spec` with its title prefixed by the paper figure (`"Figure 5 · "` + title; a title object's
 * `text` likewise), so a PNG on its own says which paper figure it reproduces. Figures of no paper number
 * (e.g. the Perceiver AR tables) keep their title. The input is not modified.
 */
export function withPaperTitle(
  spec: Record<string, unknown>,
  figure: Pick<Figure, "paperFigure">,
): Record<string, unknown> {
  if (!/^D?\d/.test(figure.paperFigure)) return spec;
  const prefix = `Figure ${figure.paperFigure} · `;
  const title = spec.title;
  if (typeof title === "string") return { ...spec, title: prefix + title };
  if (title !== null && typeof title === "object" && typeof (title as { text?: unknown }).text === "string") {
    return { ...spec, title: { ...title, text: prefix + (title as { text: string }).text } };
  }
  return { ...spec, title: `Figure ${figure.paperFigure}` };
}

/** Renders every figure and writes the figure files and `index.html` under `outDir`; returns what it wrote. */
export async function writeReport(
  outDir: string,
  figures: readonly Figure[],
  page: ReportOptions,
): Promise<WrittenReport> {
  const figDir = `${outDir}/figures`;
  await Deno.mkdir(figDir, { recursive: true });
  const stems = figures.map(figureStem);
  const dup = stems.find((s, i) => stems.indexOf(s) !== i);
  if (dup !== undefined) throw new Error(`report: two figures have the stem "${dup}"`);
  // Provenance first: a figure reading an input the report lacks fails before anything is rendered.
  const provenance = figures.map((f) => figureProvenance(f, page.sources ?? {}));
  const pageFigures: PageFigure[] = [];
  const renderMs: Record<string, number> = {};
  for (const [i, figure] of figures.entries()) {
    const stem = stems[i];
    const spec = withPaperTitle(withLegendHighlight(figure.spec), figure);
    const t0 = performance.now();
    const rendered = await renderFigure(spec, `figure ${figure.paperFigure} (${figure.name})`);
    renderMs[stem] = performance.now() - t0;
    await writeFileAtomic(`${figDir}/${stem}.vl.json`, JSON.stringify(spec, null, 1) + "\n");
    await writeFileAtomic(`${figDir}/${stem}.svg`, rendered.svg);
    await writeFileAtomic(`${figDir}/${stem}.png`, rendered.png);
    pageFigures.push({ figure, rendered, provenance: provenance[i] });
  }
  const manifest = figures.map((f, i) => ({
    paperFigure: f.paperFigure,
    name: f.name,
    stem: stems[i],
    title: displayTitle(f),
    basis: provenance[i].basis,
    files: provenance[i].files,
    fits: provenance[i].fits,
    caption: f.caption,
    howToRead: f.howToRead,
  }));
  await writeFileAtomic(`${figDir}/figures.json`, JSON.stringify(manifest, null, 1) + "\n");
  for (const [name, text] of Object.entries(page.files ?? {})) {
    if (name.includes("/") || name === "figures.json") {
      throw new Error(`report: bad extra file name "${name}"`);
    }
    await writeFileAtomic(`${figDir}/${name}`, text);
  }
  const html = `${outDir}/index.html`;
  await writeFileAtomic(html, await buildReportHtml(pageFigures, page));
  return { html, stems, renderMs };
}
