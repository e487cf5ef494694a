/**
 * Renders figures and writes them with the HTML page into an output folder: for each figure
 * `figures/<nn>-<name>.vl.json`, `.svg` and `.png`, plus `figures.json` (titles and captions) and
 * `index.html`. Every file is written to a temporary name and renamed into place.
 * @module
 */
import { type Figure, figureStem } from "./figures/common.ts";
import { buildReportHtml, type PageFigure, type PageOptions } from "./html.ts";
import { renderFigure } from "./render.ts";
import { writeFileAtomic } from "../../util/fs.ts";

/** What {@link writeReport} wrote. */
export interface WrittenReport {
  /** Absolute path of index.html. */
  readonly html: string;
  /** Stems of the figures written, in order. */
  readonly stems: readonly string[];
  /** Milliseconds spent rendering each figure (stem -> ms). */
  readonly renderMs: Readonly<Record<string, number>>;
}

/** Renders every figure and writes the figure files and `index.html` under `outDir`; returns what it wrote. */
export async function writeReport(
  outDir: string,
  figures: readonly Figure[],
  page: PageOptions,
): Promise<WrittenReport> {
  const figDir = `${outDir}/figures`;
  await Deno.mkdir(figDir, { recursive: true });
  const pageFigures: PageFigure[] = [];
  const renderMs: Record<string, number> = {};
  for (const figure of figures) {
    const stem = figureStem(figure);
    const t0 = performance.now();
    const rendered = await renderFigure(figure.spec, `figure ${figure.number} (${figure.name})`);
    renderMs[stem] = performance.now() - t0;
    await writeFileAtomic(`${figDir}/${stem}.vl.json`, JSON.stringify(figure.spec, null, 1) + "\n");
    await writeFileAtomic(`${figDir}/${stem}.svg`, rendered.svg);
    await writeFileAtomic(`${figDir}/${stem}.png`, rendered.png);
    pageFigures.push({ figure, rendered });
  }
  const manifest = figures.map((f) => ({
    number: f.number,
    name: f.name,
    stem: figureStem(f),
    title: f.title,
    caption: f.caption,
    howToRead: f.howToRead,
  }));
  await writeFileAtomic(`${figDir}/figures.json`, JSON.stringify(manifest, null, 1) + "\n");
  const html = `${outDir}/index.html`;
  await writeFileAtomic(html, await buildReportHtml(pageFigures, page));
  return { html, stems: figures.map(figureStem), renderMs };
}
