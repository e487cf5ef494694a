/** Paper Figure 9: every panel of Approach 1. @module */
import { figureModule } from "../figure_module.ts";
import { approach1ExtendedFigure } from "../specs/approach1.ts";

/** Paper Figure 9 (reads Approach 1's rows and record). */
export const FIG09 = figureModule({
  paperFigure: "9",
  reads: ["approach1Rows", "approach1"],
  draw: ({ approach1Rows, approach1 }, { variant }) => [approach1ExtendedFigure({
    rows: approach1Rows.rows,
    record: approach1,
    variant,
    subsets: [...new Set(approach1Rows.rows.map((r) => r.subset))],
  })],
});
