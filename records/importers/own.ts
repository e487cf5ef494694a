/**
 * Importer of this project's own training runs (kernels/train): a run folder holds `config.json`
 * (the resolved TrainConfig: `model.width`, `model.depth`, `cooldownFraction`, ...) and `log.jsonl`
 * (step lines `{step, tokens, train_loss, val_loss?, seconds, ...}` and a final event line).
 * Only step lines with a `val_loss` become rows; event lines are skipped.
 * @module
 */
import type { ImportedRow } from "./row.ts";
import { parseJsonl } from "./table.ts";
import {
  DuplicateChecker,
  InputError,
  optionalNumber,
  requireLoss,
  requireNonNegative,
  requirePositive,
} from "./validate.ts";

/** Returns the rows of one run from the texts of its `config.json` and `log.jsonl` (paths for messages). */
export function parseOwnRun(
  runId: string,
  configText: string,
  configFile: string,
  logText: string,
  logFile: string,
): ImportedRow[] {
  let config: unknown;
  try {
    config = JSON.parse(configText);
  } catch (e) {
    throw new InputError(configFile, 0, "", `invalid JSON: ${(e as Error).message}`);
  }
  if (config === null || typeof config !== "object") {
    throw new InputError(configFile, 0, "", "expected an object");
  }
  const cfg = config as Record<string, unknown>;
  const model = cfg.model;
  if (model === null || typeof model !== "object") {
    throw new InputError(configFile, 1, "model", "missing object");
  }
  const at = { file: configFile, line: 1 };
  const m = model as Record<string, unknown>;
  const width = requirePositive(m, "width", { ...at, file: `${configFile} (model)` });
  const depth = requirePositive(m, "depth", { ...at, file: `${configFile} (model)` });
  const shape: Record<string, number> = {};
  for (const key of ["headSize", "gqaRatio", "mlpRatio", "vocabSize", "seqLen"]) {
    if (m[key] !== undefined) shape[key] = requirePositive(m, key, { ...at, file: `${configFile} (model)` });
  }
  const cooldownFraction = optionalNumber(cfg, "cooldownFraction", at);
  const cooldown = cooldownFraction > 0;

  const table = parseJsonl(logText, logFile);
  const dup = new DuplicateChecker(logFile);
  const rows: ImportedRow[] = [];
  for (const { record, at } of table.records) {
    if ("event" in record) continue;
    const step = requireNonNegative(record, "step", at);
    dup.check(runId, step, at.line);
    if (record.train_loss !== undefined && record.train_loss !== null) requireLoss(record, "train_loss", at);
    if (record.val_loss === undefined || record.val_loss === null) continue;
    const seconds = optionalNumber(record, "seconds", at);
    rows.push({
      run_id: runId,
      width,
      depth,
      step,
      tokens: requirePositive(record, "tokens", at),
      loss: requireLoss(record, "val_loss", at),
      params_published: NaN,
      gpu_hours: seconds >= 0 ? seconds / 3600 : NaN,
      subset: "own",
      cooldown,
      lr_ablation: false,
      source: "own",
      file: logFile,
      line: at.line,
      shape,
    });
  }
  return rows;
}

/** Reads the run folder `dir` (`config.json` + `log.jsonl`); the run id is the folder's name. */
export async function readOwnRun(dir: string): Promise<ImportedRow[]> {
  const configFile = `${dir}/config.json`;
  const logFile = `${dir}/log.jsonl`;
  const read = async (p: string) => {
    try {
      return await Deno.readTextFile(p);
    } catch (e) {
      throw new InputError(p, 0, "", `cannot read: ${(e as Error).message}`);
    }
  };
  const runId = dir.replace(/\/+$/, "").split("/").pop() ?? dir;
  return parseOwnRun(runId, await read(configFile), configFile, await read(logFile), logFile);
}
