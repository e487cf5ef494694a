/**
 * The self-contained HTML report: one page that works offline from `file://`. Each figure is inlined
 * twice: as pre-rendered SVG (shown without JavaScript) and as its compiled Vega spec, which the
 * inlined Vega runtime (read from node_modules) re-renders as interactive SVG with tooltips. A
 * Content-Security-Policy forbids every network fetch.
 * @module
 */
import { escapeHtml, type Figure, figureStem } from "./specs/common.ts";
import { packageFile, type RenderedFigure } from "./render.ts";
import type { FigureProvenance } from "./sources.ts";
import { PAPER_FIGURES } from "./paper_figures.ts";

/** A figure with its renderings, ready for the page. */
export interface PageFigure {
  /** The figure (title, caption, how to read, spec). */
  readonly figure: Figure;
  /** Its renderings. */
  readonly rendered: RenderedFigure;
  /** Where it was drawn from (absent: no provenance line). */
  readonly provenance?: FigureProvenance;
}

/** Returns the title shown for a figure: "Figure 5. <title>" for a numbered figure, else the title. */
export function displayTitle(figure: Pick<Figure, "paperFigure" | "title">): string {
  return /^D?\d/.test(figure.paperFigure) ? `Figure ${figure.paperFigure}. ${figure.title}` : figure.title;
}

/** Options of {@link buildReportHtml}. */
export interface PageOptions {
  /** Page title. */
  readonly title: string;
  /** Intro paragraph (plain text). */
  readonly intro: string;
  /** Extra HTML appended after the figures (already escaped), e.g. coefficient tables. */
  readonly extraHtml?: string;
  /**
   * Walk through the Gemstones paper's figures in order (report/paper_figures.ts): each paper figure
   * gets a section with the authors' subset and law, then ours (or "not reproduced"); figures of other
   * numbers follow. Default false: the figures in the order given.
   */
  readonly paperWalk?: boolean;
  /** In a paper walk: paper figure -> why this report does not draw it (said in its section). */
  readonly notDrawn?: Readonly<Record<string, string>>;
}

let vegaRuntime: string | undefined;

/** Returns the text of the Vega runtime (`vega.min.js`) from node_modules, read once. */
export async function loadVegaRuntime(): Promise<string> {
  if (!vegaRuntime) {
    const path = packageFile("vega", "./vega.min.js");
    try {
      vegaRuntime = await Deno.readTextFile(path);
    } catch (e) {
      throw new Error(`report: cannot read the Vega runtime at ${path}: ${(e as Error).message}`);
    }
  }
  return vegaRuntime;
}

/** Returns `s` safe to place inside a `<script>` element (no closing tag, no HTML comment openers). */
export function scriptSafe(s: string): string {
  return s.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

/** Returns JSON text safe inside `<script type="application/json">` ("<" escaped as \u003c). */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

const STYLE = `
body { font-family: "DejaVu Sans", Verdana, sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 2.5em; border-bottom: 1px solid #ddd; }
.view { overflow-x: auto; } .caption { font-size: 0.92em; color: #333; }
details { font-size: 0.9em; background: #f7f7f7; padding: 0.4em 0.8em; margin: 0.6em 0; }
table.data { border-collapse: collapse; font-size: 0.8em; margin: 1em 0; }
table.data td, table.data th { border: 1px solid #ccc; padding: 2px 6px; text-align: right; }
table.data caption { text-align: left; font-weight: bold; padding: 4px 0; }
#fits table.data td { white-space: nowrap; }
nav a { margin-right: 1em; font-size: 0.9em; }
p.basis { font-size: 0.9em; color: #444; margin: 0.2em 0 0.6em; }
section.paper > h2 { color: #222; } section.paper p.authors { font-size: 0.9em; color: #555; }
p.missing { font-style: italic; color: #8a4b00; }
section.figure h3 { font-size: 1.05em; margin: 1.4em 0 0.3em; }
`;

const EMBED = `
(function () {
  if (typeof vega === "undefined") { console.error("report: the Vega runtime did not load"); return; }
  document.querySelectorAll("div.view[data-spec]").forEach(function (el) {
    var spec = JSON.parse(document.getElementById(el.getAttribute("data-spec")).textContent);
    var runtime = vega.parse(spec);
    el.textContent = "";
    var view = new vega.View(runtime, { renderer: "svg", container: el, hover: true });
    view.runAsync().then(function () {
      el.setAttribute("data-rendered", "vega");
    }).catch(function (e) { console.error("report: figure " + el.id + ": " + e); });
  });
})();
`;

/** Returns a Vega spec without its `$schema` URL (the page holds no external URL of its own). */
export function withoutSchema(spec: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _schema, ...rest } = spec;
  return rest;
}

function figureSection({ figure, rendered, provenance }: PageFigure, heading: "h2" | "h3"): string {
  const stem = figureStem(figure);
  const basis = provenance === undefined
    ? ""
    : `<p class="basis"><b>Ours:</b> ${escapeHtml(provenance.basis)}</p>\n`;
  return `<section class="figure" id="${stem}">
<${heading}>${escapeHtml(displayTitle(figure))}</${heading}>
${basis}<div class="view" id="view-${stem}" data-spec="spec-${stem}">${rendered.svg}</div>
<p class="caption">${escapeHtml(figure.caption)}</p>
<details open><summary>How to read this figure</summary><p>${escapeHtml(figure.howToRead)}</p></details>
${figure.tablesHtml ?? ""}
<script type="application/json" id="spec-${stem}">${jsonForScript(withoutSchema(rendered.vega))}</script>
</section>`;
}

/** Returns the body sections and the nav links of a paper walk (see {@link PageOptions.paperWalk}). */
function paperWalk(
  figures: readonly PageFigure[],
  notDrawn: Readonly<Record<string, string>>,
): { sections: string; nav: string } {
  const parts: string[] = [];
  const nav: string[] = [];
  const listed = new Set(PAPER_FIGURES.map((p) => p.number));
  for (const p of PAPER_FIGURES) {
    const ours = figures.filter((f) => f.figure.paperFigure === p.number);
    if (p.aside !== undefined && ours.length === 0) {
      // Aside on purpose (the overview diagram, Figure 20): one line saying why, no nav entry.
      if (p.number !== "1") {
        parts.push(`<section class="paper aside" id="paper-${p.number}">
<h2>Paper Figure ${p.number}: ${escapeHtml(p.topic)}</h2>
<p class="missing">Aside: ${escapeHtml(p.aside)}.</p>
</section>`);
      }
      continue;
    }
    nav.push(`<a href="#paper-${p.number}">${p.number}</a>`);
    const why = notDrawn[p.number];
    const body = ours.length > 0
      ? ours.map((f) => figureSection(f, "h3")).join("\n")
      : why !== undefined
      ? `<p class="missing">Not drawn: ${escapeHtml(why)}.</p>`
      : `<p class="missing">Not reproduced in this report yet.</p>`;
    parts.push(`<section class="paper" id="paper-${p.number}">
<h2>Paper Figure ${p.number}: ${escapeHtml(p.topic)}</h2>
<p class="authors"><b>Authors:</b> ${escapeHtml(p.authors)}</p>
${body}
</section>`);
  }
  const others = figures.filter((f) => !listed.has(f.figure.paperFigure));
  for (const f of others) {
    nav.push(`<a href="#${figureStem(f.figure)}">${escapeHtml(f.figure.paperFigure)}</a>`);
    parts.push(figureSection(f, "h2"));
  }
  return { sections: parts.join("\n"), nav: nav.join("") };
}

/** Returns the report page: every figure with caption, "how to read" and tables; libraries inlined. */
export async function buildReportHtml(figures: readonly PageFigure[], options: PageOptions): Promise<string> {
  const runtime = await loadVegaRuntime();
  const walk = options.paperWalk ? paperWalk(figures, options.notDrawn ?? {}) : {
    sections: figures.map((f) => figureSection(f, "h2")).join("\n"),
    nav: figures.map(({ figure }) => `<a href="#${figureStem(figure)}">${escapeHtml(figure.paperFigure)}</a>`)
      .join(""),
  };
  const nav = walk.nav;
  const sections = walk.sections;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:; font-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(options.title)}</h1>
<p>${escapeHtml(options.intro)}</p>
<nav>${options.paperWalk ? "Paper figures" : "Figures"}: ${nav}</nav>
${sections}
${options.extraHtml ?? ""}
<script>${scriptSafe(runtime)}</script>
<script>${EMBED}</script>
</body>
</html>
`;
}
