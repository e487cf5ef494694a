/** Paper Figure 23: the validation-loss curves of every run. @module */
import { figureModule } from "../figure_module.ts";
import { lossCurvesFigure } from "../specs/loss_curves.ts";

/** Paper Figure 23 (reads the long runs' rows). */
export const FIG23 = figureModule({
  paperFigure: "23",
  reads: ["longRuns"],
  draw: ({ longRuns }, { variant }) => [
    lossCurvesFigure({
      rows: longRuns.rows,
      variant,
      subsets: [...new Set(longRuns.rows.map((r) => r.subset))],
    }),
  ],
});
