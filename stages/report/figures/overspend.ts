/**
 * Figure 5 (seed 002 Figure 7): how much more FLOPs and GPU-hours a shape needs than the best shape to
 * reach a target loss, as heatmaps over width and depth (one column per target loss).
 * @module
 */
import type { OverspendRecord } from "../../schemas.ts";
import { type Figure, fmt, topLevel } from "./common.ts";

/** Input of {@link overspendFigure}. */
export interface OverspendData {
  /** The variant's overspend record. */
  readonly record: OverspendRecord;
  /** Variant name. */
  readonly variant: string;
}

function heatmap(field: string, title: string, scheme: string): Record<string, unknown> {
  const valid = `isValid(datum.${field}) && isFinite(datum.${field})`;
  const position = {
    x: { field: "width", type: "ordinal", sort: "ascending", title: "width" },
    y: { field: "depth", type: "ordinal", sort: "descending", title: "depth" },
  };
  return {
    data: { name: "overspend" },
    title,
    facet: { column: { field: "targetLabel", type: "ordinal", title: "target loss (nats)" } },
    spec: {
      width: 150,
      height: 150,
      layer: [
        {
          // Shapes whose law-predicted loss never reaches the target (or without a time model): grey, "–".
          transform: [{ filter: `!(${valid})` }],
          mark: { type: "rect", color: "#dddddd", tooltip: true },
          encoding: { ...position, tooltip: [{ field: "model" }, { field: "unreachable" }] },
        },
        {
          transform: [{ filter: `!(${valid})` }],
          mark: { type: "text", fontSize: 6, text: "–", color: "#666666" },
          encoding: position,
        },
        {
          transform: [{ filter: valid }],
          mark: { type: "rect", tooltip: true },
          encoding: {
            ...position,
            color: {
              field: field,
              type: "quantitative",
              title: "overspend %",
              scale: { type: "symlog", constant: 10, scheme, domainMin: 0 },
            },
            tooltip: [
              { field: "model" },
              { field: field, type: "quantitative", format: ".1f", title: "overspend %" },
            ],
          },
        },
        {
          transform: [{ filter: valid }],
          mark: { type: "text", fontSize: 6 },
          encoding: {
            ...position,
            text: { field: field, type: "quantitative", format: ".0f" },
            color: { value: "black" },
          },
        },
      ],
    },
  };
}

/** Returns 100·`ratio` (a percentage), or null where the ratio is missing or not finite (unreachable). */
function percent(ratio: number | null | undefined): number | null {
  return ratio === null || ratio === undefined || !Number.isFinite(ratio) ? null : 100 * ratio;
}

/** Returns Figure 5: FLOPs and GPU-hours overspend heatmaps by width and depth. */
export function overspendFigure(data: OverspendData): Figure {
  const rows = data.record.rows.map((r) => ({
    model: r.model,
    width: r.width,
    depth: r.depth,
    targetLoss: r.loss,
    targetLabel: r.loss.toFixed(3),
    flopsPct: percent(r.flopsOverspend),
    gpuPct: percent(r.gpuHoursOverspend),
    unreachable: "the law never reaches this loss with this shape, or no step time is known",
  }));
  if (rows.length === 0) throw new Error(`overspendFigure: variant ${data.variant} has no overspend rows`);
  const spec = topLevel({
    title: `Overspend to reach a target loss (variant ${data.variant})`,
    datasets: { overspend: rows },
    vconcat: [
      heatmap("flopsPct", "FLOPs overspend (%)", "oranges"),
      heatmap("gpuPct", "GPU-hours overspend (%)", "purples"),
    ],
    resolve: { scale: { color: "independent" } },
  });
  const withFlops = rows.filter((r) => r.flopsPct !== null);
  if (withFlops.length === 0) {
    throw new Error(`overspendFigure: variant ${data.variant}: no shape reaches any target loss`);
  }
  const worstF = withFlops.reduce((a, b) => ((b.flopsPct ?? 0) > (a.flopsPct ?? 0) ? b : a));
  const withGpu = rows.filter((r) => r.gpuPct !== null);
  const worstG = withGpu.length
    ? withGpu.reduce((a, b) => ((b.gpuPct ?? 0) > (a.gpuPct ?? 0) ? b : a))
    : undefined;
  const targets = [...new Set(rows.map((r) => r.targetLabel))];
  const caption =
    `Law ${data.record.form} of variant ${data.variant}; ${new Set(rows.map((r) => r.model)).size} ` +
    `shapes at target losses ${targets.join(", ")} nats. Largest FLOPs overspend: ${worstF.model} ` +
    `${fmt(worstF.flopsPct ?? NaN)}% at ${worstF.targetLabel}` +
    (worstG
      ? `; largest GPU-hours overspend: ${worstG.model} ${
        fmt(worstG.gpuPct ?? NaN)
      }% at ${worstG.targetLabel}.`
      : ".");
  return {
    paperFigure: "7",
    reads: ["overspend"],
    name: "overspend",
    title: "The price of stepping off the scaling law",
    caption,
    howToRead:
      "Each cell is one model shape (width across, depth down); its colour and number say how many percent " +
      "more FLOPs (top) or GPU-hours (bottom) that shape needs to reach the target loss than the cheapest shape; " +
      "grey cells marked – are shapes whose predicted loss never falls to the target (or, for GPU-hours, shapes " +
      "without a measured step time). " +
      "Narrow, deep shapes waste the most; in GPU-hours the penalty is much larger because wide models use the " +
      "hardware better.",
    spec,
  };
}
