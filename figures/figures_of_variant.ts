/**
 * Assembles every figure of one variant's report from typed inputs (the upstream stages' records)
 * and the counting library: the feasible-shape grid, the FLOP counter and seed 000's Perceiver tables.
 * @module
 */
import type {
  Approach1Record,
  Approach3Record,
  IndustryRow,
  OverspendRecord,
  OvertrainingRecord,
  PerceiverValRow,
  PrescriptionsRecord,
  SelectedRow,
  SelectSummary,
} from "../stages/schemas.ts";
import { enumerateShapes, GEMSTONES_CONSTRAINTS, GEMSTONES_MODELS } from "../scaling/count/shapes.ts";
import { gemstonesParams } from "../scaling/count/params.ts";
import { gemstonesFlopsPerToken } from "../scaling/count/flops.ts";
import {
  PERCEIVER_EXPERIMENTS,
  perceiverExperimentTable,
  perceiverSelfAttnFlops,
} from "../scaling/count/perceiver.ts";
import { type Figure, inPaperOrder } from "./specs/common.ts";
import { widthDepthFigure } from "./specs/width_depth.ts";
import { approach1ExtendedFigure, approach1Figure } from "./specs/approach1.ts";
import { gridText, lawText } from "./specs/approach3.ts";
import { type RainbowApproach1, rainbowFigure, type RainbowVariant } from "./specs/rainbow.ts";
import { lawOverspendFigure, overspendFigure } from "./specs/overspend.ts";
import {
  type PrescriptionPanel,
  type PrescriptionSeries,
  prescriptionsFigure,
} from "./specs/prescriptions.ts";
import { type MupRun, mupSweepFigure } from "./specs/mup_sweep.ts";
import { overtrainingFigure } from "./specs/overtraining.ts";
import { flopCountingFigure, type FlopShape } from "./specs/flop_counting.ts";
import { lossCurvesFigure } from "./specs/loss_curves.ts";
import { type PerceiverExperiment, perceiverFigure } from "./specs/perceiver.ts";
import { lrSweepFigure } from "./specs/lr_sweep.ts";
import { gridSizeFigure, tornadoFigure } from "./specs/sensitivity.ts";
import type { GridSizeStudyRecord, SensitivityRecord } from "../stages/sensitivity.ts";
import type { LrSweepRow } from "../stages/lr_sweep_table.ts";
import type { InputSource } from "./sources.ts";

/** Everything the report of one variant is drawn from (the upstream stages' outputs, parsed). */
export interface ReportInputs {
  /** Variant name. */
  readonly variant: string;
  /** `select.<variant>/select.json`. */
  readonly select: SelectSummary;
  /** `select.<variant>/rows.csv`. */
  readonly rows: readonly SelectedRow[];
  /** The selection of Approach 1's rows (`select_approach1.<variant>/select.json`, else the same as `select`). */
  readonly approach1Select: SelectSummary;
  /** Approach 1's rows (`select_approach1.<variant>/rows.csv`, else the same as `rows`; paper Figure 4). */
  readonly approach1Rows: readonly SelectedRow[];
  /** The Eq. 2 fit behind the width-depth figures (paper Figures 5, 7, 8, 12; hot_100b+ for paper); default `eq2`. */
  readonly widthDepthEq2?: Approach3Record;
  /** The long loss curves of paper Figure 23 (`hot_100b+_477`); default `approach1Rows`. */
  readonly longRuns?: readonly SelectedRow[];
  /** The rainbow's Approach 1 lines (paper Figure 6). */
  readonly rainbowApproach1?: readonly RainbowApproach1[];
  /** Relaxed prescriptions per variant (paper Figures 13-19); empty leaves those figures out. */
  readonly relaxed?: readonly { readonly variant: string; readonly record: PrescriptionsRecord }[];
  /** Approach 1 of the lr and cooldown ablations (paper Figures 10 and 11): variant, rows and record. */
  readonly approach1Ablations?: readonly {
    readonly variant: string;
    readonly rows: readonly SelectedRow[];
    readonly record: Approach1Record;
  }[];
  /** The learning-rate sweep at scale (paper Figure 3); empty leaves it out. */
  readonly mupSweep?: readonly MupRun[];
  /** `collect/industry.csv`. */
  readonly industry: readonly IndustryRow[];
  /** `approach1.<variant>/approach1.json`. */
  readonly approach1: Approach1Record;
  /** `approach3_eq1.<variant>/fit.json`. */
  readonly eq1: Approach3Record;
  /** `approach3_eq2.<variant>/fit.json`. */
  readonly eq2: Approach3Record;
  /** `approach3_eq3.<variant>/fit.json`. */
  readonly eq3: Approach3Record;
  /** `prescribe.<variant>/prescriptions.json`. */
  readonly prescriptions: PrescriptionsRecord;
  /** `overtraining.<variant>/overtraining.json`. */
  readonly overtraining: OvertrainingRecord;
  /** `overspend.<variant>/overspend.json`. */
  readonly overspend: OverspendRecord;
  /** Eq. 1 fits of every variant for the rainbow (figure 4 is left out when empty). */
  readonly rainbow: readonly RainbowVariant[];
  /** `collect/perceiver_val.csv` (drawn by the Perceiver AR report, not by this one). */
  readonly perceiverValidation: readonly PerceiverValRow[];
  /** The lr_sweep node's `lr_sweep.csv` (the figure is left out when absent or empty). */
  readonly lrSweep?: readonly LrSweepRow[];
  /** The grid_size_study node's record (Gemstones Figure 20; left out when absent). */
  readonly gridSizeStudy?: GridSizeStudyRecord;
  /** The sensitivity node's record (the tornado; left out when absent). */
  readonly sensitivity?: SensitivityRecord;
  /** Provenance of every input, by the key figures name in their `reads` (see figures/sources.ts). */
  readonly sources: Readonly<Record<string, InputSource>>;
}

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

/** Returns the shapes of figure 7: every feasible Gemstones shape plus the 22 trained ones. */
export function flopCountingShapes(): FlopShape[] {
  const trained = new Set(GEMSTONES_MODELS.map((m) => `${m.width}x${m.depth}`));
  const seen = new Set<string>();
  const out: FlopShape[] = [];
  const all = [...enumerateShapes(GEMSTONES_CONSTRAINTS), ...GEMSTONES_MODELS];
  for (const s of all) {
    const key = `${s.width}x${s.depth}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      width: s.width,
      depth: s.depth,
      params: gemstonesParams(s),
      flopsPerToken: gemstonesFlopsPerToken(s),
      trained: trained.has(key),
    });
  }
  return out;
}

/**
 * Paper Figure 22's design space (plot_feasible_model_shapes.ipynb): widths 256-8192 in even heads of 128,
 * depths 2-255, within ±5% of 50M, 100M, 500M, 1B, 2B, 4B or 7B parameters.
 */
export const FULL_DESIGN_SPACE: typeof GEMSTONES_CONSTRAINTS = {
  ...GEMSTONES_CONSTRAINTS,
  widthMax: 8192,
  depthMin: 2,
  depthMax: 255,
  targetParams: [50e6, 100e6, 500e6, 1e9, 2e9, 4e9, 7e9],
};

/** Returns the prescriptions of `form` in `record`; throws naming the variant when missing. */
function formOf(record: PrescriptionsRecord, form: string) {
  const f = record.forms.find((x) => x.form === form);
  if (!f) throw new Error(`report: prescriptions of variant ${record.variant} have no ${form} form`);
  return f.prescriptions;
}

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

/** Returns paper Figures 12-19 and 21: the brute-force prescription figures. */
function prescriptionFigures(inputs: ReportInputs, wdVariant: string): Figure[] {
  const out: Figure[] = [];
  const wdEq2 = inputs.widthDepthEq2 ?? inputs.eq2;
  const six: PrescriptionPanel[] = ["ratio", "tokensPerParam", "params", "tokens", "width", "depth"];
  const eq2 = formOf(inputs.prescriptions, "eq2");
  out.push(prescriptionsFigure({
    number: 12,
    reads: ["widthDepthEq2", "prescriptions", "industry"],
    name: "approach3-extended",
    title: "Approach 3, extended: every prescribed quantity against FLOPs",
    panels: six,
    series: [
      { label: "Approach 3 (ours, Eq. 2)", prescriptions: eq2 },
      { label: "Approach 3 params law (Eq. 1, C = 6ND)", prescriptions: formOf(inputs.prescriptions, "eq1") },
    ],
    industry: inputs.industry,
    source:
      `Eq. 2 fitted on the subsets of variant ${wdVariant} (${wdEq2.rows} rows, Huber δ=${wdEq2.huberDelta}), brute force over integer shapes (widths 256-2^17 in even heads, depth width/2048-16·width).`,
    howToRead:
      "Six views of the same optimum: the red-to-blue lines are what the width-depth law (and, where it applies, " +
      "the Chinchilla-form law) prescribes as the budget grows. Dashed: the published prescriptions.",
  }));
  for (const fig of APPENDIX_D) {
    const own = inputs.relaxed?.find((r) => r.variant === fig.variant);
    if (!own) continue;
    const series: PrescriptionSeries[] = [
      { label: `Eq. 2, relaxed (${fig.variant})`, prescriptions: formOf(own.record, "eq2") },
      { label: `Eq. 1, C = 6ND (${fig.variant})`, prescriptions: formOf(own.record, "eq1") },
    ];
    const twin = fig.twin === undefined ? undefined : inputs.relaxed?.find((r) => r.variant === fig.twin);
    if (twin) {
      series.push({
        label: `Eq. 2, relaxed, δ=1e-4 (${twin.variant})`,
        prescriptions: formOf(twin.record, "eq2"),
        dashed: true,
      });
    }
    out.push(prescriptionsFigure({
      number: fig.number,
      reads: ["relaxed", "industry"],
      name: `approach3-relaxed-${fig.variant}`,
      title: `Approach 3 without integer constraints: ${fig.what}`,
      panels: ["ratio", "tokensPerParam", "params", "tokens"],
      series,
      industry: inputs.industry,
      source: `Variant ${fig.variant}: ${fig.what}; width and depth continuous (at least one head), as the ` +
        `paper's Appendix D.` +
        (twin ? ` Dashed: the same subset at Huber δ=1e-4 (Figure of ${twin.variant}).` : ""),
      howToRead:
        "As Figure 5, with the integer constraints on heads and depth removed so that ablations compare without " +
        "rounding steps." + (twin
          ? " The dashed line is the same data fitted with δ=1e-4: close lines mean the δ " +
            "choice does not matter here."
          : ""),
    }));
  }
  out.push(prescriptionsFigure({
    number: 21,
    reads: ["prescriptions", "industry"],
    name: "approach3-eq3",
    title: "Approach 3 with the alternative law (Eq. 3: no parameter term)",
    panels: ["ratio", "tokensPerParam"],
    series: [{ label: "Approach 3 (ours, Eq. 3)", prescriptions: formOf(inputs.prescriptions, "eq3") }],
    industry: inputs.industry,
    source:
      `Eq. 3 fitted on the subsets of variant ${wdVariant} (Huber δ as Eq. 2), brute force over integer shapes.`,
    howToRead:
      "Eq. 3 drops the parameter-count term, so nothing stops depth from growing: its prescribed width/depth " +
      "ratio falls towards zero as the budget grows, while its tokens per parameter track Kaplan's.",
  }));
  return out;
}

/**
 * Returns every figure of one variant's Gemstones report in the paper's order (each declares the paper
 * figure it reproduces and the inputs it reads). The Perceiver AR figure is not among them: it has its
 * own report ({@link perceiverFigures}).
 */
export function variantFigures(inputs: ReportInputs): Figure[] {
  const v = inputs.variant;
  const figures: Figure[] = [];
  const shapesOf = (c: typeof GEMSTONES_CONSTRAINTS) =>
    enumerateShapes(c).map((s) => ({
      width: s.width,
      depth: s.depth,
      params: s.params,
      target: s.targetParams,
    }));
  const trained = GEMSTONES_MODELS.map((m) => ({
    ...m,
    model: `${m.width}x${m.depth}`,
    params: gemstonesParams(m),
  }));
  figures.push(widthDepthFigure({
    feasible: shapesOf(GEMSTONES_CONSTRAINTS),
    trained,
    industry: inputs.industry,
    variant: v,
    constraintText:
      "head size 128, even head count, widths 256-3072, depths 3-80, ±5% of 50M/100M/500M/1B/2B",
  }));
  // Paper Figure 3 from the authors' sweep, unless the report has an lr sweep of its own runs (drawn as 3's analogue).
  if (inputs.mupSweep !== undefined && inputs.mupSweep.length > 0 && inputs.lrSweep === undefined) {
    figures.push(mupSweepFigure(inputs.mupSweep));
  }
  const approach1Rows = inputs.approach1Rows ?? inputs.rows;
  figures.push(approach1Figure({
    rows: approach1Rows,
    record: inputs.approach1,
    variant: v,
    subsets: [...new Set(approach1Rows.map((r) => r.subset))],
  }));
  const wdVariant = inputs.prescriptions.variant;
  const wdEq2 = inputs.widthDepthEq2 ?? inputs.eq2;
  figures.push(prescriptionsFigure({
    number: 5,
    reads: ["widthDepthEq2", "prescriptions", "industry"],
    name: "approach3",
    title: "Approach 3: prescribed width/depth ratio and tokens per parameter",
    panels: ["ratio", "tokensPerParam"],
    series: [{ label: "Approach 3 (ours, Eq. 2)", prescriptions: formOf(inputs.prescriptions, "eq2") }],
    industry: inputs.industry,
    source:
      `Eq. 2 fitted on the subsets of variant ${wdVariant} (${wdEq2.rows} rows, Huber δ=${wdEq2.huberDelta}; ${
        gridText(wdEq2)
      }): ${lawText(wdEq2)}. Brute force over integer shapes (widths 256-2^17 in ` +
      `even heads of 128, depths width/2048 to 16·width, as the authors' approach_3_brute_force.py).` +
      (wdVariant === v
        ? ""
        : ` The paper fits this law on hot_100b+ (--over_100), so variant ${v} draws ${wdVariant}'s.`),
    howToRead:
      "The red line is the shape the fitted width-depth law finds best at each budget, searched over every " +
      "shape and token count. Left: its width/depth ratio grows only slowly with compute. Right: its tokens per " +
      "parameter, against the Chinchilla, Epoch and Kaplan prescriptions (dashed). Crosses are industry models; " +
      "open red circles mark budgets whose optimum touches the edge of the searched box.",
  }));
  if (inputs.rainbow.length > 0) {
    figures.push(rainbowFigure({ variants: inputs.rainbow, approach1: inputs.rainbowApproach1 ?? [] }));
  }
  figures.push(overspendFigure({ record: inputs.overspend, variant: inputs.overspend.variant }));
  figures.push(lawOverspendFigure({ record: inputs.overspend, variant: inputs.overspend.variant }));
  figures.push(
    overtrainingFigure({
      record: inputs.overtraining,
      industry: inputs.industry,
      variant: inputs.overtraining.variant,
    }),
  );
  figures.push(approach1ExtendedFigure({
    rows: approach1Rows,
    record: inputs.approach1,
    variant: v,
    subsets: [...new Set(approach1Rows.map((r) => r.subset))],
  }));
  const ablations: Readonly<Record<string, { number: number; what: string }>> = {
    lr_ablation: { number: 10, what: " on the learning-rate ablation" },
    cooldown: { number: 11, what: " on the cooldown ablation" },
  };
  for (const a of inputs.approach1Ablations ?? []) {
    const paper = ablations[a.variant];
    if (paper === undefined) continue;
    figures.push(approach1Figure({
      rows: a.rows,
      record: a.record,
      variant: a.variant,
      subsets: [...new Set(a.rows.map((r) => r.subset))],
      paper,
    }));
  }
  figures.push(...prescriptionFigures(inputs, wdVariant));
  figures.push(widthDepthFigure({
    number: 22,
    feasible: shapesOf(FULL_DESIGN_SPACE),
    trained,
    industry: [],
    variant: v,
    constraintText:
      "the authors' search space: head size 128, even head count, widths 256-8192, depths 2-255, " +
      "±5% of 50M/100M/500M/1B/2B/4B/7B",
  }));
  const longRuns = inputs.longRuns ?? approach1Rows;
  figures.push(
    lossCurvesFigure({ rows: longRuns, variant: v, subsets: [...new Set(longRuns.map((r) => r.subset))] }),
  );
  figures.push(flopCountingFigure({
    shapes: flopCountingShapes(),
    counter: "gemstones (Appendix G)",
    paramsConvention: "all (incl. embeddings)",
    variant: v,
  }));
  if (inputs.lrSweep !== undefined && inputs.lrSweep.length > 0) {
    figures.push(lrSweepFigure({ rows: inputs.lrSweep, variant: v }));
  }
  if (inputs.gridSizeStudy !== undefined) figures.push(gridSizeFigure(inputs.gridSizeStudy));
  if (inputs.sensitivity !== undefined) figures.push(tornadoFigure(inputs.sensitivity));
  return inPaperOrder(figures);
}

/** Returns the figures of the Perceiver AR report (seed 000): none when there are no validation losses. */
export function perceiverFigures(validation: readonly PerceiverValRow[]): Figure[] {
  if (validation.length === 0) return [];
  return [perceiverFigure({ experiments: perceiverExperiments(), validation })];
}
