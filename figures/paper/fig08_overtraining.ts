/** Paper Figure 8: overtraining at fixed FLOPs. @module */
import { figureModule } from "../figure_module.ts";
import { overtrainingFigure, overtrainingNotDrawn } from "../specs/overtraining.ts";

/**
 * Paper Figure 8 (reads overtraining, the Eq. 2 fit it comes from and the industry models); not drawn,
 * with the reason, when every point of every curve lies where the authors leave points out.
 */
export const FIG08 = figureModule({
  paperFigure: "8",
  reads: ["overtraining", "widthDepthEq2", "industry"],
  draw: ({ overtraining, widthDepthEq2, industry }) => {
    const why = overtrainingNotDrawn(overtraining);
    if (why !== null) return { notDrawn: why };
    return [
      overtrainingFigure({
        record: overtraining,
        industry,
        variant: overtraining.variant,
        health: widthDepthEq2.health,
      }),
    ];
  },
});
