/** Paper Figure 20: fitted exponents against the size of the start grid (the grid_size_study stage). @module */
import { figureModule } from "../figure_module.ts";
import { gridSizeFigure } from "../specs/sensitivity.ts";

/** Paper Figure 20 (reads gridSizeStudy; none when the graph does not run the study). */
export const FIG20 = figureModule({
  paperFigure: "20",
  reads: ["gridSizeStudy"],
  draw: ({ gridSizeStudy }) => gridSizeStudy === undefined ? [] : [gridSizeFigure(gridSizeStudy)],
});
