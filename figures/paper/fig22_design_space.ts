/** Paper Figure 22: the feasible design space of the authors' search. @module */
import { GEMSTONES_CONSTRAINTS } from "../../scaling/count/shapes.ts";
import { figureModule } from "../figure_module.ts";
import { widthDepthFigure } from "../specs/width_depth.ts";
import { feasibleShapes, trainedShapes } from "./shapes.ts";

/**
 * Paper Figure 22's design space (plot_feasible_model_shapes.ipynb): widths 256-8192 in even heads of 128,
 * depths 2-255, within ±5% of 50M, 100M, 500M, 1B, 2B, 4B or 7B parameters.
 */
export const FULL_DESIGN_SPACE: typeof GEMSTONES_CONSTRAINTS = {
  ...GEMSTONES_CONSTRAINTS,
  widthMax: 8192,
  depthMin: 2,
  depthMax: 255,
  targetParams: [50e6, 100e6, 500e6, 1e9, 2e9, 4e9, 7e9],
};

/** Paper Figure 22 (reads the counted shapes only). */
export const FIG22 = figureModule({
  paperFigure: "22",
  reads: ["shapes"],
  draw: (_inputs, { variant }) => [widthDepthFigure({
    number: 22,
    feasible: feasibleShapes(FULL_DESIGN_SPACE),
    trained: trainedShapes(),
    industry: [],
    variant,
    constraintText:
      "the authors' search space: head size 128, even head count, widths 256-8192, depths 2-255, " +
      "±5% of 50M/100M/500M/1B/2B/4B/7B",
  })],
});
