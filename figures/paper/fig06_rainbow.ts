/** Paper Figure 6: the rainbow, N_opt(C) of every variant's Eq. 1 fit and the Approach 1 lines. @module */
import { figureModule } from "../figure_module.ts";
import { rainbowFigure } from "../specs/rainbow.ts";

/**
 * Paper Figure 6 (reads the rainbow's Eq. 1 fits, Approach 1 lines and the authors' stored fits, drawn where
 * ours differ; none without rainbow fits).
 */
export const FIG06 = figureModule({
  paperFigure: "6",
  reads: ["rainbow", "rainbowApproach1", "authorsLaws"],
  draw: ({ rainbow, rainbowApproach1, authorsLaws }) =>
    rainbow.length > 0
      ? [rainbowFigure({ variants: rainbow, approach1: rainbowApproach1, authorsLaws })]
      : [],
});
