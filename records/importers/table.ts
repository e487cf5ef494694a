/**
 * Reading CSV and JSON Lines files into located raw records (each record knows its file and line),
 * so that validation errors can name the line. Format is chosen by extension (.csv, .jsonl/.ndjson).
 * @module
 */
import { parse } from "csv-parse/sync";
import { InputError, type RawRecord, type RecordLocation } from "./validate.ts";

/** A raw record and where it came from. */
export interface LocatedRecord {
  /** Field name -> raw value. */
  readonly record: RawRecord;
  /** File and 1-based line. */
  readonly at: RecordLocation;
}

/** A parsed table: its column names (CSV header, or the union of JSONL keys in order of appearance) and records. */
export interface RawTable {
  /** Path the table was read from. */
  readonly file: string;
  /** Column names. */
  readonly columns: readonly string[];
  /** Records in file order. */
  readonly records: readonly LocatedRecord[];
}

function keepUnrepresentable(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== "number" || context?.source === undefined) return value;
  const underflow = value === 0 && /[1-9]/.test(context.source.replace(/[eE].*$/, ""));
  return Number.isFinite(value) && !underflow ? value : context.source;
}

/** Returns the records of JSON Lines `text` (blank lines skipped); throws naming the line of invalid JSON. */
export function parseJsonl(text: string, file: string): RawTable {
  const records: LocatedRecord[] = [];
  const columns: string[] = [];
  const known = new Set<string>();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    let value: unknown;
    try {
      // A number that is not a finite double as written (1e400, 1e-400) keeps its text, so that a message
      // shows the value as the file has it instead of Infinity (JSON null) or 0.
      value = JSON.parse(line, keepUnrepresentable);
    } catch (e) {
      throw new InputError(file, i + 1, "", `invalid JSON: ${(e as Error).message}`);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new InputError(file, i + 1, "", "expected a JSON object on each line");
    }
    for (const k of Object.keys(value)) {
      if (!known.has(k)) {
        known.add(k);
        columns.push(k);
      }
    }
    records.push({ record: value as RawRecord, at: { file, line: i + 1 } });
  }
  return { file, columns, records };
}

/** Returns the records of CSV `text` with a header row (empty lines skipped); throws naming the line on malformed CSV. */
export function parseCsv(text: string, file: string): RawTable {
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parse(text, { columns: true, info: true, skip_empty_lines: true, bom: true, trim: true });
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new InputError(file, err.lines ?? 0, "", `malformed CSV: ${err.message}`);
  }
  const header = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0];
  const columns = parse(header, { trim: true })[0] as string[] | undefined ?? [];
  return {
    file,
    columns,
    records: rows.map((r) => ({ record: r.record, at: { file, line: r.info.lines } })),
  };
}

/** Returns the table parsed from `text` by the extension of `file` (.csv, .jsonl, .ndjson). */
export function parseTable(text: string, file: string): RawTable {
  if (text.replace(/^\uFEFF/, "").trim() === "") {
    throw new InputError(
      file,
      0,
      "",
      "the file is empty: expected a header row and data rows (CSV) or one JSON object per line (JSONL)",
    );
  }
  if (/\.csv$/i.test(file)) return parseCsv(text, file);
  if (/\.(jsonl|ndjson)$/i.test(file)) return parseJsonl(text, file);
  throw new InputError(file, 0, "", "unknown table format: expected a .csv or .jsonl file");
}

/** Reads and parses the table at `path` (see {@link parseTable}); a missing file is an InputError. */
export async function readTable(path: string): Promise<RawTable> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new InputError(path, 0, "", `cannot read: ${(e as Error).message}`);
  }
  return parseTable(text, path);
}

/** Throws an InputError naming the file and the first missing column when `table` lacks any of `required`. */
export function requireColumns(table: RawTable, required: readonly string[]): void {
  for (const c of required) {
    if (!table.columns.includes(c)) {
      const csv = /\.csv$/i.test(table.file);
      const line = csv ? 1 : (table.records[0]?.at.line ?? 0);
      const only = table.columns.length === 1 ? table.columns[0] : "";
      const sep = csv ? [";", "\t", "|"].find((d) => only.includes(d)) : undefined;
      const hint = sep === undefined
        ? ""
        : `; the header is one column: the file separates its fields with ${
          sep === "\t" ? "tabs" : `"${sep}"`
        }, and a .csv must use commas (e.g. save it again as comma-separated)`;
      throw new InputError(
        table.file,
        line,
        c,
        `missing column; columns present: ${table.columns.join(", ") || "none"}${hint}`,
      );
    }
  }
}

/** A cell value of an output table. */
export type Cell = string | number | boolean;

/** Returns CSV text (header + one line per row, "\n" endings); NaN becomes an empty cell, numbers keep full precision. */
export function formatCsv(columns: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const cell = (v: Cell): string => {
    if (typeof v === "number") return Number.isNaN(v) ? "" : String(v);
    if (typeof v === "boolean") return v ? "true" : "false";
    return /[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
  };
  const lines = [columns.map(cell).join(",")];
  for (const r of rows) lines.push(r.map(cell).join(","));
  return lines.join("\n") + "\n";
}
