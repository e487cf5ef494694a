/**
 * Training configuration: a plain, JSON-serialisable object with documented defaults, resolved from a
 * partial input (a `--config` file and/or CLI flags) and validated with errors that name the field.
 *
 * Defaults follow the Gemstones recipe (seed 002 §3, §3.1) scaled down to micro models:
 * - AdamW β1 = 0.9, β2 = 0.95, ε = 1e-8, weight decay 0.1 on matrices only (not on norm gains),
 *   gradient clipping at global L2 norm 1.0;
 * - linear warm-up, then a constant learning rate (the paper's main runs), optionally with a linear
 *   cooldown to zero over the last `cooldownFraction` of the tokens (the paper's cooldown ablation);
 *   `schedule: "cosine"` instead decays to `cosineFinalFraction` (10 %) of the peak, as seed 000 does;
 * - the peak learning rate follows the paper's width-depth rule `lr = lrBase / (width · √depth)`.
 *
 * Default `lrBase = 5`: the paper sweeps `lr · width · √depth` and reports one shared optimum across
 * extreme shapes (its Figure 3; the number is lost in our text extraction). The shipped preflight sweep
 * `data/gemstones/data/preflight_mup_olmo_variant.csv` gives it back: the best learning rate of the
 * 3072×12 and 1536×50 models is 5e-4, i.e. `lr · width · √depth` = 5.3 and 5.4, and 768×3 is best at
 * 5e-3 (6.7). We take 5.
 * @module
 */

import { type ModelConfig, validateModelConfig } from "../types.ts";
import { validateMixer } from "../../scaling/count/mixer.ts";
import { canonicalJson } from "../../util/json.ts";
import { sha256Hex } from "../../util/hex.ts";

/** Learning-rate schedule after warm-up. */
export type ScheduleKind = "constant" | "cosine";

/** When a run is declared diverged (checked on every read-back of train losses). */
export interface DivergenceConfig {
  /** Stop when a step's train loss exceeds `spikeFactor ×` the running minimum loss (dimensionless). */
  readonly spikeFactor: number;
}

/** A fully resolved training configuration (every field set). */
export interface TrainConfig {
  /** Model architecture; `model.seqLen` is the training context length (tokens). */
  readonly model: ModelConfig;
  /** Sequences per optimizer step. */
  readonly batchSize: number;
  /** Number of optimizer steps. */
  readonly steps: number;
  /** Total training tokens = steps · batchSize · seqLen. */
  readonly totalTokens: number;
  /** Width-depth rule constant: peak lr = lrBase / (width · √depth). Default 5 (see module doc). */
  readonly lrBase: number;
  /** Linear warm-up length (tokens); rounded up to whole steps. Default: 5 % of the run. */
  readonly warmupTokens: number;
  /** Schedule after warm-up. Default "constant". */
  readonly schedule: ScheduleKind;
  /** Cosine schedule only: final lr as a fraction of the peak (default 0.1, as in seed 000). */
  readonly cosineFinalFraction: number;
  /** Fraction of the steps at the end over which the lr falls linearly to zero (0 = no cooldown). */
  readonly cooldownFraction: number;
  /** AdamW β1 (default 0.9). */
  readonly beta1: number;
  /** AdamW β2 (default 0.95). */
  readonly beta2: number;
  /** AdamW ε (default 1e-8). */
  readonly eps: number;
  /** Decoupled weight decay on matrices (default 0.1). */
  readonly weightDecay: number;
  /** Global gradient-norm clip (default 1.0; 0 disables). */
  readonly gradClip: number;
  /** Seed of the initialisation and of the data loader's cursor. */
  readonly seed: number;
  /** Evaluate the validation loss every this many tokens (0: only at the end). Always at the end. */
  readonly evalEveryTokens: number;
  /**
   * Also evaluate after each of these steps (1-based, strictly increasing, at most `steps`; e.g. log-spaced
   * in tokens). Absent: none beyond `evalEveryTokens` and the end.
   */
  readonly evalSteps?: readonly number[];
  /** Number of fixed held-out batches (of `batchSize` sequences) in a validation evaluation. */
  readonly evalBatches: number;
  /** Read back train losses and write a log line every this many steps. */
  readonly logEvery: number;
  /** Write a checkpoint every this many steps (0: only at the end). */
  readonly checkpointEvery: number;
  /** Divergence detection. */
  readonly divergence: DivergenceConfig;
  /** Corpus folder written by `kernels/data/prepare.ts` (train and validation token files). */
  readonly corpus: string;
}

/** A partial configuration as read from JSON or flags: anything left out takes its default. */
export interface TrainConfigInput {
  /** Partial model architecture. */
  model?: Partial<ModelConfig>;
  /** Sequences per step. */
  batchSize?: number;
  /** Optimizer steps (give this or totalTokens). */
  steps?: number;
  /** Training tokens, rounded up to whole steps (give this or steps). */
  totalTokens?: number;
  /** See {@link TrainConfig.lrBase}. */
  lrBase?: number;
  /** See {@link TrainConfig.warmupTokens}. */
  warmupTokens?: number;
  /** See {@link TrainConfig.schedule}. */
  schedule?: ScheduleKind;
  /** See {@link TrainConfig.cosineFinalFraction}. */
  cosineFinalFraction?: number;
  /** See {@link TrainConfig.cooldownFraction}. */
  cooldownFraction?: number;
  /** See {@link TrainConfig.beta1}. */
  beta1?: number;
  /** See {@link TrainConfig.beta2}. */
  beta2?: number;
  /** See {@link TrainConfig.eps}. */
  eps?: number;
  /** See {@link TrainConfig.weightDecay}. */
  weightDecay?: number;
  /** See {@link TrainConfig.gradClip}. */
  gradClip?: number;
  /** See {@link TrainConfig.seed}. */
  seed?: number;
  /** See {@link TrainConfig.evalEveryTokens}. */
  evalEveryTokens?: number;
  /** See {@link TrainConfig.evalSteps}. */
  evalSteps?: readonly number[];
  /** See {@link TrainConfig.evalBatches}. */
  evalBatches?: number;
  /** See {@link TrainConfig.logEvery}. */
  logEvery?: number;
  /** See {@link TrainConfig.checkpointEvery}. */
  checkpointEvery?: number;
  /** See {@link TrainConfig.divergence}. */
  divergence?: Partial<DivergenceConfig>;
  /** See {@link TrainConfig.corpus}. */
  corpus?: string;
}

/** Default model: a micro Gemma-style decoder over the 259-token byte vocabulary of kernels/data. */
export const DEFAULT_MODEL: ModelConfig = {
  vocabSize: 259,
  width: 64,
  depth: 2,
  headSize: 16,
  gqaRatio: 2,
  mlpRatio: 4,
  seqLen: 64,
  ropeTheta: 10000,
  normEps: 1e-6,
};

/** Default values of every field but `model`, `steps`/`totalTokens`, `warmupTokens` and `corpus`. */
export const TRAIN_DEFAULTS = {
  batchSize: 8,
  lrBase: 5,
  schedule: "constant" as ScheduleKind,
  cosineFinalFraction: 0.1,
  cooldownFraction: 0,
  beta1: 0.9,
  beta2: 0.95,
  eps: 1e-8,
  weightDecay: 0.1,
  gradClip: 1.0,
  seed: 0,
  evalEveryTokens: 0,
  evalBatches: 4,
  logEvery: 10,
  checkpointEvery: 0,
  spikeFactor: 3,
  /** Warm-up as a fraction of the run's tokens when warmupTokens is not given. */
  warmupFraction: 0.05,
} as const;

const TOP_KEYS = new Set<string>([
  "model",
  "batchSize",
  "steps",
  "totalTokens",
  "lrBase",
  "warmupTokens",
  "schedule",
  "cosineFinalFraction",
  "cooldownFraction",
  "beta1",
  "beta2",
  "eps",
  "weightDecay",
  "gradClip",
  "seed",
  "evalEveryTokens",
  "evalSteps",
  "evalBatches",
  "logEvery",
  "checkpointEvery",
  "divergence",
  "corpus",
]);
const MODEL_KEYS = new Set<string>([...Object.keys(DEFAULT_MODEL), "mixer"]);

/** Returns the peak learning rate of a config by the width-depth rule lrBase / (width · √depth). */
export function peakLearningRate(cfg: Pick<TrainConfig, "lrBase" | "model">): number {
  return cfg.lrBase / (cfg.model.width * Math.sqrt(cfg.model.depth));
}

/** Returns the tokens consumed by one optimizer step (batchSize · seqLen). */
export function tokensPerStep(cfg: Pick<TrainConfig, "batchSize" | "model">): number {
  return cfg.batchSize * cfg.model.seqLen;
}

/** Returns the number of warm-up steps: ceil(warmupTokens / tokensPerStep), at most `steps`. */
export function warmupSteps(cfg: TrainConfig): number {
  return Math.min(cfg.steps, Math.ceil(cfg.warmupTokens / tokensPerStep(cfg)));
}

/** Returns the number of cooldown steps: round(cooldownFraction · steps). */
export function cooldownSteps(cfg: TrainConfig): number {
  return Math.round(cfg.cooldownFraction * cfg.steps);
}

function fail(where: string, field: string, expected: string, got: unknown): never {
  throw new Error(`${where}: field "${field}" must be ${expected}, got ${JSON.stringify(got)}`);
}

function checkKeys(where: string, obj: object, allowed: Set<string>, prefix: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.has(k)) {
      throw new Error(
        `${where}: unknown field "${prefix}${k}" (expected one of: ${[...allowed].join(", ")})`,
      );
    }
  }
}

function posInt(where: string, field: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) fail(where, field, "a positive integer", v);
  return v;
}

/** Returns `{ evalSteps }` when `v` is a non-empty valid list of steps of a `steps`-step run, `{}` when absent or empty. */
function evalStepsOf(where: string, v: unknown, steps: number): { evalSteps?: readonly number[] } {
  if (v === undefined || (Array.isArray(v) && v.length === 0)) return {};
  const ok = Array.isArray(v) &&
    v.every((x, i) => Number.isInteger(x) && x >= 1 && x <= steps && (i === 0 || x > v[i - 1]));
  if (!ok) fail(where, "evalSteps", `strictly increasing integer steps in [1, ${steps}]`, v);
  return { evalSteps: [...v] };
}

function nonNegInt(where: string, field: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
    fail(where, field, "a non-negative integer", v);
  }
  return v;
}

function finite(where: string, field: string, v: unknown, lo: number, hi: number, desc: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < lo || v > hi) fail(where, field, desc, v);
  return v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Returns the resolved, validated configuration for a partial input (defaults filled in). `where` names
 * the source in error messages (e.g. the config file path). Throws an Error naming the field on bad input.
 */
export function resolveTrainConfig(input: TrainConfigInput, where = "train config"): TrainConfig {
  if (!isObject(input)) fail(where, "(root)", "an object", input);
  checkKeys(where, input, TOP_KEYS, "");
  const modelIn = input.model ?? {};
  if (!isObject(modelIn)) fail(where, "model", "an object", modelIn);
  checkKeys(where, modelIn, MODEL_KEYS, "model.");
  const { mixer: mixerIn, ...plain } = modelIn;
  const mixer = mixerIn === undefined ? undefined : validateMixer(mixerIn, `${where}: model.mixer`);
  // softmax is the default: never written, so such a config (and its hash) equals one without the field.
  const model: ModelConfig = {
    ...DEFAULT_MODEL,
    ...plain,
    ...(mixer === undefined || mixer.kind === "softmax" ? {} : { mixer }),
  };
  for (const k of ["ropeTheta", "normEps"] as const) {
    finite(where, `model.${k}`, model[k], Number.MIN_VALUE, Infinity, "a positive finite number");
  }
  try {
    validateModelConfig(model);
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
  const d = TRAIN_DEFAULTS;
  const batchSize = posInt(where, "batchSize", input.batchSize ?? d.batchSize);
  const tps = batchSize * model.seqLen;
  let steps: number;
  if (input.steps !== undefined && input.totalTokens !== undefined) {
    steps = posInt(where, "steps", input.steps);
    const tokens = posInt(where, "totalTokens", input.totalTokens);
    if (Math.ceil(tokens / tps) !== steps) {
      fail(where, "totalTokens", `consistent with steps ${steps} × ${tps} tokens/step`, tokens);
    }
  } else if (input.steps !== undefined) {
    steps = posInt(where, "steps", input.steps);
  } else if (input.totalTokens !== undefined) {
    steps = Math.ceil(posInt(where, "totalTokens", input.totalTokens) / tps);
  } else {
    throw new Error(`${where}: field "steps" or "totalTokens" is required`);
  }
  const totalTokens = steps * tps;
  const schedule = input.schedule ?? d.schedule;
  if (schedule !== "constant" && schedule !== "cosine") {
    fail(where, "schedule", `"constant" or "cosine"`, schedule);
  }
  const div = input.divergence ?? {};
  if (!isObject(div)) fail(where, "divergence", "an object", div);
  checkKeys(where, div, new Set(["spikeFactor"]), "divergence.");
  const corpus = input.corpus;
  if (typeof corpus !== "string" || corpus.length === 0) {
    fail(where, "corpus", "a non-empty folder path", corpus);
  }
  const cfg: TrainConfig = {
    model,
    batchSize,
    steps,
    totalTokens,
    lrBase: finite(where, "lrBase", input.lrBase ?? d.lrBase, 0, Infinity, "a finite number >= 0"),
    warmupTokens: nonNegInt(
      where,
      "warmupTokens",
      input.warmupTokens ?? Math.round(d.warmupFraction * totalTokens),
    ),
    schedule,
    cosineFinalFraction: finite(
      where,
      "cosineFinalFraction",
      input.cosineFinalFraction ?? d.cosineFinalFraction,
      0,
      1,
      "a number in [0, 1]",
    ),
    cooldownFraction: finite(
      where,
      "cooldownFraction",
      input.cooldownFraction ?? d.cooldownFraction,
      0,
      1,
      "a number in [0, 1]",
    ),
    beta1: finite(where, "beta1", input.beta1 ?? d.beta1, 0, 1 - 1e-12, "a number in [0, 1)"),
    beta2: finite(where, "beta2", input.beta2 ?? d.beta2, 0, 1 - 1e-12, "a number in [0, 1)"),
    eps: finite(where, "eps", input.eps ?? d.eps, Number.MIN_VALUE, 1, "a number in (0, 1]"),
    weightDecay: finite(where, "weightDecay", input.weightDecay ?? d.weightDecay, 0, 1, "a number in [0, 1]"),
    gradClip: finite(where, "gradClip", input.gradClip ?? d.gradClip, 0, Infinity, "a finite number >= 0"),
    seed: nonNegInt(where, "seed", input.seed ?? d.seed),
    evalEveryTokens: nonNegInt(where, "evalEveryTokens", input.evalEveryTokens ?? d.evalEveryTokens),
    ...evalStepsOf(where, input.evalSteps, steps),
    evalBatches: posInt(where, "evalBatches", input.evalBatches ?? d.evalBatches),
    logEvery: posInt(where, "logEvery", input.logEvery ?? d.logEvery),
    checkpointEvery: nonNegInt(where, "checkpointEvery", input.checkpointEvery ?? d.checkpointEvery),
    divergence: {
      spikeFactor: finite(
        where,
        "divergence.spikeFactor",
        div.spikeFactor ?? d.spikeFactor,
        1,
        Infinity,
        "a finite number >= 1",
      ),
    },
    corpus,
  };
  if (cfg.warmupTokens > totalTokens) {
    fail(where, "warmupTokens", `at most totalTokens (${totalTokens})`, cfg.warmupTokens);
  }
  if (warmupSteps(cfg) + cooldownSteps(cfg) > steps) {
    fail(
      where,
      "cooldownFraction",
      "small enough that warm-up and cooldown fit in the run",
      cfg.cooldownFraction,
    );
  }
  return cfg;
}

/**
 * Returns the hex SHA-256 of the fields that determine a run's trajectory (everything but logging,
 * evaluation and checkpoint cadence and the corpus path). A checkpoint resumes only under the same hash.
 */
export function trajectoryHash(cfg: TrainConfig): string {
  const {
    logEvery: _l,
    checkpointEvery: _c,
    evalEveryTokens: _e,
    evalSteps: _s,
    evalBatches: _b,
    corpus: _p,
    ...rest
  } = cfg;
  return sha256Hex(canonicalJson(rest, "config"));
}
