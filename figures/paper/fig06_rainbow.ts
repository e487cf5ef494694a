/** Paper Figure 6: the rainbow, N_opt(C) of every variant's Eq. 1 fit and the Approach 1 lines. @module */
import { figureModule } from "../figure_module.ts";
import { rainbowFigure } from "../specs/rainbow.ts";

/** Paper Figure 6 (reads the rainbow's Eq. 1 fits and Approach 1 lines; none without rainbow fits). */
export const FIG06 = figureModule({
  paperFigure: "6",
  reads: ["rainbow", "rainbowApproach1"],
  draw: ({ rainbow, rainbowApproach1 }) =>
    rainbow.length > 0 ? [rainbowFigure({ variants: rainbow, approach1: rainbowApproach1 })] : [],
});
