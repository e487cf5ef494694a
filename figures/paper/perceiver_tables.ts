/** The Perceiver AR report's figure (seed 000): Tables 1-4 and validation loss against self-attention compute. @module */
import {
  PERCEIVER_EXPERIMENTS,
  perceiverExperimentTable,
  perceiverSelfAttnFlops,
} from "../../scaling/count/perceiver.ts";
import { figureModule } from "../figure_module.ts";
import { type PerceiverExperiment, perceiverFigure } from "../specs/perceiver.ts";

const PERCEIVER_LABELS: Readonly<Record<string, readonly string[]>> = {
  "scaling-1": ["Model 1 (ref)", "Model 2 (opt)", "Model 3"],
  "scaling-2a": ["Model 1 (ref)", "Model 2 (opt 2)", "Model 3 (opt 1)", "Model 4", "Model 5"],
  "scaling-2b": ["Model 1 (ref)", "Model 2 (opt)"],
};

/** Returns seed 000's three experiments with table rows, C_ref and per-step compute (scaling/count). */
export function perceiverExperiments(): PerceiverExperiment[] {
  return PERCEIVER_EXPERIMENTS.map((ex) => {
    const table = perceiverExperimentTable(ex);
    const labels = PERCEIVER_LABELS[ex.name] ?? [];
    return {
      experiment: ex.name,
      cRef: table.reference.flops,
      models: table.rows.map((row, i) => ({
        label: labels[i] ?? `Model ${i + 1}`,
        version: i,
        row,
        cSelfPerStep: perceiverSelfAttnFlops(ex.config, row.channels, row.layers) * ex.batchSize *
          ex.config.numLatents,
      })),
    };
  });
}

/** Tables 1-4 of the Perceiver AR article (reads perceiverValidation; none without validation losses). */
export const PERCEIVER_TABLES = figureModule({
  paperFigure: "tables-1-4",
  reads: ["perceiverValidation"],
  draw: ({ perceiverValidation }) =>
    perceiverValidation.length === 0
      ? []
      : [perceiverFigure({ experiments: perceiverExperiments(), validation: perceiverValidation })],
});
