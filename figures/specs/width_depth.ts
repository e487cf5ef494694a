/**
 * Figure 1 (seed 002 Figures 2 and 22): the width-depth design space — every shape feasible under
 * the Gemstones constraints, the trained models, and industry models.
 * @module
 */
import { type FigureDraft, fmt, placeLabels, shortName, topLevel } from "./common.ts";

/** A model shape with its parameter count. */
export interface ShapeParams {
  /** Width d_model. */
  readonly width: number;
  /** Number of blocks. */
  readonly depth: number;
  /** Parameters (all, incl. embeddings). */
  readonly params: number;
}

/** Input of {@link widthDepthFigure}. */
export interface WidthDepthData {
  /** Every feasible shape under the constraints, with the target it is near (parameters). */
  readonly feasible: readonly (ShapeParams & { readonly target?: number })[];
  /** The trained models ("WxD" names). */
  readonly trained: readonly (ShapeParams & { readonly model: string })[];
  /** Industry models (Hugging Face names); empty leaves them out (paper Figure 22). */
  readonly industry: readonly (ShapeParams & { readonly hf_name: string })[];
  /** Variant name (for the caption). */
  readonly variant: string;
  /** How the feasible set was constrained (for the caption). */
  readonly constraintText: string;
  /** Paper figure number (2: the design space with industry models; 22: the whole search space). */
  readonly number?: number;
}

/** Returns the model family of a Hugging Face id ("meta-llama/Llama-2-7b-hf" -> "Llama"). */
export function modelFamily(hfName: string): string {
  const name = shortName(hfName);
  const m = /^(Llama|Gemma|Qwen|Mistral|Phi|TinyLlama|Deepseek)/i.exec(name);
  return m ? m[1][0].toUpperCase() + m[1].slice(1) : name;
}

/**
 * Returns one label per industry shape: the names of the models sharing a (width, depth) joined, without
 * their family prefix (e.g. "Llama 2-7b-hf, 3-8B" for the two Llamas at 4096 x 32).
 */
export function industryLabels(
  industry: readonly (ShapeParams & { readonly hf_name: string })[],
): { width: number; depth: number; label: string; family: string }[] {
  const byShape = new Map<string, { width: number; depth: number; names: string[]; family: string }>();
  for (const r of industry) {
    const key = `${r.width}x${r.depth}`;
    const e = byShape.get(key) ??
      { width: r.width, depth: r.depth, names: [], family: modelFamily(r.hf_name) };
    const short = shortName(r.hf_name).replace(/^(Llama|Gemma|Qwen)-?/i, "");
    if (!e.names.includes(short)) e.names.push(short);
    byShape.set(key, e);
  }
  return [...byShape.values()].sort((a, b) => b.width - a.width || a.depth - b.depth).map((e) => ({
    width: e.width,
    depth: e.depth,
    label: `${e.family} ${e.names.join(", ")}`,
    family: e.family,
  }));
}

/**
 * The Chinchilla models' (d_model, n_layers) of Hoffmann et al. 2022 Table A9, as the authors plot them in Figure 2
 * (plot_feasible_model_shapes.ipynb), with the table's parameter count (its own counting, parameters).
 */
export const CHINCHILLA_SHAPES: readonly ShapeParams[] = [
  [512, 8, 44e6],
  [576, 9, 57e6],
  [640, 10, 74e6],
  [640, 13, 90e6],
  [640, 16, 106e6],
  [768, 12, 117e6],
  [768, 15, 140e6],
  [768, 18, 163e6],
  [896, 14, 175e6],
  [896, 16, 196e6],
  [896, 18, 217e6],
  [1024, 16, 251e6],
  [1024, 18, 278e6],
  [1024, 20, 306e6],
  [1280, 18, 425e6],
  [1280, 21, 489e6],
  [1408, 18, 509e6],
  [1280, 24, 552e6],
  [1408, 21, 587e6],
  [1536, 19, 632e6],
  [1408, 24, 664e6],
  [1536, 22, 724e6],
  [1536, 25, 816e6],
  [1792, 20, 893e6],
  [1792, 23, 1018e6],
  [1792, 26, 1143e6],
  [2048, 22, 1266e6],
  [2176, 22, 1424e6],
  [2048, 25, 1429e6],
  [2048, 28, 1593e6],
  [2176, 25, 1609e6],
  [2304, 24, 1731e6],
  [2176, 28, 1794e6],
  [2304, 28, 2007e6],
  [2304, 32, 2283e6],
  [2560, 26, 2298e6],
  [2560, 30, 2639e6],
  [2560, 34, 2980e6],
  [2688, 36, 3530e6],
  [2816, 36, 3802e6],
  [2944, 36, 4084e6],
  [3072, 36, 4516e6],
  [3584, 40, 6796e6],
  [4096, 42, 9293e6],
  [4352, 47, 11452e6],
  [4608, 44, 12295e6],
  [4608, 47, 12569e6],
  [4864, 47, 13735e6],
  [4992, 49, 14940e6],
  [5120, 47, 16183e6],
].map(([width, depth, params]) => ({ width, depth, params }));

/** The shapes of Porian et al. 2024's scaling-law grid with their parameter counts (the authors' N), as the authors plot them in Figure 2. */
export const PORIAN_SHAPES: readonly ShapeParams[] = [
  [96, 3, 5173248],
  [128, 4, 7503872],
  [160, 5, 9809920],
  [224, 6, 15597568],
  [288, 8, 22487040],
  [320, 9, 28672000],
  [384, 10, 37060608],
  [480, 12, 57384960],
  [576, 14, 84787200],
  [640, 15, 108462080],
  [704, 18, 149045248],
  [832, 21, 220872704],
  [1024, 23, 347078656],
  [1120, 26, 455311360],
  [1312, 26, 611958784],
  [1504, 30, 901726208],
].map(([width, depth, params]) => ({ width, depth, params }));

const SIZE_LABEL = (n: number) => (n < 1e9 ? `${Math.round(n / 1e6)}M` : `${Math.round(n / 1e9)}B`);

/** Plot-area size of Figures 2 and 22, pixels. */
const PLOT: readonly [number, number] = [520, 420];
/** Label font size, pixels. */
const LABEL_FONT = 9;

/**
 * Returns paper Figure 2 (or 22): width against depth, log-log, as the authors draw it (depth across, width up;
 * plot_feasible_model_shapes.ipynb). Figure 2: the trained models (black stars), Chinchilla's and Porian et al.'s
 * model shapes, and industry models as squares coloured by family and labelled where a label fits without
 * overlapping (the rest in the tooltip). Figure 22: every feasible shape, coloured by target size, and the trained
 * models.
 */
export function widthDepthFigure(data: WidthDepthData): FigureDraft {
  const number = data.number ?? 2;
  const targets = [...new Set(data.feasible.map((s) => s.target).filter((t): t is number => t !== undefined))]
    .sort((a, b) => a - b);
  const groupOf = (t: number | undefined) => (t === undefined ? "feasible" : `${SIZE_LABEL(t)} ± 5%`);
  const families = [...new Set(data.industry.map((r) => modelFamily(r.hf_name)))].sort();
  type Row = ShapeParams & { kind: string; label: string };
  const rows: Row[] = [];
  if (number === 22) {
    rows.push(
      ...data.feasible.map((s) => ({ ...s, kind: groupOf(s.target), label: `${s.width}x${s.depth}` })),
    );
  } else {
    rows.push(
      ...CHINCHILLA_SHAPES.map((s) => ({ ...s, kind: "Chinchilla", label: "Chinchilla" })),
    );
    rows.push(
      ...PORIAN_SHAPES.map((s) => ({ ...s, kind: "Porian et al.", label: "Porian et al." })),
    );
    rows.push(
      ...data.industry.map((s) => ({ ...s, kind: modelFamily(s.hf_name), label: shortName(s.hf_name) })),
    );
  }
  rows.push(...data.trained.map((s) => ({ ...s, kind: "Gemstones (ours)", label: s.model })));
  const groups = number === 22 ? (targets.length > 0 ? targets.map(groupOf) : ["feasible"]) : [];
  const familyColours: Record<string, string> = { Llama: "#1f77b4", Gemma: "#ff7f0e", Qwen: "#e377c2" };
  const groupColours = ["#9ecae1", "#6baed6", "#74c476", "#fdae6b", "#fd8d3c", "#bcbddc", "#9e9ac8"];
  const STAR =
    "M0,-1L0.29,-0.4L0.95,-0.31L0.47,0.15L0.59,0.81L0,0.5L-0.59,0.81L-0.47,0.15L-0.95,-0.31L-0.29,-0.4Z";
  const marks: { kind: string; colour: string; shape: string; size: number }[] = [
    ...groups.map((g, i) => ({
      kind: g,
      colour: groupColours[i % groupColours.length],
      shape: "circle",
      size: 22,
    })),
    ...(number === 22 ? [] : [
      { kind: "Chinchilla", colour: "#7b2d8e", shape: "cross", size: 60 },
      { kind: "Porian et al.", colour: "#228b22", shape: "triangle-up", size: 55 },
    ]),
    ...families.map((f) => ({ kind: f, colour: familyColours[f] ?? "#8c564b", shape: "square", size: 70 })),
    { kind: "Gemstones (ours)", colour: "#000000", shape: STAR, size: 130 },
  ];
  const kinds = marks.map((m) => m.kind);
  // One legend for colour and marker (both keyed by kind), the same in every layer so that Vega-Lite merges
  // it into one with each kind's own marker instead of warning about conflicting legends.
  const legend = { orient: "right", symbolSize: 80, title: null };
  const color = {
    field: "kind",
    type: "nominal",
    title: null,
    scale: { domain: kinds, range: marks.map((k) => k.colour) },
    legend,
  };
  const shape = {
    field: "kind",
    type: "nominal",
    title: null,
    scale: { domain: kinds, range: marks.map((k) => k.shape) },
    legend,
  };
  const depths = rows.map((r) => r.depth), widths = rows.map((r) => r.width);
  const dom = (xs: number[]): [number, number] => [Math.min(...xs) / 1.15, Math.max(...xs) * 1.15];
  const [dLo, dHi] = dom(depths), [wLo, wHi] = dom(widths);
  const px = (d: number) => (Math.log(d / dLo) / Math.log(dHi / dLo)) * PLOT[0];
  const py = (w: number) => PLOT[1] - (Math.log(w / wLo) / Math.log(wHi / wLo)) * PLOT[1];
  const x = {
    field: "depth",
    type: "quantitative",
    scale: { type: "log", nice: false, domain: [dLo, dHi] },
    title: "depth (blocks)",
  };
  const y = {
    field: "width",
    type: "quantitative",
    scale: { type: "log", nice: false, domain: [wLo, wHi] },
    title: "width (d_model)",
  };
  const wanted = industryLabels(data.industry);
  // Labels that would overlap another label, a marker or the frame are left to the tooltip (axes.ts).
  const placed = placeLabels(wanted.map((l) => ({ x: l.depth, y: l.width, text: l.label })), {
    x: { domain: [dLo, dHi], log: true, pixels: PLOT[0] },
    y: { domain: [wLo, wHi], log: true, pixels: PLOT[1] },
    fontSize: LABEL_FONT,
    keepOut: rows.map((r) => ({
      x0: px(r.depth) - 3,
      y0: py(r.width) - 3,
      x1: px(r.depth) + 3,
      y1: py(r.width) + 3,
    })),
  });
  const labels = wanted.flatMap((l, i) =>
    placed[i].shown
      ? [{ ...l, labelDepth: placed[i].labelX, labelWidth: placed[i].labelY, kind: l.family }]
      : []
  );
  const unlabelled = wanted.filter((_, i) => !placed[i].shown).map((l) => l.label);
  const spec = topLevel({
    title: number === 2
      ? "The width-depth design space, with industry models"
      : "Every model shape the design constraints allow",
    width: PLOT[0],
    height: PLOT[1],
    datasets: { shapes: rows, labels },
    layer: [
      ...marks.map((m) => ({
        // One layer per kind, so each has its own marker size (the trained models' stars drawn last, on top).
        data: { name: "shapes" },
        transform: [{ filter: { field: "kind", equal: m.kind } }],
        mark: { type: "point", filled: true, opacity: 0.95, size: m.size },
        encoding: {
          x,
          y,
          color,
          shape,
          tooltip: [
            { field: "label", type: "nominal" },
            { field: "width", type: "quantitative" },
            { field: "depth", type: "quantitative" },
            { field: "params", type: "quantitative", format: ".3s" },
          ],
        },
      })),
      ...(labels.length === 0 ? [] : [{
        data: { name: "labels" },
        mark: { type: "text", align: "left", baseline: "middle", fontSize: LABEL_FONT },
        encoding: {
          x: { ...x, field: "labelDepth" },
          y: { ...y, field: "labelWidth" },
          text: { field: "label" },
          color,
        },
      }]),
    ],
  });
  const paramsRange = data.trained.map((s) => s.params);
  const caption =
    (number === 22 ? `${data.feasible.length} feasible shapes (${data.constraintText}); ` : "") +
    `${data.trained.length} trained Gemstones models spanning ${fmt(Math.min(...paramsRange))}-` +
    `${fmt(Math.max(...paramsRange))} parameters` +
    (number === 2
      ? `; ${CHINCHILLA_SHAPES.length} Chinchilla models (Hoffmann et al. Table A9), ${PORIAN_SHAPES.length} ` +
        `shapes of Porian et al.'s grid and ${data.industry.length} industry models in ${wanted.length} shapes` +
        (unlabelled.length > 0
          ? ` (${unlabelled.length} labels that would overlap are in the tooltip: ${unlabelled.join("; ")})`
          : "")
      : "") +
    `. Variant: ${data.variant}.`;
  return {
    paperFigure: String(number),
    name: number === 2 ? "width-depth" : "design-space",
    title: number === 2 ? "The width-depth design space" : "The whole design space",
    caption,
    howToRead:
      "Depth across, width up, both logarithmic, as the authors draw it: lines of constant width/depth ratio are " +
      "diagonals. Black stars are the models actually trained, spanning wide-shallow to narrow-deep at each size" +
      (number === 2
        ? "; Chinchilla's and Porian et al.'s models and the industry models (squares, by family) sit in a narrow " +
          "band of ratios."
        : "; the coloured dots are every shape within ±5% of a target size that the constraints allow."),
    spec,
  };
}
