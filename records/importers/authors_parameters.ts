/**
 * The authors' stored fits (`data/gemstones/parameters*`, byte-identical copies of
 * github.com/mcleish7/gemstone-scaling-laws): where each file lives and one reader of each kind, used by
 * the report's fits table and by the grid-size study. Their Approach 3 files store laws in log space (the
 * prediction is `logsumexp(coef_i - exp_i · log x_i, e)`), so A_i = exp(coef_i) and E = exp(e), in
 * pandas' column-oriented JSON (`{"0": value}`); their Approach 1 files store a least-squares line in
 * log-log space, so k = exp(intercept) and the slope is `coef[0]`.
 * @module
 */

/** Repository folder of the authors' Approach 1 parameters files. */
export const AUTHORS_APPROACH1_DIR = "data/gemstones/parameters";

/** Repository folders of the authors' Approach 3 parameters files, by Huber δ. */
const APPROACH3_DIRS: readonly { readonly huberDelta: number; readonly dir: string }[] = [
  { huberDelta: 1e-3, dir: "data/gemstones/parameters_delta-3" },
  { huberDelta: 1e-4, dir: "data/gemstones/parameters_delta-4" },
];

/** Every repository folder of the authors' stored fits (Approach 1, then Approach 3 by δ), for stage inputs. */
export const AUTHORS_PARAMETER_DIRS: readonly string[] = [
  AUTHORS_APPROACH1_DIR,
  ...APPROACH3_DIRS.map((d) => d.dir),
];

/** Returns the repository folder of the authors' Approach 3 parameters files for a Huber δ (1e-3 or 1e-4), or null. */
export function authorsApproach3Dir(huberDelta: number): string | null {
  return APPROACH3_DIRS.find((d) => Math.abs(huberDelta - d.huberDelta) < 1e-12)?.dir ?? null;
}

/** The authors' stored-file name part of each law form (their `approach_3<part>grid_search_0<subset>.json`). */
const APPROACH3_PART: Readonly<Record<string, string>> = {
  eq1: "_parameters_",
  eq2: "_width_depth_parameters_",
  eq3: "_width_depth_",
};

/** The authors' Approach 1 file suffix of each subset file they fit Approach 1 on. */
const APPROACH1_SUFFIX: Readonly<Record<string, string>> = {
  hot_477: "",
  "hot_100b+_477": "_100b+",
  "hot_120b+_only_477": "_120b+_only",
  cool_end: "_cooldown",
  lr_ablation_hot_477: "_lr_ablation",
};

/**
 * Returns the repository path of the authors' stored Approach 3 fit of `form` on `subset` with Huber
 * `huberDelta` (without embeddings when `noEmbeds`), or null when they publish none of that name.
 */
export function authorsApproach3Path(
  form: string,
  subset: string,
  options: { huberDelta: number; noEmbeds: boolean },
): string | null {
  const dir = authorsApproach3Dir(options.huberDelta);
  const part = APPROACH3_PART[form];
  if (dir === null || part === undefined) return null;
  return `${dir}/approach_3${part}grid_search_0_${subset}${options.noEmbeds ? "_no_embeds" : ""}.json`;
}

/** Returns the repository path of the authors' Approach 1 line of `quantity` for `subset`, or null. */
export function authorsApproach1Path(
  quantity: "params" | "tokens" | "tokens_per_param",
  subset: string,
  noEmbeds: boolean,
): string | null {
  const suffix = APPROACH1_SUFFIX[subset];
  if (suffix === undefined) return null;
  return `${AUTHORS_APPROACH1_DIR}/approach_1_linear_regression_${quantity}${suffix}${
    noEmbeds ? "_no_embeds" : ""
  }.json`;
}

/** An authors' Approach 3 fit in natural units. */
export interface AuthorsApproach3 {
  /** Irreducible loss E = exp(e). */
  readonly E: number;
  /** A_i = exp(coef_i), in the order of the law's variables. */
  readonly A: readonly number[];
  /** Exponents, same order. */
  readonly alpha: readonly number[];
  /** Their Huber objective. */
  readonly objective: number;
}

/** Returns the value of row "0" of a pandas column; throws naming the file and field otherwise. */
function firstOf(value: unknown, path: string, field: string): unknown {
  if (value === null || typeof value !== "object" || !("0" in (value as object))) {
    throw new Error(`${path}: field "${field}" is not a {"0": ...} column`);
  }
  return (value as Record<string, unknown>)["0"];
}

/** Returns `value` as numbers; throws naming the file and field otherwise. */
function numbers(value: unknown, path: string, field: string): number[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "number")) {
    throw new Error(`${path}: field "${field}" is not an array of numbers`);
  }
  return value as number[];
}

/** Parses an authors' Approach 3 parameters file (`text` read from `path`); throws naming the file and field. */
export function parseAuthorsApproach3(text: string, path: string): AuthorsApproach3 {
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: invalid JSON: ${(e as Error).message}`);
  }
  const coefs = numbers(firstOf(j.coefficients, path, "coefficients"), path, "coefficients");
  const exps = numbers(firstOf(j.exponents, path, "exponents"), path, "exponents");
  const e = firstOf(j.irreducible_error, path, "irreducible_error");
  const loss = firstOf(j.loss, path, "loss");
  if (typeof e !== "number" || typeof loss !== "number") {
    throw new Error(`${path}: fields "irreducible_error" and "loss" must be numbers`);
  }
  if (coefs.length !== exps.length) {
    throw new Error(`${path}: ${coefs.length} coefficients, ${exps.length} exponents`);
  }
  return { E: Math.exp(e), A: coefs.map(Math.exp), alpha: exps, objective: loss };
}

/** Parses an authors' Approach 1 file: returns the slope and k = exp(intercept). */
export function parseAuthorsApproach1(text: string, path: string): { slope: number; k: number } {
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: invalid JSON: ${(e as Error).message}`);
  }
  const coef = numbers(j.coef, path, "coef");
  if (coef.length !== 1 || typeof j.intercept !== "number") {
    throw new Error(`${path}: expected "coef" of one number and a numeric "intercept"`);
  }
  return { slope: coef[0], k: Math.exp(j.intercept) };
}

/** Reads and parses the authors' Approach 3 parameters file at `path` (see {@link parseAuthorsApproach3}). */
export async function readAuthorsApproach3(path: string): Promise<AuthorsApproach3> {
  return parseAuthorsApproach3(await Deno.readTextFile(path), path);
}
