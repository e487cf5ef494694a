/**
 * Reading the upstream stages' outputs (schemas in `records/schemas.ts`) into typed records, with
 * errors that name the file, the line and the field.
 * @module
 */
import { readTable } from "../records/importers/table.ts";
import { optionalNumber, requireLoss, requireNumber, requireString } from "../records/importers/validate.ts";
import type { IndustryRow, PerceiverEstimateRow, PerceiverValRow } from "../records/schemas.ts";

// The validated readers of the fit stages' records live beside their schemas; re-exported for the report.
export { readRecord, readSelectedRows } from "../records/schemas.ts";

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

/** Returns the rows of `collect/perceiver_estimates.csv` (Chinchilla's Tables 3 and A3, as seed 000 reads them). */
export async function readPerceiverEstimates(path: string): Promise<PerceiverEstimateRow[]> {
  const table = await readTable(path);
  return table.records.map(({ record: r, at }) => ({
    approach: requireNumber(r, "approach", at),
    flops: requireNumber(r, "flops", at),
    params: requireNumber(r, "params", at),
    tokens: requireNumber(r, "tokens", at),
  }));
}
