/**
 * Figure S2 (not a paper figure): the profile objective over the exponents of the Eq. 2 fit behind the
 * width-depth figures (paper Figures 5, 7, 8, 12), from its variable projection search. @module
 */
import { figureModule } from "../figure_module.ts";
import { identifiabilityFigure } from "../specs/identifiability.ts";

/** Figure S2 (reads the width-depth Eq. 2 fit; none when that fit has no projection profile). */
export const S2_IDENTIFIABILITY = figureModule({
  paperFigure: "S2",
  reads: ["widthDepthEq2"],
  draw: ({ widthDepthEq2 }) => {
    const f = identifiabilityFigure(widthDepthEq2, ["widthDepthEq2"]);
    return f === null ? [] : [f];
  },
});
