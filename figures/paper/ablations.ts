/** Paper Figures 10 and 11: Approach 1 on the learning-rate and the cooldown ablations. @module */
import { figureModule } from "../figure_module.ts";
import { approach1Figure } from "../specs/approach1.ts";
import type { FigureModule } from "../figure_module.ts";

/** Returns the module of the Approach 1 ablation of `variant`, paper figure `number`. */
function ablation(variant: string, number: number, what: string): FigureModule<"approach1Ablations"> {
  return figureModule({
    paperFigure: String(number),
    reads: ["approach1Ablations"],
    draw: ({ approach1Ablations }) =>
      approach1Ablations.filter((a) => a.variant === variant).map((a) =>
        approach1Figure({
          rows: a.rows,
          record: a.record,
          variant: a.variant,
          subsets: [...new Set(a.rows.map((r) => r.subset))],
          paper: { number, what },
        })
      ),
  });
}

/** Paper Figure 10: Approach 1 on the learning-rate ablation (reads approach1Ablations). */
export const FIG10 = ablation("lr_ablation", 10, " on the learning-rate ablation");

/** Paper Figure 11: Approach 1 on the cooldown ablation (reads approach1Ablations). */
export const FIG11 = ablation("cooldown", 11, " on the cooldown ablation");
