/** Paper Figure 7: overspend of FLOPs and GPU-hours by shape, measured and by the law. @module */
import { figureModule } from "../figure_module.ts";
import { lawOverspendFigure, overspendFigure } from "../specs/overspend.ts";

/** Paper Figure 7, measured checkpoints against the frontier (reads overspend). */
export const FIG07 = figureModule({
  paperFigure: "7",
  reads: ["overspend"],
  draw: ({ overspend }) => [overspendFigure({ record: overspend, variant: overspend.variant })],
});

/** Paper Figure 7 by the width-depth law (reads overspend and the Eq. 2 fit it comes from). */
export const FIG07_LAW = figureModule({
  paperFigure: "7",
  reads: ["overspend", "widthDepthEq2"],
  draw: ({ overspend, widthDepthEq2 }) => [
    lawOverspendFigure({ record: overspend, variant: overspend.variant, health: widthDepthEq2.health }),
  ],
});
