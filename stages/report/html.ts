/**
 * The self-contained HTML report: one page that works offline from `file://`. Each figure is inlined
 * twice: as pre-rendered SVG (shown without JavaScript) and as its compiled Vega spec, which the
 * inlined Vega runtime (read from node_modules) re-renders as interactive SVG with tooltips. A
 * Content-Security-Policy forbids every network fetch.
 * @module
 */
import { escapeHtml, type Figure, figureStem } from "./figures/common.ts";
import { packageFile, type RenderedFigure } from "./render.ts";

/** A figure with its renderings, ready for the page. */
export interface PageFigure {
  /** The figure (title, caption, how to read, spec). */
  readonly figure: Figure;
  /** Its renderings. */
  readonly rendered: RenderedFigure;
}

/** Options of {@link buildReportHtml}. */
export interface PageOptions {
  /** Page title. */
  readonly title: string;
  /** Intro paragraph (plain text). */
  readonly intro: string;
  /** Extra HTML appended after the figures (already escaped), e.g. coefficient tables. */
  readonly extraHtml?: string;
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
nav a { margin-right: 1em; font-size: 0.9em; }
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

/** Returns the report page: every figure with caption, "how to read" and tables; libraries inlined. */
export async function buildReportHtml(figures: readonly PageFigure[], options: PageOptions): Promise<string> {
  const runtime = await loadVegaRuntime();
  const nav = figures.map(({ figure }) => `<a href="#fig-${figure.number}">${figure.number}</a>`).join("");
  const sections = figures.map(({ figure, rendered }) => {
    const stem = figureStem(figure);
    return `<section class="figure" id="fig-${figure.number}">
<h2>${escapeHtml(figure.title)}</h2>
<div class="view" id="view-${stem}" data-spec="spec-${stem}">${rendered.svg}</div>
<p class="caption">${escapeHtml(figure.caption)}</p>
<details open><summary>How to read this figure</summary><p>${escapeHtml(figure.howToRead)}</p></details>
${figure.tablesHtml ?? ""}
<script type="application/json" id="spec-${stem}">${jsonForScript(withoutSchema(rendered.vega))}</script>
</section>`;
  }).join("\n");
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
<nav>Figures: ${nav}</nav>
${sections}
${options.extraHtml ?? ""}
<script>${scriptSafe(runtime)}</script>
<script>${EMBED}</script>
</body>
</html>
`;
}
