/**
 * What the notebooks display, as Jupyter MIME bundles: a figure as its Vega-Lite spec with a PNG fallback
 * (rendered offline by figures/render.ts, so it shows in JupyterLab, VS Code and on GitHub), and a table of
 * numbers as Markdown with the same numbers, unrounded, under {@link VALUES_MIME} (front ends do not show
 * that type; tests/notebooks_test.ts reads it from the executed notebooks and compares it with the
 * library's results). The bundle builders are pure; {@link showFigure}, {@link showTable}, {@link showBundle}
 * and {@link showText} send them with `Deno.jupyter.display` (or print), which exists only inside the Deno
 * Jupyter kernel, and then wait {@link SETTLE_MS}.
 *
 * Why the wait: Deno 2.9's kernel evaluates a cell on one thread and forwards its displays to Jupyter from
 * another, so a cell that ends right after a display can report "idle" before that display is sent, and
 * nbconvert then drops it. On a loaded 2-core machine this lost a cell's last table about once in 20 cells
 * (seen in CI, and reproduced with four busy loops). Every output of the notebooks goes through these
 * helpers, so each is followed by a pause that gives the forwarding thread time to send it first.
 * @module
 */
import { renderFigure, type VlSpec } from "../figures/render.ts";

/** The MIME type of a Vega-Lite spec that JupyterLab and VS Code render. */
export const VEGALITE_MIME = "application/vnd.vegalite.v5+json";

/** The MIME type carrying a table's unrounded values (shown by no front end; read by the notebook test). */
export const VALUES_MIME = "application/vnd.gemstones-deno.values+json";

/** One cell of a displayed table: a number (shown with 5 significant digits), a string or a boolean. */
export type Cell = number | string | boolean | null;

/** A table as the notebook test reads it back: its id, title and rows. */
export interface ValuesTable {
  /** Stable id the test looks the table up by, e.g. "eq1.fit". */
  readonly id: string;
  /** Title shown above the table. */
  readonly title: string;
  /** Rows, each column name -> value. */
  readonly rows: readonly Readonly<Record<string, Cell>>[];
}

/** A Jupyter MIME bundle: MIME type -> data (strings, or JSON objects for `+json` types). */
export type MimeBundle = Record<string, string | object>;

/**
 * Returns a cell as the notebooks print it: an integer below a million as it is, any other number with 5
 * significant digits (as `deno task fit` prints its summary).
 */
export function formatCell(value: Cell): string {
  if (typeof value === "number") {
    if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
    return Number.isFinite(value) ? value.toPrecision(5) : String(value);
  }
  if (value === null) return "–";
  return String(value);
}

/** Returns the text of a Markdown table cell: pipes escaped, newlines flattened. */
function markdownCell(value: Cell): string {
  return formatCell(value).replaceAll("|", "\\|").replaceAll("\n", " ");
}

/** Returns the Markdown (a heading line and a table with every column of every row) of `table`. */
export function tableMarkdown(table: ValuesTable): string {
  const columns = [...new Set(table.rows.flatMap((r) => Object.keys(r)))];
  if (columns.length === 0) return `**${table.title}**\n\n(no rows)`;
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [
    `**${table.title}**`,
    "",
    line(columns),
    line(columns.map(() => "---")),
    ...table.rows.map((r) => line(columns.map((c) => markdownCell(r[c] ?? null)))),
  ].join("\n");
}

/** Returns the bundle of a table: Markdown and plain text for people, the unrounded rows for the test. */
export function tableBundle(table: ValuesTable): MimeBundle {
  const markdown = tableMarkdown(table);
  return {
    "text/markdown": markdown,
    "text/plain": markdown,
    [VALUES_MIME]: { id: table.id, title: table.title, rows: table.rows },
  };
}

/** Returns `bytes` encoded as base64 (what Jupyter expects for `image/png`). */
export function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Returns the bundle of a figure: the Vega-Lite spec, its PNG (base64) and its title as plain text. */
export function figureBundle(spec: VlSpec, png: Uint8Array, title: string): MimeBundle {
  return { [VEGALITE_MIME]: spec, "image/png": base64(png), "text/plain": title };
}

/** Milliseconds each helper waits after an output, so the kernel sends it before the cell ends (see above). */
export const SETTLE_MS = 50;

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

/** Displays a MIME bundle as it is, then waits {@link SETTLE_MS}. */
export async function showBundle(bundle: MimeBundle): Promise<void> {
  await Deno.jupyter.display(bundle, { raw: true });
  await settle();
}

/** Prints `text` as the cell's standard output, then waits {@link SETTLE_MS}. */
export async function showText(text: string): Promise<void> {
  console.log(text);
  await settle();
}

/** Renders a Vega-Lite spec to PNG and displays it with the spec as one bundle. */
export async function showFigure(spec: VlSpec, title: string): Promise<void> {
  const rendered = await renderFigure(spec, title);
  await showBundle(figureBundle(spec, rendered.png, title));
}

/** Displays a table (Markdown for people, the unrounded values for the notebook test). */
export async function showTable(table: ValuesTable): Promise<void> {
  await showBundle(tableBundle(table));
}
