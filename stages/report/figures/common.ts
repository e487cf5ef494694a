/**
 * Shared pieces of the figure functions: the figure record, the common Vega-Lite config, number
 * formatting for captions, and the published reference prescriptions (Hoffmann, Epoch, Kaplan).
 * @module
 */
import { type AdditiveLaw, CHINCHILLA_LAW } from "../../../scaling/law.ts";
import { chinchillaOptimum } from "../../../scaling/prescribe/chinchilla.ts";
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

/** Returns `n` log-spaced values from `lo` to `hi` inclusive (both > 0). */
export function logSpace(lo: number, hi: number, n: number): number[] {
  if (!(lo > 0 && hi > lo && n >= 2)) {
    throw new Error(`logSpace: need 0 < lo < hi and n >= 2, got ${lo}, ${hi}, ${n}`);
  }
  const a = Math.log(lo), b = Math.log(hi);
  return Array.from({ length: n }, (_, i) => Math.exp(a + ((b - a) * i) / (n - 1)));
}

/** `y = k · x^exponent`. */
export interface Power {
  /** Coefficient. */
  readonly k: number;
  /** Exponent. */
  readonly exponent: number;
}

/** Returns `k · x^exponent`. */
export function evalPower(p: Power, x: number): number {
  return p.k * Math.pow(x, p.exponent);
}

/** A published compute-optimal prescription: N_opt(C) and D_opt(C) as power laws of FLOPs. */
export interface ReferencePrescription {
  /** Label in legends. */
  readonly label: string;
  /** Where the coefficients come from. */
  readonly source: string;
  /** N_opt(C), parameters per FLOPs^exponent. */
  readonly params: Power;
  /** D_opt(C), tokens per FLOPs^exponent. */
  readonly tokens: Power;
}

/**
 * Returns N_opt(C) and D_opt(C) as power laws of FLOPs for the Chinchilla-form law `E + A N^-α + B D^-β`
 * under C = 6ND (Hoffmann et al. eq. 4, via scaling/prescribe `chinchillaOptimum`): exponents
 * a = β/(α+β) and b = α/(α+β), coefficients the optimum at C = 1 FLOP.
 */
export function chinchillaClosedForm(
  A: number,
  alpha: number,
  B: number,
  beta: number,
): { params: Power; tokens: Power } {
  const law: AdditiveLaw = {
    E: 0,
    terms: [{ variable: "params", A, alpha }, { variable: "tokens", A: B, alpha: beta }],
  };
  const o = chinchillaOptimum(law, 1);
  return { params: { k: o.paramsOpt, exponent: o.a }, tokens: { k: o.tokensOpt, exponent: o.b } };
}

/** Seconds in a petaFLOP/s-day divided into FLOPs: 1 PF-day = 8.64e19 FLOPs. */
export const PF_DAY_FLOPS = 1e15 * 24 * 3600;

/**
 * The published prescriptions the paper overlays: Hoffmann et al. (Chinchilla Approach 3, seed 001
 * eq. 63), the Epoch AI replication (Besiroglu et al. 2024: A=482.01, B=2085.43, α=0.3478, β=0.3658),
 * and Kaplan et al. as plotted by Porian et al. (N_opt = 1.6e9 · (C / 1 PF-day)^0.88, D = C / 6N).
 */
export function referencePrescriptions(): ReferencePrescription[] {
  const [p, t] = CHINCHILLA_LAW.terms;
  const hoffmann = chinchillaClosedForm(p.A, p.alpha, t.A, t.alpha);
  const epoch = chinchillaClosedForm(482.00572, 0.3478, 2085.4342, 0.3658);
  const kaplanParams: Power = { k: 1.6e9 * Math.pow(PF_DAY_FLOPS, -0.88), exponent: 0.88 };
  return [
    { label: "Chinchilla (Hoffmann)", source: "Hoffmann et al. 2022, Approach 3", ...hoffmann },
    { label: "Chinchilla (Epoch replication)", source: "Besiroglu et al. 2024", ...epoch },
    {
      label: "Kaplan",
      source: "Kaplan et al. 2020 via Porian et al. 2024",
      params: kaplanParams,
      tokens: { k: 1 / (6 * kaplanParams.k), exponent: 1 - kaplanParams.exponent },
    },
  ];
}

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
