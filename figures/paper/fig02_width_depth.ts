/** Paper Figure 2: the Gemstones shapes beside industry models (width against depth). @module */
import { GEMSTONES_CONSTRAINTS } from "../../scaling/count/shapes.ts";
import { figureModule } from "../figure_module.ts";
import { widthDepthFigure } from "../specs/width_depth.ts";
import { feasibleShapes, trainedShapes } from "./shapes.ts";

/** Paper Figure 2 (reads the counted shapes and the industry models). */
export const FIG02 = figureModule({
  paperFigure: "2",
  reads: ["shapes", "industry"],
  draw: ({ industry }, { variant }) => [widthDepthFigure({
    feasible: feasibleShapes(GEMSTONES_CONSTRAINTS),
    trained: trainedShapes(),
    industry,
    variant,
    constraintText:
      "head size 128, even head count, widths 256-3072, depths 3-80, ±5% of 50M/100M/500M/1B/2B",
  })],
});
