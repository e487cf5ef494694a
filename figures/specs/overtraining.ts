/**
 * Figure 6 (seed 002 Figure 8): predicted loss against the overtraining factor (tokens / optimal tokens)
 * at several fixed FLOP budgets, with industry models' losses on the same validation set for scale.
 * @module
 */
import type { IndustryRow, OvertrainingRecord } from "../../records/schemas.ts";
import { type FigureDraft, fmt, shortName, topLevel } from "./common.ts";

/** Input of {@link overtrainingFigure}. */
export interface OvertrainingData {
  /** The variant's overtraining record. */
  readonly record: OvertrainingRecord;
  /** Industry models (their loss is drawn as a horizontal tick). */
  readonly industry: readonly IndustryRow[];
  /** Variant name. */
  readonly variant: string;
}

/** Plot height of Figure 8, pixels. */
const PLOT_HEIGHT = 360;

/** Returns paper Figure 8: predicted loss against the overtraining factor at fixed budgets, industry losses as rules. */
export function overtrainingFigure(data: OvertrainingData): FigureDraft {
  const points = data.record.curves.flatMap((c) =>
    c.points.map((p) => ({
      budget: `${c.flops.toExponential(0)} FLOPs`,
      flops: c.flops,
      factor: p.factor,
      loss: p.loss,
      params: p.params,
      tokens: p.tokens,
      width: p.width,
      depth: p.depth,
    }))
  );
  if (points.length === 0) {
    throw new Error(`overtrainingFigure: variant ${data.variant} has no overtraining curves`);
  }
  // Industry losses as dashed rules; labels thinned so that no two are closer than a label's height (the
  // others are named in the tooltip of their rule).
  const allLosses = [...points.map((p) => p.loss), ...data.industry.map((r) => r.loss)];
  const span = Math.max(...allLosses) - Math.min(...allLosses);
  const minGap = (span / PLOT_HEIGHT) * 9;
  let last = -Infinity;
  const industry = [...data.industry].sort((a, b) => a.loss - b.loss).map((r) => {
    const labelled = r.loss - last >= minGap;
    if (labelled) last = r.loss;
    return { name: shortName(r.hf_name), loss: r.loss, label: labelled ? shortName(r.hf_name) : "" };
  });
  const spec = topLevel({
    title: `Overtraining at fixed compute (variant ${data.variant})`,
    datasets: { curves: points, industry },
    width: 520,
    height: PLOT_HEIGHT,
    layer: [
      {
        data: { name: "industry" },
        mark: { type: "rule", color: "#bbb", strokeDash: [2, 2] },
        encoding: {
          y: { field: "loss", type: "quantitative" },
          tooltip: [{ field: "name" }, { field: "loss" }],
        },
      },
      {
        data: { name: "industry" },
        mark: { type: "text", align: "right", fontSize: 7, color: "#888", dy: -3 },
        encoding: { y: { field: "loss", type: "quantitative" }, x: { value: 515 }, text: { field: "label" } },
      },
      {
        data: { name: "curves" },
        mark: { type: "line", strokeWidth: 2, point: { size: 10 } },
        encoding: {
          x: {
            field: "factor",
            type: "quantitative",
            scale: { type: "log", nice: false, padding: 8 },
            title: "overtraining factor (tokens / optimal tokens)",
          },
          y: {
            field: "loss",
            type: "quantitative",
            scale: { zero: false },
            title: "predicted loss (nats/token)",
          },
          color: {
            field: "budget",
            type: "ordinal",
            title: "budget",
            sort: { field: "flops" },
            scale: { scheme: "viridis" },
          },
          tooltip: [
            { field: "budget" },
            { field: "factor", type: "quantitative", format: ".2f" },
            { field: "params", type: "quantitative", format: ".3s" },
            { field: "width", type: "quantitative" },
            { field: "depth", type: "quantitative" },
          ],
        },
      },
    ],
  });
  const parts = data.record.curves.map((c) => {
    const best = c.points.reduce((a, b) => (b.loss < a.loss ? b : a));
    const at4 = c.points.reduce((
      a,
      b,
    ) => (Math.abs(Math.log(b.factor / 4)) < Math.abs(Math.log(a.factor / 4)) ? b : a));
    return `${c.flops.toExponential(0)}: min ${fmt(best.loss, 4)} at factor ${fmt(best.factor)}, ` +
      `${fmt(at4.loss - best.loss, 2)} nats higher at factor ${fmt(at4.factor)}`;
  });
  return {
    paperFigure: "8",
    name: "overtraining",
    title: "Overtraining is cheap",
    caption: `Law ${data.record.form} of variant ${data.variant}. ${parts.join("; ")}.`,
    howToRead:
      "Each line fixes a compute budget and trades model size for tokens: to the right of 1 the model is " +
      "smaller and trained on more tokens than optimal (overtrained). The curves are flat near their minimum, " +
      "so a much smaller model costs little loss; grey dotted lines are industry models' losses for scale.",
    spec,
  };
}
