/**
 * Figure 7 (seed 002 Figure 24, Appendix G): the Gemstones FLOP count per token divided by the 6N rule
 * of thumb, across shapes.
 * @module
 */
import { type FigureDraft, fmt, topLevel } from "./common.ts";

/** One shape with its counted FLOPs per token. */
export interface FlopShape {
  /** Width. */
  readonly width: number;
  /** Depth. */
  readonly depth: number;
  /** Parameters N used in 6N. */
  readonly params: number;
  /** Training FLOPs per token by the detailed count. */
  readonly flopsPerToken: number;
  /** Whether this shape was trained (marked). */
  readonly trained: boolean;
}

/** Input of {@link flopCountingFigure}. */
export interface FlopCountingData {
  /** Shapes to plot. */
  readonly shapes: readonly FlopShape[];
  /** Name of the detailed counter (caption). */
  readonly counter: string;
  /** Which parameters N counts (caption). */
  readonly paramsConvention: string;
  /** Variant name. */
  readonly variant: string;
}

/** Returns the ratio of counted FLOPs per token to 6N (dimensionless). */
export function ratioTo6N(s: Pick<FlopShape, "flopsPerToken" | "params">): number {
  return s.flopsPerToken / (6 * s.params);
}

/** Returns Figure 7: counted FLOPs per token / 6N against parameters, coloured by width/depth. */
export function flopCountingFigure(data: FlopCountingData): FigureDraft {
  const rows = data.shapes.map((s) => ({
    ...s,
    model: `${s.width}x${s.depth}`,
    ratio: ratioTo6N(s),
    aspect: s.width / s.depth,
  }));
  if (rows.length === 0) throw new Error("flopCountingFigure: no shapes");
  const x = { field: "params", type: "quantitative", scale: { type: "log" }, title: "parameters N" };
  const y = {
    field: "ratio",
    type: "quantitative",
    scale: { zero: false },
    title: "counted FLOPs per token / 6N",
  };
  const spec = topLevel({
    title: "FLOP counting: detailed count vs 6N",
    datasets: { shapes: rows },
    width: 520,
    height: 340,
    layer: [
      {
        data: { name: "shapes" },
        mark: { type: "point", filled: true, size: 14, opacity: 0.7 },
        encoding: {
          x,
          y,
          color: {
            field: "aspect",
            type: "quantitative",
            scale: { type: "log", scheme: "turbo" },
            title: "width/depth",
          },
          tooltip: [{ field: "model" }, { field: "ratio", type: "quantitative", format: ".3f" }],
        },
      },
      {
        data: { name: "shapes" },
        transform: [{ filter: "datum.trained" }],
        mark: { type: "point", shape: "diamond", size: 90, color: "black", strokeWidth: 1.5 },
        encoding: {
          x,
          y,
          tooltip: [{ field: "model" }, { field: "ratio", type: "quantitative", format: ".3f" }],
        },
      },
      { mark: { type: "rule", color: "#999", strokeDash: [4, 3] }, encoding: { y: { datum: 1 } } },
    ],
  });
  const ratios = rows.map((r) => r.ratio);
  const lo = rows[ratios.indexOf(Math.min(...ratios))], hi = rows[ratios.indexOf(Math.max(...ratios))];
  const trained = rows.filter((r) => r.trained).map((r) => r.ratio);
  const caption =
    `${rows.length} shapes; counter "${data.counter}", N = ${data.paramsConvention} parameters ` +
    `(variant ${data.variant}). Ratio ranges from ${fmt(lo.ratio)} (${lo.model}) to ${
      fmt(hi.ratio)
    } (${hi.model})` +
    (trained.length
      ? `; over the ${trained.length} trained models from ${fmt(Math.min(...trained))} to ${
        fmt(Math.max(...trained))
      }.`
      : ".");
  return {
    paperFigure: "24",
    name: "flop-counting",
    title: "FLOP counting matters",
    caption,
    howToRead:
      "Each dot is a shape; its height is how many times more (above 1) or fewer (below 1) training FLOPs " +
      "per token the detailed count gives than 6N. Colour is the width/depth ratio: attention and the output " +
      "layer make the error depend on shape, not only on size, so 6N misranks wide and narrow models. Black " +
      "diamonds are the trained models.",
    spec,
  };
}
