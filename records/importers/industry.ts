/**
 * Importer of `data/gemstones/data/our_val_loss_data.json`: open models' losses on the Gemstones
 * validation set, stored column-wise (`{"hf_name": [...], "loss": [...], ...}`).
 * @module
 */
import type { IndustryRow } from "../schemas.ts";
import { InputError, requireLoss, requirePositive, requireString } from "./validate.ts";

/** Columns of the industry-models file. */
export const INDUSTRY_COLUMNS: readonly string[] = [
  "hf_name",
  "loss",
  "params",
  "non_emb_params",
  "width",
  "depth",
  "vocab_size",
];

/** Returns the validated rows of the column-oriented JSON `text` (record i = index i of every column). */
export function parseIndustryModels(text: string, file: string): IndustryRow[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, 0, "", `invalid JSON: ${(e as Error).message}`);
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new InputError(file, 0, "", "expected a JSON object of columns");
  }
  const cols = data as Record<string, unknown>;
  let n = -1;
  for (const c of INDUSTRY_COLUMNS) {
    const col = cols[c];
    if (!Array.isArray(col)) throw new InputError(file, 1, c, "missing column (expected an array)");
    if (n >= 0 && col.length !== n) {
      throw new InputError(
        file,
        1,
        c,
        `has ${col.length} entries, expected ${n} like "${INDUSTRY_COLUMNS[0]}"`,
      );
    }
    n = col.length;
  }
  const rows: IndustryRow[] = [];
  for (let i = 0; i < n; i++) {
    // The file is one line of JSON: a record is named by its index, e.g. field "loss[3]" (0-based).
    const rec: Record<string, unknown> = {};
    for (const c of INDUSTRY_COLUMNS) rec[`${c}[${i}]`] = (cols[c] as unknown[])[i];
    const at = { file, line: 1 };
    rows.push({
      hf_name: requireString(rec, `hf_name[${i}]`, at),
      loss: requireLoss(rec, `loss[${i}]`, at),
      params: requirePositive(rec, `params[${i}]`, at),
      non_emb_params: requirePositive(rec, `non_emb_params[${i}]`, at),
      width: requirePositive(rec, `width[${i}]`, at),
      depth: requirePositive(rec, `depth[${i}]`, at),
      vocab_size: requirePositive(rec, `vocab_size[${i}]`, at),
    });
  }
  return rows;
}
