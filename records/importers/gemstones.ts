/**
 * Importer of the Gemstones W&B exports `wandb_df_for_fitting_<subset>.jsonl` (data/gemstones/SOURCE.md):
 * the runs' checkpoints, and the Chinchilla points of the `*slim_chinchilla` files.
 * @module
 */
import type { ChinchillaRow } from "../schemas.ts";
import { gpuHours } from "../../scaling/count/time.ts";
import type { ImportedRow } from "./row.ts";
import { parseJsonl, requireColumns } from "./table.ts";
import { DuplicateChecker, InputError, requireLoss, requirePositive, requireString } from "./validate.ts";

/** Columns every Gemstones run file must have. */
const GEMSTONES_COLUMNS: readonly string[] = [
  "run_name",
  "params_active_precise",
  "width",
  "depth",
  "tokens",
  "step",
  "num_nodes",
  "seconds_per_step",
  "final_loss",
];

/** Columns of the `*slim_chinchilla` files. */
const CHINCHILLA_COLUMNS: readonly string[] = [
  "params_active_precise",
  "tokens",
  "FLOPs",
  "final_loss",
];

/** Returns the subset name of a Gemstones file path (`.../wandb_df_for_fitting_hot_477.jsonl` -> "hot_477"). */
export function gemstonesSubset(path: string): string {
  const m = path.match(/wandb_df_for_fitting_(.+)\.jsonl$/);
  if (!m) {
    throw new InputError(path, 0, "", "not a Gemstones file: expected wandb_df_for_fitting_<subset>.jsonl");
  }
  return m[1];
}

/** Returns true when `subset` holds Chinchilla points rather than Gemstones runs. */
export function isChinchillaSubset(subset: string): boolean {
  return subset.endsWith("slim_chinchilla");
}

/** Returns the model shape "WxD" named in a Gemstones run name, or null. */
function modelOfRunName(runName: string): string | null {
  const m = runName.match(/(\d+)x(\d+)/);
  return m ? `${m[1]}x${m[2]}` : null;
}

/** Returns the validated checkpoints of a Gemstones run file's `text` (subset from `file`'s name). */
export function parseGemstonesRuns(text: string, file: string): ImportedRow[] {
  const subset = gemstonesSubset(file);
  const table = parseJsonl(text, file);
  requireColumns(table, GEMSTONES_COLUMNS);
  const dup = new DuplicateChecker(file);
  return table.records.map(({ record, at }) => {
    const run = requireString(record, "run_name", at);
    const width = requirePositive(record, "width", at);
    const depth = requirePositive(record, "depth", at);
    const model = modelOfRunName(run);
    if (model !== null && model !== `${width}x${depth}`) {
      throw new InputError(
        file,
        at.line,
        "run_name",
        `names model ${model} but width x depth is ${width}x${depth}`,
      );
    }
    const step = requirePositive(record, "step", at);
    dup.check(run, step, at.line);
    const secondsPerStep = requirePositive(record, "seconds_per_step", at);
    const numNodes = requirePositive(record, "num_nodes", at);
    return {
      run_id: run,
      width,
      depth,
      step,
      tokens: requirePositive(record, "tokens", at),
      loss: requireLoss(record, "final_loss", at),
      params_published: requirePositive(record, "params_active_precise", at),
      gpu_hours: gpuHours(secondsPerStep, step, numNodes),
      subset,
      cooldown: subset.startsWith("cool_end"),
      lr_ablation: subset.startsWith("lr_ablation") || run.startsWith("cooler_"),
      source: "gemstones",
      file,
      line: at.line,
    };
  });
}

/** Returns the validated Chinchilla points of a `*slim_chinchilla` file's `text`. */
export function parseChinchillaPoints(text: string, file: string): ChinchillaRow[] {
  const subset = gemstonesSubset(file);
  const table = parseJsonl(text, file);
  requireColumns(table, CHINCHILLA_COLUMNS);
  return table.records.map(({ record, at }) => ({
    params: requirePositive(record, "params_active_precise", at),
    tokens: requirePositive(record, "tokens", at),
    flops: requirePositive(record, "FLOPs", at),
    loss: requireLoss(record, "final_loss", at),
    subset,
  }));
}
