/**
 * What the report says about Approach 2 (Chinchilla's isoFLOP profiles): whether it could be fitted on
 * the variant's rows, how many isoFLOP bins were usable, and why the others were skipped, with the
 * counts of the `approach2.<variant>/approach2.json` record ({@link Approach2Record}). Reading the
 * record checks every field the note uses and names the file and field when one is wrong.
 * @module
 */
import type { Approach2Record, SkipCode } from "../records/schemas.ts";
import { readRecord } from "../records/schemas.ts";
import { InputError } from "../records/importers/validate.ts";
import { escapeHtml, fmt } from "./specs/common.ts";

const SKIP_CODES: readonly SkipCode[] = [
  "no_points",
  "too_few_sizes",
  "singular",
  "no_minimum",
  "minimum_outside",
];

/** Reads `approach2.json` at `path`, checking the fields the note and the fits table use. */
export async function readApproach2Record(path: string): Promise<Approach2Record> {
  const r = await readRecord<Approach2Record>(path, "approach2");
  const bad = (field: string, problem: string) => new InputError(path, 0, field, problem);
  const isNum = (v: unknown) => typeof v === "number" && Number.isFinite(v);
  if (typeof r.available !== "boolean") throw bad("available", "expected true or false");
  if (typeof r.reason !== "string") throw bad("reason", "expected a string");
  for (const f of ["tolerance", "minBins"] as const) {
    if (!isNum(r[f])) throw bad(f, `expected a number, got ${JSON.stringify(r[f])}`);
  }
  if (!Array.isArray(r.budgets) || !r.budgets.every(isNum)) {
    throw bad("budgets", "expected an array of numbers");
  }
  if (!Array.isArray(r.bins)) throw bad("bins", "expected an array");
  r.bins.forEach((b, i) => {
    for (const f of ["flops", "points", "paramsOpt", "tokensOpt", "lossOpt"] as const) {
      if (!isNum(b?.[f])) throw bad(`bins[${i}].${f}`, `expected a number, got ${JSON.stringify(b?.[f])}`);
    }
  });
  if (!Array.isArray(r.skipped)) throw bad("skipped", "expected an array");
  r.skipped.forEach((s, i) => {
    for (const f of ["flops", "points", "sizes"] as const) {
      if (!isNum(s?.[f])) throw bad(`skipped[${i}].${f}`, `expected a number, got ${JSON.stringify(s?.[f])}`);
    }
    if (!SKIP_CODES.includes(s.code)) {
      throw bad(
        `skipped[${i}].code`,
        `expected one of ${SKIP_CODES.join(", ")}, got ${JSON.stringify(s.code)}`,
      );
    }
  });
  for (const f of ["params", "tokens"] as const) {
    const law = r[f];
    if (law !== null && !(isNum(law?.exponent) && isNum(law?.k))) {
      throw bad(f, "expected null or a power law with numeric exponent and k");
    }
  }
  if (r.available !== (r.params !== null)) {
    throw bad("params", `is ${r.params === null ? "null" : "set"} but "available" is ${r.available}`);
  }
  return r;
}

/** Returns "a", "a or b", "a, b or c". */
function orList(items: readonly (string | number)[]): string {
  const s = items.map(String);
  return s.length <= 1 ? s.join("") : `${s.slice(0, -1).join(", ")} or ${s[s.length - 1]}`;
}

/** Returns "a", "a and b", "a, b and c". */
function andList(items: readonly string[]): string {
  return items.length <= 1
    ? items.join("")
    : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** The counts behind the note, from the record alone. */
export interface Approach2Counts {
  /** Budgets (isoFLOP bins) tried. */
  readonly budgets: number;
  /** Bins fitted with a parabola. */
  readonly fitted: number;
  /** Bins with >= 3 distinct model sizes (fitted ones included). */
  readonly enoughSizes: number;
  /** Skipped bins per code. */
  readonly skipped: Readonly<Record<SkipCode, number>>;
  /** Distinct model-size counts among the bins with 1 or 2 (code `too_few_sizes`), ascending. */
  readonly fewSizes: readonly number[];
  /** Checkpoints that fell in some bin. */
  readonly binned: number;
}

/** Returns the counts of an Approach 2 record (see {@link Approach2Counts}). */
export function approach2Counts(rec: Approach2Record): Approach2Counts {
  const skipped = Object.fromEntries(SKIP_CODES.map((c) => [c, 0])) as Record<SkipCode, number>;
  for (const s of rec.skipped) skipped[s.code]++;
  const few = rec.skipped.filter((s) => s.code === "too_few_sizes");
  return {
    budgets: rec.budgets.length,
    fitted: rec.bins.length,
    enoughSizes: rec.budgets.length - few.length - skipped.no_points,
    skipped,
    fewSizes: [...new Set(few.map((s) => s.sizes))].sort((a, b) => a - b),
    binned: [...rec.bins, ...rec.skipped].reduce((n, b) => n + b.points, 0),
  };
}

/** Options of {@link approach2Note}. */
export interface Approach2NoteOptions {
  /** Checkpoints (rows) Approach 2 was given, for "N of M checkpoints fall in a bin"; absent: left out. */
  readonly rows?: number;
}

/**
 * Returns the report's words on Approach 2 (plain text): whether it could be fitted, how many isoFLOP
 * bins were usable (>= 3 distinct model sizes, a parabola with an interior minimum) and why the others
 * were skipped, each with its count.
 */
export function approach2Note(rec: Approach2Record, options: Approach2NoteOptions = {}): string {
  if (rec.budgets.length > 0 && rec.bins.length === 0 && rec.skipped.length === 0) {
    return `Approach 2 (Chinchilla's isoFLOP profiles) could not be fitted on these data: ${rec.reason}.`;
  }
  const c = approach2Counts(rec);
  const B = c.budgets;
  const lead = rec.available
    ? `Approach 2 (Chinchilla's isoFLOP profiles) was fitted on these data: ${c.fitted} of ${B} isoFLOP ` +
      `bins could be fitted with a parabola in ln params (it needs ${rec.minBins}), giving N_opt ∝ ` +
      `C^${fmt(rec.params!.exponent, 4)} and D_opt ∝ C^${fmt(rec.tokens!.exponent, 4)} over those ` +
      `${c.fitted} bins (rows "approach2 isoFLOP" of the fits table).`
    : `Approach 2 (Chinchilla's isoFLOP profiles) is not available on these data: ` +
      `${c.fitted === 0 ? "none" : `only ${c.fitted}`} of ${B} ` +
      `isoFLOP bins could be fitted with a parabola in ln params, and Approach 2 needs ${rec.minBins} ` +
      `to fit N_opt(C) and D_opt(C).`;
  const k = c.skipped;
  const have = (n: number) => `${n} ${n === 1 ? "has" : "have"}`;
  const rest = B - c.enoughSizes;
  const only = (n: number) => `${n === 1 ? "has" : "have"} only ${orList(c.fewSizes)}`;
  const empty = (n: number) => `${n === 1 ? "holds" : "hold"} no checkpoint`;
  const sizes = `${c.enoughSizes} of the ${B} bins have >= 3 distinct model sizes, which a parabola needs` +
    (rest === 0
      ? "."
      : k.no_points === 0
      ? `; the other ${rest} ${only(rest)}.`
      : k.too_few_sizes === 0
      ? `; the other ${rest} ${empty(rest)}.`
      : `; of the other ${rest}, ${k.too_few_sizes} ${only(k.too_few_sizes)} and ${k.no_points} ${
        empty(k.no_points)
      }.`);
  const why: string[] = [];
  if (k.no_minimum > 0) {
    why.push(`${have(k.no_minimum)} a parabola with no minimum (loss is not convex in ln params)`);
  }
  if (k.minimum_outside > 0) {
    why.push(`${have(k.minimum_outside)} the parabola's minimum outside the bin's range of model sizes`);
  }
  if (k.singular > 0) why.push(`${have(k.singular)} a singular parabola fit`);
  const fitted = c.fitted === 0 ? "none was fitted" : `${c.fitted} ${c.fitted === 1 ? "was" : "were"} fitted`;
  const fitHow = c.enoughSizes === 0
    ? ""
    : c.enoughSizes === c.fitted
    ? ` All ${c.enoughSizes} were fitted.`
    : ` Of those ${c.enoughSizes}, ${fitted}; ${andList(why)}.`;
  const binning = `A bin holds the checkpoints within ±${rec.tolerance} in ln FLOPs of one of ${B} ` +
    `budgets log-spaced over the data's FLOP range` +
    (options.rows === undefined ? "." : `; ${c.binned} of the ${options.rows} checkpoints fall in one.`);
  return `${lead} ${sizes}${fitHow} ${binning}`;
}

/** Returns the report's Approach 2 section: the note and one line per isoFLOP bin (fitted or skipped, and why). */
export function approach2SectionHtml(rec: Approach2Record, options: Approach2NoteOptions = {}): string {
  const rows = [
    ...rec.bins.map((b) => ({
      flops: b.flops,
      points: b.points,
      sizes: ">= 3",
      outcome: `fitted: N_opt ${fmt(b.paramsOpt)}, D_opt ${fmt(b.tokensOpt)}, loss ${fmt(b.lossOpt, 4)}`,
    })),
    ...rec.skipped.map((s) => ({
      flops: s.flops,
      points: s.points,
      sizes: String(s.sizes),
      outcome: s.reason,
    })),
  ].sort((a, b) => a.flops - b.flops);
  const table = rows.length === 0 ? "" : `<div class="view"><table class="data">` +
    `<tr><th>budget (FLOPs)</th><th>checkpoints</th><th>model sizes</th><th>outcome</th></tr>\n` +
    rows.map((r) =>
      `<tr><td>${escapeHtml(fmt(r.flops))}</td><td>${r.points}</td><td>${escapeHtml(r.sizes)}</td>` +
      `<td style="text-align:left">${escapeHtml(r.outcome)}</td></tr>`
    ).join("\n") + `\n</table></div>`;
  return `<section id="approach2"><h2>Approach 2 (isoFLOP profiles)</h2>
<p>${escapeHtml(approach2Note(rec, options))}</p>
${table}
</section>`;
}
