/**
 * Splitting a width-depth law (seed 002 Eq. 2 / Eq. 3, or Chinchilla's [params, tokens]) into its
 * shape-only part and its tokens term, which every prescription needs.
 * @module
 */
import type { AdditiveLaw } from "../law.ts";

/** Variables a shape-based prescription understands. */
const SHAPE_VARIABLES: ReadonlySet<string> = new Set(["width", "depth", "params", "tokens"]);

/** The tokens term `A · D^−alpha` of a law (A = 0 when the law has none), with the law it came from. */
export interface TokensTerm {
  /** The validated law. */
  readonly law: AdditiveLaw;
  /** Coefficient of the tokens term, nats (0 if absent). */
  readonly A: number;
  /** Exponent of the tokens term (0 if absent). */
  readonly alpha: number;
}

/**
 * Returns the tokens term of `law` after checking that its variables are among width, depth, params and
 * tokens, each at most once; throws naming the offending variable otherwise.
 */
export function lawTokensTerm(law: AdditiveLaw): TokensTerm {
  const seen = new Set<string>();
  let A = 0, alpha = 0;
  for (const term of law.terms) {
    if (!SHAPE_VARIABLES.has(term.variable)) {
      throw new Error(
        `prescription: unsupported law variable "${term.variable}" (expected width, depth, params, tokens)`,
      );
    }
    if (seen.has(term.variable)) throw new Error(`prescription: the law has two "${term.variable}" terms`);
    seen.add(term.variable);
    if (term.variable === "tokens") A = term.A, alpha = term.alpha;
  }
  return { law, A, alpha };
}

/** Returns `E` plus the width, depth and params terms of `law` (everything but tokens), in nats. */
export function lawLossWithoutTokens(law: AdditiveLaw, width: number, depth: number, params: number): number {
  let loss = law.E;
  for (const t of law.terms) {
    if (t.variable === "width") loss += t.A * Math.pow(width, -t.alpha);
    else if (t.variable === "depth") loss += t.A * Math.pow(depth, -t.alpha);
    else if (t.variable === "params") loss += t.A * Math.pow(params, -t.alpha);
  }
  return loss;
}
