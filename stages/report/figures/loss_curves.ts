/**
 * Figure 8 (seed 002 Appendix F, Figure 23): validation-loss curves of every run against tokens.
 * @module
 */
import type { SelectedRow } from "../../schemas.ts";
import { type Figure, fmt, PARAMS_COLOR, topLevel } from "./common.ts";

/** Input of {@link lossCurvesFigure}. */
export interface LossCurvesData {
  /** Checkpoints (the variant's selected rows). */
  readonly rows: readonly SelectedRow[];
  /** Variant name. */
  readonly variant: string;
  /** Subsets (caption). */
  readonly subsets: readonly string[];
}

/** Returns Figure 8: validation loss against tokens, one line per run, coloured by parameters. */
export function lossCurvesFigure(data: LossCurvesData): Figure {
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
  const spec = topLevel({
    title: `Validation loss of every run (variant ${data.variant})`,
    datasets: { curves: rows },
    width: 560,
    height: 380,
    data: { name: "curves" },
    mark: { type: "line", strokeWidth: 1.5, point: { size: 8 } },
    encoding: {
      x: { field: "tokens", type: "quantitative", scale: { type: "log" }, title: "training tokens" },
      y: {
        field: "loss",
        type: "quantitative",
        scale: { zero: false },
        title: "validation loss (nats/token)",
      },
      detail: { field: "run_id" },
      color: PARAMS_COLOR,
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
    reads: ["rows"],
    name: "loss-curves",
    title: "Validation-loss curves",
    caption: `${runs.size} runs, ${rows.length} checkpoints (subsets ${data.subsets.join(", ")}; variant ` +
      `${data.variant}). Final losses from ${fmt(best.last.loss, 4)} (${best.model}) to ${
        fmt(worst.last.loss, 4)
      } ` +
      `(${worst.model}).`,
    howToRead:
      "One line per training run, coloured by parameter count, loss against tokens on a log axis. Bigger " +
      "models reach lower loss; within a size, the spread comes from the width/depth shape. These are the points " +
      "every fit of this report uses.",
    spec,
  };
}
