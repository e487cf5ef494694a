/**
 * The brute-force prescription figures of the paper (the authors' plotters/approach_3_brute_force.py):
 * what a fitted width-depth law (Eq. 2, or Eq. 3 for Figure 21) prescribes at each FLOP budget — width/depth
 * ratio, tokens per parameter, parameters, tokens, width and depth — one panel per quantity, one line per
 * law, with the reference prescriptions and industry models where the authors draw them. Budgets whose
 * optimum lies on the edge of the searched shape box are drawn as open red circles and counted in the caption.
 * Used for paper Figures 5 (ratio, tokens/param), 12 (all six panels), 13-19 (integer constraints removed,
 * per ablation and Huber δ) and 21 (Eq. 3).
 * @module
 */
import type { IndustryRow, Prescription } from "../../records/schemas.ts";
import {
  evalPower,
  type FigureDraft,
  fmt,
  INDUSTRY_TOKENS,
  logAxisChannel,
  referencePrescriptions,
  shortName,
  topLevel,
} from "./common.ts";
import { logSpace } from "../../scaling/logspace.ts";
import { industryChannels } from "./industry_style.ts";

/** A quantity a panel plots against FLOPs. */
export type PrescriptionPanel = "ratio" | "tokensPerParam" | "params" | "tokens" | "width" | "depth";

const PANEL_TITLES: Readonly<Record<PrescriptionPanel, string>> = {
  ratio: "width / depth",
  tokensPerParam: "tokens / parameter",
  params: "parameters",
  tokens: "tokens",
  width: "width",
  depth: "depth",
};

/** One line of a prescription figure: a law's prescriptions at each budget. */
export interface PrescriptionSeries {
  /** Legend label. */
  readonly label: string;
  /** The prescriptions (width and depth null for closed-form Eq. 1 lines, which skip the shape panels). */
  readonly prescriptions: readonly Prescription[];
  /** Whether the line is drawn dashed (a comparison line, e.g. the other Huber δ). */
  readonly dashed?: boolean;
}

/** Input of {@link prescriptionsFigure}. */
export interface PrescriptionsData {
  /** Paper figure number. */
  readonly number: number;
  /** File-name stem. */
  readonly name: string;
  /** Title (without the "Figure N." prefix). */
  readonly title: string;
  /** Panels, in order. */
  readonly panels: readonly PrescriptionPanel[];
  /** Lines; the first is the figure's own law. */
  readonly series: readonly PrescriptionSeries[];
  /**
   * Industry models, drawn as the authors' `plot_industrial` draws them on the ratio, params and tokens
   * panels, and on the tokens-per-parameter panel (its "tokens/param" mode), at 6·N·D FLOPs.
   */
  readonly industry: readonly IndustryRow[];
  /** One sentence: which subset, law form, Huber δ and search the figure uses. */
  readonly source: string;
  /** How to read it. */
  readonly howToRead: string;
}

/** One data row of a prescription figure's datasets. */
export type Row = Record<string, number | string | boolean | null>;

/** Colours of a figure's own lines, in series order. */
const SERIES_COLOURS = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e"];
/** Colours of the reference prescriptions (Hoffmann, Epoch, Kaplan): greys. */
const REFERENCE_COLOURS = ["#000000", "#666666", "#aaaaaa"];

/** Returns the rows one prescription contributes: one per panel whose value exists. */
function rowsOf(series: PrescriptionSeries, panels: readonly PrescriptionPanel[]): Row[] {
  const out: Row[] = [];
  for (const p of series.prescriptions) {
    const values: Record<PrescriptionPanel, number | null> = {
      ratio: p.width !== null && p.depth !== null ? p.width / p.depth : null,
      tokensPerParam: p.tokens / p.params,
      params: p.params,
      tokens: p.tokens,
      width: p.width,
      depth: p.depth,
    };
    for (const panel of panels) {
      const v = values[panel];
      if (v === null || !Number.isFinite(v)) continue;
      out.push({
        panel,
        flops: p.flops,
        value: v,
        law: series.label,
        dashed: series.dashed === true,
        edge: p.atBoundary === true,
        width: p.width,
        depth: p.depth,
        // The tooltip's shape: a closed-form (Eq. 1) law prescribes a size, not a shape.
        shape: p.width !== null && p.depth !== null
          ? `${fmt(p.width)} x ${fmt(p.depth)}`
          : "none (closed form: a size, not a shape)",
      });
    }
  }
  return out;
}

/** The panels the industry models are drawn on (the authors' three, and tokens per parameter). */
const INDUSTRY_PANELS: ReadonlySet<PrescriptionPanel> = new Set([
  "ratio",
  "tokensPerParam",
  "params",
  "tokens",
]);

/**
 * Returns the industry models' rows of the panels among `panels` that draw them: one per model with a
 * published token count ({@link INDUSTRY_TOKENS}) per panel, at 6·N·D FLOPs, in the order of `industry`.
 */
export function industryRows(industry: readonly IndustryRow[], panels: readonly PrescriptionPanel[]): Row[] {
  const out: Row[] = [];
  for (const r of industry) {
    const tokens = INDUSTRY_TOKENS[r.hf_name];
    if (tokens === undefined) continue;
    const v: Partial<Record<PrescriptionPanel, number>> = {
      ratio: r.width / r.depth,
      tokensPerParam: tokens / r.params,
      params: r.params,
      tokens,
    };
    for (const panel of panels) {
      const value = v[panel];
      if (INDUSTRY_PANELS.has(panel) && value !== undefined) {
        out.push({ panel, flops: 6 * r.params * tokens, value, name: shortName(r.hf_name) });
      }
    }
  }
  return out;
}

/** Returns a prescription figure (see module doc). */
export function prescriptionsFigure(data: PrescriptionsData): FigureDraft {
  if (data.series.length === 0 || data.series[0].prescriptions.length === 0) {
    throw new Error(`prescriptionsFigure ${data.number}: no prescriptions`);
  }
  const rows = data.series.flatMap((s) => rowsOf(s, data.panels));
  const budgets = data.series[0].prescriptions.map((p) => p.flops);
  const lo = Math.min(...budgets), hi = Math.max(...budgets);
  const refs: Row[] = [];
  for (const ref of referencePrescriptions()) {
    for (const c of logSpace(lo, hi, 20)) {
      const n = evalPower(ref.params, c), d = evalPower(ref.tokens, c);
      const v: Partial<Record<PrescriptionPanel, number>> = { params: n, tokens: d, tokensPerParam: d / n };
      for (const panel of data.panels) {
        if (v[panel] !== undefined) refs.push({ panel, flops: c, value: v[panel] as number, law: ref.label });
      }
    }
  }
  const industry = industryRows(data.industry, data.panels);
  const industryNames = [...new Set(industry.map((r) => r.name as string))];
  const labels = data.series.map((s) => s.label);
  // The report's log axes (axes.ts): whole decades in one format, so no two tick labels collide.
  const x = logAxisChannel("flops", { title: "training FLOPs", values: [lo, hi], pad: 1 });
  const refLabels = referencePrescriptions().map((r) => r.label);
  const color = {
    field: "law",
    type: "nominal",
    title: "law",
    legend: { orient: "bottom", columns: 2, labelLimit: 360 },
    scale: {
      domain: [...labels, ...refLabels],
      range: [...SERIES_COLOURS.slice(0, labels.length), ...REFERENCE_COLOURS],
    },
  };
  const panelSpec = (panel: PrescriptionPanel) => {
    const y = logAxisChannel("value", {
      title: PANEL_TITLES[panel],
      values: [...rows, ...refs, ...industry].filter((r) => r.panel === panel).map((r) => r.value as number),
    });
    const only = { filter: `datum.panel === '${panel}'` };
    // A layer with no rows in this panel is left out: an empty layer gives Vega an infinite extent.
    const inPanel = (ds: readonly Row[], pick: (r: Row) => boolean = () => true) =>
      ds.some((r) => r.panel === panel && pick(r));
    const layers: [boolean, Record<string, unknown>][] = [
      [inPanel(refs), {
        data: { name: "references" },
        transform: [only],
        mark: { type: "line", strokeDash: [4, 3], strokeWidth: 1.5, clip: true },
        encoding: { x, y, color },
      }],
      [inPanel(rows, (r) => r.dashed === true), {
        // Comparison lines (the other Huber δ) under the figure's own, thinner and dashed.
        data: { name: "prescriptions" },
        transform: [only, { filter: "datum.dashed" }],
        mark: { type: "line", strokeWidth: 4, strokeDash: [6, 4], opacity: 0.6, clip: true },
        encoding: { x, y, color },
      }],
      [inPanel(rows, (r) => r.dashed !== true), {
        data: { name: "prescriptions" },
        transform: [only, { filter: "!datum.dashed" }],
        mark: { type: "line", strokeWidth: 2, point: { size: 20 }, clip: true },
        encoding: {
          x,
          y,
          color,
          tooltip: [
            { field: "law" },
            { field: "flops", type: "quantitative", format: ".2e" },
            { field: "shape", title: "width x depth" },
            { field: "edge", title: "on the box edge" },
          ],
        },
      }],
      [inPanel(rows, (r) => r.edge === true), {
        data: { name: "prescriptions" },
        transform: [only, { filter: "datum.edge" }],
        mark: { type: "point", shape: "circle", size: 140, color: "#d62728", strokeWidth: 2, clip: true },
        encoding: { x, y },
      }],
      [inPanel(industry), {
        data: { name: "industry" },
        transform: [only],
        mark: { type: "point", size: 60, strokeWidth: 2, opacity: 1, clip: true },
        encoding: {
          x,
          y,
          ...industryChannels(industryNames, data.industry.map((r) => r.hf_name)),
          tooltip: [{ field: "name" }, { field: "flops", type: "quantitative", format: ".2e" }, {
            field: "value",
            type: "quantitative",
            format: ".3s",
          }],
        },
      }],
    ];
    return {
      width: 300,
      height: 190,
      title: PANEL_TITLES[panel],
      layer: layers.filter(([shown]) => shown).map(([, layer]) => layer),
    };
  };
  const rowsOfPanels: PrescriptionPanel[][] = [];
  for (let i = 0; i < data.panels.length; i += 2) rowsOfPanels.push(data.panels.slice(i, i + 2));
  const spec = topLevel({
    title: data.title,
    datasets: { prescriptions: rows, references: refs, industry },
    vconcat: rowsOfPanels.map((ps) => ({ hconcat: ps.map(panelSpec) })),
    resolve: { scale: { color: "shared", fill: "shared", stroke: "shared", shape: "shared" } },
  });
  const edges = data.series.map((s) => {
    const e = s.prescriptions.filter((p) => p.atBoundary === true);
    return e.length === 0
      ? ""
      : `${s.label}: ${e.length} of ${s.prescriptions.length} budgets (from ${
        fmt(Math.min(...e.map((p) => p.flops)))
      } FLOPs) touch the edge of the search box (open red circles).`;
  }).filter((t) => t !== "");
  const first = data.series[0].prescriptions[0];
  const last = data.series[0].prescriptions[data.series[0].prescriptions.length - 1];
  const shape = (p: Prescription) =>
    p.width === null || p.depth === null
      ? `${fmt(p.params)} params`
      : `width ${fmt(p.width)}, depth ${fmt(p.depth)} (${fmt(p.params)} params)`;
  const caption = `${data.source} ${labels[0]}: at ${fmt(first.flops)} FLOPs ${shape(first)}, ` +
    `${fmt(first.tokens / first.params)} tokens/param; at ${fmt(last.flops)} FLOPs ${shape(last)}, ` +
    `${fmt(last.tokens / last.params)} tokens/param.` + (edges.length > 0 ? " " + edges.join(" ") : "") +
    " Dashed grey lines: Chinchilla (Hoffmann, black), its Epoch replication (dark grey), Kaplan (light " +
    `grey). Industry models (${industryNames.length} with published token counts; Qwen2.5 has none) at 6·N·D ` +
    "FLOPs, one colour each and a marker per family (Llama ×, Gemma ○, Qwen2 △) as the authors' " +
    "plot_industrial draws them; the authors put them on the ratio, params and tokens panels, we add them on " +
    "the tokens-per-parameter panel (their plotter's tokens/param mode), where they sit far above every " +
    "prescription.";
  return {
    paperFigure: String(data.number),
    name: data.name,
    title: data.title,
    caption,
    howToRead: data.howToRead,
    spec,
  };
}
