/**
 * The authors' stored law beside ours, for the stages that draw a law (prescribe, overtraining, overspend):
 * reads their parameters file (records/importers/authors_parameters.ts) and puts their E, A and α on our
 * fit's variables, with both Huber objectives and the largest exponent difference, so that a stage computes
 * their curve exactly as it computes ours.
 * @module
 */
import type { AdditiveLaw } from "../scaling/law.ts";
import {
  type Approach3Record,
  type AuthorsLawBeside,
  type LawForm,
  readRecord,
  stageId,
} from "../records/schemas.ts";
import { readAuthorsApproach3 } from "../records/importers/authors_parameters.ts";
import { exists } from "../util/fs.ts";

/** The authors' law on our variables and how it compares with our fit. */
export interface AuthorsLawOnOurs {
  /** Their law, on the variables of our fit, in order (natural units: loss in nats per token). */
  readonly law: AdditiveLaw;
  /** Their file, both objectives and the largest exponent difference. */
  readonly beside: AuthorsLawBeside;
}

/**
 * Returns the authors' law of the file `path` (repository path, read under `root`) beside our fit of `form`
 * (the `approach3_<form>.<variant>` dependency's `fit.json`), or null where `path` is empty or the file does
 * not exist; throws naming the file when its term count differs from our fit's.
 */
export async function authorsLawOnOurs(
  path: string,
  root: string,
  deps: Readonly<Record<string, string>>,
  variant: string,
  form: LawForm,
): Promise<AuthorsLawOnOurs | null> {
  if (path === "" || !await exists(`${root}/${path}`)) return null;
  const theirs = await readAuthorsApproach3(`${root}/${path}`);
  const id = stageId(`approach3_${form}`, variant);
  if (deps[id] === undefined) throw new Error(`authors' law ${path}: missing dependency ${id}`);
  const ours = await readRecord<Approach3Record>(`${deps[id]}/fit.json`, "approach3");
  if (theirs.A.length !== ours.terms.length) {
    throw new Error(
      `${path}: ${theirs.A.length} terms, but our ${form} fit of ${variant} has ${ours.terms.length}`,
    );
  }
  return {
    law: {
      E: theirs.E,
      terms: ours.terms.map((t, i) => ({ variable: t.variable, A: theirs.A[i], alpha: theirs.alpha[i] })),
    },
    beside: {
      path,
      objective: theirs.objective,
      ourObjective: ours.objective,
      exponentGap: Math.max(...ours.terms.map((t, i) => Math.abs(t.alpha - theirs.alpha[i]))),
    },
  };
}
