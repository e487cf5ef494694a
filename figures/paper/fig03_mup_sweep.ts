/** Paper Figure 3 from the authors' learning-rate sweep at scale (left out when the report has its own sweep). @module */
import { figureModule } from "../figure_module.ts";
import { mupSweepFigure } from "../specs/mup_sweep.ts";

/** Paper Figure 3, the authors' sweep (reads mupSweep; not drawn when the report has an lrSweep). */
export const FIG03_MUP_SWEEP = figureModule({
  paperFigure: "3",
  reads: ["mupSweep"],
  unless: "lrSweep",
  draw: ({ mupSweep }) => mupSweep.length > 0 ? [mupSweepFigure(mupSweep)] : [],
});
