/**
 * Figure 10 (a micro version of seed 002 Figure 3): the learning-rate sweep. Two panels, final validation
 * loss against the peak learning rate and against lr · width · √depth, one line per model (a wide and a
 * deep model at two sizes). If the width-depth rule lr ∝ 1/(width·√depth) holds, the minima line up in
 * the second panel. Diverged runs have no loss: they are drawn as crosses along the top edge.
 * @module
 */
import { type FigureDraft, fmt, topLevel } from "./common.ts";
import type { LrSweepRow } from "../../records/lr_sweep_table.ts";

/** Input of {@link lrSweepFigure}. */
export interface LrSweepData {
  /** The rows of lr_sweep.csv (final_loss NaN for diverged runs). */
  readonly rows: readonly LrSweepRow[];
  /** Variant / data label (for the caption). */
  readonly variant: string;
}

/** The best run of one model: its peak lr, lr·width·√depth and final loss (nats/token). */
export interface LrSweepBest {
  /** Model label "<size> <role> <W>x<D>". */
  readonly label: string;
  /** Peak learning rate of the lowest final loss. */
  readonly lr: number;
  /** lr · width · √depth of that run. */
  readonly scaledLr: number;
  /** Its final validation loss, nats/token. */
  readonly lossNats: number;
  /**
   * The optimum between grid points: vertex of the parabola in ln(lr) through the best run and its two
   * neighbours (the grid value when the best run is at an end of the grid or a neighbour has no loss).
   */
  readonly lrVertex: number;
  /** lrVertex · width · √depth. */
  readonly scaledLrVertex: number;
}

/**
 * Returns the vertex x of the parabola through (x0, y0), (x1, y1), (x2, y2) (x in any units; `x1` when the
 * points are collinear or the parabola opens downwards).
 */
export function parabolaVertex(
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
): number {
  const num = (x1 - x0) ** 2 * (y1 - y2) - (x1 - x2) ** 2 * (y1 - y0);
  const den = (x1 - x0) * (y1 - y2) - (x1 - x2) * (y1 - y0);
  // Opens upwards when the curvature 2·[(y2-y1)/(x2-x1) - (y1-y0)/(x1-x0)]/(x2-x0) is positive.
  const curvature = ((y2 - y1) / (x2 - x1) - (y1 - y0) / (x1 - x0)) / (x2 - x0);
  if (den === 0 || !(curvature > 0)) return x1;
  return x1 - 0.5 * num / den;
}

/** Returns the label of a sweep row's model, e.g. "small wide 64x1". */
export function lrSweepLabel(r: Pick<LrSweepRow, "size" | "role" | "model">): string {
  return `${r.size} ${r.role} ${r.model}`;
}

/**
 * Returns the lowest-loss run of each model (models with no finite loss left out), in first-seen order,
 * with the optimum refined between grid points ({@link LrSweepBest.lrVertex}).
 */
export function lrSweepBest(rows: readonly LrSweepRow[]): LrSweepBest[] {
  const byModel = new Map<string, LrSweepRow[]>();
  for (const r of rows) {
    const label = lrSweepLabel(r);
    byModel.set(label, [...(byModel.get(label) ?? []), r]);
  }
  const out: LrSweepBest[] = [];
  for (const [label, runs] of byModel) {
    const sorted = [...runs].sort((a, b) => a.lr - b.lr);
    let i = -1;
    sorted.forEach((r, j) => {
      if (Number.isFinite(r.final_loss) && (i < 0 || r.final_loss < sorted[i].final_loss)) i = j;
    });
    if (i < 0) continue;
    const b = sorted[i];
    let lrVertex = b.lr;
    const lo = sorted[i - 1], hi = sorted[i + 1];
    if (lo && hi && Number.isFinite(lo.final_loss) && Number.isFinite(hi.final_loss)) {
      lrVertex = Math.exp(
        parabolaVertex(
          Math.log(lo.lr),
          lo.final_loss,
          Math.log(b.lr),
          b.final_loss,
          Math.log(hi.lr),
          hi.final_loss,
        ),
      );
    }
    out.push({
      label,
      lr: b.lr,
      scaledLr: b.lr_width_sqrt_depth,
      lossNats: b.final_loss,
      lrVertex,
      scaledLrVertex: lrVertex * b.width * Math.sqrt(b.depth),
    });
  }
  return out;
}

/** Returns max/min of positive values (1 for fewer than two; dimensionless). */
function spread(xs: readonly number[]): number {
  return xs.length < 2 ? 1 : Math.max(...xs) / Math.min(...xs);
}

/** Returns the largest ratio between consecutive distinct learning rates of a sweep (1 for fewer than two). */
export function lrGridStep(lrs: readonly number[]): number {
  const u = [...new Set(lrs)].sort((a, b) => a - b);
  let step = 1;
  for (let i = 1; i < u.length; i++) step = Math.max(step, u[i] / u[i - 1]);
  return step;
}

/** Returns Figure 10: final loss vs lr and vs lr·width·√depth, one line per model, diverged runs marked. */
export function lrSweepFigure(data: LrSweepData): FigureDraft {
  if (data.rows.length === 0) throw new Error("lrSweepFigure: no sweep rows");
  const finite = data.rows.filter((r) => Number.isFinite(r.final_loss)).map((r) => r.final_loss);
  const top = finite.length > 0 ? Math.max(...finite) : 1;
  const points = data.rows.map((r) => ({
    model: r.model,
    label: lrSweepLabel(r),
    width: r.width,
    depth: r.depth,
    lr: r.lr,
    lr_width_sqrt_depth: r.lr_width_sqrt_depth,
    final_loss: Number.isFinite(r.final_loss) ? r.final_loss : null,
    // Where a diverged run's cross is drawn: the top of the loss axis.
    marker_loss: Number.isFinite(r.final_loss) ? null : top,
    diverged: r.diverged,
  }));
  const y = {
    field: "final_loss",
    type: "quantitative",
    scale: { zero: false },
    title: "final validation loss (nats/token)",
  };
  const color = { field: "label", type: "nominal", title: "model", legend: { orient: "right" } };
  const panel = (field: string, title: string) => {
    const x = { field, type: "quantitative", scale: { type: "log" }, title };
    return {
      width: 300,
      height: 240,
      layer: [
        {
          transform: [{ filter: "datum.final_loss !== null" }],
          mark: { type: "line", point: true },
          encoding: {
            x,
            y,
            color,
            tooltip: [
              { field: "label", type: "nominal" },
              { field: "lr", type: "quantitative", format: ".2e" },
              { field: "lr_width_sqrt_depth", type: "quantitative", format: ".3g" },
              { field: "final_loss", type: "quantitative", format: ".4f" },
            ],
          },
        },
        {
          transform: [{ filter: "datum.diverged" }],
          mark: { type: "point", shape: "cross", size: 90, filled: true },
          encoding: { x, y: { ...y, field: "marker_loss" }, color },
        },
      ],
    };
  };
  const spec = topLevel({
    title: "Learning-rate sweep: loss against lr and against lr · width · √depth",
    datasets: { sweep: points },
    data: { name: "sweep" },
    hconcat: [
      panel("lr", "peak learning rate"),
      panel("lr_width_sqrt_depth", "lr · width · √depth"),
    ],
  });
  const best = lrSweepBest(data.rows);
  const diverged = data.rows.filter((r) => r.diverged).length;
  const bestText = best.map((b) =>
    `${b.label}: ${fmt(b.scaledLr)} at lr ${fmt(b.lr)} (${fmt(b.lossNats)} nats; vertex ${
      fmt(b.scaledLrVertex)
    })`
  ).join("; ");
  const lrSpread = spread(best.map((b) => b.lrVertex));
  const scaledSpread = spread(best.map((b) => b.scaledLrVertex));
  const step = lrGridStep(data.rows.map((r) => r.lr));
  const verdict = scaledSpread < lrSpread
    ? "lining the curves up by the rule narrows the spread of their optima"
    : "lining the curves up by the rule does not narrow the spread of their optima";
  const gain = Math.max(lrSpread, scaledSpread) / Math.min(lrSpread, scaledSpread);
  const resolution = gain < step
    ? ` (by ×${fmt(gain)}, less than one step of the lr grid, ×${
      fmt(step)
    }, so it rests on the interpolation)`
    : "";
  const caption =
    `${data.rows.length} runs of ${best.length} models at ${
      new Set(data.rows.map((r) => r.lr)).size
    } learning rates; ${diverged} diverged (crosses at the top). Best lr · width · √depth per model (grid ` +
    `point, and the vertex of a parabola in ln lr through it and its neighbours): ${bestText}. Spread of the ` +
    `vertices (max/min): ×${fmt(scaledSpread)} in lr · width · √depth against ×${fmt(lrSpread)} in raw lr: ` +
    `${verdict}${resolution}. Data: ${data.variant}.`;
  return {
    paperFigure: "3",
    name: "lr-sweep",
    title: "Learning-rate sweep",
    caption,
    howToRead:
      "Each line is one model trained briefly at several peak learning rates; the left panel puts the final " +
      "validation loss against the learning rate itself, the right panel against lr · width · √depth, the " +
      "constant of the width-depth rule lr = c / (width · √depth). If the rule holds, the minima of the " +
      "curves line up at one c in the right panel even where they differ in the left one. Both x axes are " +
      "logarithmic; the grid of learning rates is spaced by factors of about 3, so optima closer than that " +
      "cannot be told apart.",
    spec,
  };
}
