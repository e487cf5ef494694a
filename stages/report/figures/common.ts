/**
 * Shared pieces of the figure functions: the figure record, the common Vega-Lite config, number
 * formatting for captions, and the published reference prescriptions (Hoffmann, Epoch, Kaplan).
 * @module
 */
import type { VlSpec } from "../render.ts";

/** One figure of the report: a Vega-Lite spec plus the text around it. */
export interface Figure {
  /** Figure number in the report (1-9; 10 is the learning-rate sweep of training profiles). */
  readonly number: number;
  /** File-name stem, e.g. "approach1" (files are `<nn>-<name>.*`). */
  readonly name: string;
  /** Title shown above the figure. */
  readonly title: string;
  /** Caption: fitted numbers, data subset and variant. */
  readonly caption: string;
  /** A short "how to read this figure". */
  readonly howToRead: string;
  /** The Vega-Lite spec. */
  readonly spec: VlSpec;
  /** Optional HTML tables shown under the figure (already escaped HTML). */
  readonly tablesHtml?: string;
}

/** Returns the file-name stem `<nn>-<name>` of a figure (e.g. "02-approach1"). */
export function figureStem(fig: Pick<Figure, "number" | "name">): string {
  return `${String(fig.number).padStart(2, "0")}-${fig.name}`;
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
export {
  chinchillaClosedForm,
  evalPower,
  PF_DAY_FLOPS,
  type PowerLaw as Power,
  type ReferencePrescription,
  referencePrescriptions,
} from "../../../scaling/laws/mod.ts";

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
