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
} from "../schemas.ts";
import { enumerateShapes, GEMSTONES_CONSTRAINTS, GEMSTONES_MODELS } from "../../scaling/count/shapes.ts";
import { gemstonesParams } from "../../scaling/count/params.ts";
import { gemstonesFlopsPerToken } from "../../scaling/count/flops.ts";
import {
  PERCEIVER_EXPERIMENTS,
  perceiverExperimentTable,
  perceiverSelfAttnFlops,
} from "../../scaling/count/perceiver.ts";
import { type Figure, inPaperOrder } from "./figures/common.ts";
import { widthDepthFigure } from "./figures/width_depth.ts";
import { approach1Figure } from "./figures/approach1.ts";
import { approach3Figure } from "./figures/approach3.ts";
import { rainbowFigure, type RainbowVariant } from "./figures/rainbow.ts";
import { overspendFigure } from "./figures/overspend.ts";
import { overtrainingFigure } from "./figures/overtraining.ts";
import { flopCountingFigure, type FlopShape } from "./figures/flop_counting.ts";
import { lossCurvesFigure } from "./figures/loss_curves.ts";
import { type PerceiverExperiment, perceiverFigure } from "./figures/perceiver.ts";
import { lrSweepFigure } from "./figures/lr_sweep.ts";
import type { LrSweepRow } from "../lr_sweep_table.ts";
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
  /** Approach 1's rows (`select_approach1.<variant>/rows.csv`, else the same as `rows`). */
  readonly approach1Rows: readonly SelectedRow[];
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
  /** Provenance of every input, by the key figures name in their `reads` (see report/sources.ts). */
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
 * Returns every figure of one variant's Gemstones report in the paper's order (each declares the paper
 * figure it reproduces and the inputs it reads). The Perceiver AR figure is not among them: it has its
 * own report ({@link perceiverFigures}).
 */
export function variantFigures(inputs: ReportInputs): Figure[] {
  const v = inputs.variant;
  const subsets = inputs.select.subsets;
  const figures: Figure[] = [];
  const feasible = enumerateShapes(GEMSTONES_CONSTRAINTS).map((s) => ({
    width: s.width,
    depth: s.depth,
    params: s.params,
  }));
  figures.push(widthDepthFigure({
    feasible,
    trained: GEMSTONES_MODELS.map((m) => ({
      ...m,
      model: `${m.width}x${m.depth}`,
      params: gemstonesParams(m),
    })),
    industry: inputs.industry,
    variant: v,
    constraintText:
      "head size 128, even head count, widths 256-3072, depths 3-80, ±5% of 50M/100M/500M/1B/2B",
  }));
  figures.push(approach1Figure({ rows: inputs.rows, record: inputs.approach1, variant: v, subsets }));
  const eq2 = inputs.prescriptions.forms.find((f) => f.form === "eq2");
  if (!eq2) throw new Error(`report: prescriptions of variant ${v} have no eq2 form`);
  figures.push(
    approach3Figure({
      prescriptions: eq2.prescriptions,
      fit: inputs.eq2,
      industry: inputs.industry,
      variant: v,
      subsets,
    }),
  );
  if (inputs.rainbow.length > 0) figures.push(rainbowFigure({ variants: inputs.rainbow }));
  figures.push(overspendFigure({ record: inputs.overspend, variant: v }));
  figures.push(overtrainingFigure({ record: inputs.overtraining, industry: inputs.industry, variant: v }));
  figures.push(flopCountingFigure({
    shapes: flopCountingShapes(),
    counter: "gemstones (Appendix G)",
    paramsConvention: "all (incl. embeddings)",
    variant: v,
  }));
  figures.push(lossCurvesFigure({ rows: inputs.rows, variant: v, subsets }));
  if (inputs.lrSweep !== undefined && inputs.lrSweep.length > 0) {
    figures.push(lrSweepFigure({ rows: inputs.lrSweep, variant: v }));
  }
  return inPaperOrder(figures);
}

/** Returns the figures of the Perceiver AR report (seed 000): none when there are no validation losses. */
export function perceiverFigures(validation: readonly PerceiverValRow[]): Figure[] {
  if (validation.length === 0) return [];
  return [perceiverFigure({ experiments: perceiverExperiments(), validation })];
}
