/** Paper Figure 5: Approach 3's prescribed width/depth ratio and tokens per parameter. @module */
import { figureModule } from "../figure_module.ts";
import { gridText, lawText } from "../specs/approach3.ts";
import { prescriptionsFigure } from "../specs/prescriptions.ts";
import { formOf } from "./prescribed.ts";
import { authorsPrescriptionLine } from "../specs/authors_fit.ts";

/** Paper Figure 5 (reads the width-depth Eq. 2 fit, the prescriptions and the industry models). */
export const FIG05 = figureModule({
  paperFigure: "5",
  reads: ["widthDepthEq2", "prescriptions", "industry"],
  draw: ({ widthDepthEq2: wdEq2, prescriptions, industry }, { variant: v }) => {
    const wdVariant = prescriptions.variant;
    const authors = authorsPrescriptionLine(prescriptions, "eq2", `Eq. 2 of ${wdVariant}`, wdEq2.health);
    return [prescriptionsFigure({
      number: 5,
      name: "approach3",
      title: "Approach 3: prescribed width/depth ratio and tokens per parameter",
      panels: ["ratio", "tokensPerParam"],
      series: [
        { label: "Approach 3 (ours, Eq. 2)", prescriptions: formOf(prescriptions, "eq2") },
        ...(authors ? [authors.series] : []),
      ],
      industry,
      source:
        `Eq. 2 fitted on the subsets of variant ${wdVariant} (${wdEq2.rows} rows, Huber δ=${wdEq2.huberDelta}; ${
          gridText(wdEq2)
        }): ${lawText(wdEq2)}. Brute force over integer shapes (widths 256-2^17 in ` +
        `even heads of 128, depths width/2048 to 16·width, as the authors' approach_3_brute_force.py).` +
        (wdVariant === v
          ? ""
          : ` The paper fits this law on hot_100b+ (--over_100), so variant ${v} draws ${wdVariant}'s.`) +
        (authors ? ` ${authors.sentence}` : ""),
      howToRead:
        "The red line is the shape the fitted width-depth law finds best at each budget, searched over every " +
        "shape and token count. Left: its width/depth ratio grows only slowly with compute. Right: its tokens per " +
        "parameter, against the Chinchilla, Epoch and Kaplan prescriptions (dashed). The coloured markers are " +
        "industry models (Llama ×, Gemma ○, Qwen2 △): on the right they train on tens to thousands of tokens " +
        "per parameter, far more than any prescription. Open red circles mark budgets whose optimum touches the " +
        "edge of the searched box.",
    })];
  },
});
