/**
 * Reading the upstream stages' outputs (schemas in `stages/schemas.ts`) into typed records, with
 * errors that name the file, the line and the field.
 * @module
 */
import { readTable } from "../importers/table.ts";
import {
  InputError,
  optionalNumber,
  requireLoss,
  requireNumber,
  requireString,
} from "../importers/validate.ts";
import type { IndustryRow, PerceiverValRow, SelectedRow } from "../schemas.ts";

/** Returns the JSON record at `path`, checking its `kind` field when `kind` is given. */
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

/** Returns the rows of a `select.<variant>/rows.csv` file. */
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
    loss: requireLoss(r, "loss", at),
    subset: requireString(r, "subset", at),
  }));
}

/** Returns the rows of `collect/industry.csv`. */
export async function readIndustry(path: string): Promise<IndustryRow[]> {
  const table = await readTable(path);
  return table.records.map(({ record: r, at }) => ({
    hf_name: requireString(r, "hf_name", at),
    loss: requireLoss(r, "loss", at),
    params: requireNumber(r, "params", at),
    non_emb_params: requireNumber(r, "non_emb_params", at),
    width: requireNumber(r, "width", at),
    depth: requireNumber(r, "depth", at),
    vocab_size: requireNumber(r, "vocab_size", at),
  }));
}

/** Returns the rows of `collect/perceiver_val.csv`. */
export async function readPerceiverValidation(path: string): Promise<PerceiverValRow[]> {
  const table = await readTable(path);
  return table.records.map(({ record: r, at }) => ({
    experiment: requireString(r, "experiment", at),
    version: requireNumber(r, "version", at),
    step: requireNumber(r, "step", at),
    wall_time: optionalNumber(r, "wall_time", at),
    loss: requireLoss(r, "loss", at),
  }));
}
