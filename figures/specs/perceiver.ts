/**
 * Figure 9 (seed 000): validation loss of every Perceiver AR run against self-attention training
 * compute, one panel per experiment with the reference budget C_ref as a dashed rule, and the
 * article's Tables 1-4 (experiment setups and cross-attention ratios) as HTML tables.
 * @module
 */
import type { PerceiverValRow } from "../../records/schemas.ts";
import {
  formatExp2,
  formatPerceiverRow,
  type PerceiverExperimentRow,
} from "../../scaling/count/perceiver.ts";
import { escapeHtml, type FigureDraft, fmt, linearAxisChannel, topLevel } from "./common.ts";

/** Steps before this are not drawn (the first 2,000 steps' losses would dwarf the comparison). */
const HIDDEN_STEPS = 2999;

/** One model of a Perceiver AR experiment: the article's table row plus what the plot needs. */
export interface PerceiverModelRow {
  /** Legend label, e.g. "Model 1 (ref)". */
  readonly label: string;
  /** TensorBoard version index of its run (model = version + 1). */
  readonly version: number;
  /** The table row (scaling/count `perceiverExperimentRows`). */
  readonly row: PerceiverExperimentRow;
  /** Self-attention training FLOPs per optimizer step (per-token FLOPs · batch · latents). */
  readonly cSelfPerStep: number;
}

/** One experiment (a panel and two tables). */
export interface PerceiverExperiment {
  /** Experiment id as in the run logs, e.g. "scaling-1". */
  readonly experiment: string;
  /** Reference budget C_ref, FLOPs. */
  readonly cRef: number;
  /** Models in table order. */
  readonly models: readonly PerceiverModelRow[];
}

/** Input of {@link perceiverFigure}. */
export interface PerceiverData {
  /** Experiments. */
  readonly experiments: readonly PerceiverExperiment[];
  /** Validation losses of every run. */
  readonly validation: readonly PerceiverValRow[];
}

function tablesHtml(ex: PerceiverExperiment, n: number): string {
  const cells = ex.models.map((m) => formatPerceiverRow(m.row));
  const tr = (i: number, c: string[]) =>
    `<tr><td>${i + 1}</td>${c.map((x) => `<td>${escapeHtml(x)}</td>`).join("")}</tr>`;
  const setup = cells.map((c, i) => tr(i, c.slice(0, 11))).join("");
  const ratios = cells.map((c, i) => tr(i, c.slice(11))).join("");
  const name = escapeHtml(ex.experiment);
  return `<table class="data"><caption>Table ${n}. ${name}: setup (C_ref = ${
    formatExp2(ex.cRef)
  } FLOPs)</caption>` +
    `<tr><th></th><th>num_channels</th><th>num_layers</th><th>num_steps</th><th>D_iso</th><th>N</th><th>N_cross</th>` +
    `<th>N_self</th><th>C</th><th>C_cross</th><th>C_self</th><th>Ĉ_self = 6·N_self·D</th></tr>${setup}</table>` +
    `<table class="data"><caption>Table ${n + 1}. ${name}: cross-attention ratios</caption>` +
    `<tr><th></th><th>N_cross/N</th><th>C_cross/C</th><th>C_self/Ĉ_self</th></tr>${ratios}</table>`;
}

/** Returns Figure 9: Perceiver AR validation loss against self-attention compute, plus Tables 1-4(+). */
export function perceiverFigure(data: PerceiverData): FigureDraft {
  const points: { experiment: string; model: string; step: number; compute: number; loss: number }[] = [];
  const finals: string[] = [];
  for (const ex of data.experiments) {
    for (const m of ex.models) {
      const rows = data.validation.filter((v) => v.experiment === ex.experiment && v.version === m.version)
        .sort((a, b) => a.step - b.step);
      if (rows.length === 0) {
        throw new Error(`perceiverFigure: no validation rows for ${ex.experiment} version ${m.version}`);
      }
      for (const r of rows) {
        points.push({
          experiment: ex.experiment,
          model: m.label,
          step: r.step,
          compute: (r.step + 1) * m.cSelfPerStep,
          loss: r.loss,
        });
      }
      finals.push(`${ex.experiment} ${m.label} ${fmt(rows[rows.length - 1].loss, 4)}`);
    }
  }
  const refs = data.experiments.map((e) => ({ experiment: e.experiment, cRef: e.cRef }));
  // Each panel's x axis spans its own drawn points and C_ref (the first 2,000 steps are hidden), with
  // the report's exponent form on every tick ("6.0e17").
  const computeAxis = (experiment: string) => {
    const shown = points.filter((p) => p.experiment === experiment && p.step >= HIDDEN_STEPS).map((p) =>
      p.compute
    );
    const cRef = refs.find((r) => r.experiment === experiment)!.cRef;
    return linearAxisChannel("compute", {
      title: "C_self so far (FLOPs)",
      values: [...shown, cRef],
      axis: { labelExpr: "replace(format(datum.value, '.1e'), 'e+', 'e')", tickCount: 4 },
    });
  };
  const spec = topLevel({
    title: "Perceiver AR: validation loss at equal self-attention compute (seed 000)",
    datasets: { points, refs },
    hconcat: data.experiments.map((ex) => ({
      title: ex.experiment,
      width: 260,
      height: 260,
      layer: [
        {
          data: { name: "points" },
          transform: [{ filter: { field: "experiment", equal: ex.experiment } }, {
            filter: `datum.step >= ${HIDDEN_STEPS}`,
          }],
          mark: { type: "line", strokeWidth: 1.8 },
          encoding: {
            x: computeAxis(ex.experiment),
            y: {
              field: "loss",
              type: "quantitative",
              scale: { zero: false },
              title: "validation loss (nats/token)",
            },
            color: { field: "model", type: "nominal", title: "model" },
            tooltip: [{ field: "model" }, { field: "step", type: "quantitative" }, {
              field: "loss",
              type: "quantitative",
              format: ".4f",
            }],
          },
        },
        {
          data: { name: "refs" },
          transform: [{ filter: { field: "experiment", equal: ex.experiment } }],
          mark: { type: "rule", strokeDash: [5, 4], color: "#555" },
          encoding: { x: { field: "cRef", type: "quantitative" } },
        },
      ],
    })),
    resolve: { scale: { y: "independent", x: "independent" } },
  });
  let n = 1;
  const tables = data.experiments.map((ex) => {
    const html = tablesHtml(ex, n);
    n += 2;
    return html;
  }).join("\n");
  return {
    paperFigure: "tables-1-4",
    name: "perceiver-ar",
    title: "Perceiver AR compute-optimal experiments (seed 000)",
    caption:
      `Experiments ${
        data.experiments.map((e) => `${e.experiment} (C_ref = ${e.cRef.toExponential(2)})`).join(", ")
      }` +
      `; first 2,000 steps hidden. Final losses: ${finals.join("; ")}.`,
    howToRead:
      "Each panel is one experiment: models of different sizes trained to the same self-attention compute " +
      "C_ref (dashed line), with loss plotted against the compute spent so far. The model predicted " +
      "compute-optimal by the Chinchilla law should end lowest at the dashed line; with the 32k SentencePiece " +
      "vocabulary (scaling-1) it does, with the 262-token byte vocabulary (scaling-2a/2b) the reference model wins.",
    spec,
    tablesHtml: tables,
  };
}
