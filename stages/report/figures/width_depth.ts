/**
 * Figure 1 (seed 002 Figures 2 and 22): the width-depth design space — every shape feasible under
 * the Gemstones constraints, the trained models, and industry models.
 * @module
 */
import { type Figure, fmt, shortName, topLevel } from "./common.ts";

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
  /** Every feasible shape under the constraints. */
  readonly feasible: readonly ShapeParams[];
  /** The trained models ("WxD" names). */
  readonly trained: readonly (ShapeParams & { readonly model: string })[];
  /** Industry models (Hugging Face names). */
  readonly industry: readonly (ShapeParams & { readonly hf_name: string })[];
  /** Variant name (for the caption). */
  readonly variant: string;
  /** How the feasible set was constrained (for the caption). */
  readonly constraintText: string;
}

/** Returns Figure 1: depth against width (log-log) for feasible, trained and industry shapes. */
export function widthDepthFigure(data: WidthDepthData): Figure {
  const kinds = ["feasible shape", "Gemstones (trained)", "industry model"];
  const rows = [
    ...data.feasible.map((s) => ({ ...s, kind: kinds[0], label: `${s.width}x${s.depth}`, size: 10 })),
    ...data.trained.map((s) => ({ ...s, kind: kinds[1], label: s.model, size: 80 })),
    ...data.industry.map((s) => ({ ...s, kind: kinds[2], label: shortName(s.hf_name), size: 70 })),
  ];
  const x = {
    field: "width",
    type: "quantitative",
    scale: { type: "log", nice: false, padding: 12 },
    title: "width (d_model)",
  };
  const y = {
    field: "depth",
    type: "quantitative",
    scale: { type: "log", nice: false, padding: 12 },
    title: "depth (blocks)",
  };
  const spec = topLevel({
    title: "Width-depth design space",
    width: 560,
    height: 400,
    datasets: { shapes: rows },
    data: { name: "shapes" },
    layer: [
      {
        mark: { type: "point", filled: true, opacity: 0.85 },
        encoding: {
          x,
          y,
          color: {
            field: "kind",
            type: "nominal",
            title: null,
            scale: { domain: kinds, range: ["#b0b0b0", "#d62728", "#1f77b4"] },
            legend: { orient: "bottom-right" },
          },
          shape: {
            field: "kind",
            type: "nominal",
            scale: { domain: kinds, range: ["circle", "diamond", "cross"] },
          },
          size: { field: "size", type: "quantitative", scale: null },
          tooltip: [
            { field: "label", type: "nominal" },
            { field: "width", type: "quantitative" },
            { field: "depth", type: "quantitative" },
            { field: "params", type: "quantitative", format: ".3s" },
          ],
        },
      },
      {
        transform: [{ filter: `datum.kind === '${kinds[1]}'` }],
        mark: { type: "text", dx: 6, align: "left", fontSize: 8 },
        encoding: { x, y, text: { field: "label" }, color: { value: "#555" } },
      },
    ],
  });
  const paramsRange = data.trained.map((s) => s.params);
  const caption = `${data.feasible.length} feasible shapes (${data.constraintText}); ` +
    `${data.trained.length} trained Gemstones models spanning ${fmt(Math.min(...paramsRange))}-` +
    `${
      fmt(Math.max(...paramsRange))
    } parameters; ${data.industry.length} industry models. Variant: ${data.variant}.`;
  return {
    paperFigure: "2",
    reads: ["shapes", "industry"],
    name: "width-depth",
    title: "The width-depth design space",
    caption,
    howToRead:
      "Each grey dot is a (width, depth) shape that satisfies the architecture constraints; red diamonds are the " +
      "models actually trained, blue crosses industry models. Both axes are logarithmic, so lines of constant " +
      "width/depth ratio are diagonals: the trained models deliberately span wide-shallow to narrow-deep shapes " +
      "at each parameter count, while industry models sit in a narrow band.",
    spec,
  };
}
