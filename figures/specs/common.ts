/**
 * Shared pieces of the figure functions: the figure record, the common Vega-Lite config, number
 * formatting for captions, and the published reference prescriptions (Hoffmann, Epoch, Kaplan).
 * @module
 */
import type { VlSpec } from "../render.ts";
export * from "./axes.ts";

/** One figure of the report: a Vega-Lite spec plus the text around it and what it was drawn from. */
export interface Figure {
  /**
   * The paper figure it reproduces, as the paper numbers it: "2".."24" for the Gemstones paper (seed
   * 002); a figure of another source says so in its title (the Perceiver AR article, seed 000, has
   * "tables-1-4"); the diff report's own figures are "D1", "D2". The report is ordered by this number
   * and the files are named after it.
   */
  readonly paperFigure: string;
  /** File-name stem after the paper number, e.g. "approach1" (files are `fig<nn>-<name>.*`). */
  readonly name: string;
  /** Title shown above the figure, without the figure number (the frame prefixes "Figure N."). */
  readonly title: string;
  /**
   * The report inputs it is drawn from, as keys of the report's sources (`rows`, `approach1Rows`,
   * `industry`, `approach1`, `eq1`, `eq2`, `eq3`, `prescriptions`, `overtraining`, `overspend`, `rainbow`,
   * `perceiverValidation`, `lrSweep`, or a key a figure's own input adds). The frame turns them into
   * the files (path, SHA-256), the fit records and the one line "subset · law" of the figure.
   */
  readonly reads: readonly string[];
  /** Caption: fitted numbers, data subset and variant. */
  readonly caption: string;
  /** A short "how to read this figure". */
  readonly howToRead: string;
  /** The Vega-Lite spec. */
  readonly spec: VlSpec;
  /** Optional HTML tables shown under the figure (already escaped HTML). */
  readonly tablesHtml?: string;
}

/**
 * A figure as a builder of figures/specs/ returns it: everything but `reads`, which only the frame sets
 * (from the figure module's `reads`, figures/figure_module.ts; the diff report from its own inputs), so that
 * a figure's provenance is declared once.
 */
export type FigureDraft = Omit<Figure, "reads">;

/** Returns the numeric part of a paper figure ("5" -> 5, "tables-1-4" -> Infinity), for ordering. */
export function paperFigureOrder(paperFigure: string): number {
  const m = /^(\d+)/.exec(paperFigure);
  return m ? Number(m[1]) : Infinity;
}

/**
 * Returns the file-name stem of a figure: `fig<nn>-<name>` for a numbered paper figure
 * (e.g. "fig05-approach3"), else `<paperFigure>-<name>`.
 */
export function figureStem(fig: Pick<Figure, "paperFigure" | "name">): string {
  const m = /^(\d+)(.*)$/.exec(fig.paperFigure);
  return m ? `fig${m[1].padStart(2, "0")}${m[2]}-${fig.name}` : `${fig.paperFigure}-${fig.name}`;
}

/** Returns the figures ordered as the paper orders them (stable for figures of one paper figure). */
export function inPaperOrder<T extends Pick<Figure, "paperFigure">>(figures: readonly T[]): T[] {
  return figures.map((f, i) => ({ f, i }))
    .sort((a, b) => paperFigureOrder(a.f.paperFigure) - paperFigureOrder(b.f.paperFigure) || a.i - b.i)
    .map(({ f }) => f);
}

/** The Vega-Lite config every figure uses (font shipped with the renderer, white background). */
export const BASE_CONFIG: Record<string, unknown> = {
  font: "DejaVu Sans",
  background: "white",
  view: { stroke: "#ccc" },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: "#eee" },
  legend: { labelFontSize: 10, titleFontSize: 11, symbolLimit: 40 },
  title: { fontSize: 14, anchor: "start" },
};

/** Returns a top-level Vega-Lite spec: `$schema`, config and the given body merged. */
export function topLevel(body: Record<string, unknown>): VlSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: BASE_CONFIG,
    ...body,
  };
}

/** Returns `x` formatted with `digits` significant digits, exponent form for large/small magnitudes. */
export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return x.toExponential(digits - 1);
  return Number(x.toPrecision(digits)).toString();
}

// The power-law type and the published reference laws live in the law registry (scaling/laws).
export { evalPower, type PowerLaw as Power } from "../../scaling/laws/power.ts";
export {
  chinchillaClosedForm,
  PF_DAY_FLOPS,
  type ReferencePrescription,
  referencePrescriptions,
} from "../../scaling/laws/reference.ts";

/** Industry models' published training tokens (paper's Figure 5 and 8 overlays; model cards). */
export const INDUSTRY_TOKENS: Readonly<Record<string, number>> = {
  "google/Gemma-2b": 3e12,
  "google/Gemma-7b": 6e12,
  "google/Gemma-2-2b": 2e12,
  "google/Gemma-2-9b": 8e12,
  "google/Gemma-2-27b": 13e12,
  "meta-llama/Llama-2-7b-hf": 2e12,
  "meta-llama/Llama-2-13b-hf": 2e12,
  "meta-llama/Llama-2-70b-hf": 2e12,
  "meta-llama/Llama-3-8B": 15e12,
  "meta-llama/Llama-3.1-70B": 15e12,
  "meta-llama/Llama-3.2-1B": 9e12,
  "meta-llama/Llama-3.2-3B": 9e12,
  "Qwen/Qwen2-0.5B": 12e12,
  "Qwen/Qwen2-1.5B": 7e12,
  "Qwen/Qwen2-7B": 7e12,
};

/** Returns the short display name of a Hugging Face model id ("meta-llama/Llama-2-7b-hf" -> "Llama-2-7b-hf"). */
export function shortName(hfName: string): string {
  const i = hfName.lastIndexOf("/");
  return i >= 0 ? hfName.slice(i + 1) : hfName;
}

/** Escapes text for HTML. Returns the escaped string. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** The colour encoding shared by figures that draw one line per run: parameter count on a log viridis scale. */
export const PARAMS_COLOR: Readonly<Record<string, unknown>> = {
  field: "params",
  type: "quantitative",
  scale: { type: "log", scheme: "viridis" },
  title: "params",
  legend: { format: ".2s" },
};
