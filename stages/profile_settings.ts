/**
 * The settings of every profile, as data: grids, corpora, fit options, the learning-rate sweeps and the
 * list of runs trained on an H100. `stages/pipeline.ts` turns each into a graph; no stage module imports
 * this file (settings reach stages only as parameters, so editing one profile reruns only its stages).
 * @module
 */
import type { AdditiveLaw } from "../scaling/law.ts";
import { exactGrid, type GridParams, PAPER_GRID } from "./grid.ts";
import { DEFAULT_FIT_OPTIONS, type FitOptions } from "./fit_approach3.ts";
import type { LrSweepSettings } from "./lr_sweep.ts";
import type { MicroStudySettings } from "./micro_study.ts";
import type { StateStudySettings } from "./state_design.ts";
import { STATE_CI_STUDY, STATE_H100_STUDY } from "./state_profiles.ts";
import { DEFAULT_GRID_SIZES } from "./sensitivity.ts";
import type { BackendName, CorpusSpec } from "./train.ts";
import type { LawForm } from "../records/schemas.ts";

/** Approach 3 options per law form (each form's Huber delta is replaced by the variant's). */
export type FitTable = Readonly<Record<LawForm, FitOptions>>;

/** The paper profile: the real runs shipped under data/, every variant's Eq. 1 fit in the report (rainbow). */
export interface PaperProfile {
  /** Kind of profile. */
  readonly kind: "paper";
  /** Approach 3 options. */
  readonly fit: FitTable;
  /**
   * Start-grid sizes (starts per fit) of the grid_size_study stage, Gemstones Figure 20: a subset of the
   * authors' twenty, FIGURE20_GRID_SIZES of scaling/fit/sensitivity.ts (all twenty at the three deltas:
   * 1,823,000 Eq. 1 fits, 5 minutes or more on two idle cores).
   */
  readonly figure20GridSizes: readonly number[];
}

/** A profile that trains its own grid (one train stage per grid row) on a corpus. */
export interface TrainingProfile {
  /** Kind of profile. */
  readonly kind: "train";
  /** Profile name (prefix of run ids). */
  readonly name: string;
  /** The grid. */
  readonly grid: GridParams;
  /** The corpus. */
  readonly corpus: CorpusSpec;
  /** Backend of the runs. */
  readonly backend: BackendName;
  /** Validation checkpoints per run (evenly spaced in tokens; log-spaced in tokens in a `study`). */
  readonly evalsPerRun: number;
  /** Fixed validation batches per evaluation. */
  readonly evalBatches: number;
  /** Checkpoint every this many steps (resumability; 0: only at the end). */
  readonly checkpointEvery: number;
  /** Approach 3 options. */
  readonly fit: FitTable;
  /** Shapes of the grid to leave out (e.g. to edit one entry), as "WxD". */
  readonly drop?: readonly string[];
  /** The learning-rate sweep run alongside (null: none). */
  readonly lrSweep: LrSweepSettings | null;
  /**
   * The micro-study design (stages/micro_study.ts): when given, the runs are its train stages (lr from the
   * sweep's optimum, log-spaced checkpoints, two seeds for a subset) instead of one per `grid` row; the
   * profile's name, grid, backend, `evalsPerRun`, `evalBatches` and `checkpointEvery` apply to them
   * ({@link studySettingsOf}).
   */
  readonly study?: StudyDesign;
}

/** What a micro study adds to its training profile's settings: the tokens per parameter, the seed shapes and the plan. */
export type StudyDesign = Pick<
  MicroStudySettings,
  "tokensPerParam" | "seedShapes" | "throughputFile" | "budgetSeconds"
>;

/** A profile that simulates its grid's runs from a known law (no GPU). */
export interface SimulateProfile {
  /** Kind of profile. */
  readonly kind: "simulate";
  /** The grid. */
  readonly grid: GridParams;
  /** The generating law; null: the paper's Eq. 2 fit of the shipped Gemstones runs (stage paper_law). */
  readonly law: AdditiveLaw | null;
  /** Checkpoints per model, log-spaced in tokens. */
  readonly checkpoints: number;
  /** First checkpoint as a fraction of the run's tokens. */
  readonly firstFraction: number;
  /** Standard deviation of the log-normal noise on the loss. */
  readonly noise: number;
  /** Seed of the noise. */
  readonly seed: number;
  /** Cooled-down runs: `fraction` more tokens remove `drop` of the reducible loss. */
  readonly cooldown: { readonly fraction: number; readonly drop: number };
  /** Approach 3 options. */
  readonly fit: FitTable;
}

/** A profile that reads runs of this project's trainer shipped under data/ (no training). */
export interface ImportedProfile {
  /** Kind of profile. */
  readonly kind: "imported";
  /** Folder of the runs (one `<run id>/{config.json,log.jsonl,result.json}` each). */
  readonly runsDir: string;
  /** Run ids (folder names). */
  readonly runs: readonly string[];
  /** The learning-rate sweep the runs of `lrSweepDir` were trained with (null: none). */
  readonly lrSweep: LrSweepSettings | null;
  /** Folder of the sweep's runs. */
  readonly lrSweepDir: string;
  /** Approach 3 options. */
  readonly fit: FitTable;
}

/** The state study (seed 003, stages/state_study.ts): mixers × knobs × contexts trained on MQAR, its fits and report. */
export interface StateProfile {
  /** Kind of profile. */
  readonly kind: "state";
  /** The study. */
  readonly study: StateStudySettings;
  /** Bootstrap resamples of each fit. */
  readonly bootstrapSamples: number;
  /** What the report says this run is (e.g. "a smoke-size run that checks the machinery, not science"). */
  readonly tier: string;
  /**
   * Folder of shipped runs (`<run id>/{config,log.jsonl,result}.json`, as tools/state_units.ts writes them)
   * to read instead of training (absent: the profile trains its runs).
   */
  readonly runsDir?: string;
  /** Approach 3 options (unused by the state fits; kept so every profile has a fit table). */
  readonly fit: FitTable;
}

/** Settings of one profile. */
export type ProfileSettings =
  | PaperProfile
  | TrainingProfile
  | SimulateProfile
  | ImportedProfile
  | StateProfile;

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

/** The nano grid: exactly three tiny shapes (32×1, 32×2, 64×1; head 16, context 32), 120 steps of 8×32 tokens each. */
export const NANO_GRID: GridParams = exactGrid(
  { ...PAPER_GRID, headSize: 16, vocabSize: 259, seqLen: 32, batchSize: 8, lrBase: 2.5 },
  [{ width: 32, depth: 1 }, { width: 32, depth: 2 }, { width: 64, depth: 1 }],
  8 * 32 * 120,
);

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

/** Small Approach 3 settings for quick profiles: 300 LHS starts per form, 10 bootstrap resamples. */
export const SMALL_FIT: FitTable = {
  eq1: { ...DEFAULT_FIT_OPTIONS.eq1, grid: { kind: "lhs", starts: 300, seed: 1 }, bootstrapSamples: 10 },
  eq2: { ...DEFAULT_FIT_OPTIONS.eq2, grid: { kind: "lhs", starts: 300, seed: 1 }, bootstrapSamples: 10 },
  eq3: { ...DEFAULT_FIT_OPTIONS.eq3, grid: { kind: "lhs", starts: 300, seed: 1 }, bootstrapSamples: 10 },
};

/** The micro sweep: wide 64×1 / deep 16×8 (~45k params) and wide 128×2 / deep 32×16 (~0.2-0.5M), 7 lrs. */
export const MICRO_LR_SWEEP: LrSweepSettings = {
  models: [
    { role: "wide", size: "small", width: 64, depth: 1 },
    { role: "deep", size: "small", width: 16, depth: 8 },
    { role: "wide", size: "large", width: 128, depth: 2 },
    { role: "deep", size: "large", width: 32, depth: 16 },
  ],
  learningRates: [3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1],
  architecture: {
    vocabSize: 259,
    headSize: 8,
    gqaRatio: 2,
    mlpRatio: 4,
    seqLen: 64,
    ropeTheta: 10000,
    normEps: 1e-6,
  },
  steps: 300,
  batchSize: 8,
  evalBatches: 8,
  corpus: "corpus",
  backend: "gpu",
};

/**
 * The sweep as run on the lent H100 (tools/lr_sweep_units.ts, data/micro-h100-lr-sweep): MICRO_LR_SWEEP's
 * models and learning rates, context 128, batch 64, 400 steps.
 */
export const MICRO_H100_LR_SWEEP: LrSweepSettings = {
  ...MICRO_LR_SWEEP,
  architecture: { ...MICRO_LR_SWEEP.architecture, seqLen: 128 },
  steps: 400,
  batchSize: 64,
  evalBatches: 8,
};

/** Folder of the micro study's runs trained on an H100 (one `<run id>/{config.json,log.jsonl}` each; SOURCE.md). */
export const MICRO_H100_DIR = "data/micro-h100";

/** Folder of the learning-rate sweep trained on an H100 (one `<run id>/{config,result}.json` + log each; SOURCE.md). */
export const MICRO_H100_LR_SWEEP_DIR = "data/micro-h100-lr-sweep";

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

/** The paper profile (default). */
export const PAPER: PaperProfile = {
  kind: "paper",
  fit: DEFAULT_FIT_OPTIONS,
  // The authors' eight smallest grids (3,000-10,000 starts); FIGURE20_GRID_SIZES runs all twenty.
  figure20GridSizes: DEFAULT_GRID_SIZES,
};

/**
 * The micro study's grid (issue 14): byte vocabulary, context 128, head 8, depth at most 10, targets
 * 0.02M-0.5M params (±15 %), up to 3 shapes each (13 in all; 0.02M has only 16×3), batch 64 × 128
 * tokens (the batch the H100 throughput was measured at). Sized by the study plan to fit one 8-minute GPU
 * command with the sweep.
 */
export const MICRO_STUDY_GRID: GridParams = {
  ...PAPER_GRID,
  headSize: 8,
  vocabSize: 259,
  seqLen: 128,
  widthMin: 16,
  widthMax: 512,
  depthMin: 1,
  depthMax: 10,
  targetParams: [2e4, 5e4, 1e5, 2e5, 5e5],
  tolerance: 0.15,
  perTarget: 3,
  standardAspect: 16,
  tokensPerParam: 0,
  minTokens: 0,
  maxTokens: null,
  batchSize: 64,
};

/**
 * The micro profile: jargon-text, WebGPU, the micro study (13 models of 0.02M-0.5M params, 4 seed pairs) and
 * the lr sweep. Every model trains at the sweep's fitted lr·width·√depth, 10 to 100 tokens per parameter
 * with 6 validation checkpoints log-spaced in tokens (4 batches each), a second seed for four small shapes,
 * planned against the H100 throughput of data/micro-h100/timings.json and an 8-minute budget (sweep
 * included).
 */
export const MICRO: TrainingProfile = {
  kind: "train",
  name: "micro",
  grid: MICRO_STUDY_GRID,
  study: {
    tokensPerParam: [10, 100],
    seedShapes: ["16x3", "32x2", "48x2", "64x3"],
    throughputFile: "data/micro-h100/timings.json",
    budgetSeconds: 480,
  },
  corpus: { source: "debian", package: "jargon-text" },
  backend: "gpu",
  evalsPerRun: 6,
  evalBatches: 4,
  checkpointEvery: 500,
  fit: DEFAULT_FIT_OPTIONS,
  lrSweep: MICRO_H100_LR_SWEEP,
};

/**
 * Returns the settings of the micro study of training profile `p` with design `study`: the profile's name,
 * grid, backend, checkpoints (`evalsPerRun`), evaluation batches and checkpoint interval, the corpus
 * stage "corpus" and the optimum of the sweep stage "lr_sweep".
 */
export function studySettingsOf(p: TrainingProfile, study: StudyDesign): MicroStudySettings {
  return {
    name: p.name,
    grid: p.grid,
    ...study,
    checkpoints: p.evalsPerRun,
    evalBatches: p.evalBatches,
    checkpointEvery: p.checkpointEvery,
    backend: p.backend,
    corpus: "corpus",
    lrSweep: "lr_sweep",
  };
}

/** The micro profile's study, resolved ({@link studySettingsOf}). */
export const MICRO_STUDY: MicroStudySettings = studySettingsOf(MICRO, MICRO.study!);

/** The nano profile: synthetic language, WebGPU, 3 tiny models; minutes on llvmpipe. */
export const NANO: TrainingProfile = {
  kind: "train",
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

/** The simulate profile: the paper grid from the paper's Eq. 2 fit, 8 checkpoints per model, 1 % noise, cooldown runs. */
export const SIMULATE: SimulateProfile = {
  kind: "simulate",
  grid: SIMULATE_GRID,
  law: null,
  checkpoints: 8,
  firstFraction: 1 / 16,
  noise: 0.01,
  seed: 1,
  cooldown: { fraction: 0.1, drop: 0.1 },
  fit: DEFAULT_FIT_OPTIONS,
};

/**
 * The micro-h100 profile: the micro grid trained on an H100 (data/micro-h100) and its lr sweep, refitted
 * with {@link SMALL_FIT} and Eq. 1 compute-optimal intervals at the study's own scale (1e13-1e17 FLOPs).
 */
export const MICRO_H100: ImportedProfile = {
  kind: "imported",
  runsDir: MICRO_H100_DIR,
  runs: MICRO_H100_RUNS,
  lrSweep: MICRO_H100_LR_SWEEP,
  lrSweepDir: MICRO_H100_LR_SWEEP_DIR,
  fit: { ...SMALL_FIT, eq1: { ...SMALL_FIT.eq1, budgets: [1e13, 1e14, 1e15, 1e16, 1e17] } },
};

/** The state profile's CI tier (seed 003): {@link STATE_CI_STUDY} on the float64 reference backend, about a minute here. */
export const STATE: StateProfile = {
  kind: "state",
  tier: "the CI tier: a smoke-size run (tiny models, 24 steps, contexts 8-16 on the float64 reference " +
    "backend) that checks the machinery end to end; its numbers are not results",
  bootstrapSamples: 20,
  fit: SMALL_FIT,
  study: STATE_CI_STUDY,
};

/** The state profile's GPU tier: {@link STATE_H100_STUDY}, one H100 command of at most 8 minutes. */
export const STATE_H100: StateProfile = {
  kind: "state",
  tier: "the GPU tier (one H100 command of at most 8 minutes)",
  bootstrapSamples: 100,
  fit: SMALL_FIT,
  study: STATE_H100_STUDY,
};

/** Every profile by name, the default (`paper`) first. */
export const PROFILE_SETTINGS: Readonly<Record<string, ProfileSettings>> = {
  paper: PAPER,
  micro: MICRO,
  nano: NANO,
  simulate: SIMULATE,
  "micro-h100": MICRO_H100,
  state: STATE,
  "state-h100": STATE_H100,
};
