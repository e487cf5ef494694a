/**
 * The tables of the state study (seed 003), written by `collect_state` and read by `state_fits` and the
 * state report: `state_runs.csv` (one row per run: its mixer and knob, shape, context, state size,
 * non-embedding parameters and its final masked loss and recall) and `state_curves.csv` (one row per
 * validation checkpoint of every run: the learning curves and the heat map's training-step slider).
 * @module
 */
import { readCsvObjects } from "./schemas.ts";
import type { StateLawFit } from "../scaling/state/state_law.ts";
import type { RecallLawFit } from "../scaling/state/recall_law.ts";
import type { ContextLawFit } from "../scaling/state/context_law.ts";
import type { StateStar } from "../scaling/state/state_star.ts";

/** One run of the state study. */
export interface StateRunRow {
  /** Run id. */
  readonly run_id: string;
  /** Mixer label, e.g. "taylor_d4" (kind and knob). */
  readonly mixer: string;
  /** Mixer kind: softmax, window, taylor or power. */
  readonly kind: string;
  /** Width d_model. */
  readonly width: number;
  /** Blocks. */
  readonly depth: number;
  /** Training context T, tokens. */
  readonly context: number;
  /** MQAR key-value pairs K per example. */
  readonly pairs: number;
  /** Training seed. */
  readonly seed: number;
  /** Recurrent state at context T, floats, all layers (scaling/count/state.ts). */
  readonly state: number;
  /** Non-embedding parameters N. */
  readonly params: number;
  /** Tokens trained. */
  readonly tokens: number;
  /** Final validation loss at answer positions, nats per token (NaN when diverged or missing). */
  readonly loss: number;
  /** Final accuracy at answer positions, fraction (NaN when the log has none). */
  readonly accuracy: number;
  /** Whether the run diverged. */
  readonly diverged: boolean;
}

/** Columns of state_runs.csv, in order. */
export const STATE_RUN_COLUMNS: readonly (keyof StateRunRow)[] = [
  "run_id",
  "mixer",
  "kind",
  "width",
  "depth",
  "context",
  "pairs",
  "seed",
  "state",
  "params",
  "tokens",
  "loss",
  "accuracy",
  "diverged",
];

/** One validation checkpoint of a run. */
export interface StateCurveRow {
  /** Run id. */
  readonly run_id: string;
  /** Optimizer steps taken. */
  readonly step: number;
  /** Tokens trained. */
  readonly tokens: number;
  /** Validation loss at answer positions, nats per token. */
  readonly loss: number;
  /** Accuracy at answer positions (NaN when not logged). */
  readonly accuracy: number;
}

/** Columns of state_curves.csv, in order. */
export const STATE_CURVE_COLUMNS: readonly (keyof StateCurveRow)[] = [
  "run_id",
  "step",
  "tokens",
  "loss",
  "accuracy",
];

function numberField(
  path: string,
  line: number,
  r: Record<string, string>,
  f: string,
  allowEmpty: boolean,
): number {
  const v = r[f];
  if (v === undefined) throw new Error(`${path}: line ${line}: missing field "${f}"`);
  if (v === "" && allowEmpty) return NaN;
  const x = Number(v);
  if (v === "" || !Number.isFinite(x)) {
    throw new Error(`${path}: line ${line}: field "${f}" must be a number, got "${v}"`);
  }
  return x;
}

function textField(path: string, line: number, r: Record<string, string>, f: string): string {
  const v = r[f];
  if (v === undefined || v === "") throw new Error(`${path}: line ${line}: field "${f}" is missing or empty`);
  return v;
}

/** Reads state_runs.csv; throws naming the file, line and field, with the value as written. */
export async function readStateRuns(path: string): Promise<StateRunRow[]> {
  return (await readCsvObjects(path)).map((r, i) => {
    const line = i + 2;
    const n = (f: string, empty = false) => numberField(path, line, r, f, empty);
    if (r.diverged !== "true" && r.diverged !== "false") {
      throw new Error(`${path}: line ${line}: field "diverged" must be true or false, got "${r.diverged}"`);
    }
    return {
      run_id: textField(path, line, r, "run_id"),
      mixer: textField(path, line, r, "mixer"),
      kind: textField(path, line, r, "kind"),
      width: n("width"),
      depth: n("depth"),
      context: n("context"),
      pairs: n("pairs"),
      seed: n("seed"),
      state: n("state"),
      params: n("params"),
      tokens: n("tokens"),
      loss: n("loss", true),
      accuracy: n("accuracy", true),
      diverged: r.diverged === "true",
    };
  });
}

/** Reads state_curves.csv; throws naming the file, line and field, with the value as written. */
export async function readStateCurves(path: string): Promise<StateCurveRow[]> {
  return (await readCsvObjects(path)).map((r, i) => {
    const line = i + 2;
    const n = (f: string, empty = false) => numberField(path, line, r, f, empty);
    return {
      run_id: textField(path, line, r, "run_id"),
      step: n("step"),
      tokens: n("tokens"),
      loss: n("loss"),
      accuracy: n("accuracy", true),
    };
  });
}

/** `state_fits.json`: every fit of the study, with its verdict. */
export interface StateFits {
  /** Per mixer kind and width, at the largest context of the growing regime: L(S), recall(S), S* ÷ N. */
  readonly stateLaws: readonly {
    readonly kind: string;
    readonly width: number;
    readonly context: number;
    readonly pairs: number;
    readonly loss: StateLawFit;
    readonly recall: RecallLawFit | null;
    readonly star: StateStar | null;
  }[];
  /** Per regime, mixer kind and width: the heat-map law and its iso-loss slope γ. */
  readonly contextLaws: readonly {
    readonly regime: "growing" | "fixed";
    readonly kind: string;
    readonly width: number;
    readonly fit: ContextLawFit;
  }[];
  /** Fits not attempted (too few runs), with why. */
  readonly skipped: readonly string[];
}
