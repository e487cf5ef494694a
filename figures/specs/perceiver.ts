/**
 * Seed 000's figures: validation loss of every Perceiver AR run against its training FLOPs over the
 * self-attention budget C_self (cross-attention included, the article's x axis: 1 is the budget), one
 * panel per experiment within the article's axis limits, the budget as a dashed rule; the article's
 * Tables 1-4 (experiment setups and cross-attention ratios), its compute-optimal laws beside ours and its
 * N_opt predictions beside ours, as HTML tables.
 * @module
 */
import type { PerceiverValRow } from "../../records/schemas.ts";
import {
  formatExp2,
  formatPerceiverRow,
  type PerceiverExperimentRow,
  type PublishedPerceiverPrediction,
} from "../../scaling/count/perceiver.ts";
import { type FixedExponentLaw, fixedExponentParams } from "../../scaling/count/fixed_exponent.ts";
import { escapeHtml, type FigureDraft, fmt, topLevel } from "./common.ts";

/** One model of a Perceiver AR experiment: the article's table row plus what the plot needs. */
export interface PerceiverModelRow {
  /** Legend label, e.g. "Model 1 (ref)". */
  readonly label: string;
  /** TensorBoard version index of its run (model = version + 1). */
  readonly version: number;
  /** The table row (scaling/count `perceiverExperimentRows`). */
  readonly row: PerceiverExperimentRow;
}

/** One experiment (a panel and two tables). */
export interface PerceiverExperiment {
  /** Experiment id as in the run logs, e.g. "scaling-1". */
  readonly experiment: string;
  /** Reference budget C_ref, FLOPs. */
  readonly cRef: number;
  /** Models in table order. */
  readonly models: readonly PerceiverModelRow[];
  /** The article's axis limits (`plt.xlim`, `plt.ylim`): FLOPs / C_self and loss, nats per token. */
  readonly xlim: readonly [number, number];
  readonly ylim: readonly [number, number];
}

/** Seed 000's compute-optimal law of one Chinchilla approach, as printed, beside ours. */
export interface PerceiverLaw {
  /** Chinchilla approach (1: Table 3, 2: Table A3). */
  readonly approach: 1 | 2;
  /** The law seed 000 prints. */
  readonly article: FixedExponentLaw;
  /** Ours: the same exponents fitted to the same estimates (collect's perceiver_estimates.csv); null without them. */
  readonly ours: FixedExponentLaw | null;
}

/** Input of {@link perceiverFigure}. */
export interface PerceiverData {
  /** Experiments. */
  readonly experiments: readonly PerceiverExperiment[];
  /** Validation losses of every run. */
  readonly validation: readonly PerceiverValRow[];
  /** The article's laws and ours. */
  readonly laws: readonly PerceiverLaw[];
  /** The N_opt predictions the article prints. */
  readonly printed: readonly PublishedPerceiverPrediction[];
}

/**
 * Returns the article's x of each of `count` validation losses of a model (seed 000 `plot_experiment`):
 * evenly spaced up to the model's total training FLOPs over its self-attention budget,
 * (C_cross + C_self) / C_self, the last loss at the end of training, the first at 1/count of it.
 */
export function perceiverComputeFractions(row: PerceiverExperimentRow, count: number): number[] {
  const end = row.flops / row.selfFlops;
  return Array.from({ length: count }, (_, i) => (i + 1) * end / count);
}

const rel = (ours: number, theirs: number) => ((ours - theirs) / Math.abs(theirs)).toExponential(1);

/** Returns the laws table and the N_opt predictions table (HTML) of the article beside ours. */
export function perceiverLawsHtml(data: PerceiverData): string {
  const lawRows = data.laws.map((l) => {
    const o = l.ours;
    const cells = [
      `Approach ${l.approach}`,
      `${l.article.a.toFixed(2)}, ${l.article.b.toFixed(2)}`,
      l.article.kN.toFixed(4),
      o ? o.kN.toFixed(4) : "",
      o ? rel(o.kN, l.article.kN) : "",
      l.article.kD.toFixed(4),
      o ? o.kD.toFixed(4) : "",
      o ? rel(o.kD, l.article.kD) : "",
    ];
    return `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`;
  }).join("");
  const laws = `<table class="data"><caption>Compute-optimal laws N_opt = k_N·C^a, D_opt = k_D·C^b (C in ` +
    `FLOPs): seed 000's, printed to 4 decimals, and ours (the same exponents fitted to the same Chinchilla ` +
    `estimates by least squares in linear space, as its fit_scaling_law)</caption>` +
    `<tr><th>Chinchilla</th><th>a, b</th><th>k_N (article)</th><th>k_N (ours)</th><th>rel. diff.</th>` +
    `<th>k_D (article)</th><th>k_D (ours)</th><th>rel. diff.</th></tr>${lawRows}</table>`;
  const predRows = data.experiments.map((ex) => {
    const cells = [ex.experiment, formatExp2(ex.cRef)];
    for (const l of data.laws) {
      const printed = data.printed.find((p) => p.experiment === ex.experiment && p.approach === l.approach);
      cells.push(printed ? formatExp2(printed.paramsOpt) : "(not printed)");
      cells.push(l.ours ? formatExp2(fixedExponentParams(l.ours, ex.cRef)) : "");
    }
    cells.push(ex.models.map((m) => `${m.label} ${formatExp2(m.row.selfParams)}`).join("; "));
    return `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`;
  }).join("");
  const heads = data.laws.map((l) =>
    `<th>N_opt, Approach ${l.approach} (article)</th><th>N_opt, Approach ${l.approach} (ours)</th>`
  ).join("");
  const preds = `<table class="data"><caption>N_opt at each experiment's reference budget C_ref ` +
    `(self-attention FLOPs): the article's printed predictions and ours, beside the models' N_self</caption>` +
    `<tr><th>experiment</th><th>C_ref</th>${heads}<th>models (N_self)</th></tr>${predRows}</table>`;
  return laws + preds;
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

/** Returns Figure 9: Perceiver AR validation loss against compute over the budget, plus Tables 1-4(+). */
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
      const last = rows[rows.length - 1].loss;
      // The article's legend: "Model 1 (ref): N_self = 45.0M, final loss = 3.xxx".
      const model = `${m.label}: N_self = ${(m.row.selfParams / 1e6).toFixed(1)}M, final loss = ${
        last.toFixed(3)
      }`;
      const x = perceiverComputeFractions(m.row, rows.length);
      rows.forEach((r, i) =>
        points.push({ experiment: ex.experiment, model, step: r.step, compute: x[i], loss: r.loss })
      );
      finals.push(`${ex.experiment} ${m.label} ${fmt(last, 4)}`);
    }
  }
  const refs = data.experiments.map((e) => ({ experiment: e.experiment, cRef: e.cRef, budget: 1 }));
  const spec = topLevel({
    title: "Perceiver AR: validation loss at equal self-attention compute (seed 000)",
    datasets: { points, refs },
    vconcat: data.experiments.map((ex) => ({
      title: ex.experiment,
      width: 560,
      height: 240,
      layer: [
        {
          data: { name: "points" },
          transform: [{ filter: { field: "experiment", equal: ex.experiment } }],
          mark: { type: "line", strokeWidth: 1.8, clip: true },
          encoding: {
            x: {
              field: "compute",
              type: "quantitative",
              title: "FLOPs / C_self (cross-attention included)",
              scale: { domain: [...ex.xlim], nice: false, zero: false },
            },
            y: {
              field: "loss",
              type: "quantitative",
              scale: { domain: [...ex.ylim], nice: false, zero: false },
              title: "validation loss (nats/token)",
            },
            color: {
              field: "model",
              type: "nominal",
              title: null,
              // matplotlib's default colour cycle (C0-C4), the article's line colours.
              scale: { range: ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"] },
              legend: { orient: "right", labelLimit: 420 },
            },
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
          encoding: { x: { field: "budget", type: "quantitative" } },
        },
      ],
    })),
    resolve: { scale: { y: "independent", x: "independent", color: "independent" } },
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
      `; x as the article draws it: each run's validation losses evenly spaced up to its training FLOPs ` +
      `(self- and cross-attention) over C_self, within the article's axis limits. Final losses: ` +
      `${finals.join("; ")}. Laws: ${
        data.laws.map((l) =>
          `Approach ${l.approach}: article N_opt = ${l.article.kN.toFixed(4)}·C^${l.article.a.toFixed(2)}` +
          (l.ours ? `, ours ${l.ours.kN.toFixed(4)}·C^${l.ours.a.toFixed(2)}` : "")
        ).join("; ")
      }.`,
    howToRead:
      "Each panel is one experiment: models of different sizes trained to the same self-attention compute " +
      "C_ref, with loss plotted against the FLOPs spent over that budget (cross-attention included, so each " +
      "run ends a few percent past the dashed line at 1). The model predicted " +
      "compute-optimal by the Chinchilla law should end lowest at the dashed line; with the 32k SentencePiece " +
      "vocabulary (scaling-1) it does, with the 262-token byte vocabulary (scaling-2a/2b) the reference model wins.",
    spec,
    tablesHtml: `${perceiverLawsHtml(data)}\n${tables}`,
  };
}
