/** The analogue of paper Figure 3 from our own learning-rate sweep (the lr_sweep stage's runs). @module */
import { figureModule } from "../figure_module.ts";
import { lrSweepFigure } from "../specs/lr_sweep.ts";

/** Our learning-rate sweep as paper Figure 3 (reads lrSweep; none without one). */
export const FIG03_LR_SWEEP = figureModule({
  paperFigure: "3",
  reads: ["lrSweep"],
  draw: ({ lrSweep }, { variant }) =>
    lrSweep !== undefined && lrSweep.length > 0 ? [lrSweepFigure({ rows: lrSweep, variant })] : [],
});
