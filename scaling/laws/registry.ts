/**
 * The law registry: every registered law form by name. Look a form up with {@link lawSpec}; add a form by
 * writing one file like `eq3.ts` and listing it in {@link LAW_SPECS}.
 * @module
 */
import { EQ1 } from "./eq1.ts";
import { EQ2 } from "./eq2.ts";
import { EQ3 } from "./eq3.ts";
import type { LawSpec } from "./types.ts";

/** Every registered law form, by name (the order the pipeline and the report list them). */
export const LAW_SPECS = { eq1: EQ1, eq2: EQ2, eq3: EQ3 } as const satisfies Readonly<
  Record<string, LawSpec>
>;

/** Name of a registered law form ("eq1", "eq2", "eq3"). */
export type LawName = keyof typeof LAW_SPECS;

/** Names of the registered forms, in registry order. */
export const LAW_NAMES: readonly LawName[] = Object.keys(LAW_SPECS) as LawName[];

const BUILT_IN: readonly string[] = [...LAW_NAMES];

/**
 * Registers law form `spec` after the built-in ones: it joins {@link LAW_SPECS} and {@link LAW_NAMES}, so the
 * fit stages fit it and the report tables and judges it. Typed as a {@link LawName} from then on. Throws when
 * the name is taken. (A form of the project is a file listed in LAW_SPECS; this is for tests and extensions.)
 */
export function registerLaw(spec: LawSpec): void {
  if (Object.hasOwn(LAW_SPECS, spec.name)) throw new Error(`law form "${spec.name}" is already registered`);
  (LAW_SPECS as Record<string, LawSpec>)[spec.name] = spec;
  (LAW_NAMES as string[]).push(spec.name);
}

/** Removes a form added by {@link registerLaw} (tests); built-in forms cannot be removed. */
export function unregisterLaw(name: string): void {
  if (BUILT_IN.includes(name)) throw new Error(`law form "${name}" is built in`);
  if (!Object.hasOwn(LAW_SPECS, name)) return;
  delete (LAW_SPECS as Record<string, LawSpec>)[name];
  (LAW_NAMES as string[]).splice((LAW_NAMES as string[]).indexOf(name), 1);
}

/** Returns true when `name` is a registered law form. */
export function isLawName(name: string): name is LawName {
  return Object.hasOwn(LAW_SPECS, name);
}

/** Returns the law form named `name`; throws listing the registered names otherwise. */
export function lawSpec(name: string): LawSpec {
  if (!isLawName(name)) {
    throw new Error(`unknown law form "${name}"; registered: ${LAW_NAMES.join(", ")}`);
  }
  return LAW_SPECS[name];
}
