/**
 * Figure 8 (seed 002 Appendix F, Figure 23): validation-loss curves of every run against tokens.
 * @module
 */
import type { SelectedRow } from "../../records/schemas.ts";
import { type FigureDraft, fmt, logAxisChannel, topLevel } from "./common.ts";

/**
 * The authors' colour and line style of each run (plotters/model_styles.json: colour, solid "-" or dashed "--"),
 * keyed by "WxD". Runs not listed get the next colour of category10, solid.
 */
export const MODEL_STYLES: Readonly<Record<string, { readonly color: string; readonly dashed: boolean }>> = {
  "1280x15": { color: "#1f77b4", dashed: false },
  "1280x36": { color: "#ff7f0e", dashed: false },
  "1536x50": { color: "#2ca02c", dashed: false },
  "1792x18": { color: "#d62728", dashed: false },
  "2048x27": { color: "#9467bd", dashed: false },
  "256x27": { color: "#7f7f7f", dashed: false },
  "256x71": { color: "#bcbd22", dashed: false },
  "2560x8": { color: "#8c564b", dashed: true },
  "256x23": { color: "#e377c2", dashed: true },
  "256x80": { color: "#17becf", dashed: true },
  "3072x12": { color: "#1f77b4", dashed: true },
  "512x12": { color: "#ff7f0e", dashed: true },
  "512x13": { color: "#2ca02c", dashed: true },
  "768x3": { color: "#d62728", dashed: true },
  "768x45": { color: "#9467bd", dashed: true },
  "1024x28": { color: "#7f7f7f", dashed: true },
  "384x13": { color: "#bcbd22", dashed: true },
  "384x36": { color: "#17becf", dashed: true },
  "512x16": { color: "#ff1493", dashed: false },
  "1792x7": { color: "#ff1493", dashed: true },
  "512x14": { color: "#ff6347", dashed: false },
  "512x11": { color: "#4682b4", dashed: false },
};

const FALLBACK_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"];

/** Input of {@link lossCurvesFigure}. */
export interface LossCurvesData {
  /** Checkpoints (the variant's selected rows). */
  readonly rows: readonly SelectedRow[];
  /** Variant name. */
  readonly variant: string;
  /** Subsets (caption). */
  readonly subsets: readonly string[];
}

/** Returns Figure 23: validation loss against tokens, one line per run in the authors' colour and style. */
export function lossCurvesFigure(data: LossCurvesData): FigureDraft {
  const rows = data.rows.map((r) => ({
    run_id: r.run_id,
    model: r.model,
    params: r.params,
    tokens: r.tokens,
    loss: r.loss,
  }));
  if (rows.length === 0) throw new Error(`lossCurvesFigure: variant ${data.variant} has no rows`);
  const runs = new Map<string, { model: string; last: { tokens: number; loss: number } }>();
  for (const r of rows) {
    const cur = runs.get(r.run_id);
    if (!cur || r.tokens > cur.last.tokens) runs.set(r.run_id, { model: r.model, last: r });
  }
  const finals = [...runs.values()].sort((a, b) => a.last.loss - b.last.loss);
  const paramsOf = new Map(rows.map((r) => [r.model, r.params]));
  const order = [...paramsOf.keys()].sort((a, b) => (paramsOf.get(a) ?? 0) - (paramsOf.get(b) ?? 0));
  const style = (m: string, i: number) =>
    MODEL_STYLES[m] ?? { color: FALLBACK_COLOURS[i % FALLBACK_COLOURS.length], dashed: false };
  const legend = { columns: 2, symbolLimit: 40, symbolType: "stroke", symbolStrokeWidth: 2.5 };
  const spec = topLevel({
    title: `Validation loss of every run (variant ${data.variant})`,
    datasets: { curves: rows },
    width: 560,
    height: 380,
    data: { name: "curves" },
    mark: { type: "line", strokeWidth: 1.5 },
    encoding: {
      // The report's one log-tick format (axes.ts): whole decades only, so no two labels collide.
      x: logAxisChannel("tokens", { title: "training tokens", values: rows.map((r) => r.tokens) }),
      y: {
        field: "loss",
        type: "quantitative",
        scale: { zero: false },
        title: "validation loss (nats/token)",
      },
      detail: { field: "run_id" },
      // One colour and line style per run, the authors' (model_styles.json), labelled in the legend.
      // Colour and dash share one legend (same field, title and legend), which shows each run's own style.
      color: {
        field: "model",
        type: "nominal",
        title: "run (width x depth)",
        sort: order,
        scale: { domain: order, range: order.map((m, i) => style(m, i).color) },
        legend,
      },
      strokeDash: {
        field: "model",
        type: "nominal",
        title: "run (width x depth)",
        sort: order,
        scale: { domain: order, range: order.map((m, i) => (style(m, i).dashed ? [6, 3] : [1, 0])) },
        legend,
      },
      tooltip: [
        { field: "run_id" },
        { field: "tokens", type: "quantitative", format: ".3s" },
        { field: "loss", type: "quantitative", format: ".4f" },
      ],
    },
  });
  const best = finals[0], worst = finals[finals.length - 1];
  return {
    paperFigure: "23",
    name: "loss-curves",
    title: "Validation-loss curves",
    caption: `${runs.size} runs, ${rows.length} checkpoints (subsets ${data.subsets.join(", ")}; variant ` +
      `${data.variant}). Final losses from ${fmt(best.last.loss, 4)} (${best.model}) to ${
        fmt(worst.last.loss, 4)
      } ` +
      `(${worst.model}).`,
    howToRead:
      "One line per training run, loss against tokens on a log axis, each run in the authors' colour and " +
      "line style (plotters/model_styles.json; the legend lists the runs by parameter count). Bigger " +
      "models reach lower loss; within a size, the spread comes from the width/depth shape. These are the points " +
      "every fit of this report uses.",
    spec,
  };
}
