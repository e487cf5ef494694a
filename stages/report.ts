/**
 * The `report` stage: every paper figure of one variant as Vega-Lite JSON, SVG and PNG, and one
 * self-contained offline HTML page (`index.html`) with captions and a "how to read" per figure.
 *
 * Reads (node ids default to `<stage>.<variant>`): `collect` (industry.csv), `select.V` (rows.csv,
 * select.json), optionally `select_approach1.V` (Approach 1's rows), `approach1.V`, `approach2.V` (said in
 * words, figures/approach2_note.ts; its laws in the fits table when fitted), `approach3_eq1.V`,
 * `approach3_eq2.V`, `approach3_eq3.V`, `prescribe.V`, `overtraining.V`, `overspend.V`, and, for the
 * rainbow (paper Figure 6), the `approach3_eq1.<W>` node of every variant W listed in `deps.rainbow`
 * (left out when empty), and, when `deps.lrSweep` names one, the lr_sweep node's `lr_sweep.csv`. Every
 * figure's entry in `figures/figures.json` names the paper figure it reproduces, the files it was drawn
 * from (path, SHA-256) and the fit records it uses; `figures/fits.csv` lists every fit beside the
 * authors' published values. The Perceiver AR runs (seed 000) have their own report,
 * {@link perceiverReportStage}.
 * @module
 */
import type { Stage } from "../pipeline/stage.ts";
import { readCsvObjects, stageId } from "./schemas.ts";
import { escapeHtml } from "../figures/specs/common.ts";
import { gridText } from "../figures/specs/approach3.ts";
import type {
  Approach1Record,
  Approach2Record,
  Approach3Record,
  BacktestRecord,
  CollectSummary,
  OverspendRecord,
  OvertrainingRecord,
  PrescriptionsRecord,
  SelectSummary,
} from "./schemas.ts";
import { perceiverFigures, type ReportInputs, variantFigures } from "../figures/figures_of_variant.ts";
import {
  approach1Rows,
  approach2Rows,
  approach3Rows,
  type FitRow,
  fitsCsv,
  fitsHtml,
} from "../figures/fits_table.ts";
import { readIndustry, readPerceiverValidation, readRecord, readSelectedRows } from "../figures/load.ts";
// The rendering libraries (vega, vega-lite, resvg) load only when a report is written (in run).
import { approach2SectionHtml, readApproach2Record } from "../figures/approach2_note.ts";
import { healthSectionHtml, type VariantVerdicts, withHealthNotes } from "../figures/health.ts";
import { FONT_PATH } from "../figures/font.ts";
import { type LrSweepRow, readLrSweepRows } from "./lr_sweep_table.ts";
import { MUP_SWEEP_PATH, readMupSweep } from "../figures/specs/mup_sweep.ts";
import { type InputSource, type SourceFile, sourceFile } from "../figures/sources.ts";
import type { GridSizeStudyRecord, SensitivityRecord } from "./sensitivity.ts";
import { exists } from "../util/fs.ts";
import { AUTHORS_PARAMETER_DIRS } from "./importers/authors_parameters.ts";

/** Upstream node ids the report reads. */
export interface ReportDeps {
  /** The collect node (default "collect"). */
  readonly collect: string;
  /** The select node of the variant. */
  readonly select: string;
  /** The select node of Approach 1's rows (absent: the same rows as the fits). */
  readonly selectApproach1?: string;
  /** The Approach 1 node. */
  readonly approach1: string;
  /** The Approach 2 node (its approach2.json: fitted or why not, figures/approach2_note.ts). */
  readonly approach2: string;
  /** The Approach 3 Eq. 1 node. */
  readonly approach3Eq1: string;
  /** The Approach 3 Eq. 2 node. */
  readonly approach3Eq2: string;
  /** The Approach 3 Eq. 3 node. */
  readonly approach3Eq3: string;
  /** The prescribe node. */
  readonly prescribe: string;
  /** The overtraining node. */
  readonly overtraining: string;
  /** The overspend node. */
  readonly overspend: string;
  /** Variant name -> its Approach 3 Eq. 1 node, for the rainbow (paper Figure 6); empty leaves it out. */
  readonly rainbow: Readonly<Record<string, string>>;
  /** The lr_sweep node (its lr_sweep.csv gives the learning-rate sweep); absent leaves the figure out. */
  readonly lrSweep?: string;
  /** The grid_size_study node (Gemstones Figure 20); absent leaves the figure out. */
  readonly gridSizeStudy?: string;
  /** The sensitivity node of the variant (the tornado); absent leaves the figure out. */
  readonly sensitivity?: string;
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
  /** The select node of the long loss curves (paper Figure 23: hot_100b+_477); default `selectApproach1`. */
  readonly longRuns?: string;
  /**
   * The Eq. 2 fit node behind the width-depth figures (prescribe, overtraining, overspend; paper Figures 5, 7, 8,
   * 12: hot_100b+ for paper); default `approach3Eq2`.
   */
  readonly widthDepthEq2?: string;
  /** The backtest node; absent leaves the backtest out of the fit-health notes (figures/health.ts). */
  readonly backtest?: string;
}

/** Returns the default node ids of the report of `variant` (no rainbow, Approach 1 on the fits' rows). */
export function defaultReportDeps(variant: string): ReportDeps {
  return {
    collect: "collect",
    select: stageId("select", variant),
    approach1: stageId("approach1", variant),
    approach2: stageId("approach2", variant),
    approach3Eq1: stageId("approach3_eq1", variant),
    approach3Eq2: stageId("approach3_eq2", variant),
    approach3Eq3: stageId("approach3_eq3", variant),
    prescribe: stageId("prescribe", variant),
    overtraining: stageId("overtraining", variant),
    overspend: stageId("overspend", variant),
    rainbow: {},
  };
}

/** Returns every node id the report with `deps` reads, each once. */
export function reportDepIds(deps: ReportDeps): string[] {
  return [
    ...new Set([
      deps.collect,
      deps.select,
      ...(deps.selectApproach1 === undefined ? [] : [deps.selectApproach1]),
      deps.approach1,
      deps.approach2,
      deps.approach3Eq1,
      deps.approach3Eq2,
      deps.approach3Eq3,
      deps.prescribe,
      deps.overtraining,
      deps.overspend,
      ...Object.values(deps.rainbow),
      ...(deps.lrSweep === undefined ? [] : [deps.lrSweep]),
      ...(deps.gridSizeStudy === undefined ? [] : [deps.gridSizeStudy]),
      ...(deps.sensitivity === undefined ? [] : [deps.sensitivity]),
      ...Object.values(deps.rainbowApproach1 ?? {}),
      ...Object.values(deps.relaxed ?? {}),
      ...Object.values(deps.approach1Ablations ?? {}).flatMap((a) => [a.select, a.approach1]),
      ...(deps.longRuns === undefined ? [] : [deps.longRuns]),
      ...(deps.widthDepthEq2 === undefined ? [] : [deps.widthDepthEq2]),
      ...(deps.backtest === undefined ? [] : [deps.backtest]),
    ]),
  ];
}

/** What a rainbow fit was fitted on, for the fits table: its subsets and whether params drop embeddings. */
export type RainbowFit = {
  /** Subset files fitted. */
  subsets: string[];
  /** Whether params are counted without embeddings (the authors' `_no_embeds` files). */
  noEmbeds: boolean;
};

/** Parameters of the report stage. */
export type ReportParams = {
  /** Variant name. */
  variant: string;
  /** Variants of the rainbow, in order. */
  rainbowVariants: string[];
  /** Per rainbow variant, what its Eq. 1 fit was fitted on (set by the graph; absent: unknown). */
  rainbowFits: { [variant: string]: RainbowFit };
};

/** Repository path of a Gemstones subset file (`data/gemstones/wandb_dfs/wandb_df_for_fitting_<subset>.jsonl`). */
export function subsetPath(subset: string): string {
  return `data/gemstones/wandb_dfs/wandb_df_for_fitting_${subset}.jsonl`;
}

/** Repository path of the industry models' validation losses (collect's industry.csv comes from it). */
export const INDUSTRY_PATH = "data/gemstones/data/our_val_loss_data.json";

const FORM_NAMES: Readonly<Record<string, string>> = {
  eq1: "Eq. 1 (params, tokens)",
  eq2: "Eq. 2 (width-depth law: width, depth, params, tokens)",
  eq3: "Eq. 3 (width, depth, tokens)",
};

/** Returns the display name of a law form ("eq2" -> "Eq. 2 (width-depth law: ...)"). */
export function formName(form: string): string {
  return FORM_NAMES[form] ?? form;
}

/** Options of {@link readReportInputs}. */
export interface ReadInputsOptions {
  /** Project root, for the repository data files behind the rows (default: the working directory). */
  readonly root?: string;
}

/**
 * Reads every input of the report from the upstream output folders (`dirs`, node id -> folder) and
 * records each input's provenance (files with SHA-256, fit records, a phrase); returns the parsed inputs.
 */
export async function readReportInputs(
  variant: string,
  deps: ReportDeps,
  dirs: Readonly<Record<string, string>>,
  options: ReadInputsOptions = {},
): Promise<ReportInputs> {
  const root = options.root ?? Deno.cwd();
  const dir = (id: string) => {
    const d = dirs[id];
    if (d === undefined) {
      throw new Error(`report ${variant}: upstream node "${id}" is not among the stage's deps`);
    }
    return d;
  };
  const sources: Record<string, InputSource> = {};
  const nodeFile = (id: string, file: string) => sourceFile(`${dir(id)}/${file}`, `${id}/${file}`);
  const repoFiles = async (paths: readonly string[]) => {
    const out: SourceFile[] = [];
    for (const p of paths) if (await exists(`${root}/${p}`)) out.push(await sourceFile(`${root}/${p}`, p));
    return out;
  };
  const selection = async (id: string) => {
    const summary = await readRecord<SelectSummary>(`${dir(id)}/select.json`);
    const rows = await readSelectedRows(`${dir(id)}/rows.csv`);
    const files = [
      await nodeFile(id, "rows.csv"),
      await nodeFile(id, "select.json"),
      ...await repoFiles(summary.subsets.map(subsetPath)),
    ];
    const describe = `subset ${summary.subsets.join(" + ")} (${summary.rows} rows of ${summary.runs} runs, ` +
      `params = ${summary.paramsColumn})`;
    return { summary, rows, source: { files, fits: [], describe } };
  };
  const fitSource = async (id: string, fit: Approach3Record, subsets: readonly string[]) => ({
    files: [await nodeFile(id, "fit.json")],
    fits: [id],
    describe: `${formName(fit.form)} fitted on ${subsets.join(" + ")} (Huber δ = ${fit.huberDelta})`,
  });

  const fits = await selection(deps.select);
  sources.rows = fits.source;
  const a1 = deps.selectApproach1 === undefined ? fits : await selection(deps.selectApproach1);
  sources.approach1Rows = a1.source;
  const subsets = fits.summary.subsets;

  // Figures drawn from the counting library alone name it (no data file behind them).
  sources.shapes = {
    files: [],
    fits: [],
    describe: "the feasible and the 22 trained Gemstones shapes, counted by scaling/count (no data file)",
  };
  const industry = await readIndustry(`${dir(deps.collect)}/industry.csv`);
  sources.industry = {
    files: [await nodeFile(deps.collect, "industry.csv"), ...await repoFiles([INDUSTRY_PATH])],
    fits: [],
    describe: `industry models (${industry.length}, ${INDUSTRY_PATH})`,
  };
  const approach1 = await readRecord<Approach1Record>(`${dir(deps.approach1)}/approach1.json`, "approach1");
  sources.approach1 = {
    files: [await nodeFile(deps.approach1, "approach1.json")],
    fits: [deps.approach1],
    describe: `Approach 1 (convex hull and binning) on ${a1.summary.subsets.join(" + ")}`,
  };
  const eq: Record<string, Approach3Record> = {};
  for (
    const [key, id] of [["eq1", deps.approach3Eq1], ["eq2", deps.approach3Eq2], ["eq3", deps.approach3Eq3]]
  ) {
    eq[key] = await readRecord<Approach3Record>(`${dir(id)}/fit.json`, "approach3");
    sources[key] = await fitSource(id, eq[key], subsets);
  }
  // The records derived from a law name the law's fit record too.
  const lawFit = (form: string): string[] => {
    const id =
      ({ eq1: deps.approach3Eq1, eq2: deps.approach3Eq2, eq3: deps.approach3Eq3 } as Record<string, string>)[
        form
      ];
    return id === undefined ? [] : [id];
  };
  const prescriptions = await readRecord<PrescriptionsRecord>(
    `${dir(deps.prescribe)}/prescriptions.json`,
    "prescriptions",
  );
  sources.prescriptions = {
    files: [await nodeFile(deps.prescribe, "prescriptions.json")],
    fits: [deps.prescribe, ...prescriptions.forms.flatMap((f) => lawFit(f.form))],
    describe: `prescriptions of ${
      prescriptions.forms.map((f) => `${f.form} (${f.method.replace("_", " ")})`).join(", ")
    }`,
  };
  const overtraining = await readRecord<OvertrainingRecord>(
    `${dir(deps.overtraining)}/overtraining.json`,
    "overtraining",
  );
  sources.overtraining = {
    files: [await nodeFile(deps.overtraining, "overtraining.json")],
    fits: [deps.overtraining, ...lawFit(overtraining.form)],
    describe: `overtraining curves of the ${overtraining.form} law`,
  };
  const overspend = await readRecord<OverspendRecord>(`${dir(deps.overspend)}/overspend.json`, "overspend");
  sources.overspend = {
    files: [await nodeFile(deps.overspend, "overspend.json")],
    fits: [deps.overspend, ...lawFit(overspend.form)],
    describe: `overspend from the ${overspend.form} law`,
  };
  const rainbow = [];
  const rainbowFiles: SourceFile[] = [];
  for (const [v, id] of Object.entries(deps.rainbow)) {
    rainbow.push({ variant: v, fit: await readRecord<Approach3Record>(`${dir(id)}/fit.json`, "approach3") });
    rainbowFiles.push(await nodeFile(id, "fit.json"));
  }
  sources.rainbow = {
    files: rainbowFiles,
    fits: Object.values(deps.rainbow),
    describe: `Eq. 1 fits of ${rainbow.length} variants (${Object.keys(deps.rainbow).join(", ")})`,
  };
  const rainbowApproach1 = [];
  for (const [label, id] of Object.entries(deps.rainbowApproach1 ?? {})) {
    rainbowApproach1.push({
      label,
      record: await readRecord<Approach1Record>(`${dir(id)}/approach1.json`, "approach1"),
    });
  }
  sources.rainbowApproach1 = {
    files: await Promise.all(
      Object.values(deps.rainbowApproach1 ?? {}).map((id) => nodeFile(id, "approach1.json")),
    ),
    fits: Object.values(deps.rainbowApproach1 ?? {}),
    describe: `Approach 1 (convex hull) of ${rainbowApproach1.length} subsets (${
      Object.keys(deps.rainbowApproach1 ?? {}).join(", ")
    })`,
  };
  const relaxed = [];
  for (const [v, id] of Object.entries(deps.relaxed ?? {})) {
    relaxed.push({
      variant: v,
      record: await readRecord<PrescriptionsRecord>(`${dir(id)}/prescriptions.json`, "prescriptions"),
    });
  }
  sources.relaxed = {
    files: await Promise.all(
      Object.values(deps.relaxed ?? {}).map((id) => nodeFile(id, "prescriptions.json")),
    ),
    fits: Object.values(deps.relaxed ?? {}),
    describe: `prescriptions with the integer constraints removed (${
      Object.keys(deps.relaxed ?? {}).join(", ")
    })`,
  };
  const approach1Ablations = [];
  const ablationFiles: SourceFile[] = [];
  for (const [v, ids] of Object.entries(deps.approach1Ablations ?? {})) {
    const sel = await selection(ids.select);
    approach1Ablations.push({
      variant: v,
      rows: sel.rows,
      record: await readRecord<Approach1Record>(`${dir(ids.approach1)}/approach1.json`, "approach1"),
    });
    ablationFiles.push(...sel.source.files, await nodeFile(ids.approach1, "approach1.json"));
  }
  sources.approach1Ablations = {
    files: ablationFiles,
    fits: Object.values(deps.approach1Ablations ?? {}).map((a) => a.approach1),
    describe: `Approach 1 (convex hull) on ${
      approach1Ablations.map((a) => [...new Set(a.rows.map((r) => r.subset))].join(" + ")).join(", ")
    }`,
  };
  const long = deps.longRuns === undefined ? a1 : await selection(deps.longRuns);
  sources.longRuns = long.source;
  let widthDepthEq2: Approach3Record | undefined;
  if (deps.widthDepthEq2 !== undefined) {
    widthDepthEq2 = await readRecord<Approach3Record>(`${dir(deps.widthDepthEq2)}/fit.json`, "approach3");
    sources.widthDepthEq2 = {
      files: [await nodeFile(deps.widthDepthEq2, "fit.json")],
      fits: [deps.widthDepthEq2],
      describe: `${formName("eq2")} of ${deps.widthDepthEq2} (Huber δ = ${widthDepthEq2.huberDelta})`,
    };
  } else sources.widthDepthEq2 = sources.eq2;
  const mupSweep = await readMupSweep(`${root}/${MUP_SWEEP_PATH}`);
  sources.mupSweep = {
    files: await repoFiles([MUP_SWEEP_PATH]),
    fits: [],
    describe: `learning-rate sweep at scale (${mupSweep.length} runs, ${MUP_SWEEP_PATH})`,
  };
  let perceiverValidation: Awaited<ReturnType<typeof readPerceiverValidation>> = [];
  const perceiverPath = `${dir(deps.collect)}/perceiver_val.csv`;
  if (await exists(perceiverPath)) {
    perceiverValidation = await readPerceiverValidation(perceiverPath);
    sources.perceiverValidation = {
      files: [await nodeFile(deps.collect, "perceiver_val.csv")],
      fits: [],
      describe: "Perceiver AR validation losses (seed 000, data/krasserm-perceiver-ar)",
    };
  }
  let lrSweep: LrSweepRow[] | undefined;
  if (deps.lrSweep !== undefined) {
    lrSweep = await readLrSweepRows(`${dir(deps.lrSweep)}/lr_sweep.csv`);
    sources.lrSweep = {
      files: [await nodeFile(deps.lrSweep, "lr_sweep.csv")],
      fits: [],
      describe: `learning-rate sweep (${lrSweep.length} runs)`,
    };
  }
  let gridSizeStudy: GridSizeStudyRecord | undefined, sensitivity: SensitivityRecord | undefined;
  if (deps.gridSizeStudy !== undefined) {
    gridSizeStudy = await readRecord<GridSizeStudyRecord>(
      `${dir(deps.gridSizeStudy)}/grid_size_study.json`,
      "grid_size_study",
    );
    sources.gridSizeStudy = {
      files: [await nodeFile(deps.gridSizeStudy, "grid_size_study.json")],
      fits: [deps.gridSizeStudy],
      describe: `grid-size study of Eq. 1 on ${gridSizeStudy.subset} (${gridSizeStudy.points.length} fits)`,
    };
  }
  if (deps.sensitivity !== undefined) {
    sensitivity = await readRecord<SensitivityRecord>(
      `${dir(deps.sensitivity)}/sensitivity.json`,
      "sensitivity",
    );
    sources.sensitivity = {
      files: [await nodeFile(deps.sensitivity, "sensitivity.json")],
      fits: [deps.sensitivity],
      describe: `Eq. 1 refits of ${sensitivity.variant} (${sensitivity.results.length} cases)`,
    };
  }
  return {
    variant,
    select: fits.summary,
    rows: fits.rows,
    approach1Select: a1.summary,
    approach1Rows: a1.rows,
    industry,
    approach1,
    eq1: eq.eq1,
    eq2: eq.eq2,
    eq3: eq.eq3,
    prescriptions,
    overtraining,
    overspend,
    rainbow,
    perceiverValidation,
    ...(lrSweep === undefined ? {} : { lrSweep }),
    ...(gridSizeStudy === undefined ? {} : { gridSizeStudy }),
    ...(sensitivity === undefined ? {} : { sensitivity }),
    rainbowApproach1,
    relaxed,
    approach1Ablations,
    longRuns: long.rows,
    ...(widthDepthEq2 === undefined ? {} : { widthDepthEq2 }),
    mupSweep,
    sources,
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

/** Returns whether a select summary counts params without embeddings. */
function noEmbeds(select: SelectSummary): boolean {
  return select.paramsColumn.startsWith("params_non_embedding");
}

/**
 * Returns the fits table rows of a report: Approach 1 (its rows' subsets), the variant's Eq. 1-3 fits
 * and the rainbow's Eq. 1 fits of other variants (their subsets from stages/variants.ts), each beside
 * the authors' published values found under `root`.
 */
export async function reportFitRows(
  inputs: ReportInputs,
  deps: ReportDeps,
  options: {
    root: string;
    rainbowFits?: Readonly<Record<string, RainbowFit>>;
    approach2?: Approach2Record;
  },
): Promise<FitRow[]> {
  const root = options.root;
  const rows: FitRow[] = [];
  rows.push(
    ...await approach1Rows(inputs.approach1, {
      fit: deps.approach1,
      subsets: inputs.approach1Select.subsets,
      noEmbeds: noEmbeds(inputs.approach1Select),
    }, root),
  );
  const own = { subsets: inputs.select.subsets, noEmbeds: noEmbeds(inputs.select) };
  if (options.approach2 !== undefined) {
    rows.push(...approach2Rows(options.approach2, { fit: deps.approach2, ...own }));
  }
  const seen = new Set<string>();
  for (
    const [id, rec] of [[deps.approach3Eq1, inputs.eq1], [deps.approach3Eq2, inputs.eq2], [
      deps.approach3Eq3,
      inputs.eq3,
    ]] as const
  ) {
    seen.add(id);
    rows.push(...await approach3Rows(rec, { fit: id, ...own }, root));
  }
  for (const { variant, fit } of inputs.rainbow) {
    const id = deps.rainbow[variant];
    if (id === undefined || seen.has(id)) continue;
    seen.add(id);
    const ctx = options.rainbowFits?.[variant] ?? { subsets: [], noEmbeds: false };
    rows.push(...await approach3Rows(fit, { fit: id, ...ctx }, root));
  }
  return rows;
}

/**
 * Returns the report stage of one variant (id defaults to `report.<variant>`); `rainbowFits` says what
 * each rainbow variant's Eq. 1 fit was fitted on, so the fits table can set it beside the authors' fit.
 */
export function reportStage(
  options: {
    variant: string;
    id?: string;
    deps?: Partial<ReportDeps>;
    rainbowFits?: Readonly<Record<string, RainbowFit>>;
  },
): Stage<ReportParams> {
  const deps: ReportDeps = { ...defaultReportDeps(options.variant), ...options.deps };
  return {
    name: "report",
    id: options.id ?? stageId("report", options.variant),
    module: import.meta.url,
    deps: reportDepIds(deps),
    params: {
      variant: options.variant,
      rainbowVariants: Object.keys(deps.rainbow),
      rainbowFits: { ...options.rainbowFits },
    },
    // The repository files behind the rows and the authors' fits are hashed into figures.json / fits.csv.
    inputs: [FONT_PATH, "data/gemstones/wandb_dfs", INDUSTRY_PATH, MUP_SWEEP_PATH, ...AUTHORS_PARAMETER_DIRS],
    outputs: ["index.html", "figures/"],
    async run(ctx) {
      const inputs = await readReportInputs(options.variant, deps, ctx.deps, { root: ctx.root });
      const provenance = await readProvenance(ctx.deps[deps.collect]);
      // Figures of runs that are not the published ones say so in every title and caption.
      const label = provenance.ownRuns ? `${options.variant}; ${provenance.source}` : options.variant;
      const verdicts: VariantVerdicts = {
        variant: options.variant,
        fits: { eq1: inputs.eq1, eq2: inputs.eq2, eq3: inputs.eq3 },
        backtest: deps.backtest === undefined
          ? null
          : await readRecord<BacktestRecord>(`${ctx.deps[deps.backtest]}/backtest.json`, "backtest"),
        approach1: inputs.approach1,
        rainbow: inputs.rainbow,
      };
      const figures = withHealthNotes(variantFigures({ ...inputs, variant: label }), verdicts);
      const approach2 = await readApproach2Record(`${ctx.deps[deps.approach2]}/approach2.json`);
      const fitRows = await reportFitRows(inputs, deps, {
        root: ctx.root,
        rainbowFits: ctx.params.rainbowFits,
        approach2,
      });
      ctx.progress(0, figures.length, "rendering figures");
      const { writeReport } = await import("../figures/write.ts");
      const written = await writeReport(ctx.outDir, figures, {
        title: `Scaling-law report: variant ${options.variant}` +
          (provenance.ownRuns ? ` (this project's own runs)` : ""),
        intro:
          `The figures of the Gemstones paper (McLeish et al. 2025) in the paper's order, reproduced for ` +
          `variant "${options.variant}" (subsets ${
            inputs.select.subsets.join(", ")
          }; ${inputs.select.rows} rows of ${inputs.select.runs} runs; ` +
          `params column ${inputs.select.paramsColumn}, FLOPs column ${inputs.select.flopsColumn}). ` +
          `Each paper figure says which subset and law the authors drew it from, and each of ours which ` +
          `subset and law it uses. Data: ${provenance.source}. Approach 3 (Eq. 2) was fitted from ` +
          `${gridText(inputs.eq2)}; the full grids are a parameter of the fit stages ` +
          `(stages/fit_approach3.ts), left out of the default so that a cold reproduce takes well under ` +
          `three minutes on two cores. Click a legend entry to highlight its line (shift-click for several).`,
        extraHtml: fitsHtml(fitRows) + approach2SectionHtml(approach2, { rows: inputs.select.rows }) +
          healthSectionHtml(verdicts) + provenance.excludedHtml +
          (inputs.perceiverValidation.length > 0
            ? `<p>The Perceiver AR runs (seed 000) have their own report: ` +
              `<a href="../report_perceiver/index.html">report_perceiver/index.html</a>.</p>`
            : ""),
        paperWalk: true,
        sources: inputs.sources,
        files: { "fits.csv": fitsCsv(fitRows) },
      });
      for (const [stem, ms] of Object.entries(written.renderMs)) {
        ctx.log(`rendered ${stem} in ${ms.toFixed(0)} ms`);
      }
      ctx.progress(figures.length, figures.length, "done");
    },
  };
}

/** Parameters of the Perceiver AR report stage (none: it reads collect's perceiver_val.csv). */
export type PerceiverReportParams = Record<string, never>;

/**
 * Returns the Perceiver AR report stage (id `report_perceiver`): seed 000's experiments (validation
 * loss against self-attention compute, Tables 1-4) on their own page, apart from the Gemstones report.
 * Depends on `collect` (its perceiver_val.csv); a collect without Perceiver runs gives a page saying so.
 */
export function perceiverReportStage(options: { collect?: string } = {}): Stage<PerceiverReportParams> {
  const collect = options.collect ?? "collect";
  return {
    name: "report_perceiver",
    id: "report_perceiver",
    module: import.meta.url,
    deps: [collect],
    params: {},
    inputs: [FONT_PATH],
    outputs: ["index.html", "figures/"],
    async run(ctx) {
      const dir = ctx.deps[collect];
      const path = `${dir}/perceiver_val.csv`;
      let validation: Awaited<ReturnType<typeof readPerceiverValidation>> = [];
      const sources: Record<string, InputSource> = {};
      try {
        validation = await readPerceiverValidation(path);
        sources.perceiverValidation = {
          files: [await sourceFile(path, `${collect}/perceiver_val.csv`)],
          fits: [],
          describe: "Perceiver AR validation losses (seed 000, data/krasserm-perceiver-ar)",
        };
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
      const figures = perceiverFigures(validation);
      const { writeReport } = await import("../figures/write.ts");
      await writeReport(ctx.outDir, figures, {
        title: "Perceiver AR compute-optimal scaling (seed 000)",
        intro: figures.length > 0
          ? "Martin Krasser's Perceiver AR scaling experiments (seed 000): the article's Tables 1-4 and the " +
            "validation loss of every run against self-attention compute, from the shipped TensorBoard exports."
          : "No Perceiver AR validation losses were collected (data/krasserm-perceiver-ar is absent).",
        sources,
      });
    },
  };
}
