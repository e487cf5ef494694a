/** Paper Figures 13-19 (Appendix D): Approach 3 without integer constraints on the ablations and at δ = 1e-3. @module */
import { figureModule } from "../figure_module.ts";
import { type PrescriptionSeries, prescriptionsFigure } from "../specs/prescriptions.ts";
import { formOf } from "./prescribed.ts";
import { authorsPrescriptionLine } from "../specs/authors_fit.ts";

/** The paper's Appendix D figures of relaxed prescriptions: number, variant, its δ=1e-4 twin (dashed), what. */
const APPENDIX_D: readonly { number: number; variant: string; twin?: string; what: string }[] = [
  { number: 13, variant: "lr_ablation", what: "learning-rate ablation (lr_ablation_hot), Huber δ=1e-4" },
  { number: 14, variant: "cooldown", what: "cooldown (cool_end), Huber δ=1e-4" },
  {
    number: 15,
    variant: "over_120b_only",
    what: "checkpoints beyond 120B tokens only (hot_120b+_only), δ=1e-4",
  },
  { number: 16, variant: "over_100b", what: "all tokens (hot_100b+), Huber δ=1e-4" },
  {
    number: 17,
    variant: "over_100b_huber_1e-3",
    twin: "over_100b",
    what: "all tokens (hot_100b+), Huber δ=1e-3",
  },
  {
    number: 18,
    variant: "lr_ablation_huber_1e-3",
    twin: "lr_ablation",
    what: "learning-rate ablation (lr_ablation_hot), Huber δ=1e-3",
  },
  { number: 19, variant: "cooldown_huber_1e-3", twin: "cooldown", what: "cooldown (cool_end), Huber δ=1e-3" },
];

/** Paper Figures 13-19, one per relaxed variant the report has (reads relaxed and the industry models). */
export const APPENDIX_D_FIGURES = figureModule({
  paperFigure: "13-19",
  reads: ["relaxed", "industry"],
  draw: ({ relaxed, industry }) =>
    APPENDIX_D.flatMap((fig) => {
      const own = relaxed.find((r) => r.variant === fig.variant);
      if (!own) return [];
      const series: PrescriptionSeries[] = [
        { label: `Eq. 2, relaxed (${fig.variant})`, prescriptions: formOf(own.record, "eq2") },
        { label: `Eq. 1, C = 6ND (${fig.variant})`, prescriptions: formOf(own.record, "eq1") },
      ];
      const authors = authorsPrescriptionLine(own.record, "eq2", `Eq. 2 of ${fig.variant}`);
      if (authors) series.push(authors.series);
      const twin = fig.twin === undefined ? undefined : relaxed.find((r) => r.variant === fig.twin);
      if (twin) {
        series.push({
          label: `Eq. 2, relaxed, δ=1e-4 (${twin.variant})`,
          prescriptions: formOf(twin.record, "eq2"),
          dashed: true,
        });
      }
      return [prescriptionsFigure({
        number: fig.number,
        name: `approach3-relaxed-${fig.variant}`,
        title: `Approach 3 without integer constraints: ${fig.what}`,
        panels: ["ratio", "tokensPerParam", "params", "tokens"],
        series,
        industry,
        source:
          `Variant ${fig.variant}: ${fig.what}; width and depth continuous (at least one head), as the ` +
          `paper's Appendix D.` +
          (twin ? ` Dashed: the same subset at Huber δ=1e-4 (Figure of ${twin.variant}).` : "") +
          (authors ? ` ${authors.sentence}` : ""),
        howToRead:
          "As Figure 5, with the integer constraints on heads and depth removed so that ablations compare without " +
          "rounding steps." + (twin
            ? " The dashed line is the same data fitted with δ=1e-4: close lines mean the δ " +
              "choice does not matter here."
            : ""),
      })];
    }),
});
