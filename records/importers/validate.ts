/**
 * Record validation shared by every importer: each failure is an {@link InputError} naming the file,
 * the line (1-based, as an editor shows it) and the field, and saying what was expected.
 * @module
 */

/** An error in an input file, located by file, line and field. */
export class InputError extends Error {
  /** Path of the offending file. */
  readonly file: string;
  /** 1-based line number (0 when the error concerns the whole file). */
  readonly line: number;
  /** The offending field (column), or "" when not about one field. */
  readonly field: string;

  /** Builds the error; the message reads `<file>:<line>: field "<field>": <problem>`. */
  constructor(file: string, line: number, field: string, problem: string) {
    const where = line > 0 ? `${file}:${line}` : file;
    super(field ? `${where}: field "${field}": ${problem}` : `${where}: ${problem}`);
    this.name = "InputError";
    this.file = file;
    this.line = line;
    this.field = field;
  }
}

/** Where a raw record came from: its file and 1-based line. */
export interface RecordLocation {
  /** Path of the file (as given to the importer). */
  readonly file: string;
  /** 1-based line number of the record. */
  readonly line: number;
}

/** A raw record: field name -> raw value (string from CSV; any JSON value from JSONL). */
export type RawRecord = Readonly<Record<string, unknown>>;

/** Returns the raw value of `field`, throwing when the field is absent, null or an empty cell. */
export function requireField(rec: RawRecord, field: string, at: RecordLocation): unknown {
  const v = rec[field];
  if (v === undefined || v === null || (typeof v === "string" && v.trim() === "")) {
    throw new InputError(at.file, at.line, field, "missing value (column absent or empty)");
  }
  return v;
}

/**
 * Returns the raw value of `field` as the file has it (a CSV cell, a JSON number's source text) for a
 * message: a numeric string without quotes, anything else as JSON; a number that underflows to 0 says so.
 */
export function written(rec: RawRecord, field: string): string {
  const raw = rec[field];
  if (typeof raw === "number") return String(raw);
  if (typeof raw !== "string") return JSON.stringify(raw);
  const text = raw.trim();
  if (!NUMERIC.test(text)) return JSON.stringify(raw);
  return Number(text) === 0 && /[1-9]/.test(text.replace(/[eE].*$/, ""))
    ? `${text} (0 in double precision)`
    : text;
}

const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** Returns `field` as a finite number (JSON number or numeric string); throws naming file, line, field. */
export function requireNumber(rec: RawRecord, field: string, at: RecordLocation): number {
  const raw = requireField(rec, field, at);
  let value: number;
  if (typeof raw === "number") value = raw;
  else if (typeof raw === "string" && NUMERIC.test(raw)) {
    value = Number(raw);
  } else if (typeof raw === "string" && /^\s*[-+]?(inf|infinity|nan)\s*$/i.test(raw)) value = NaN;
  else throw new InputError(at.file, at.line, field, `expected a number, got ${JSON.stringify(raw)}`);
  if (!Number.isFinite(value)) {
    throw new InputError(at.file, at.line, field, `expected a finite number, got ${written(rec, field)}`);
  }
  return value;
}

/** Returns `field` as a number > 0 (a count: params, tokens, width, depth, steps); throws otherwise. */
export function requirePositive(rec: RawRecord, field: string, at: RecordLocation): number {
  const v = requireNumber(rec, field, at);
  if (!(v > 0)) {
    throw new InputError(at.file, at.line, field, `expected a count > 0, got ${written(rec, field)}`);
  }
  return v;
}

/** Returns `field` as a number >= 0 (e.g. step 0); throws otherwise. */
export function requireNonNegative(rec: RawRecord, field: string, at: RecordLocation): number {
  const v = requireNumber(rec, field, at);
  if (!(v >= 0)) {
    throw new InputError(at.file, at.line, field, `expected a number >= 0, got ${written(rec, field)}`);
  }
  return v;
}

/** Lowest and highest admissible loss, nats per token (exclusive bounds). */
export const LOSS_RANGE_NATS: readonly [number, number] = [0, 20];

/** Returns `field` as a loss in nats per token inside (0, 20); throws otherwise. */
export function requireLoss(rec: RawRecord, field: string, at: RecordLocation): number {
  const v = requireNumber(rec, field, at);
  if (!(v > LOSS_RANGE_NATS[0] && v < LOSS_RANGE_NATS[1])) {
    throw new InputError(
      at.file,
      at.line,
      field,
      `loss ${written(rec, field)} is outside (${LOSS_RANGE_NATS[0]}, ${LOSS_RANGE_NATS[1]}) nats per token`,
    );
  }
  return v;
}

/** Returns `field` as a non-empty string; throws otherwise. */
export function requireString(rec: RawRecord, field: string, at: RecordLocation): string {
  const raw = requireField(rec, field, at);
  if (typeof raw !== "string" && typeof raw !== "number") {
    throw new InputError(at.file, at.line, field, `expected a string, got ${JSON.stringify(raw)}`);
  }
  return String(raw);
}

/** Returns `field` as a number, or NaN when it is absent/null/empty; throws when present but not finite. */
export function optionalNumber(rec: RawRecord, field: string, at: RecordLocation): number {
  const v = rec[field];
  if (v === undefined || v === null || (typeof v === "string" && v.trim() === "")) return NaN;
  return requireNumber(rec, field, at);
}

/** Tracks (run, step) pairs and throws on the second occurrence of one, naming both lines. */
export class DuplicateChecker {
  readonly #seen = new Map<string, number>();
  readonly #file: string;

  /** Starts an empty checker for `file`. */
  constructor(file: string) {
    this.#file = file;
  }

  /** Records (run, step) at `line`; throws an InputError naming `field` (the step column) if it was seen. */
  check(run: string, step: number, line: number, field = "step"): void {
    const key = `${run}\u0000${step}`;
    const first = this.#seen.get(key);
    if (first !== undefined) {
      throw new InputError(
        this.#file,
        line,
        field,
        `duplicate (run "${run}", step ${step}); first at line ${first}`,
      );
    }
    this.#seen.set(key, line);
  }
}
