/**
 * Law forms: one file per law form (its variables, fit defaults, prescription), the reference
 * laws the paper compares against, and the power-law type of prescriptions. Look a form up by name
 * with {@link lawSpec}; add a form by writing one file like `eq3.ts` and listing it in `LAW_SPECS` (`registry.ts`).
 *
 * @example
 * ```ts
 * import { lawSpec } from "./mod.ts";
 * const eq1 = lawSpec("eq1"); // eq1.variables = ["params", "tokens"], eq1.fit.grid = "gemstones"
 * ```
 * @module
 */
export type * from "./types.ts";
export { EQ1, EQ1_VARIABLES } from "./eq1.ts";
export { EQ2, EQ2_VARIABLES } from "./eq2.ts";
export { EQ3, EQ3_VARIABLES } from "./eq3.ts";
export { prescribeByShape } from "./width_depth.ts";
export * from "./power.ts";
export * from "./reference.ts";
export {
  isLawName,
  LAW_NAMES,
  LAW_SPECS,
  type LawName,
  lawSpec,
  registerLaw,
  unregisterLaw,
} from "./registry.ts";
