/**
 * The additive loss law of Approach 3 and its evaluation.
 *
 * `L = E + Σ_i A_i · x_i^(−α_i)` over named variables: Chinchilla's Eq. 1 uses [params, tokens];
 * Gemstones' width-depth law (Eq. 2) uses [width, depth, params, tokens]; Eq. 3 uses
 * [width, depth, tokens]. Losses are in nats per token.
 *
 * The named forms (their variables, defaults and prescriptions) and the published reference laws
 * live in the registry `scaling/laws/`.
 *
 * @example
 * ```ts
 * import { evaluateLaw } from "./law.ts";
 * const law = { E: 1.69, terms: [{ variable: "params", A: 406.4, alpha: 0.34 }, { variable: "tokens", A: 410.7, alpha: 0.28 }] };
 * const lossNats = evaluateLaw(law, { params: 70e9, tokens: 1.4e12 }); // ≈ 1.94
 * ```
 * @module
 */

/** One term `A · x^(−alpha)` of an additive law. */
export interface LawTerm {
  /** Name of the variable (e.g. "params", "tokens", "width", "depth"). */
  readonly variable: string;
  /** Coefficient A, in nats (natural units, not log). */
  readonly A: number;
  /** Exponent alpha (dimensionless). */
  readonly alpha: number;
}

/** An additive law `L = E + Σ A_i x_i^(−alpha_i)`. */
export interface AdditiveLaw {
  /** Irreducible loss E, in nats per token. */
  readonly E: number;
  /** The terms, one per variable. */
  readonly terms: readonly LawTerm[];
}

/** Returns the predicted loss in nats per token of `law` at the point `x` (variable name -> value). */
export function evaluateLaw(law: AdditiveLaw, x: Readonly<Record<string, number>>): number {
  let loss = law.E;
  for (const term of law.terms) {
    const value = x[term.variable];
    if (value === undefined) {
      throw new Error(`evaluateLaw: no value for variable "${term.variable}"`);
    }
    loss += term.A * Math.pow(value, -term.alpha);
  }
  return loss;
}
