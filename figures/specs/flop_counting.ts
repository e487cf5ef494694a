/**
 * Figure 7 (seed 002 Figure 24, Appendix G): the Gemstones FLOP count per token divided by the 6N rule
 * of thumb, across shapes.
 * @module
 */
import { type FigureDraft, fmt, logAxisChannel, topLevel } from "./common.ts";

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

/** Returns Figure 24: width against depth, each shape coloured by its counted FLOPs per token / 6N. */
export function flopCountingFigure(data: FlopCountingData): FigureDraft {
  const rows = data.shapes.map((s) => ({
    ...s,
    model: `${s.width}x${s.depth}`,
    ratio: ratioTo6N(s),
    aspect: s.width / s.depth,
  }));
  if (rows.length === 0) throw new Error("flopCountingFigure: no shapes");
  // As the authors draw it (paper_figures.ts: the 22 trained shapes): width against depth, each shape coloured
  // by its counted FLOPs per token over 6N, on a diverging scale centred on 1 (6N exact); the other feasible
  // shapes of the design space are drawn small behind them for context.
  const x = logAxisChannel("depth", { title: "depth (blocks)", values: rows.map((r) => r.depth) });
  const y = logAxisChannel("width", { title: "width (d_model)", values: rows.map((r) => r.width) });
  const ratios = rows.map((r) => r.ratio);
  const span = Math.max(...ratios.map((r) => Math.abs(Math.log(r))));
  const color = {
    field: "ratio",
    type: "quantitative",
    title: "counted / 6N",
    scale: {
      type: "log",
      scheme: "redblue",
      reverse: true,
      domain: [Math.exp(-span), Math.exp(span)],
      domainMid: 1,
    },
    legend: {
      values: [0.7, 0.8, 0.9, 1, 1.2, 1.4, 1.6].filter((v) => Math.abs(Math.log(v)) <= span),
      format: ".1f",
    },
  };
  const tooltip = [
    { field: "model" },
    { field: "params", type: "quantitative", format: ".3s" },
    { field: "ratio", type: "quantitative", format: ".3f", title: "counted / 6N" },
  ];
  const spec = topLevel({
    title: "FLOP counting: counted FLOPs per token over 6N, by shape",
    datasets: { shapes: rows },
    width: 520,
    height: 380,
    layer: [
      {
        data: { name: "shapes" },
        transform: [{ filter: "!datum.trained" }],
        mark: { type: "point", filled: true, size: 14, opacity: 0.6, clip: true },
        encoding: { x, y, color, tooltip },
      },
      {
        data: { name: "shapes" },
        transform: [{ filter: "datum.trained" }],
        mark: { type: "point", shape: "diamond", filled: true, size: 150, stroke: "black", strokeWidth: 1.2 },
        encoding: { x, y, color, tooltip },
      },
    ],
  });
  const lo = rows[ratios.indexOf(Math.min(...ratios))], hi = rows[ratios.indexOf(Math.max(...ratios))];
  const trained = rows.filter((r) => r.trained).map((r) => r.ratio);
  const caption =
    `Width against depth, each shape coloured by its counted FLOPs per token over 6N, as the authors draw it; ` +
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
      "Depth across, width up, both logarithmic, as the authors draw it; each shape is coloured by how many " +
      "times more (red, above 1) or fewer (blue, below 1) training FLOPs per token the detailed count gives " +
      "than 6N. Attention and the output layer make the error depend on the shape, not only on the size, so " +
      "6N misranks wide and narrow models of one size. Large diamonds are the 22 trained models; small dots the " +
      "other feasible shapes.",
    spec,
  };
}
