/**
 * Importer of the Perceiver AR article's data (data/krasserm-perceiver-ar/SOURCE.md): Chinchilla's
 * compute-optimal estimates (`approach_<n>.csv`) and TensorBoard validation-loss exports.
 * @module
 */
import type { PerceiverEstimateRow, PerceiverValRow } from "../schemas.ts";
import { parseCsv, requireColumns } from "./table.ts";
import {
  DuplicateChecker,
  InputError,
  requireLoss,
  requireNonNegative,
  requirePositive,
} from "./validate.ts";

/** Returns the validated rows of an estimates CSV (`FLOPs, Parameters, Tokens`); approach from `approach_<n>.csv`. */
export function parsePerceiverEstimates(text: string, file: string): PerceiverEstimateRow[] {
  const m = file.match(/approach_(\d+)\.csv$/);
  if (!m) throw new InputError(file, 0, "", "expected a file named approach_<n>.csv");
  const table = parseCsv(text, file);
  requireColumns(table, ["FLOPs", "Parameters", "Tokens"]);
  return table.records.map(({ record, at }) => ({
    approach: Number(m[1]),
    flops: requirePositive(record, "FLOPs", at),
    params: requirePositive(record, "Parameters", at),
    tokens: requirePositive(record, "Tokens", at),
  }));
}

/** Returns experiment and version named by a TensorBoard export path (`..._<experiment>_version_<i>-tag-val_loss.csv`). */
export function perceiverRunOfPath(file: string): { experiment: string; version: number } {
  const m = file.match(/run-logs-[\d.]+_(.+)_version_(\d+)-tag-val_loss\.csv$/);
  if (!m) {
    throw new InputError(file, 0, "", "expected run-logs-<ver>_<experiment>_version_<i>-tag-val_loss.csv");
  }
  const wip = file.includes("wip-scaling-branch/");
  return { experiment: wip ? `${m[1]}-wip` : m[1], version: Number(m[2]) };
}

/** Returns the validated validation losses of a TensorBoard export (`Wall time, Step, Value`). */
export function parsePerceiverValidation(text: string, file: string): PerceiverValRow[] {
  const { experiment, version } = perceiverRunOfPath(file);
  const table = parseCsv(text, file);
  requireColumns(table, ["Wall time", "Step", "Value"]);
  const dup = new DuplicateChecker(file);
  return table.records.map(({ record, at }) => {
    const step = requireNonNegative(record, "Step", at);
    dup.check(`${experiment}/${version}`, step, at.line, "Step");
    return {
      experiment,
      version,
      step,
      wall_time: requirePositive(record, "Wall time", at),
      loss: requireLoss(record, "Value", at),
    };
  });
}
