/** The sensitivity tornado (S1, not a paper figure): how far other settings move the Eq. 1 fit. @module */
import { figureModule } from "../figure_module.ts";
import { tornadoFigure } from "../specs/sensitivity.ts";

/** The tornado (reads sensitivity; none when the graph has no sensitivity stage). */
export const S1_TORNADO = figureModule({
  paperFigure: "S1",
  reads: ["sensitivity"],
  draw: ({ sensitivity }) => sensitivity === undefined ? [] : [tornadoFigure(sensitivity)],
});
