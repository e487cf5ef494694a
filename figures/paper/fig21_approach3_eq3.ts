/** Paper Figure 21: Approach 3 with the alternative law (Eq. 3). @module */
import { figureModule } from "../figure_module.ts";
import { prescriptionsFigure } from "../specs/prescriptions.ts";
import { formOf } from "./prescribed.ts";
import { authorsPrescriptionLine } from "../specs/authors_fit.ts";

/** Paper Figure 21 (reads the prescriptions and the industry models). */
export const FIG21 = figureModule({
  paperFigure: "21",
  reads: ["prescriptions", "industry"],
  draw: ({ prescriptions, industry }) => {
    const authors = authorsPrescriptionLine(prescriptions, "eq3", `Eq. 3 of ${prescriptions.variant}`);
    return [prescriptionsFigure({
      number: 21,
      name: "approach3-eq3",
      title: "Approach 3 with the alternative law (Eq. 3: no parameter term)",
      panels: ["ratio", "tokensPerParam"],
      series: [
        { label: "Approach 3 (ours, Eq. 3)", prescriptions: formOf(prescriptions, "eq3") },
        ...(authors ? [authors.series] : []),
      ],
      industry,
      source:
        `Eq. 3 fitted on the subsets of variant ${prescriptions.variant} (Huber δ as Eq. 2), brute force over integer shapes.` +
        (authors ? ` ${authors.sentence}` : ""),
      howToRead:
        "Eq. 3 drops the parameter-count term, so nothing stops depth from growing: its prescribed width/depth " +
        "ratio falls towards zero as the budget grows, while its tokens per parameter track Kaplan's.",
    })];
  },
});
