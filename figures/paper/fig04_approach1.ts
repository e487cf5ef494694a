/** Paper Figure 4: Approach 1's loss frontiers and its N_opt, D_opt lines. @module */
import { figureModule } from "../figure_module.ts";
import { approach1Figure } from "../specs/approach1.ts";

/** Paper Figure 4 (reads Approach 1's rows and record). */
export const FIG04 = figureModule({
  paperFigure: "4",
  reads: ["approach1Rows", "approach1"],
  draw: ({ approach1Rows, approach1 }, { variant }) => [approach1Figure({
    rows: approach1Rows.rows,
    record: approach1,
    variant,
    subsets: [...new Set(approach1Rows.rows.map((r) => r.subset))],
  })],
});
