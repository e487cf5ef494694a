/**
 * The report's inputs, declared once: one row per input (key -> the upstream node ids it reads, given the
 * report's deps; the file it reads there; its loader; what it is). The report stage's deps are the union of
 * the rows' upstream nodes, and {@link readReportInputs} is one loop over the rows. Each row's loader
 * returns the parsed value and, for an input a figure may draw from, its provenance (files with SHA-256,
 * fit records, one phrase; see sources.ts), under the same key a figure names in its `reads`. Adding an
 * input is adding one row. Approach 3's fits are one row per registered law form (scaling/laws), keyed by
 * the form's name ("eq1", "eq2", ...), so a new form is read, tabled and judged with no other edit.
 * @module
 */
import type {
  Approach1Record,
  Approach2Record,
  Approach3Record,
  BacktestRecord,
  IndustryRow,
  OverspendRecord,
  OvertrainingRecord,
  PerceiverEstimateRow,
  PerceiverValRow,
  PrescriptionsRecord,
  SelectedRow,
  SelectSummary,
} from "../records/schemas.ts";
import { type LawForm, stageId } from "../records/schemas.ts";
import type { GridSizeStudyRecord, SensitivityRecord } from "../records/sensitivity.ts";
import { type LrSweepRow, readLrSweepRows } from "../records/lr_sweep_table.ts";
import { LAW_NAMES } from "../scaling/laws/registry.ts";
import { exists } from "../util/fs.ts";
import {
  readIndustry,
  readPerceiverEstimates,
  readPerceiverValidation,
  readRecord,
  readSelectedRows,
} from "./load.ts";
import { readApproach2Record } from "./approach2_note.ts";
import { MUP_SWEEP_PATH, type MupRun, readMupSweep } from "./specs/mup_sweep.ts";
import type { RainbowApproach1, RainbowVariant } from "./specs/rainbow.ts";
import { type InputSource, type SourceFile, sourceFile } from "./sources.ts";
import { type Provenance, readProvenance } from "./provenance.ts";
import { readAuthorsApproach3 } from "../records/importers/authors_parameters.ts";
import type { AuthorsLaw } from "./specs/authors_fit.ts";

/** Upstream node ids the report reads (the graph's wiring; {@link defaultReportDeps} gives a variant's own). */
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
  /** Law form -> its Approach 3 node, for every registered form (scaling/laws). */
  readonly approach3: Readonly<Record<string, string>>;
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
   * Variant -> its Approach 1 select and fit nodes, for the paper's Approach 1 ablations (Figure 10:
   * lr_ablation, Figure 11: cooldown); absent leaves them out.
   */
  readonly approach1Ablations?: Readonly<
    Record<string, { readonly select: string; readonly approach1: string }>
  >;
  /** The select node of the long loss curves (paper Figure 23: hot_100b+_477); default `selectApproach1`. */
  readonly longRuns?: string;
  /**
   * The Eq. 2 fit node behind the width-depth figures (prescribe, overtraining, overspend; paper Figures 5,
   * 7, 8, 12: hot_100b+ for paper); default the variant's own Eq. 2 node.
   */
  readonly widthDepthEq2?: string;
  /** The backtest node; absent leaves the backtest out of the fit-health notes (figures/health.ts). */
  readonly backtest?: string;
  /**
   * Fit key (`authorsLawKey(variant, form)`) -> repository path of the authors' stored counterpart of that
   * fit (`data/gemstones/parameters_delta-*`), for the laws the figures draw; absent or a missing file: none.
   */
  readonly authorsLaws?: Readonly<Record<string, string>>;
}

/** Returns the default node ids of the report of `variant` (no rainbow, Approach 1 on the fits' rows). */
export function defaultReportDeps(variant: string): ReportDeps {
  return {
    collect: "collect",
    select: stageId("select", variant),
    approach1: stageId("approach1", variant),
    approach2: stageId("approach2", variant),
    approach3: Object.fromEntries(LAW_NAMES.map((f) => [f, stageId(`approach3_${f}`, variant)])),
    prescribe: stageId("prescribe", variant),
    overtraining: stageId("overtraining", variant),
    overspend: stageId("overspend", variant),
    rainbow: {},
  };
}

/** Returns the Approach 3 node of law form `form` under `deps`; throws naming the form when it has none. */
export function approach3Node(deps: ReportDeps, form: string): string {
  const id = deps.approach3[form];
  if (id === undefined) {
    throw new Error(`report: no Approach 3 node for law form "${form}" in the report's deps`);
  }
  return id;
}

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

/** Returns the display name of a law form ("eq2" -> "Eq. 2 (width-depth law: ...)"; else the form's name). */
export function formName(form: string): string {
  return FORM_NAMES[form] ?? form;
}

/** A selection of rows: select.json's summary and rows.csv's rows. */
export interface Selection {
  /** `select.json`. */
  readonly summary: SelectSummary;
  /** `rows.csv`. */
  readonly rows: readonly SelectedRow[];
}

/** One Approach 1 ablation (paper Figures 10 and 11): variant, rows and record. */
export interface Approach1Ablation {
  /** Variant name (lr_ablation, cooldown). */
  readonly variant: string;
  /** Its Approach 1 rows. */
  readonly rows: readonly SelectedRow[];
  /** Its Approach 1 record. */
  readonly record: Approach1Record;
}

/** What a loader sees: the variant, the deps, the upstream folders, the project root, and the other inputs. */
export interface LoadContext {
  /** Variant name. */
  readonly variant: string;
  /** The report's node ids. */
  readonly deps: ReportDeps;
  /** Project root (repository files are read under it). */
  readonly root: string;
  /** Returns the output folder of upstream node `id`; throws when it is not among the stage's deps. */
  dir(id: string): string;
  /** Returns the {@link SourceFile} of `file` in node `id`'s folder, shown as `<id>/<file>`. */
  nodeFile(id: string, file: string): Promise<SourceFile>;
  /** Returns the source files of the repository paths that exist under the root. */
  repoFiles(paths: readonly string[]): Promise<SourceFile[]>;
  /** Returns the loaded value of another input, of type `T` (loaded once, on first use). */
  get<T>(key: string): Promise<T>;
  /** Returns the provenance of another input (undefined when it has none). */
  source(key: string): Promise<InputSource | undefined>;
}

/** A loaded input: its value, and its provenance when figures may draw from it. */
export interface Loaded<T> {
  /** The parsed value. */
  readonly value: T;
  /** Files, fit records and phrase, for figures.json (absent: no figure may read it). */
  readonly source?: InputSource;
}

/** One row of the input table. */
export interface ReportInput<T> {
  /** Upstream node ids it reads, from the report's deps (empty: none, or repository files only). */
  readonly upstream: (deps: ReportDeps) => readonly string[];
  /** The file it reads in each upstream folder (or the repository file). */
  readonly file: string;
  /** What it is. */
  readonly description: string;
  /** Reads and parses it. */
  readonly load: (ctx: LoadContext) => Promise<Loaded<T>>;
}

/** Returns the row unchanged, typed by its value (so the table keeps each value's type). */
function row<T>(input: ReportInput<T>): ReportInput<T> {
  return input;
}

const none = (): readonly string[] => [];
const opt = (id: string | undefined): readonly string[] => id === undefined ? [] : [id];

/** Reads a selection (select.json, rows.csv) of node `id` with its provenance (its subset files too). */
async function selection(ctx: LoadContext, id: string): Promise<Loaded<Selection>> {
  const summary = await readRecord<SelectSummary>(`${ctx.dir(id)}/select.json`);
  const rows = await readSelectedRows(`${ctx.dir(id)}/rows.csv`);
  const files = [
    await ctx.nodeFile(id, "rows.csv"),
    await ctx.nodeFile(id, "select.json"),
    ...await ctx.repoFiles(summary.subsets.map(subsetPath)),
  ];
  const describe = `subset ${summary.subsets.join(" + ")} (${summary.rows} rows of ${summary.runs} runs, ` +
    `params = ${summary.paramsColumn})`;
  return { value: { summary, rows }, source: { files, fits: [], describe } };
}

/**
 * The law forms a relaxed prescriptions record holds (`prescribe_relaxed.<variant>`: paper Figures 13-19
 * draw Eq. 1 and Eq. 2); the graph (stages/pipeline.ts) builds those stages with these forms.
 */
export const RELAXED_FORMS: readonly LawForm[] = ["eq1", "eq2"];

/** Returns the variant of a per-variant node id `<stage>.<variant>`; throws naming an id without one. */
function variantOfStageId(id: string): string {
  const dot = id.indexOf(".");
  if (dot <= 0 || dot === id.length - 1) throw new Error(`report: node id "${id}" is not <stage>.<variant>`);
  return id.slice(dot + 1);
}

/**
 * Returns the node id of the law fit of `form` that the derived node `id` (`prescribe.<variant>`,
 * `overtraining.<variant>`, ...) was computed from: `approach3_<form>.<variant>`, as the graph wires it.
 */
export function lawNodeOf(id: string, form: string): string {
  return stageId(`approach3_${form}`, variantOfStageId(id));
}

/** Returns whether node `id` holds a fitted law: `approach1.*`, `approach2.*` or `approach3_<form>.*`. */
export function isLawNode(id: string): boolean {
  return /^(approach1|approach2|approach3_[^.]+)\.[^.]/.test(id);
}

/**
 * Returns the select node of the rows law node `id` was fitted on (`select_approach1.<variant>` for
 * Approach 1, else `select.<variant>`): its select.json names the subsets and the params column.
 */
export function selectOfLaw(id: string): string {
  return stageId(id.startsWith("approach1.") ? "select_approach1" : "select", variantOfStageId(id));
}

/** Reads the records of the nodes of `ids` (label -> node id), `file` each, in order. */
async function records<T>(
  ctx: LoadContext,
  ids: Readonly<Record<string, string>>,
  file: string,
  kind: string,
): Promise<{ label: string; record: T }[]> {
  const out: { label: string; record: T }[] = [];
  for (const [label, id] of Object.entries(ids)) {
    out.push({ label, record: await readRecord<T>(`${ctx.dir(id)}/${file}`, kind) });
  }
  return out;
}

/** The report's inputs (the Approach 3 fits, one per law form, are {@link lawInput}). */
export const REPORT_INPUTS = {
  rows: row<Selection>({
    upstream: (d) => [d.select],
    file: "rows.csv, select.json",
    description: "the variant's selected rows and their summary",
    load: (ctx) => selection(ctx, ctx.deps.select),
  }),
  approach1Rows: row<Selection>({
    upstream: (d) => opt(d.selectApproach1),
    file: "rows.csv, select.json",
    description: "Approach 1's rows (paper Figure 4); default the variant's rows",
    load: async (ctx) =>
      ctx.deps.selectApproach1 === undefined
        ? { value: await ctx.get<Selection>("rows"), source: await ctx.source("rows") }
        : await selection(ctx, ctx.deps.selectApproach1),
  }),
  shapes: row<null>({
    upstream: none,
    file: "-",
    description: "the shapes counted by scaling/count (no data file)",
    load: () =>
      Promise.resolve({
        value: null,
        source: {
          files: [],
          fits: [],
          describe:
            "the feasible and the 22 trained Gemstones shapes, counted by scaling/count (no data file)",
        },
      }),
  }),
  industry: row<readonly IndustryRow[]>({
    upstream: (d) => [d.collect],
    file: "industry.csv",
    description: "industry models' shapes and losses",
    load: async (ctx) => {
      const value = await readIndustry(`${ctx.dir(ctx.deps.collect)}/industry.csv`);
      return {
        value,
        source: {
          files: [
            await ctx.nodeFile(ctx.deps.collect, "industry.csv"),
            ...await ctx.repoFiles([INDUSTRY_PATH]),
          ],
          fits: [],
          describe: `industry models (${value.length}, ${INDUSTRY_PATH})`,
        },
      };
    },
  }),
  approach1: row<Approach1Record>({
    upstream: (d) => [d.approach1],
    file: "approach1.json",
    description: "Approach 1 (convex hull and binning)",
    load: async (ctx) => {
      const value = await readRecord<Approach1Record>(
        `${ctx.dir(ctx.deps.approach1)}/approach1.json`,
        "approach1",
      );
      const a1 = (await ctx.get<Selection>("approach1Rows")).summary;
      return {
        value,
        source: {
          files: [await ctx.nodeFile(ctx.deps.approach1, "approach1.json")],
          fits: [ctx.deps.approach1],
          describe: `Approach 1 (convex hull and binning) on ${a1.subsets.join(" + ")}`,
        },
      };
    },
  }),
  approach2: row<Approach2Record>({
    upstream: (d) => [d.approach2],
    file: "approach2.json",
    description: "Approach 2: its isoFLOP laws, or why it was not fitted (approach2_note.ts)",
    load: async (ctx) => ({
      value: await readApproach2Record(`${ctx.dir(ctx.deps.approach2)}/approach2.json`),
    }),
  }),
  prescriptions: row<PrescriptionsRecord>({
    upstream: (d) => [d.prescribe, ...LAW_NAMES.map((f) => lawNodeOf(d.prescribe, f))],
    file: "prescriptions.json",
    description: "compute-optimal prescriptions of every form",
    load: async (ctx) => {
      const id = ctx.deps.prescribe;
      const value = await readRecord<PrescriptionsRecord>(
        `${ctx.dir(id)}/prescriptions.json`,
        "prescriptions",
      );
      return {
        value,
        source: {
          files: [await ctx.nodeFile(id, "prescriptions.json")],
          fits: [id, ...value.forms.map((f) => lawNodeOf(id, f.form))],
          describe: `prescriptions of ${
            value.forms.map((f) => `${f.form} (${f.method.replace("_", " ")})`).join(", ")
          }`,
        },
      };
    },
  }),
  overtraining: row<OvertrainingRecord>({
    upstream: (d) => [d.overtraining],
    file: "overtraining.json",
    description: "overtraining curves of a law",
    load: async (ctx) => {
      const id = ctx.deps.overtraining;
      const value = await readRecord<OvertrainingRecord>(`${ctx.dir(id)}/overtraining.json`, "overtraining");
      return {
        value,
        source: {
          files: [await ctx.nodeFile(id, "overtraining.json")],
          fits: [id, lawNodeOf(id, value.form)],
          describe: `overtraining curves of the ${value.form} law`,
        },
      };
    },
  }),
  overspend: row<OverspendRecord>({
    upstream: (d) => [d.overspend],
    file: "overspend.json",
    description: "overspend of FLOPs and GPU-hours by shape",
    load: async (ctx) => {
      const id = ctx.deps.overspend;
      const value = await readRecord<OverspendRecord>(`${ctx.dir(id)}/overspend.json`, "overspend");
      return {
        value,
        source: {
          files: [await ctx.nodeFile(id, "overspend.json")],
          fits: [id, lawNodeOf(id, value.form)],
          describe: `overspend from the ${value.form} law`,
        },
      };
    },
  }),
  rainbow: row<readonly RainbowVariant[]>({
    upstream: (d) => Object.values(d.rainbow),
    file: "fit.json",
    description: "the Eq. 1 fit of every variant of the rainbow (paper Figure 6); empty leaves it out",
    load: async (ctx) => {
      const value = (await records<Approach3Record>(ctx, ctx.deps.rainbow, "fit.json", "approach3"))
        .map(({ label, record }) => ({ variant: label, fit: record }));
      return {
        value,
        source: {
          files: await Promise.all(Object.values(ctx.deps.rainbow).map((id) => ctx.nodeFile(id, "fit.json"))),
          fits: Object.values(ctx.deps.rainbow),
          describe: `Eq. 1 fits of ${value.length} variants (${Object.keys(ctx.deps.rainbow).join(", ")})`,
        },
      };
    },
  }),
  rainbowApproach1: row<readonly RainbowApproach1[]>({
    upstream: (d) => Object.values(d.rainbowApproach1 ?? {}),
    file: "approach1.json",
    description: "the rainbow's Approach 1 lines (paper Figure 6)",
    load: async (ctx) => {
      const ids = ctx.deps.rainbowApproach1 ?? {};
      const value = await records<Approach1Record>(ctx, ids, "approach1.json", "approach1");
      return {
        value,
        source: {
          files: await Promise.all(Object.values(ids).map((id) => ctx.nodeFile(id, "approach1.json"))),
          fits: Object.values(ids),
          describe: `Approach 1 (convex hull) of ${value.length} subsets (${Object.keys(ids).join(", ")})`,
        },
      };
    },
  }),
  relaxed: row<readonly { readonly variant: string; readonly record: PrescriptionsRecord }[]>({
    upstream: (d) =>
      Object.values(d.relaxed ?? {}).flatMap((id) => [id, ...RELAXED_FORMS.map((f) => lawNodeOf(id, f))]),
    file: "prescriptions.json",
    description: "prescriptions without integer constraints per variant (paper Figures 13-19)",
    load: async (ctx) => {
      const ids = ctx.deps.relaxed ?? {};
      const value = (await records<PrescriptionsRecord>(ctx, ids, "prescriptions.json", "prescriptions"))
        .map(({ label, record }) => ({ variant: label, record }));
      return {
        value,
        source: {
          files: await Promise.all(Object.values(ids).map((id) => ctx.nodeFile(id, "prescriptions.json"))),
          fits: Object.entries(ids).flatMap(([variant, id]) => [
            id,
            ...value.find((v) => v.variant === variant)!.record.forms.map((f) => lawNodeOf(id, f.form)),
          ]),
          describe: `prescriptions with the integer constraints removed (${Object.keys(ids).join(", ")})`,
        },
      };
    },
  }),
  approach1Ablations: row<readonly Approach1Ablation[]>({
    upstream: (d) => Object.values(d.approach1Ablations ?? {}).flatMap((a) => [a.select, a.approach1]),
    file: "rows.csv, select.json; approach1.json",
    description: "Approach 1 of the lr and cooldown ablations (paper Figures 10 and 11)",
    load: async (ctx) => {
      const ablations = ctx.deps.approach1Ablations ?? {};
      const value: Approach1Ablation[] = [];
      const files: SourceFile[] = [];
      for (const [variant, ids] of Object.entries(ablations)) {
        const sel = await selection(ctx, ids.select);
        value.push({
          variant,
          rows: sel.value.rows,
          record: await readRecord<Approach1Record>(`${ctx.dir(ids.approach1)}/approach1.json`, "approach1"),
        });
        files.push(...sel.source!.files, await ctx.nodeFile(ids.approach1, "approach1.json"));
      }
      return {
        value,
        source: {
          files,
          fits: Object.values(ablations).map((a) => a.approach1),
          describe: `Approach 1 (convex hull) on ${
            value.map((a) => [...new Set(a.rows.map((r) => r.subset))].join(" + ")).join(", ")
          }`,
        },
      };
    },
  }),
  longRuns: row<Selection>({
    upstream: (d) => opt(d.longRuns),
    file: "rows.csv, select.json",
    description: "the long loss curves (paper Figure 23); default Approach 1's rows",
    load: async (ctx) =>
      ctx.deps.longRuns === undefined
        ? { value: await ctx.get<Selection>("approach1Rows"), source: await ctx.source("approach1Rows") }
        : await selection(ctx, ctx.deps.longRuns),
  }),
  widthDepthEq2: row<Approach3Record>({
    upstream: (d) => opt(d.widthDepthEq2),
    file: "fit.json",
    description:
      "the Eq. 2 fit behind the width-depth figures (paper Figures 5, 7, 8, 12); default the variant's",
    load: async (ctx) => {
      const id = ctx.deps.widthDepthEq2;
      if (id === undefined) {
        return {
          value: (await ctx.get<Record<string, Approach3Record>>("fits")).eq2,
          source: await ctx.source("eq2"),
        };
      }
      const value = await readRecord<Approach3Record>(`${ctx.dir(id)}/fit.json`, "approach3");
      return {
        value,
        source: {
          files: [await ctx.nodeFile(id, "fit.json")],
          fits: [id],
          describe: `${formName("eq2")} of ${id} (Huber δ = ${value.huberDelta})`,
        },
      };
    },
  }),
  mupSweep: row<readonly MupRun[]>({
    upstream: none,
    file: MUP_SWEEP_PATH,
    description: "the authors' learning-rate sweep at scale (paper Figure 3)",
    load: async (ctx) => {
      const path = MUP_SWEEP_PATH;
      const value = await readMupSweep(`${ctx.root}/${path}`);
      return {
        value,
        source: {
          files: await ctx.repoFiles([path]),
          fits: [],
          describe: `learning-rate sweep at scale (${value.length} runs, ${path})`,
        },
      };
    },
  }),
  perceiverValidation: row<readonly PerceiverValRow[]>({
    upstream: (d) => [d.collect],
    file: "perceiver_val.csv",
    description: "Perceiver AR validation losses (seed 000; empty when collect has none)",
    load: async (ctx) => {
      const path = `${ctx.dir(ctx.deps.collect)}/perceiver_val.csv`;
      if (!await exists(path)) return { value: [] };
      return {
        value: await readPerceiverValidation(path),
        source: {
          files: [await ctx.nodeFile(ctx.deps.collect, "perceiver_val.csv")],
          fits: [],
          describe: "Perceiver AR validation losses (seed 000, data/krasserm-perceiver-ar)",
        },
      };
    },
  }),
  perceiverEstimates: row<readonly PerceiverEstimateRow[]>({
    upstream: (d) => [d.collect],
    file: "perceiver_estimates.csv",
    description:
      "Chinchilla's compute-optimal estimates seed 000 fits its laws to (empty when collect has none)",
    load: async (ctx) => {
      const path = `${ctx.dir(ctx.deps.collect)}/perceiver_estimates.csv`;
      if (!await exists(path)) return { value: [] };
      const value = await readPerceiverEstimates(path);
      return {
        value,
        source: {
          files: [await ctx.nodeFile(ctx.deps.collect, "perceiver_estimates.csv")],
          fits: [],
          describe: `Chinchilla's compute-optimal estimates (Tables 3 and A3, ${value.length} rows, ` +
            "data/krasserm-perceiver-ar/data/estimates)",
        },
      };
    },
  }),
  lrSweep: row<readonly LrSweepRow[] | undefined>({
    upstream: (d) => opt(d.lrSweep),
    file: "lr_sweep.csv",
    description: "the learning-rate sweep of our own runs (the analogue of paper Figure 3)",
    load: async (ctx) => {
      const id = ctx.deps.lrSweep;
      if (id === undefined) return { value: undefined };
      const value = await readLrSweepRows(`${ctx.dir(id)}/lr_sweep.csv`);
      return {
        value,
        source: {
          files: [await ctx.nodeFile(id, "lr_sweep.csv")],
          fits: [],
          describe: `learning-rate sweep (${value.length} runs)`,
        },
      };
    },
  }),
  gridSizeStudy: row<GridSizeStudyRecord | undefined>({
    upstream: (d) => opt(d.gridSizeStudy),
    file: "grid_size_study.json",
    description: "the grid-size study of Eq. 1 (Gemstones Figure 20)",
    load: async (ctx) => {
      const id = ctx.deps.gridSizeStudy;
      if (id === undefined) return { value: undefined };
      const value = await readRecord<GridSizeStudyRecord>(
        `${ctx.dir(id)}/grid_size_study.json`,
        "grid_size_study",
      );
      return {
        value,
        source: {
          files: [await ctx.nodeFile(id, "grid_size_study.json")],
          fits: [id],
          describe: `grid-size study of Eq. 1 on ${value.subset} (${value.points.length} fits)`,
        },
      };
    },
  }),
  sensitivity: row<SensitivityRecord | undefined>({
    upstream: (d) => opt(d.sensitivity),
    file: "sensitivity.json",
    description: "Eq. 1 refits of the variant under other settings (the tornado)",
    load: async (ctx) => {
      const id = ctx.deps.sensitivity;
      if (id === undefined) return { value: undefined };
      const value = await readRecord<SensitivityRecord>(`${ctx.dir(id)}/sensitivity.json`, "sensitivity");
      return {
        value,
        source: {
          files: [await ctx.nodeFile(id, "sensitivity.json")],
          fits: [id],
          describe: `Eq. 1 refits of ${value.variant} (${value.results.length} cases)`,
        },
      };
    },
  }),
  backtest: row<BacktestRecord | null>({
    upstream: (d) => opt(d.backtest),
    file: "backtest.json",
    description: "the backtest of every form (the fit-health notes); null without one",
    load: async (ctx) => ({
      value: ctx.deps.backtest === undefined
        ? null
        : await readRecord<BacktestRecord>(`${ctx.dir(ctx.deps.backtest)}/backtest.json`, "backtest"),
    }),
  }),
  authorsLaws: row<Readonly<Record<string, AuthorsLaw>>>({
    upstream: none,
    file: "data/gemstones/parameters_delta-*/approach_3_*.json",
    description:
      "the authors' stored fits of the laws the figures draw, by fit key (figures/specs/authors_fit.ts)",
    load: async (ctx) => {
      const value: Record<string, AuthorsLaw> = {};
      const found: string[] = [];
      for (const [key, path] of Object.entries(ctx.deps.authorsLaws ?? {})) {
        if (!await exists(`${ctx.root}/${path}`)) continue;
        value[key] = { ...await readAuthorsApproach3(`${ctx.root}/${path}`), path };
        found.push(path);
      }
      const files = await ctx.repoFiles([...new Set(found)]);
      return {
        value,
        source: { files, fits: [], describe: `the authors' stored fits (${files.length} files)` },
      };
    },
  }),
  provenance: row<Provenance>({
    upstream: (d) => [d.collect],
    file: "collect.json, own_runs.csv",
    description: "the data label and the diverged runs left out of the fits",
    load: async (ctx) => ({ value: await readProvenance(ctx.dir(ctx.deps.collect)) }),
  }),
  fits: row<Readonly<Record<string, Approach3Record>>>({
    upstream: (d) => LAW_NAMES.map((f) => approach3Node(d, f)),
    file: "fit.json",
    description: "the variant's Approach 3 fit of every registered law form, by form (each its own source)",
    load: async (ctx) => {
      const value: Record<string, Approach3Record> = {};
      for (const form of LAW_NAMES) value[form] = await ctx.get<Approach3Record>(`fit:${form}`);
      return { value };
    },
  }),
} as const;

/** Returns the input row of law form `form`'s Approach 3 fit (provenance under the key `form`). */
export function lawInput(form: string): ReportInput<Approach3Record> {
  return {
    upstream: (d) => [approach3Node(d, form)],
    file: "fit.json",
    description: `the ${form} fit of Approach 3`,
    load: async (ctx) => {
      const id = approach3Node(ctx.deps, form);
      const value = await readRecord<Approach3Record>(`${ctx.dir(id)}/fit.json`, "approach3");
      const subsets = (await ctx.get<Selection>("rows")).summary.subsets;
      return {
        value,
        source: {
          files: [await ctx.nodeFile(id, "fit.json")],
          fits: [id],
          describe: `${formName(value.form)} fitted on ${
            subsets.join(" + ")
          } (Huber δ = ${value.huberDelta})`,
        },
      };
    },
  };
}

/** Key of a row of {@link REPORT_INPUTS}. */
export type InputKey = keyof typeof REPORT_INPUTS;

/** The value type of input `K`. */
export type InputValue<K extends InputKey> = (typeof REPORT_INPUTS)[K] extends ReportInput<infer T> ? T
  : never;

/** Everything the report of one variant is drawn from: every input's value, and the provenance by key. */
export type ReportInputs = { readonly [K in InputKey]: InputValue<K> } & {
  /** Variant name. */
  readonly variant: string;
  /** Provenance of every input figures may read, by key (law forms under their own name). */
  readonly sources: Readonly<Record<string, InputSource>>;
};

/**
 * Returns every upstream node id of the report with `deps`, each once (the stage's deps): every input's
 * upstream nodes and the select node of every law fit among them (the fits table reads its subsets).
 */
export function reportDepIds(deps: ReportDeps): string[] {
  const ids = Object.values(REPORT_INPUTS).flatMap((input) => input.upstream(deps));
  return [...new Set([...ids, ...ids.filter(isLawNode).map(selectOfLaw)])];
}

/** Options of {@link readReportInputs}. */
export interface ReadInputsOptions {
  /** Project root, for the repository data files behind the rows (default: the working directory). */
  readonly root?: string;
  /** Only these inputs (and those they draw on); default every row. */
  readonly keys?: readonly InputKey[];
}

/**
 * Reads the report's inputs from the upstream output folders (`dirs`, node id -> folder): one loop over
 * the table, each input loaded once (those another input draws on first). Returns every value and the
 * provenance of every input that has one (the law forms' under their names).
 */
export async function readReportInputs(
  variant: string,
  deps: ReportDeps,
  dirs: Readonly<Record<string, string>>,
  options: ReadInputsOptions = {},
): Promise<ReportInputs> {
  const root = options.root ?? Deno.cwd();
  const table = new Map<string, ReportInput<unknown>>([
    ...Object.entries(REPORT_INPUTS) as [string, ReportInput<unknown>][],
    ...LAW_NAMES.map((f) => [`fit:${f}`, lawInput(f)] as [string, ReportInput<unknown>]),
  ]);
  const loads = new Map<string, Promise<Loaded<unknown>>>();
  const load = (key: string): Promise<Loaded<unknown>> => {
    let p = loads.get(key);
    if (p === undefined) {
      const input = table.get(key);
      if (input === undefined) throw new Error(`report ${variant}: no input "${key}"`);
      p = input.load(ctx);
      loads.set(key, p);
    }
    return p;
  };
  const ctx: LoadContext = {
    variant,
    deps,
    root,
    dir(id) {
      const d = dirs[id];
      if (d === undefined) {
        throw new Error(`report ${variant}: upstream node "${id}" is not among the stage's deps`);
      }
      return d;
    },
    nodeFile: (id, file) => sourceFile(`${ctx.dir(id)}/${file}`, `${id}/${file}`),
    async repoFiles(paths) {
      const out: SourceFile[] = [];
      for (const p of paths) if (await exists(`${root}/${p}`)) out.push(await sourceFile(`${root}/${p}`, p));
      return out;
    },
    get: async <T>(key: string) => (await load(key)).value as T,
    source: async (key) => (await load(isLawKey(key) ? `fit:${key}` : key)).source,
  };
  const keys = options.keys ?? Object.keys(REPORT_INPUTS) as InputKey[];
  const values: Record<string, unknown> = { variant };
  for (const key of keys) values[key] = (await load(key)).value;
  const sources: Record<string, InputSource> = {};
  for (const [key, p] of loads) {
    const src = (await p).source;
    if (src !== undefined) sources[key.startsWith("fit:") ? key.slice(4) : key] = src;
  }
  return { ...values, sources } as ReportInputs;
}

/** Returns whether `key` names a registered law form (its fit's provenance key). */
function isLawKey(key: string): boolean {
  return LAW_NAMES.includes(key as never);
}
