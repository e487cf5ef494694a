/**
 * The on-disk shapes of every stage output of the fitting half of the pipeline, so that downstream
 * stages (report, diff) can code against them. Tables are CSV with a header row; records are JSON.
 *
 * | stage id | file | type |
 * | --- | --- | --- |
 * | `collect` | `runs.csv` | {@link RunsRow} (plus one `params_<convention>` / `flops_<counter>` column each) |
 * | `collect` | `industry.csv` | {@link IndustryRow} |
 * | `collect` | `chinchilla.csv` | {@link ChinchillaRow} |
 * | `collect` | `perceiver_estimates.csv` | {@link PerceiverEstimateRow} |
 * | `collect` | `perceiver_val.csv` | {@link PerceiverValRow} |
 * | `collect` | `collect.json` | {@link CollectSummary} |
 * | `select.<variant>` | `rows.csv` | {@link SelectedRow} |
 * | `select.<variant>` | `select.json` | {@link SelectSummary} |
 * | `select_approach1.<variant>` | `rows.csv`, `select.json` | as `select`, Approach 1's rows (dense checkpoints) |
 * | `approach1.<variant>` | `approach1.json` | {@link Approach1Record} |
 * | `approach2.<variant>` | `approach2.json` | {@link Approach2Record} |
 * | `approach3_<form>.<variant>` | `fit.json` | {@link Approach3Record} (form eq1, eq2, eq3) |
 * | `backtest.<variant>` | `backtest.json` | {@link BacktestRecord} |
 * | `prescribe.<variant>` | `prescriptions.json` | {@link PrescriptionsRecord} |
 * | `overtraining.<variant>` | `overtraining.json` | {@link OvertrainingRecord} |
 * | `overspend.<variant>` | `overspend.json` | {@link OverspendRecord} |
 *
 * Units: losses in nats per token, params in parameters, tokens in tokens, FLOPs in floating-point
 * operations (training: forward + backward), GPU-hours in hours of one GPU (or GCD).
 * @module
 */
import { parse } from "csv-parse/sync";
import type { Interval, ProjectionProfile, SkipCode } from "../scaling/fit/types.ts";
import type { Approach3Health, FitHealth } from "../scaling/judge/health.ts";
import type { PowerLawFit } from "../scaling/laws/power.ts";
import type { LawName } from "../scaling/laws/registry.ts";
import { readTable } from "./importers/table.ts";
import {
  InputError,
  optionalNumber,
  type RawRecord,
  type RecordLocation,
  requireNumber,
  requireString,
} from "./importers/validate.ts";

export type { Interval, SkipCode } from "../scaling/fit/types.ts";
export type {
  Approach3Health,
  FitHealth,
  HealthCode,
  HealthFinding,
  HealthMeasures,
  Verdict,
} from "../scaling/judge/health.ts";
export type { PowerLaw, PowerLawFit } from "../scaling/laws/power.ts";

/** Node id of a per-variant stage: `<stage>.<variant>` (e.g. `approach3_eq1.paper`). */
export function stageId(stage: string, variant: string): string {
  return `${stage}.${variant}`;
}

/** Where a row came from. */
export type RowSource = "gemstones" | "own" | "user";

/**
 * One row of `runs.csv`: one checkpoint (run, step) of one subset file. The same checkpoint can appear
 * in several subsets (e.g. `hot` and `hot_100b+`); (subset, run_id, step) is unique.
 * Besides these columns, `runs.csv` has one `params_<convention>` column per parameter-counting
 * convention of `scaling/count` and one `flops_<counter>` column (training FLOPs = flops/token · tokens)
 * per entry of its FLOP_COUNTERS; see {@link CollectSummary.paramsColumns} and `flopsColumns`.
 */
export interface RunsRow {
  /** Run identifier, e.g. "PyGemma-1024x28_pretrain" or "cooler_PyGemma-1024x28_pretrain". */
  readonly run_id: string;
  /** Model shape "WxD", e.g. "1024x28". */
  readonly model: string;
  /** Model width d_model. */
  readonly width: number;
  /** Number of transformer blocks. */
  readonly depth: number;
  /** Optimizer step of the checkpoint. */
  readonly step: number;
  /** Training tokens seen at the checkpoint. */
  readonly tokens: number;
  /** Parameters as published with the data (Gemstones `params_active_precise`: all, incl. embeddings); NaN (empty cell) for own runs. */
  readonly params_published: number;
  /** GPU-hours spent to reach the checkpoint (seconds_per_step · step · num_nodes · 8 / 3600); NaN (empty cell) where unknown. */
  readonly gpu_hours: number;
  /** Validation loss at the checkpoint, nats per token. */
  readonly loss: number;
  /** Subset file the row came from, e.g. "hot", "hot_100b+_477", "cool_end", "lr_ablation_hot". */
  readonly subset: string;
  /** True for cooled-down checkpoints (learning rate annealed to 0). */
  readonly cooldown: boolean;
  /** True for the learning-rate ablation runs (learning rate halved). */
  readonly lr_ablation: boolean;
  /** Where the row came from. */
  readonly source: RowSource;
}

/** One row of `industry.csv`: an open model's loss on the Gemstones validation set (seed 002 Fig. 5/8). */
export interface IndustryRow {
  /** Hugging Face name, e.g. "meta-llama/Llama-2-7b-hf". */
  readonly hf_name: string;
  /** Validation loss, nats per token. */
  readonly loss: number;
  /** Total parameters. */
  readonly params: number;
  /** Non-embedding parameters. */
  readonly non_emb_params: number;
  /** Model width. */
  readonly width: number;
  /** Number of layers. */
  readonly depth: number;
  /** Vocabulary size. */
  readonly vocab_size: number;
}

/** One row of `chinchilla.csv`: Chinchilla points (Epoch AI extraction) near Gemstones' sizes. */
export interface ChinchillaRow {
  /** Parameters. */
  readonly params: number;
  /** Training tokens. */
  readonly tokens: number;
  /** Training FLOPs as published. */
  readonly flops: number;
  /** Loss, nats per token. */
  readonly loss: number;
  /** "slim_chinchilla" or "lr_ablation_slim_chinchilla". */
  readonly subset: string;
}

/** One row of `perceiver_estimates.csv`: Chinchilla's compute-optimal estimates (Tables 3 and A3). */
export interface PerceiverEstimateRow {
  /** 1 (Table 3) or 2 (Table A3). */
  readonly approach: number;
  /** Compute budget, FLOPs. */
  readonly flops: number;
  /** Compute-optimal parameters. */
  readonly params: number;
  /** Compute-optimal tokens. */
  readonly tokens: number;
}

/** One row of `perceiver_val.csv`: a Perceiver AR validation loss (TensorBoard export). */
export interface PerceiverValRow {
  /** Experiment, e.g. "scaling-1", "scaling-2a", "scaling-2b", "scaling-1-wip". */
  readonly experiment: string;
  /** Version index (model = version + 1 in the article's tables). */
  readonly version: number;
  /** Training step. */
  readonly step: number;
  /** Wall time, seconds since the Unix epoch. */
  readonly wall_time: number;
  /** Validation loss, nats per token. */
  readonly loss: number;
}

/** `collect.json`: what collect read and wrote. */
export interface CollectSummary {
  /** Number of rows of `runs.csv`. */
  readonly rows: number;
  /** Row count per subset. */
  readonly subsets: Readonly<Record<string, number>>;
  /** Names of the `params_<convention>` columns of `runs.csv`. */
  readonly paramsColumns: readonly string[];
  /** Names of the `flops_<counter>` columns of `runs.csv`. */
  readonly flopsColumns: readonly string[];
  /** Input files read, relative to the project root. */
  readonly inputs: readonly string[];
  /**
   * Where the rows come from, in a few words (the report's data label), e.g. "published Gemstones runs"
   * or "this machine's own runs (nano profile)". Absent in records written before it existed.
   */
  readonly source?: string;
}

/**
 * One row of `select.<variant>/rows.csv`: a row of `runs.csv` used by the variant, with the variant's
 * counting conventions resolved into `params` and `flops`.
 */
export interface SelectedRow {
  /** Run identifier. */
  readonly run_id: string;
  /** Model shape "WxD". */
  readonly model: string;
  /** Model width. */
  readonly width: number;
  /** Number of blocks. */
  readonly depth: number;
  /** Optimizer step. */
  readonly step: number;
  /** Training tokens. */
  readonly tokens: number;
  /** Parameters under the variant's convention. */
  readonly params: number;
  /** Training FLOPs under the variant's counter. */
  readonly flops: number;
  /** GPU-hours (NaN where unknown). */
  readonly gpu_hours: number;
  /** Validation loss, nats per token. */
  readonly loss: number;
  /** Subset file the row came from. */
  readonly subset: string;
}

/** `select.<variant>/select.json`. */
export interface SelectSummary {
  /** Variant name. */
  readonly variant: string;
  /** Rows selected. */
  readonly rows: number;
  /** Distinct runs selected. */
  readonly runs: number;
  /** Subsets used. */
  readonly subsets: readonly string[];
  /** Column of `runs.csv` used as params. */
  readonly paramsColumn: string;
  /** Column of `runs.csv` used as FLOPs. */
  readonly flopsColumn: string;
  /** Runs excluded by the variant. */
  readonly excludedRuns: readonly string[];
}

/** A compute-optimal point found by Approach 1 or 2. */
export interface FrontierPoint {
  /** Compute (FLOPs or GPU-hours, per the record's `compute`). */
  readonly compute: number;
  /** Loss, nats per token. */
  readonly loss: number;
  /** Parameters. */
  readonly params: number;
  /** Tokens. */
  readonly tokens: number;
  /** Run of the point ("" for interpolated points). */
  readonly run_id: string;
  /** Model "WxD" ("" for interpolated points). */
  readonly model: string;
}

/** One Approach 1 method's result (hull or binning) on one compute axis. */
export interface Approach1Method {
  /** "hull" (Gemstones lower convex hull) or "binning" (Chinchilla: best run per log-spaced bin). */
  readonly method: "hull" | "binning";
  /** Frontier points the laws are fitted on. */
  readonly points: readonly FrontierPoint[];
  /** N_opt(C) = k C^a. */
  readonly params: PowerLawFit;
  /** D_opt(C) = k C^b. */
  readonly tokens: PowerLawFit;
  /** (D/N)_opt(C) = k C^c. */
  readonly tokensPerParam: PowerLawFit;
  /**
   * Bootstrap over runs (null when disabled): percentile intervals of each law's exponent (slope in
   * log-log) and coefficient k; `failed` counts resamples with fewer than 2 frontier points.
   */
  readonly bootstrap: {
    readonly samples: number;
    readonly failed: number;
    readonly seed: number;
    readonly confidence: number;
    readonly exponents: Readonly<Record<"params" | "tokens" | "tokensPerParam", Interval>>;
    readonly coefficients: Readonly<Record<"params" | "tokens" | "tokensPerParam", Interval>>;
  } | null;
  /** Health of the three power laws (scaling/judge `judgePowerLaws`); optional only for hand-built records. */
  readonly health?: FitHealth;
}

/** `approach1.<variant>/approach1.json`. */
export interface Approach1Record {
  /** Always "approach1". */
  readonly kind: "approach1";
  /** Variant name. */
  readonly variant: string;
  /** Results on training FLOPs. */
  readonly flops: { readonly hull: Approach1Method; readonly binning: Approach1Method };
  /** Results on GPU-hours, or null when the selected rows have no GPU-hours. */
  readonly gpuHours: { readonly hull: Approach1Method; readonly binning: Approach1Method } | null;
  /** Log-spaced buckets over the compute range used by binning (the authors' 750). */
  readonly bins: number;
}

/** `approach2.<variant>/approach2.json`: isoFLOP profiles, or why they cannot be made. */
export interface Approach2Record {
  /** Always "approach2". */
  readonly kind: "approach2";
  /** Variant name. */
  readonly variant: string;
  /** Whether the data allowed Approach 2. */
  readonly available: boolean;
  /** When not available: why (e.g. too few distinct models per isoFLOP band). */
  readonly reason: string;
  /** FLOP budgets tried (log-spaced over the data's range) and the band half-width in ln FLOPs. */
  readonly budgets: readonly number[];
  /** Max |ln flops − ln budget| for a checkpoint to join a budget's band. */
  readonly tolerance: number;
  /** Fitted bins needed to call Approach 2 available. */
  readonly minBins: number;
  /** Fitted isoFLOP bins: budget, parabola minimum (params, tokens, loss) and member count. */
  readonly bins: readonly {
    readonly flops: number;
    readonly points: number;
    readonly paramsOpt: number;
    readonly tokensOpt: number;
    readonly lossOpt: number;
  }[];
  /**
   * Budgets skipped: budget (FLOPs), points and distinct model sizes in its band, the library's code
   * (scaling/fit's `SkipCode`) and its reason in words.
   */
  readonly skipped: readonly {
    readonly flops: number;
    readonly points: number;
    readonly sizes: number;
    readonly code: SkipCode;
    readonly reason: string;
  }[];
  /** N_opt(C) when available, else null. */
  readonly params: PowerLawFit | null;
  /** D_opt(C) when available, else null. */
  readonly tokens: PowerLawFit | null;
  /** Health of the power laws (refused when not available); optional only for hand-built records. */
  readonly health?: FitHealth;
}

/** The law form of an Approach 3 fit, a name of the law registry (scaling/laws): "eq1", "eq2", "eq3". */
export type LawForm = LawName;

/** `approach3_<form>.<variant>/fit.json`: one Approach 3 fit. */
export interface Approach3Record {
  /** Always "approach3". */
  readonly kind: "approach3";
  /** Variant name. */
  readonly variant: string;
  /** Law form. */
  readonly form: LawForm;
  /** Irreducible loss E, nats per token. */
  readonly E: number;
  /** Fitted terms (A in natural units). */
  readonly terms: readonly { readonly variable: string; readonly A: number; readonly alpha: number }[];
  /** Final Huber objective (sum over rows, on log loss). */
  readonly objective: number;
  /** Huber delta used. */
  readonly huberDelta: number;
  /**
   * Initial-value grid used: the full "gemstones" grid (30^k·5 starts), a seeded "random"/"lhs"
   * subset of `starts` points drawn from the same box, or "projection" (the variable projection
   * search; `starts` counts its exponent cells, see `projection`); `fullGridSize` is 30^k·5 so a report
   * can say e.g. "1,000 LHS starts instead of the full 4,050,000".
   */
  readonly grid: {
    readonly kind: "gemstones" | "random" | "lhs" | "projection";
    readonly starts: number;
    readonly seed: number | null;
    readonly fullGridSize: number;
  };
  /** Number of starts run. */
  readonly starts: number;
  /** Number of starts whose optimizer converged. */
  readonly converged: number;
  /** Rows fitted. */
  readonly rows: number;
  /**
   * Only for a variable projection fit (grid kind "projection"): the exponent grid (every α on [lo, hi]
   * `step` apart), its grid-local minima, how many were polished and reached the best, the best cell's
   * exponents and objective, and the profile objective over the exponents (the fit's objective at each
   * cell's non-negative least-squares coefficients; minima per exponent and per pair of exponents).
   */
  readonly projection?: {
    readonly lo: number;
    readonly hi: number;
    readonly step: number;
    readonly localMinima: number;
    readonly polished: number;
    readonly atBest: number;
    readonly bestCell: readonly number[];
    readonly bestCellObjective: number;
    readonly profile: ProjectionProfile;
  };
  /**
   * Bootstrap over runs (null when disabled): resamples, confidence level, and percentile intervals of
   * every parameter, keyed "E", "A_<variable>", "alpha_<variable>"; plus N_opt/D_opt intervals at budgets.
   */
  readonly bootstrap: {
    readonly samples: number;
    readonly seed: number;
    readonly confidence: number;
    readonly parameters: Readonly<Record<string, Interval>>;
    readonly optima: readonly {
      readonly flops: number;
      readonly paramsOpt: Interval;
      readonly tokensOpt: Interval;
    }[];
  } | null;
  /**
   * Health verdict of the fit (scaling/judge): `ok`, `warn` or `refused`, with findings `{ code, message }`
   * whose messages name rows by their line in `select.<variant>/rows.csv`. Every fit stage writes it;
   * optional only so that records built by hand (tests, older stores) still type-check.
   */
  readonly health?: Approach3Health;
}

/**
 * `backtest.<variant>/backtest.json`: each law form fitted without the largest-compute runs, and its
 * predictions on their checkpoints.
 */
export interface BacktestRecord {
  /** Always "backtest". */
  readonly kind: "backtest";
  /** Variant name. */
  readonly variant: string;
  /** Number of runs held out. */
  readonly holdoutRuns: number;
  /** The held-out runs, largest compute first. */
  readonly heldOutRuns: readonly string[];
  /** One entry per law form. */
  readonly forms: readonly {
    readonly form: LawForm;
    /** Rows the law was fitted on. */
    readonly trainRows: number;
    /** Held-out rows (every checkpoint of the held-out runs). */
    readonly heldOutRows: number;
    /** Mean |predicted − actual| / actual over the held-out rows. */
    readonly meanAbsRelError: number;
    /** Largest |predicted − actual| / actual. */
    readonly maxAbsRelError: number;
    /** The training fit's irreducible loss, nats per token. */
    readonly E: number;
    /** The training fit's terms. */
    readonly terms: readonly { readonly variable: string; readonly A: number; readonly alpha: number }[];
    /** Health of the training fit. */
    readonly health: Approach3Health;
    /** Each held-out checkpoint: its line in rows.csv, run, step, FLOPs, predicted and actual loss (nats). */
    readonly heldOut: readonly {
      readonly line: number;
      readonly run_id: string;
      readonly step: number;
      readonly flops: number;
      readonly predicted: number;
      readonly actual: number;
      readonly relError: number;
    }[];
  }[];
  /** The form with the lowest mean |relative error| among those not refused (null if all are). */
  readonly best: LawForm | null;
}

/** One prescribed compute-optimal configuration. */
export interface Prescription {
  /** Compute budget, FLOPs. */
  readonly flops: number;
  /** Optimal parameters. */
  readonly params: number;
  /** Optimal tokens. */
  readonly tokens: number;
  /** Optimal width (brute force over shapes) or null (closed form). */
  readonly width: number | null;
  /** Optimal depth or null. */
  readonly depth: number | null;
  /** Predicted loss, nats per token. */
  readonly loss: number;
  /** Brute force: whether the optimum lies on the edge of the searched shape range (null: closed form). */
  readonly atBoundary: boolean | null;
}

/** `prescribe.<variant>/prescriptions.json`. */
export interface PrescriptionsRecord {
  /** Always "prescriptions". */
  readonly kind: "prescriptions";
  /** Variant name. */
  readonly variant: string;
  /** Per law form: method and prescriptions over the budgets. */
  readonly forms: readonly {
    readonly form: LawForm;
    readonly method: "closed_form" | "brute_force";
    /** How FLOPs were counted: "C = 6ND" (closed form) or the variant's FLOP counter name. */
    readonly flopsCounting: string;
    readonly prescriptions: readonly Prescription[];
  }[];
  /**
   * The authors' stored fits of the same forms and subset, prescribed the same way (their "authors' fit"
   * lines, figures/specs/authors_fit.ts); absent or empty where they publish none.
   */
  readonly authors?: readonly AuthorsPrescriptions[];
}

/** One authors' stored law beside ours: where it was read, both objectives and how far the exponents are. */
export interface AuthorsLawBeside {
  /** Repository path of the authors' parameters file. */
  readonly path: string;
  /** Their Huber objective. */
  readonly objective: number;
  /** Our fit's Huber objective on the same rows. */
  readonly ourObjective: number;
  /** Largest absolute difference between our exponents and theirs. */
  readonly exponentGap: number;
}

/** The prescriptions of one authors' stored law beside ours (in a {@link PrescriptionsRecord}). */
export interface AuthorsPrescriptions extends AuthorsLawBeside {
  /** Law form. */
  readonly form: LawForm;
  /** Their law's prescriptions at the same budgets, by the same method and counting as ours. */
  readonly prescriptions: readonly Prescription[];
}

/** `overtraining.<variant>/overtraining.json`: Figure 8 (Eq. 2 law). */
export interface OvertrainingRecord {
  /** Always "overtraining". */
  readonly kind: "overtraining";
  /** Variant name. */
  readonly variant: string;
  /** Law form used. */
  readonly form: LawForm;
  /** One curve per budget: points trading params for tokens at fixed FLOPs. */
  readonly curves: readonly {
    readonly flops: number;
    readonly points: readonly {
      /** Overtraining factor f: tokens are √f × the optimal tokens (the authors'), tokens/param about f ×. */
      readonly factor: number;
      readonly params: number;
      readonly tokens: number;
      /** Width of the model (null for an Eq. 1 law). */
      readonly width: number | null;
      /** Depth of the model (null for an Eq. 1 law). */
      readonly depth: number | null;
      /** Predicted loss, nats per token. */
      readonly loss: number;
      /** Loss minus the compute-optimal loss at this budget, nats per token. */
      readonly lossIncrease: number;
    }[];
    /** Factors left out, and why (outside the searched shapes, or on the edge of the authors' box). */
    readonly leftOut: readonly { readonly factor: number; readonly reason: string }[];
  }[];
  /**
   * The authors' stored fit of the same form, subset and Huber δ, traced the same way at the same budgets
   * (their "authors' fit" line, figures/specs/authors_fit.ts); absent where they publish none.
   */
  readonly authors?: AuthorsLawBeside & { readonly curves: OvertrainingRecord["curves"] };
}

/** `overspend.<variant>/overspend.json`: Figure 7, resources overspent by a shape vs the optimum. */
export interface OverspendRecord {
  /** Always "overspend". */
  readonly kind: "overspend";
  /** Variant name. */
  readonly variant: string;
  /** Law form used. */
  readonly form: LawForm;
  /** One row per (model shape, target loss). */
  readonly rows: readonly {
    readonly model: string;
    readonly width: number;
    readonly depth: number;
    /** Target loss, nats per token. */
    readonly loss: number;
    /** FLOPs this shape needs to reach the loss; null (JSON) where the law never reaches it with this shape. */
    readonly flops: number | null;
    /** FLOPs the optimal shape needs. */
    readonly flopsOptimal: number;
    /** flops / flopsOptimal − 1; null where unreachable. */
    readonly flopsOverspend: number | null;
    /** GPU-hours this shape needs; null where unreachable or its step time is unknown. */
    readonly gpuHours: number | null;
    /** GPU-hours of the fastest shape to the same loss. */
    readonly gpuHoursOptimal: number;
    /** gpuHours / gpuHoursOptimal − 1; null where unreachable or unknown. */
    readonly gpuHoursOverspend: number | null;
    /** Shape "WxD" of the FLOP-optimal candidate. */
    readonly flopsOptimalModel: string;
    /** Shape "WxD" of the GPU-hour-optimal candidate ("" when unknown). */
    readonly gpuHoursOptimalModel: string;
  }[];
  /** Target losses evaluated, nats per token. */
  readonly targetLosses: readonly number[];
  /** Candidate shapes for the optimum: FLOPs over the brute-force shape grid; GPU-hours over the shapes with recorded step times. */
  readonly candidates: { readonly flops: string; readonly gpuHours: string };
  /**
   * The authors' Figure 7: measured checkpoints against their own frontier (scaling/prescribe
   * `measuredOverspend`), one row per checkpoint at the token count compared.
   */
  readonly measured: MeasuredOverspendRecord;
  /**
   * The authors' stored fit of the same form, subset and Huber δ, asked the same question at the same target
   * losses (their "authors' fit" cells, figures/specs/authors_fit.ts); absent where they publish none.
   */
  readonly authors?: AuthorsLawBeside & { readonly rows: OverspendRecord["rows"] };
}

/** The measured overspend of {@link OverspendRecord}: checkpoints at about one token count against their frontier. */
export interface MeasuredOverspendRecord {
  /** Subsets of the checkpoints compared. */
  readonly subsets: readonly string[];
  /** The token window [lo, hi] compared, or null where each run's last checkpoint was used instead. */
  readonly tokensRange: readonly [number, number] | null;
  /** One row per checkpoint compared. */
  readonly rows: readonly {
    readonly run_id: string;
    readonly model: string;
    readonly width: number;
    readonly depth: number;
    readonly tokens: number;
    /** Validation loss, nats per token. */
    readonly loss: number;
    /** Training FLOPs. */
    readonly flops: number;
    /** GPU-hours (null where unknown). */
    readonly gpuHours: number | null;
    /** flops / flops of the FLOPs-frontier checkpoint of nearest loss − 1 (0 on the frontier). */
    readonly flopsOverspend: number;
    /** The same in GPU-hours (null where GPU-hours are unknown). */
    readonly gpuHoursOverspend: number | null;
    /** Whether the checkpoint is on the FLOPs frontier. */
    readonly flopsFrontier: boolean;
    /** Whether the checkpoint is on the GPU-hours frontier. */
    readonly gpuHoursFrontier: boolean;
  }[];
}

/** Returns the rows of a CSV file with a header as objects of raw strings (empty cells are ""). */
export async function readCsvObjects(path: string): Promise<Record<string, string>[]> {
  return parse(await Deno.readTextFile(path), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
}

/** Returns the JSON record at `path`, checking its `kind` field when `kind` is given; errors name the file. */
export async function readRecord<T>(path: string, kind?: string): Promise<T> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new InputError(path, 0, "", `cannot read: ${(e as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(path, 0, "", `invalid JSON: ${(e as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new InputError(path, 1, "", "expected a JSON object");
  }
  if (kind !== undefined && (value as Record<string, unknown>).kind !== kind) {
    throw new InputError(
      path,
      1,
      "kind",
      `expected "${kind}", got ${JSON.stringify((value as Record<string, unknown>).kind)}`,
    );
  }
  return value as T;
}

/** Returns the rows of a `select.<variant>/rows.csv` file (empty gpu_hours cells become NaN); errors name file, line, field. */
export async function readSelectedRows(path: string): Promise<SelectedRow[]> {
  const table = await readTable(path);
  return table.records.map(({ record: r, at }) => ({
    run_id: requireString(r, "run_id", at),
    model: requireString(r, "model", at),
    width: requireNumber(r, "width", at),
    depth: requireNumber(r, "depth", at),
    step: requireNumber(r, "step", at),
    tokens: requireNumber(r, "tokens", at),
    params: requireNumber(r, "params", at),
    flops: requireNumber(r, "flops", at),
    gpu_hours: optionalNumber(r, "gpu_hours", at),
    loss: requireLossPositive(r, at),
    subset: requireString(r, "subset", at),
  }));
}

const ROW_SOURCES: readonly RowSource[] = ["gemstones", "own", "user"];

// Stage outputs are written by this project; their losses need only be finite and > 0 (simulated toy
// runs can exceed the (0, 20) nats sanity range that the importers apply to external inputs).
function requireLossPositive(r: RawRecord, at: RecordLocation): number {
  const v = requireNumber(r, "loss", at);
  if (!(v > 0)) {
    throw new InputError(at.file, at.line, "loss", `expected a loss > 0 nats per token, got ${v}`);
  }
  return v;
}

function requireBoolean(r: RawRecord, field: string, at: RecordLocation): boolean {
  const v = requireString(r, field, at);
  if (v !== "true" && v !== "false") {
    throw new InputError(at.file, at.line, field, `expected true or false, got ${JSON.stringify(v)}`);
  }
  return v === "true";
}

/**
 * Returns the rows of `collect/runs.csv` plus every `params_*`/`flops_*` column in `counts` (NaN for
 * empty cells); errors name file, line and field.
 */
export async function readRunsRows(path: string): Promise<(RunsRow & { counts: Record<string, number> })[]> {
  const table = await readTable(path);
  const countColumns = table.columns.filter((k) =>
    (k.startsWith("params_") && k !== "params_published") || k.startsWith("flops_")
  );
  return table.records.map(({ record: r, at }) => {
    const counts: Record<string, number> = {};
    for (const k of countColumns) counts[k] = optionalNumber(r, k, at);
    const source = requireString(r, "source", at) as RowSource;
    if (!ROW_SOURCES.includes(source)) {
      throw new InputError(
        at.file,
        at.line,
        "source",
        `expected one of ${ROW_SOURCES.join(", ")}, got "${source}"`,
      );
    }
    return {
      run_id: requireString(r, "run_id", at),
      model: requireString(r, "model", at),
      width: requireNumber(r, "width", at),
      depth: requireNumber(r, "depth", at),
      step: requireNumber(r, "step", at),
      tokens: requireNumber(r, "tokens", at),
      params_published: optionalNumber(r, "params_published", at),
      gpu_hours: optionalNumber(r, "gpu_hours", at),
      loss: requireLossPositive(r, at),
      subset: requireString(r, "subset", at),
      cooldown: requireBoolean(r, "cooldown", at),
      lr_ablation: requireBoolean(r, "lr_ablation", at),
      source,
      counts,
    };
  });
}
