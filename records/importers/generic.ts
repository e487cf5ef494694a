/**
 * Importer of a user's own runs from any CSV or JSON Lines file, given a column mapping from this
 * project's field names to the file's column names. Required: run, width, depth, step, tokens, loss;
 * optional: params (as published), gpu_hours.
 *
 * @example
 * ```ts
 * const rows = await readMappedTable("my_runs.csv", {
 *   run_id: "name", width: "d_model", depth: "n_layers", step: "step", tokens: "tokens", loss: "val_loss",
 * });
 * ```
 * @module
 */
import type { ImportedRow } from "./row.ts";
import { parseTable, type RawTable, readTable, requireColumns } from "./table.ts";
import {
  DuplicateChecker,
  optionalNumber,
  requireLoss,
  requireNonNegative,
  requirePositive,
  requireString,
} from "./validate.ts";

/** Project field -> column name in the user's file. */
export interface ColumnMapping {
  /** Column holding the run identifier. */
  readonly run_id: string;
  /** Column holding the model width. */
  readonly width: string;
  /** Column holding the number of blocks. */
  readonly depth: string;
  /** Column holding the optimizer step. */
  readonly step: string;
  /** Column holding tokens seen. */
  readonly tokens: string;
  /** Column holding the validation loss (nats per token). */
  readonly loss: string;
  /** Optional column holding a published parameter count. */
  readonly params?: string;
  /** Optional column holding GPU-hours. */
  readonly gpu_hours?: string;
}

/** Returns the validated rows of a parsed table under `mapping`; `subset` labels them (default "user"). */
export function importMappedTable(table: RawTable, mapping: ColumnMapping, subset = "user"): ImportedRow[] {
  const required = [mapping.run_id, mapping.width, mapping.depth, mapping.step, mapping.tokens, mapping.loss];
  requireColumns(table, required);
  if (mapping.params) requireColumns(table, [mapping.params]);
  if (mapping.gpu_hours) requireColumns(table, [mapping.gpu_hours]);
  const dup = new DuplicateChecker(table.file);
  return table.records.map(({ record, at }) => {
    const run = requireString(record, mapping.run_id, at);
    const step = requireNonNegative(record, mapping.step, at);
    dup.check(run, step, at.line, mapping.step);
    return {
      run_id: run,
      width: requirePositive(record, mapping.width, at),
      depth: requirePositive(record, mapping.depth, at),
      step,
      tokens: requirePositive(record, mapping.tokens, at),
      loss: requireLoss(record, mapping.loss, at),
      params_published: mapping.params ? requirePositive(record, mapping.params, at) : NaN,
      gpu_hours: mapping.gpu_hours ? optionalNumber(record, mapping.gpu_hours, at) : NaN,
      subset,
      cooldown: false,
      lr_ablation: false,
      source: "user",
      file: table.file,
      line: at.line,
    };
  });
}

/** Returns the validated rows of `text` (CSV or JSONL by `file`'s extension) under `mapping`. */
export function parseMappedTable(
  text: string,
  file: string,
  mapping: ColumnMapping,
  subset = "user",
): ImportedRow[] {
  return importMappedTable(parseTable(text, file), mapping, subset);
}

/** Reads the file at `path` and returns its validated rows under `mapping`. */
export async function readMappedTable(
  path: string,
  mapping: ColumnMapping,
  subset = "user",
): Promise<ImportedRow[]> {
  return importMappedTable(await readTable(path), mapping, subset);
}
