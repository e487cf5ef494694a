/**
 * The authors' fit beside ours. Wherever a figure draws a fitted law whose stored counterpart in the
 * authors' parameters files (records/importers/authors_parameters.ts) differs from ours, it draws theirs
 * too, dashed and labelled "authors' fit", and says in one sentence how the two compare: which Huber
 * objective is lower and by how much, and, where both objectives are within a hair, that the data do not
 * identify the prescription (with the findings of our fit's health verdict, scaling/judge, that detect the
 * flat valley). One helper for every figure that draws a law with an authors' counterpart.
 * @module
 */
import type { AuthorsApproach3 } from "../../records/importers/authors_parameters.ts";
import type {
  Approach3Record,
  AuthorsLawBeside,
  FitHealth,
  PrescriptionsRecord,
} from "../../records/schemas.ts";
import type { PrescriptionSeries } from "./prescriptions.ts";
import { fmt } from "./common.ts";

/** An authors' stored Approach 3 fit (natural units) and the repository path it was read from. */
export interface AuthorsLaw extends AuthorsApproach3 {
  /** Repository path of the authors' file. */
  readonly path: string;
}

/** Legend label of an authors' line. */
export const AUTHORS_FIT_LABEL = "authors' fit";

/** Stroke dash of an authors' line (long dashes, drawn thinner than ours), pixels on, off. */
export const AUTHORS_FIT_DASH: readonly number[] = [9, 3];

/** Exponents further apart than this (absolute) count as a different law (as the fits table's notes). */
export const EXPONENT_TOLERANCE = 0.005;

/** Relative difference of the two Huber objectives within which they are "within a hair" (0.1 %). */
export const OBJECTIVE_HAIR = 1e-3;

/**
 * The health findings (scaling/judge) that say the optimum is flat or a term is not identified: where our fit
 * has one, the comparison sentence quotes it.
 */
const FLAT_VALLEY_CODES: readonly string[] = [
  "starts_disagree",
  "ill_conditioned",
  "exponent_at_bound",
  "coefficient_at_bound",
];

/** Returns the key of a fit in the report's `authorsLaws` input: `<variant>/<form>` (e.g. "paper/eq1"). */
export function authorsLawKey(variant: string, form: string): string {
  return `${variant}/${form}`;
}

/** Returns the authors' counterpart of `record` in `laws` (keyed by {@link authorsLawKey}), or undefined. */
export function authorsLawOf(
  record: Pick<Approach3Record, "variant" | "form">,
  laws: Readonly<Record<string, AuthorsLaw>> | undefined,
): AuthorsLaw | undefined {
  return laws?.[authorsLawKey(record.variant, record.form)];
}

/**
 * Returns the authors' law in the shape of our record (their E, A and α on our record's variables, in order),
 * so that every helper drawing our record draws theirs; throws naming the file when the term counts differ.
 */
export function authorsAsRecord<R extends Pick<Approach3Record, "variant" | "terms" | "E" | "objective">>(
  record: R,
  theirs: AuthorsLaw,
): R {
  if (theirs.A.length !== record.terms.length) {
    throw new Error(
      `${theirs.path}: ${theirs.A.length} terms, but our fit of variant ${record.variant} has ${record.terms.length}`,
    );
  }
  return {
    ...record,
    E: theirs.E,
    objective: theirs.objective,
    terms: record.terms.map((t, i) => ({ variable: t.variable, A: theirs.A[i], alpha: theirs.alpha[i] })),
  };
}

/** Returns the largest absolute difference between our exponents and the authors', term by term. */
export function exponentGap(record: Pick<Approach3Record, "terms">, theirs: AuthorsApproach3): number {
  return Math.max(...record.terms.map((t, i) => Math.abs(t.alpha - (theirs.alpha[i] ?? NaN))));
}

/** Returns whether our law differs from the authors' (an exponent further than {@link EXPONENT_TOLERANCE}). */
export function differsFromAuthors(
  record: Pick<Approach3Record, "terms">,
  theirs: AuthorsApproach3,
): boolean {
  return !(exponentGap(record, theirs) <= EXPONENT_TOLERANCE);
}

/** How our fit compares with the authors': objectives, their relative difference, and the verdict. */
export interface AuthorsComparison {
  /** Our Huber objective. */
  readonly ours: number;
  /** The authors' stored objective. */
  readonly theirs: number;
  /** (ours − theirs) / theirs. */
  readonly relative: number;
  /** "hair": within {@link OBJECTIVE_HAIR}; "lower": ours lower; "higher": ours higher. */
  readonly kind: "hair" | "lower" | "higher";
  /** Our fit's health findings that detect a flat valley or an unidentified term (their messages). */
  readonly flatValley: readonly string[];
}

/** Returns how our fit compares with the authors' (see {@link AuthorsComparison}). */
export function compareWithAuthors(
  ours: { readonly objective: number; readonly health?: FitHealth },
  theirs: Pick<AuthorsApproach3, "objective">,
): AuthorsComparison {
  const relative = (ours.objective - theirs.objective) / theirs.objective;
  const kind = Math.abs(relative) <= OBJECTIVE_HAIR ? "hair" : relative < 0 ? "lower" : "higher";
  const flatValley = (ours.health?.findings ?? [])
    .filter((f) => FLAT_VALLEY_CODES.includes(f.code))
    .map((f) => f.message);
  return { ours: ours.objective, theirs: theirs.objective, relative, kind, flatValley };
}

/**
 * Returns one sentence on our law against the authors' (`label` names the law, `gap` is the largest exponent
 * difference, {@link exponentGap}): whether the objectives are within a hair (then the data do not identify
 * the prescription), or which is lower and why.
 */
export function authorsFitSentence(
  label: string,
  ours: { readonly objective: number; readonly health?: FitHealth },
  theirs: Pick<AuthorsApproach3, "objective">,
  gap: number,
): string {
  const c = compareWithAuthors(ours, theirs);
  const objectives = `objective ${fmt(c.ours, 5)} against the authors' ${fmt(c.theirs, 5)}`;
  const pct = `${fmt(Math.abs(c.relative) * 100, 2)} %`;
  const health = c.flatValley.length > 0 ? ` Our fit's health: ${c.flatValley.join(" ")}` : "";
  const apart = `exponents up to ${fmt(gap, 2)} apart`;
  if (c.kind === "hair") {
    return `${label}: ours and the authors' fit (dashed) reach the same objective within ${pct} (${objectives}) ` +
      `with ${apart}: the data do not identify this prescription.${health}`;
  }
  if (c.kind === "lower") {
    return `${label}: our ${objectives} is ${pct} lower, ${apart}: the authors' optimiser (scipy's L-BFGS-B, ` +
      `whose stopping test is absolute for objectives below 1) stopped on the way down a flat valley; the ` +
      `dashed line is their stored fit.${health}`;
  }
  return `${label}: our ${objectives} is ${pct} higher, ${apart}: our starts missed their optimum; the dashed ` +
    `line is their stored fit.${health}`;
}

/** The authors' line of a prescription figure and the sentence saying how it compares with ours. */
export interface AuthorsPrescriptionLine {
  /** Their prescriptions as a dashed series. */
  readonly series: PrescriptionSeries;
  /** One sentence ({@link authorsFitSentence}). */
  readonly sentence: string;
}

/**
 * Returns the authors' line of law `form` in a prescriptions record (their stored fit prescribed the same way,
 * the prescribe stage's `authors`), dashed and labelled "authors' fit", or null where they publish none or
 * their exponents are within {@link EXPONENT_TOLERANCE} of ours. `health` is our fit's, when the figure reads it.
 */
export function authorsPrescriptionLine(
  record: PrescriptionsRecord,
  form: string,
  label: string,
  health?: FitHealth,
): AuthorsPrescriptionLine | null {
  const a = record.authors?.find((x) => x.form === form);
  const sentence = authorsBesideSentence(a, label, health);
  if (a === undefined || sentence === null) return null;
  return {
    series: { label: `${AUTHORS_FIT_LABEL} (${label})`, prescriptions: a.prescriptions, dashed: true },
    sentence,
  };
}

/**
 * Returns the {@link authorsFitSentence} of an authors' law a stage computed beside ours (its record's
 * `authors`), or null where they publish none or their exponents are within {@link EXPONENT_TOLERANCE} of
 * ours (then the figure draws no authors' line). `health` is our fit's, when the figure reads it.
 */
export function authorsBesideSentence(
  beside: AuthorsLawBeside | undefined,
  label: string,
  health?: FitHealth,
): string | null {
  if (beside === undefined || !(beside.exponentGap > EXPONENT_TOLERANCE)) return null;
  return authorsFitSentence(label, { objective: beside.ourObjective, health }, beside, beside.exponentGap);
}
