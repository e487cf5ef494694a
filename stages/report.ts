/**
 * The `report` stage: every paper figure of one variant as Vega-Lite JSON, SVG and PNG, and one
 * self-contained offline HTML page (`index.html`) with captions and a "how to read" per figure.
 *
 * Reads (node ids default to `<stage>.<variant>`): `collect` (industry.csv, perceiver_val.csv),
 * `select.V` (rows.csv, select.json), `approach1.V`, `approach3_eq2.V`, `prescribe.V`,
 * `overtraining.V`, `overspend.V`, and, for the rainbow (figure 4), the `approach3_eq1.<W>` node of every
 * variant W listed in `deps.rainbow` (left out when empty), and, when `deps.lrSweep` names one, the
 * lr_sweep node's `lr_sweep.csv` (figure 10, the learning-rate sweep).
 * @module
 */
import type { Stage } from "../pipeline/stage.ts";
import { readCsvObjects, stageId } from "./schemas.ts";
import { escapeHtml } from "./report/figures/common.ts";
import { gridText } from "./report/figures/approach3.ts";
import type {
  Approach1Record,
  Approach3Record,
  CollectSummary,
  OverspendRecord,
  OvertrainingRecord,
  PrescriptionsRecord,
  SelectSummary,
} from "./schemas.ts";
import { type ReportInputs, variantFigures } from "./report/figures_of_variant.ts";
import { readIndustry, readPerceiverValidation, readRecord, readSelectedRows } from "./report/load.ts";
import { writeReport } from "./report/write.ts";
import { FONT_PATH } from "./report/render.ts";
import { readLrSweepRows } from "./lr_sweep_table.ts";
import { MUP_SWEEP_PATH, readMupSweep } from "./report/figures/mup_sweep.ts";

/** Upstream node ids the report reads. */
export interface ReportDeps {
  /** The collect node (default "collect"). */
  readonly collect: string;
  /** The select node of the variant. */
  readonly select: string;
  /** The Approach 1 node. */
  readonly approach1: string;
  /** The Approach 3 Eq. 2 node. */
  readonly approach3Eq2: string;
  /** The prescribe node. */
  readonly prescribe: string;
  /** The overtraining node. */
  readonly overtraining: string;
  /** The overspend node. */
  readonly overspend: string;
  /** Legend label -> an Approach 3 Eq. 1 node, for the rainbow (paper Figure 6); empty leaves it out. */
  readonly rainbow: Readonly<Record<string, string>>;
  /** Legend label -> an Approach 1 node, the rainbow's Approach 1 lines (paper Figure 6). */
  readonly rainbowApproach1?: Readonly<Record<string, string>>;
  /** Variant -> its `prescribe_relaxed` node (paper Figures 13-19, Appendix D); absent leaves them out. */
  readonly relaxed?: Readonly<Record<string, string>>;
  /**
   * Variant -> its Approach 1 select and fit nodes, for the paper's Approach 1 ablations (Figure 10: lr_ablation,
   * Figure 11: cooldown); absent leaves them out.
   */
  readonly approach1Ablations?: Readonly<
    Record<string, { readonly select: string; readonly approach1: string }>
  >;
  /** The select node of Approach 1's rows (the curves of paper Figure 4); default `select`. */
  readonly approach1Select?: string;
  /** The select node of the long loss curves (paper Figure 23: hot_100b+_477); default `approach1Select`. */
  readonly longRuns?: string;
  /** The lr_sweep node (its lr_sweep.csv gives figure 10); absent leaves the figure out. */
  readonly lrSweep?: string;
}

/** Returns the default node ids of the report of `variant` (no rainbow). */
export function defaultReportDeps(variant: string): ReportDeps {
  return {
    collect: "collect",
    select: stageId("select", variant),
    approach1: stageId("approach1", variant),
    approach3Eq2: stageId("approach3_eq2", variant),
    prescribe: stageId("prescribe", variant),
    overtraining: stageId("overtraining", variant),
    overspend: stageId("overspend", variant),
    rainbow: {},
  };
}

/** Parameters of the report stage. */
export type ReportParams = {
  /** Variant name. */
  variant: string;
  /** Variants of the rainbow, in order. */
  rainbowVariants: string[];
};

/** Reads every input of the report from the upstream output folders (`ctx.deps`); returns the parsed inputs. */
export async function readReportInputs(
  variant: string,
  deps: ReportDeps,
  dirs: Readonly<Record<string, string>>,
): Promise<ReportInputs> {
  const dir = (id: string) => {
    const d = dirs[id];
    if (d === undefined) {
      throw new Error(`report ${variant}: upstream node "${id}" is not among the stage's deps`);
    }
    return d;
  };
  const rainbow = [];
  for (const [v, id] of Object.entries(deps.rainbow)) {
    rainbow.push({ variant: v, fit: await readRecord<Approach3Record>(`${dir(id)}/fit.json`, "approach3") });
  }
  const rainbowApproach1 = [];
  for (const [label, id] of Object.entries(deps.rainbowApproach1 ?? {})) {
    rainbowApproach1.push({
      label,
      record: await readRecord<Approach1Record>(`${dir(id)}/approach1.json`, "approach1"),
    });
  }
  const relaxed = [];
  for (const [v, id] of Object.entries(deps.relaxed ?? {})) {
    relaxed.push({
      variant: v,
      record: await readRecord<PrescriptionsRecord>(`${dir(id)}/prescriptions.json`, "prescriptions"),
    });
  }
  const approach1Ablations = [];
  for (const [v, ids] of Object.entries(deps.approach1Ablations ?? {})) {
    approach1Ablations.push({
      variant: v,
      rows: await readSelectedRows(`${dir(ids.select)}/rows.csv`),
      record: await readRecord<Approach1Record>(`${dir(ids.approach1)}/approach1.json`, "approach1"),
    });
  }
  const approach1Select = deps.approach1Select ?? deps.select;
  const longRuns = deps.longRuns ?? approach1Select;
  let perceiverValidation: Awaited<ReturnType<typeof readPerceiverValidation>> = [];
  const perceiverPath = `${dir(deps.collect)}/perceiver_val.csv`;
  try {
    await Deno.stat(perceiverPath);
    perceiverValidation = await readPerceiverValidation(perceiverPath);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return {
    variant,
    select: await readRecord<SelectSummary>(`${dir(deps.select)}/select.json`),
    rows: await readSelectedRows(`${dir(deps.select)}/rows.csv`),
    approach1Rows: await readSelectedRows(`${dir(approach1Select)}/rows.csv`),
    longRuns: await readSelectedRows(`${dir(longRuns)}/rows.csv`),
    rainbowApproach1,
    relaxed,
    approach1Ablations,
    mupSweep: await readMupSweep(MUP_SWEEP_PATH),
    industry: await readIndustry(`${dir(deps.collect)}/industry.csv`),
    approach1: await readRecord<Approach1Record>(`${dir(deps.approach1)}/approach1.json`, "approach1"),
    eq2: await readRecord<Approach3Record>(`${dir(deps.approach3Eq2)}/fit.json`, "approach3"),
    prescriptions: await readRecord<PrescriptionsRecord>(
      `${dir(deps.prescribe)}/prescriptions.json`,
      "prescriptions",
    ),
    overtraining: await readRecord<OvertrainingRecord>(
      `${dir(deps.overtraining)}/overtraining.json`,
      "overtraining",
    ),
    overspend: await readRecord<OverspendRecord>(`${dir(deps.overspend)}/overspend.json`, "overspend"),
    rainbow,
    perceiverValidation,
    ...(deps.lrSweep === undefined
      ? {}
      : { lrSweep: await readLrSweepRows(`${dir(deps.lrSweep)}/lr_sweep.csv`) }),
  };
}

/** Where the report's rows come from, and which trained runs were left out of the fits. */
export interface Provenance {
  /** The data label (collect.json's `source`, or "published Gemstones runs" for older records). */
  readonly source: string;
  /** Whether the rows are this project's own (trained or simulated) runs. */
  readonly ownRuns: boolean;
  /** Runs that diverged, from collect's `own_runs.csv`: run id and reason. */
  readonly excluded: readonly { runId: string; reason: string }[];
  /** An HTML section listing the excluded runs ("" when collect trained nothing). */
  readonly excludedHtml: string;
}

/** Reads the data label and the diverged runs from the collect stage's output folder `dir`. */
export async function readProvenance(dir: string): Promise<Provenance> {
  const summary = await readRecord<CollectSummary>(`${dir}/collect.json`);
  const source = summary.source ?? "published Gemstones runs (McLeish et al. 2025)";
  let runs: Record<string, string>[] | null = null;
  try {
    runs = await readCsvObjects(`${dir}/own_runs.csv`);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const ownRuns = runs !== null || !source.startsWith("published");
  const excluded = (runs ?? []).filter((r) => r.diverged === "true").map((r) => ({
    runId: r.run_id,
    reason: r.reason,
  }));
  const excludedHtml = runs === null ? "" : `<section id="excluded"><h2>Runs left out of the fits</h2>\n` +
    (excluded.length === 0
      ? `<p>None: all ${runs.length} trained runs finished without diverging.</p>`
      : `<p>${excluded.length} of ${runs.length} trained runs diverged and are not fitted:</p>\n<ul>\n` +
        excluded.map((x) => `<li>${escapeHtml(x.runId)}: ${escapeHtml(x.reason)}</li>`).join("\n") +
        "\n</ul>") +
    "\n</section>";
  return { source, ownRuns, excluded, excludedHtml };
}

/** Returns the report stage of one variant (id defaults to `report.<variant>`). */
export function reportStage(
  options: { variant: string; id?: string; deps?: Partial<ReportDeps> },
): Stage<ReportParams> {
  const deps: ReportDeps = { ...defaultReportDeps(options.variant), ...options.deps };
  const ids = [
    deps.collect,
    deps.select,
    deps.approach1,
    deps.approach3Eq2,
    deps.prescribe,
    deps.overtraining,
    deps.overspend,
    ...Object.values(deps.rainbow),
    ...Object.values(deps.rainbowApproach1 ?? {}),
    ...Object.values(deps.relaxed ?? {}),
    ...Object.values(deps.approach1Ablations ?? {}).flatMap((a) => [a.select, a.approach1]),
    ...(deps.approach1Select === undefined ? [] : [deps.approach1Select]),
    ...(deps.longRuns === undefined ? [] : [deps.longRuns]),
    ...(deps.lrSweep === undefined ? [] : [deps.lrSweep]),
  ];
  return {
    name: "report",
    id: options.id ?? stageId("report", options.variant),
    module: import.meta.url,
    deps: [...new Set(ids)],
    params: { variant: options.variant, rainbowVariants: Object.keys(deps.rainbow) },
    inputs: [FONT_PATH, MUP_SWEEP_PATH],
    outputs: ["index.html", "figures/"],
    async run(ctx) {
      const inputs = await readReportInputs(options.variant, deps, ctx.deps);
      const provenance = await readProvenance(ctx.deps[deps.collect]);
      // Figures of runs that are not the published ones say so in every title and caption.
      const label = provenance.ownRuns ? `${options.variant}; ${provenance.source}` : options.variant;
      const figures = variantFigures({ ...inputs, variant: label });
      ctx.progress(0, figures.length, "rendering figures");
      const written = await writeReport(ctx.outDir, figures, {
        title: `Scaling-law report: variant ${options.variant}` +
          (provenance.ownRuns ? ` (this project's own runs)` : ""),
        intro: `Every figure of the Gemstones reproduction for variant "${options.variant}" ` +
          `(subsets ${
            inputs.select.subsets.join(", ")
          }; ${inputs.select.rows} rows of ${inputs.select.runs} runs; ` +
          `params column ${inputs.select.paramsColumn}, FLOPs column ${inputs.select.flopsColumn}). ` +
          `Data: ${provenance.source}. Approach 3 (Eq. 2) was fitted from ${gridText(inputs.eq2)}; ` +
          `the full grids are a parameter of the fit stages (stages/fit_approach3.ts), left out of the ` +
          `default so that a cold reproduce takes well under three minutes on two cores.`,
        extraHtml: provenance.excludedHtml,
      });
      for (const [stem, ms] of Object.entries(written.renderMs)) {
        ctx.log(`rendered ${stem} in ${ms.toFixed(0)} ms`);
      }
      ctx.progress(figures.length, figures.length, "done");
    },
  };
}
