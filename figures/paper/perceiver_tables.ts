/**
 * The Perceiver AR report's figure (seed 000): Tables 1-4, the article's compute-optimal laws and N_opt
 * predictions beside ours, and validation loss against training FLOPs over the self-attention budget.
 * @module
 */
import {
  PERCEIVER_EXPERIMENTS,
  perceiverExperimentTable,
  SEED000_PREDICTIONS,
} from "../../scaling/count/perceiver.ts";
import { fitFixedExponentLaw, SEED000_LAWS } from "../../scaling/count/fixed_exponent.ts";
import type { PerceiverEstimateRow } from "../../records/schemas.ts";
import { figureModule } from "../figure_module.ts";
import { type PerceiverExperiment, perceiverFigure, type PerceiverLaw } from "../specs/perceiver.ts";

/** Per experiment: the article's legend labels (`model_labels`) and axis limits (`plt.xlim`, `plt.ylim`). */
const PERCEIVER_PLOTS: Readonly<
  Record<string, { labels: readonly string[]; xlim: [number, number]; ylim: [number, number] }>
> = {
  "scaling-1": { labels: ["Model 1 (ref)", "Model 2 (opt)", "Model 3"], xlim: [0.1, 1.1], ylim: [3.2, 3.6] },
  "scaling-2a": {
    labels: ["Model 1 (ref)", "Model 2 (opt 2)", "Model 3 (opt 1)", "Model 4", "Model 5"],
    xlim: [0.1, 1.2],
    ylim: [0.85, 1.0],
  },
  "scaling-2b": { labels: ["Model 1 (ref)", "Model 2 (opt)"], xlim: [0.1, 1.2], ylim: [0.85, 1.0] },
};

/** Returns seed 000's three experiments with table rows, C_ref, legend labels and axis limits. */
export function perceiverExperiments(): PerceiverExperiment[] {
  return PERCEIVER_EXPERIMENTS.map((ex) => {
    const table = perceiverExperimentTable(ex);
    const plot = PERCEIVER_PLOTS[ex.name];
    if (plot === undefined) throw new Error(`perceiver report: no plot settings for experiment ${ex.name}`);
    return {
      experiment: ex.name,
      cRef: table.reference.flops,
      models: table.rows.map((row, i) => ({ label: plot.labels[i] ?? `Model ${i + 1}`, version: i, row })),
      xlim: plot.xlim,
      ylim: plot.ylim,
    };
  });
}

/**
 * Returns seed 000's laws beside ours: each approach's exponents fitted to Chinchilla's estimates of that
 * approach (Table 3 or A3) as seed 000 fits them (ours null when the estimates are absent).
 */
export function perceiverLaws(estimates: readonly PerceiverEstimateRow[]): PerceiverLaw[] {
  return SEED000_LAWS.map(({ approach, law }) => {
    const rows = estimates.filter((e) => e.approach === approach);
    const ours = rows.length === 0 ? null : fitFixedExponentLaw(
      rows.map((r) => r.flops),
      rows.map((r) => r.params),
      rows.map((r) => r.tokens),
      law.a,
      law.b,
    );
    return { approach, article: law, ours };
  });
}

/** Seed 000's figure and tables (reads perceiverValidation and perceiverEstimates; none without losses). */
export const PERCEIVER_TABLES = figureModule({
  paperFigure: "tables-1-4",
  reads: ["perceiverValidation", "perceiverEstimates"],
  draw: ({ perceiverValidation, perceiverEstimates }) =>
    perceiverValidation.length === 0 ? [] : [perceiverFigure({
      experiments: perceiverExperiments(),
      validation: perceiverValidation,
      laws: perceiverLaws(perceiverEstimates),
      printed: SEED000_PREDICTIONS,
    })],
});
