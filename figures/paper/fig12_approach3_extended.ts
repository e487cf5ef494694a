/** Paper Figure 12: every prescribed quantity of Approach 3 against FLOPs. @module */
import { figureModule } from "../figure_module.ts";
import { type PrescriptionPanel, prescriptionsFigure } from "../specs/prescriptions.ts";
import { formOf } from "./prescribed.ts";
import { authorsPrescriptionLine } from "../specs/authors_fit.ts";

const SIX: PrescriptionPanel[] = ["ratio", "tokensPerParam", "params", "tokens", "width", "depth"];

/** Paper Figure 12 (reads the width-depth Eq. 2 fit, the prescriptions and the industry models). */
export const FIG12 = figureModule({
  paperFigure: "12",
  reads: ["widthDepthEq2", "prescriptions", "industry"],
  draw: ({ widthDepthEq2: wdEq2, prescriptions, industry }) => {
    const authors = authorsPrescriptionLine(
      prescriptions,
      "eq2",
      `Eq. 2 of ${prescriptions.variant}`,
      wdEq2.health,
    );
    return [prescriptionsFigure({
      number: 12,
      name: "approach3-extended",
      title: "Approach 3, extended: every prescribed quantity against FLOPs",
      panels: SIX,
      series: [
        { label: "Approach 3 (ours, Eq. 2)", prescriptions: formOf(prescriptions, "eq2") },
        { label: "Approach 3 params law (Eq. 1, C = 6ND)", prescriptions: formOf(prescriptions, "eq1") },
        ...(authors ? [authors.series] : []),
      ],
      industry,
      source:
        `Eq. 2 fitted on the subsets of variant ${prescriptions.variant} (${wdEq2.rows} rows, Huber δ=${wdEq2.huberDelta}), brute force over integer shapes (widths 256-2^17 in even heads, depth width/2048-16·width).` +
        (authors ? ` ${authors.sentence}` : ""),
      howToRead:
        "Six views of the same optimum: the red-to-blue lines are what the width-depth law (and, where it applies, " +
        "the Chinchilla-form law) prescribes as the budget grows. Dashed: the published prescriptions.",
    })];
  },
});
