/**
 * Profiles other than "paper": pipelines that make their own data instead of reading the shipped runs.
 *
 * ```
 * micro:    grid (recorded) ; corpus (jargon-text) ──► train.<run> × ~15 ──► collect ──► fits ──► report
 * nano:     grid (recorded) ; corpus (synthetic)   ──► train.<run> × 3   ──► collect ──► fits ──► report
 * simulate: grid ──► simulate (law: the paper's Eq. 2 fit) ──► collect ──► fits ──► report
 *           (paper_collect ──► paper_law: that fit, on the shipped Gemstones runs)
 * micro-h100: data/micro-h100/<run> (the micro grid, trained on an H100 with tools/run_units.ts)
 *           ──► collect ──► fits ──► report (no training)
 * ```
 *
 * Each train stage depends only on the corpus (never on the grid stage), so editing one grid entry
 * changes one train stage's parameters and retrains that run alone. `collect` here is the profile's
 * own collect: it gathers the runs' logs (or the simulated table) into collect's `runs.csv` layout, lists
 * every run with a `diverged` column in `own_runs.csv`, and leaves diverged runs out of the fits. The
 * fit and report stages are the paper profile's factories (`fitStages`-style), fed by subset "own" (or
 * "simulated").
 * @module
 */
import type { Params, Stage } from "../pipeline/stage.ts";
import { gemstonesParams } from "../scaling/count/mod.ts";
import type { AdditiveLaw } from "../scaling/law.ts";
import type { ModelConfig } from "../kernels/types.ts";
import { COLLECT_OUTPUTS, collectStage, writeCollected } from "./collect.ts";
import { selectParams, selectRows, selectStage } from "./select.ts";
import { writeJson } from "./fit_common.ts";
import { approach1Stage } from "./fit_approach1.ts";
import { approach2Stage } from "./fit_approach2.ts";
import {
  type Approach3Params,
  approach3Record,
  approach3Stage,
  DEFAULT_FIT_OPTIONS,
  type FitOptions,
  fitPointsOf,
} from "./fit_approach3.ts";
import { prescribeStage } from "./fit_prescribe.ts";
import { overtrainingStage } from "./fit_overtraining.ts";
import { overspendStage } from "./fit_overspend.ts";
import { reportStage } from "./report.ts";
import { backtestStage } from "./fit_backtest.ts";
import { LAW_NAMES } from "../scaling/laws/mod.ts";
import { resolveVariant, type VariantSettings } from "./variants.ts";
import { type CollectSummary, type LawForm, readCsvObjects, readRunsRows, stageId } from "./schemas.ts";
import { formatCsv, parseOwnRun, readOwnRun } from "./importers/mod.ts";
import { buildGrid, type GridParams, type GridRow, gridShape, gridStage, PAPER_GRID } from "./grid.ts";
import {
  runsCellsOf,
  runsColumns,
  SIMULATED_COOL_SUBSET,
  SIMULATED_SUBSET,
  simulateStage,
} from "./simulate.ts";
import {
  importedLrSweepStage,
  type LrSweepSettings,
  lrSweepStages,
  MICRO_H100_LR_SWEEP,
  MICRO_LR_SWEEP,
} from "./lr_sweep.ts";
import { type BackendName, type CorpusSpec, corpusStage, type RunResult, trainStage } from "./train.ts";

/** Names of the profiles built here. */
export const PROFILES: readonly string[] = ["micro", "nano", "simulate"];

/** Names of the profiles that read imported runs of this project's trainer instead of training (no train stages). */
export const IMPORTED_PROFILES: readonly string[] = ["micro-h100"];

/** The micro grid: byte vocabulary (259), context 128, head 16, targets 0.1M-10M params (±10 %), 3 per target. */
export const MICRO_GRID: GridParams = {
  ...PAPER_GRID,
  headSize: 16,
  vocabSize: 259,
  seqLen: 128,
  widthMin: 32,
  widthMax: 1024,
  depthMin: 1,
  depthMax: 32,
  targetParams: [1e5, 3e5, 1e6, 3e6, 1e7],
  tolerance: 0.1,
  perTarget: 3,
  standardAspect: 32,
  tokensPerParam: 20,
  minTokens: 1e6,
  maxTokens: 5e7,
  batchSize: 16,
};

const NANO_SHAPES = [{ width: 32, depth: 1 }, { width: 32, depth: 2 }, { width: 64, depth: 1 }];
const NANO_ARCH = { ...PAPER_GRID, headSize: 16, vocabSize: 259, seqLen: 32, batchSize: 8, lrBase: 2.5 };
const NANO_TOKENS = 8 * 32 * 120;

/**
 * Returns grid parameters whose grid is exactly `shapes` (one target per shape's parameter count, zero
 * tolerance), each trained on `tokens` tokens, under the architecture of `arch`.
 */
export function exactGrid(
  arch: GridParams,
  shapes: readonly { width: number; depth: number }[],
  tokens: number,
): GridParams {
  return {
    ...arch,
    widthMin: Math.min(...shapes.map((s) => s.width)),
    widthMax: Math.max(...shapes.map((s) => s.width)),
    depthMin: Math.min(...shapes.map((s) => s.depth)),
    depthMax: Math.max(...shapes.map((s) => s.depth)),
    targetParams: shapes.map((s) => gemstonesParams(gridShape(arch, s.width, s.depth))),
    tolerance: 1e-9,
    perTarget: 1,
    include: [],
    tokensPerParam: 0,
    minTokens: tokens,
    maxTokens: tokens,
  };
}

/** The nano grid: exactly three tiny shapes (32×1, 32×2, 64×1; head 16, context 32), 120 steps of 8×32 tokens each. */
export const NANO_GRID: GridParams = exactGrid(NANO_ARCH, NANO_SHAPES, NANO_TOKENS);

/** Everything a training profile is built from. */
export interface ProfileSettings {
  /** Profile name (prefix of run ids). */
  readonly name: string;
  /** The grid. */
  readonly grid: GridParams;
  /** The corpus. */
  readonly corpus: CorpusSpec;
  /** Backend of the runs. */
  readonly backend: BackendName;
  /** Validation checkpoints per run (evenly spaced in tokens). */
  readonly evalsPerRun: number;
  /** Fixed validation batches per evaluation. */
  readonly evalBatches: number;
  /** Checkpoint every this many steps (resumability; 0: only at the end). */
  readonly checkpointEvery: number;
  /** Approach 3 options per form (Huber delta replaced by the variant's). */
  readonly fit: Readonly<Record<LawForm, FitOptions>>;
  /** Shapes of the grid to leave out (e.g. to edit one entry), as "WxD". */
  readonly drop?: readonly string[];
  /** The learning-rate sweep run alongside (null: none). */
  readonly lrSweep: LrSweepSettings | null;
}

/** Small Approach 3 settings for quick profiles: 300 LHS starts per form, 10 bootstrap resamples. */
export const SMALL_FIT: Readonly<Record<LawForm, FitOptions>> = {
  eq1: { ...DEFAULT_FIT_OPTIONS.eq1, grid: { kind: "lhs", starts: 300, seed: 1 }, bootstrapSamples: 10 },
  eq2: { ...DEFAULT_FIT_OPTIONS.eq2, grid: { kind: "lhs", starts: 300, seed: 1 }, bootstrapSamples: 10 },
  eq3: { ...DEFAULT_FIT_OPTIONS.eq3, grid: { kind: "lhs", starts: 300, seed: 1 }, bootstrapSamples: 10 },
};

/** Settings of the micro profile (jargon-text, WebGPU, ~15 models of 0.1M-10M params). */
export const MICRO: ProfileSettings = {
  name: "micro",
  grid: MICRO_GRID,
  corpus: { source: "debian", package: "jargon-text" },
  backend: "gpu",
  evalsPerRun: 8,
  evalBatches: 8,
  checkpointEvery: 200,
  fit: DEFAULT_FIT_OPTIONS,
  lrSweep: MICRO_LR_SWEEP,
};

/** Settings of the nano profile (synthetic language, WebGPU, 3 tiny models; minutes on llvmpipe). */
export const NANO: ProfileSettings = {
  name: "nano",
  grid: NANO_GRID,
  corpus: { source: "synthetic", tokens: 200_000, seed: 1, alphabetSize: 16 },
  backend: "gpu",
  evalsPerRun: 5,
  evalBatches: 8,
  checkpointEvery: 50,
  fit: SMALL_FIT,
  lrSweep: null,
};

/** Returns the model config of a grid row under the grid's architecture. */
export function modelOfRow(grid: GridParams, row: GridRow): ModelConfig {
  return {
    vocabSize: grid.vocabSize,
    width: row.width,
    depth: row.depth,
    headSize: grid.headSize,
    gqaRatio: grid.gqaRatio,
    mlpRatio: grid.mlpRatio,
    seqLen: grid.seqLen,
    ropeTheta: 10000,
    normEps: 1e-6,
  };
}

/** Returns one train stage per grid row of `s` (ids `train.<profile>_<W>x<D>`). */
export function trainStagesOf(s: ProfileSettings, corpusId = "corpus"): Stage[] {
  const perStep = s.grid.batchSize * s.grid.seqLen;
  return buildGrid(s.grid).filter((r) => !(s.drop ?? []).includes(r.model)).map((row) => {
    const steps = row.tokens / perStep;
    const evalSteps = Math.max(1, Math.floor(steps / s.evalsPerRun));
    return trainStage({
      runId: `${s.name}_${row.model}`,
      model: modelOfRow(s.grid, row),
      train: {
        steps,
        batchSize: s.grid.batchSize,
        lrBase: s.grid.lrBase,
        evalEveryTokens: evalSteps * perStep,
        evalBatches: s.evalBatches,
        logEvery: Math.max(1, Math.min(evalSteps, 50)),
        checkpointEvery: s.checkpointEvery,
        seed: 0,
      },
      corpus: corpusId,
      backend: s.backend,
    });
  });
}

/** Parameters of the profile collect stage. */
export type ProfileCollectParams = {
  /** Node ids of train stages (each with run.json, config.json, log.jsonl, result.json). */
  trainRuns: string[];
  /** Node ids of simulate stages (each with runs.csv). */
  simulated: string[];
};

/** Columns of own_runs.csv. */
export const OWN_RUNS_COLUMNS: readonly string[] = [
  "run_id",
  "status",
  "diverged",
  "reason",
  "steps",
  "tokens",
  "final_val_loss",
  "peak_lr",
  "seconds",
  "device",
];

/** Files of a collect stage of own runs: collect's files plus `own_runs.csv`. */
const OWN_COLLECT_OUTPUTS: readonly string[] = [...COLLECT_OUTPUTS, "own_runs.csv"];

/** Returns the `own_runs.csv` row of a run's `result.json`, in {@link OWN_RUNS_COLUMNS} order ("" for null). */
function ownRunsRow(r: RunResult): (string | number | boolean)[] {
  const row = [
    r.runId,
    r.status,
    r.diverged,
    r.reason,
    r.steps,
    r.tokens,
    r.finalValLoss,
    r.peakLr,
    r.seconds,
    r.device,
  ];
  return row.map((v) => v ?? "");
}

/** Returns the collect summary's data label for own runs on `devices` (short adapter names) and simulated runs. */
function ownRunsSource(devices: readonly string[], runs: number, simulated: boolean): string {
  // Short, as figure titles carry it: "webgpu:4318 9008 NVIDIA H100 80GB HBM3" -> "NVIDIA H100 80GB HBM3".
  const names = [...new Set(devices.map((d) => d.replace(/^webgpu:\S+ \S+ /, "")))];
  return [
    ...(runs > 0 ? [`own runs on ${names.join(", ")}`] : []),
    ...(simulated ? ["runs simulated from a known law"] : []),
  ].join(" + ");
}

/**
 * Writes collect's files for this project's own runs into `outDir`: runs.csv from `cells` (empty industry,
 * Chinchilla and Perceiver tables), collect.json with `inputs` and the data label, and own_runs.csv with one
 * row per run of `results` (diverged ones included, flagged).
 */
async function writeOwnCollect(
  outDir: string,
  cells: (string | number | boolean)[][],
  results: readonly RunResult[],
  inputs: string[],
  simulated: boolean,
): Promise<void> {
  const columns = runsColumns();
  const subsetAt = columns.indexOf("subset");
  const subsets: Record<string, number> = {};
  for (const row of cells) subsets[String(row[subsetAt])] = (subsets[String(row[subsetAt])] ?? 0) + 1;
  const summary: CollectSummary = {
    rows: cells.length,
    subsets,
    paramsColumns: columns.filter((c) => c.startsWith("params_") && c !== "params_published"),
    flopsColumns: columns.filter((c) => c.startsWith("flops_")),
    inputs,
    source: ownRunsSource(results.map((r) => r.device), results.length, simulated),
  };
  await writeCollected(outDir, {
    runColumns: columns,
    runs: cells,
    industry: [],
    chinchilla: [],
    perceiverEstimates: [],
    perceiverVal: [],
    summary,
  });
  await Deno.writeTextFile(`${outDir}/own_runs.csv`, formatCsv(OWN_RUNS_COLUMNS, results.map(ownRunsRow)));
}

/**
 * Returns the profile's collect stage (id "collect", so the paper's select and report stages read it):
 * writes collect's files (runs.csv with every counting column; empty industry/Chinchilla/Perceiver
 * tables) plus `own_runs.csv`, one row per trained run with a `diverged` column; diverged runs have no
 * rows in runs.csv.
 */
export function profileCollectStage(p: ProfileCollectParams): Stage<ProfileCollectParams & Params> {
  return {
    name: "collect_profile",
    id: "collect",
    module: import.meta.url,
    deps: [...p.trainRuns, ...p.simulated],
    params: p as ProfileCollectParams & Params,
    inputs: [],
    outputs: OWN_COLLECT_OUTPUTS,
    async run(ctx) {
      const columns = runsColumns();
      const cells: (string | number | boolean)[][] = [];
      const results: RunResult[] = [];
      const inputs: string[] = [];
      for (const id of ctx.params.trainRuns) {
        const dir = ctx.deps[id];
        const read = (f: string) => Deno.readTextFile(`${dir}/${f}`);
        const result = JSON.parse(await read("result.json")) as RunResult;
        results.push(result);
        inputs.push(id);
        if (result.diverged) {
          ctx.log(`collect: run ${result.runId} diverged (${result.reason}); excluded from the fits`);
          continue;
        }
        const rows = parseOwnRun(
          result.runId,
          await read("config.json"),
          `${id}/config.json`,
          await read("log.jsonl"),
          `${id}/log.jsonl`,
        );
        cells.push(...runsCellsOf(rows));
      }
      for (const id of ctx.params.simulated) {
        inputs.push(id);
        for (const r of await readCsvObjects(`${ctx.deps[id]}/runs.csv`)) {
          cells.push(columns.map((c) => {
            if (r[c] === undefined) throw new Error(`${id}/runs.csv: missing column "${c}"`);
            return r[c];
          }));
        }
      }
      await writeOwnCollect(ctx.outDir, cells, results, inputs, ctx.params.simulated.length > 0);
      const diverged = results.filter((r) => r.diverged).length;
      ctx.log(
        `collect: ${cells.length} checkpoints; ${results.length} runs, ${diverged} diverged (excluded)`,
      );
    },
  };
}

/** Returns a variant's settings with its data selection pointed at the profile's subset. */
export function profileVariant(variant: string, subset: string): VariantSettings {
  const v = resolveVariant(variant);
  return { ...v, subsets: [subset], excludeRuns: [], widths: [], minTokens: 0, maxTokens: null };
}

/**
 * Returns select, Approach 1/2/3, prescribe, overtraining, overspend and report stages of a profile's variant;
 * with `lrSweep` (the node id of an lr_sweep stage) the report also draws the learning-rate sweep.
 */
export function profileFitStages(
  variant: string,
  subset: string,
  fit: Readonly<Record<LawForm, FitOptions>>,
  lrSweep?: string,
): Stage[] {
  const v = profileVariant(variant, subset);
  const forms: readonly LawForm[] = LAW_NAMES;
  return [
    selectStage(variant, v),
    approach1Stage(variant),
    approach2Stage(variant),
    ...forms.map((f) => approach3Stage(variant, f, { ...fit[f], huberDelta: v.huberDelta })),
    backtestStage(variant, {
      huberDelta: v.huberDelta,
      grids: { eq1: fit.eq1.grid, eq2: fit.eq2.grid, eq3: fit.eq3.grid },
    }),
    prescribeStage(variant, v),
    overtrainingStage(variant, v),
    overspendStage(variant, v),
    reportStage({
      variant,
      deps: { rainbow: {}, backtest: stageId("backtest", variant), ...(lrSweep ? { lrSweep } : {}) },
    }),
  ];
}

/** Returns the stages of a training profile (grid record, corpus, one train stage per run, collect, fits, report). */
export function trainingProfileStages(s: ProfileSettings, variant: string): Stage[] {
  const trains = trainStagesOf(s);
  return [
    gridStage(s.grid),
    corpusStage(s.corpus),
    ...trains,
    ...(s.lrSweep ? lrSweepStages(s.lrSweep) : []),
    profileCollectStage({ trainRuns: trains.map((t) => t.id!), simulated: [] }),
    ...profileFitStages(variant, "own", s.fit, s.lrSweep ? "lr_sweep" : undefined),
  ];
}

/**
 * The simulate profile's grid: the paper's design space (3 shapes per target, 15 models of 50M-2B
 * params), every run 100B tokens of 1024 × 2048-token steps. Not the micro grid: the paper's fitted
 * law, extrapolated to 0.1M-param models and a few million tokens, predicts losses above 20 nats.
 */
export const SIMULATE_GRID: GridParams = {
  ...PAPER_GRID,
  perTarget: 3,
  tokensPerParam: 0,
  minTokens: 1e11,
  maxTokens: 1e11,
  batchSize: 1024,
};

/** Settings of the simulate profile: 8 checkpoints per model, 1 % noise, cooldown runs. */
export const SIMULATE = {
  grid: SIMULATE_GRID,
  checkpoints: 8,
  firstFraction: 1 / 16,
  noise: 0.01,
  seed: 1,
  cooldown: { fraction: 0.1, drop: 0.1 },
  /** Where the generating law comes from: the paper's Eq. 2 fit (stage {@link paperLawStage}). */
  lawFrom: "paper_law",
} as const;

/**
 * Returns the stage "paper_law": the paper variant's Eq. 2 (width-depth) Approach 3 fit of the shipped
 * Gemstones runs (read from "paper_collect"), without bootstrap, as `fit.json` — the default law the
 * simulate profile generates data from. Its own ids keep it apart from the profile's fit stages.
 */
export function paperLawStage(): Stage<Approach3Params & Params> {
  const paper = resolveVariant("paper");
  const options: FitOptions = {
    ...DEFAULT_FIT_OPTIONS.eq2,
    huberDelta: paper.huberDelta,
    bootstrapSamples: 0,
  };
  return {
    name: "paper_law",
    id: "paper_law",
    module: import.meta.url,
    deps: ["paper_collect"],
    params: { ...options, variant: "paper", form: "eq2" } as Approach3Params & Params,
    inputs: [],
    outputs: ["fit.json"],
    async run(ctx) {
      const runs = await readRunsRows(`${ctx.deps["paper_collect"]}/runs.csv`);
      const rows = selectRows(runs, selectParams("paper", paper));
      const record = approach3Record("paper", "eq2", fitPointsOf(rows, "eq2"), ctx.params);
      await writeJson(ctx.outDir, "fit.json", record);
      ctx.log(
        `paper_law: Eq. 2 fitted on ${rows.length} rows, ${record.converged}/${record.starts} converged`,
      );
    },
  };
}

/** Options of the simulate profile (defaults: {@link SIMULATE}, law from the paper's Eq. 2 fit). */
export interface SimulateProfileOptions {
  /** Explicit generating law (default: the paper's Eq. 2 fit, stage "paper_law"). */
  readonly law?: AdditiveLaw;
  /** Grid (default {@link SIMULATE_GRID}). */
  readonly grid?: GridParams;
  /** Log-normal noise (default 0.01). */
  readonly noise?: number;
  /** Approach 3 options (default DEFAULT_FIT_OPTIONS). */
  readonly fit?: Readonly<Record<LawForm, FitOptions>>;
}

/** Returns the stages of the simulate profile: a grid through `simulate` (default law: the paper's Eq. 2 fit). */
export function simulateProfileStages(variant: string, options: SimulateProfileOptions = {}): Stage[] {
  const paper = resolveVariant("paper");
  const grid = options.grid ?? SIMULATE.grid;
  const { targetParams: _t, include: _i, ...architecture } = grid;
  const subset = resolveVariant(variant).subsets.some((x) => x.startsWith("cool"))
    ? SIMULATED_COOL_SUBSET
    : SIMULATED_SUBSET;
  const lawStages: Stage[] = options.law === undefined
    // The generating law: the paper's Eq. 2 fit on the shipped Gemstones runs.
    ? [{ ...collectStage(), id: "paper_collect" }, paperLawStage()]
    : [];
  return [
    ...lawStages,
    gridStage(grid),
    simulateStage({
      grid: "grid",
      architecture,
      law: options.law === undefined
        ? null
        : { E: options.law.E, terms: options.law.terms.map((t) => ({ ...t })) },
      lawFrom: options.law === undefined ? SIMULATE.lawFrom : null,
      paramsConvention: paper.paramsConvention,
      checkpoints: SIMULATE.checkpoints,
      firstFraction: SIMULATE.firstFraction,
      tokensPerStep: grid.batchSize * grid.seqLen,
      cooldown: { ...SIMULATE.cooldown },
      noise: options.noise ?? SIMULATE.noise,
      seed: SIMULATE.seed,
    }),
    profileCollectStage({ trainRuns: [], simulated: ["simulate"] }),
    ...profileFitStages(variant, subset, options.fit ?? DEFAULT_FIT_OPTIONS),
  ];
}

/** Folder of the micro study's runs trained on an H100 (one `<run id>/{config.json,log.jsonl}` each; SOURCE.md). */
export const MICRO_H100_DIR = "data/micro-h100";

/** Run ids of the micro study on the H100: one per MICRO_GRID shape, `micro_<W>x<D>`. */
export const MICRO_H100_RUNS: readonly string[] = [
  "micro_128x1",
  "micro_128x4",
  "micro_160x28",
  "micro_192x5",
  "micro_288x8",
  "micro_32x20",
  "micro_32x5",
  "micro_32x6",
  "micro_448x1",
  "micro_64x1",
  "micro_64x17",
  "micro_832x1",
  "micro_96x2",
  "micro_96x23",
  "micro_96x7",
];

/**
 * Approach 3 options of the micro-h100 profile: {@link SMALL_FIT} (300 LHS starts, 10 bootstrap
 * resamples) with Eq. 1 compute-optimal intervals at the study's own scale (1e13-1e17 FLOPs).
 */
export const MICRO_H100_FIT: Readonly<Record<LawForm, FitOptions>> = {
  ...SMALL_FIT,
  eq1: { ...SMALL_FIT.eq1, budgets: [1e13, 1e14, 1e15, 1e16, 1e17] },
};

/**
 * Returns the collect stage (id "collect") of imported own runs: reads each folder of `dirs` (relative
 * to the project root; `config.json` + `log.jsonl`, run id = folder name) into collect's runs.csv layout
 * (subset "own"), with empty industry, Chinchilla and Perceiver tables, as the micro profile's collect.
 */
export function ownRunsCollectStage(dirs: readonly string[]): Stage<{ ownRuns: string[] } & Params> {
  return {
    name: "collect_own_runs",
    id: "collect",
    module: import.meta.url,
    deps: [],
    params: { ownRuns: [...dirs] },
    inputs: [...dirs],
    outputs: OWN_COLLECT_OUTPUTS,
    async run(ctx) {
      const cells: (string | number | boolean)[][] = [];
      const results: RunResult[] = [];
      for (const dir of ctx.params.ownRuns) {
        cells.push(...runsCellsOf(await readOwnRun(`${ctx.root}/${dir}`)));
        const path = `${dir}/result.json`;
        let r: RunResult;
        try {
          r = JSON.parse(await Deno.readTextFile(`${ctx.root}/${path}`)) as RunResult;
        } catch (e) {
          throw new Error(`${path}: cannot read the run result: ${(e as Error).message}`);
        }
        if (r.diverged !== false) throw new Error(`${path}: field "diverged" must be false (a finished run)`);
        results.push(r);
      }
      await writeOwnCollect(ctx.outDir, cells, results, [...ctx.params.ownRuns], false);
      const devices = [...new Set(results.map((r) => r.device))];
      ctx.log(`collect: ${cells.length} checkpoints of ${results.length} own runs (${devices.join(", ")})`);
    },
  };
}

/** Folder of the learning-rate sweep trained on an H100 (one `<run id>/{config,result}.json` + log each; SOURCE.md). */
export const MICRO_H100_LR_SWEEP_DIR = "data/micro-h100-lr-sweep";

/**
 * Returns the stages of the micro-h100 profile: collect of data/micro-h100 runs, fits, the lr_sweep table
 * of data/micro-h100-lr-sweep, and the report with figure 10 (no training).
 */
export function microH100ProfileStages(variant: string): Stage[] {
  return [
    ownRunsCollectStage(MICRO_H100_RUNS.map((id) => `${MICRO_H100_DIR}/${id}`)),
    importedLrSweepStage(MICRO_H100_LR_SWEEP, MICRO_H100_LR_SWEEP_DIR),
    ...profileFitStages(variant, "own", MICRO_H100_FIT, "lr_sweep"),
  ];
}

/** Returns the stages of `profile` ("micro", "nano", "simulate" or "micro-h100") for `variant`; throws listing valid names. */
export function buildProfile(profile: string, variant: string): Stage[] {
  resolveVariant(variant);
  switch (profile) {
    case "micro":
      return trainingProfileStages(MICRO, variant);
    case "nano":
      return trainingProfileStages(NANO, variant);
    case "simulate":
      return simulateProfileStages(variant);
    case "micro-h100":
      return microH100ProfileStages(variant);
    default:
      throw new Error(
        `unknown profile "${profile}"; valid profiles: paper, ${
          [...PROFILES, ...IMPORTED_PROFILES].join(", ")
        }`,
      );
  }
}
