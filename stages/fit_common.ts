/**
 * Helpers shared by the fit stages: reading a variant's selected rows, converting library fits to
 * the record shapes of records/schemas.ts, and writing JSON records.
 * @module
 */
import type { AdditiveLaw } from "../scaling/law.ts";
import type { Approach3Record, LawForm, SelectedRow } from "../records/schemas.ts";
import { readRecord, readSelectedRows, stageId } from "../records/schemas.ts";

/** Returns the selected rows from the output folder of the select stage `selectId` (default `select.<variant>`). */
export async function selectedRowsOf(
  deps: Readonly<Record<string, string>>,
  variant: string,
  selectId: string = stageId("select", variant),
): Promise<SelectedRow[]> {
  const dir = deps[selectId];
  if (dir === undefined) throw new Error(`fit: missing dependency ${selectId}`);
  return await readSelectedRows(`${dir}/rows.csv`);
}

/** Writes `value` as pretty JSON (non-finite numbers become null) to `dir/name`. */
export async function writeJson(dir: string, name: string, value: unknown): Promise<void> {
  const text = JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2);
  await Deno.writeTextFile(`${dir}/${name}`, text + "\n");
}

/** Returns the law of the `approach3_<form>.<variant>` dependency's `fit.json`. */
export async function fittedLawOf(
  deps: Readonly<Record<string, string>>,
  variant: string,
  form: LawForm,
): Promise<AdditiveLaw> {
  const id = stageId(`approach3_${form}`, variant);
  const dir = deps[id];
  if (dir === undefined) throw new Error(`fit: missing dependency ${id}`);
  const rec = await readRecord<Approach3Record>(`${dir}/fit.json`, "approach3");
  return { E: rec.E, terms: rec.terms };
}
