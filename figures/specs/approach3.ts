/**
 * Text of an Approach 3 fit record for captions: how its starts were chosen and its law. (Paper Figure 5
 * itself is drawn by ./prescriptions.ts.)
 * @module
 */
import type { Approach3Record } from "../../records/schemas.ts";
import { fmt } from "./common.ts";

/**
 * Returns how a fit record's starts were chosen, e.g. "1,000 seeded LHS starts of the 4,050,000-start Gemstones
 * grid, 999 converged", "the full 4,500-start Gemstones grid, 4,500 converged" or, for variable projection,
 * "variable projection over 194,481 exponent cells on [0, 2] every 0.1 (…), 5 grid minima polished".
 */
export function gridText(fit: Pick<Approach3Record, "grid" | "converged" | "projection">): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const g = fit.grid, p = fit.projection;
  if (g.kind === "projection") {
    const range = p === undefined ? "" : ` on [${p.lo}, ${p.hi}] every ${p.step}`;
    return `variable projection over ${n(g.starts)} exponent cells${range} (the exponents of the ` +
      `${n(g.fullGridSize)}-start Gemstones grid, the coefficients solved in each), ${
        n(fit.converged)
      } grid ` +
      `minima polished`;
  }
  const how = g.kind === "gemstones"
    ? `the full ${n(g.fullGridSize)}-start Gemstones grid`
    : `${n(g.starts)} seeded ${g.kind === "lhs" ? "Latin-hypercube" : "random"} starts from the box of the ` +
      `${n(g.fullGridSize)}-start Gemstones grid`;
  return `${how}, ${n(fit.converged)} converged`;
}

/** Returns the law of a fit record as "E + A·x^-α + ..." text. */
export function lawText(fit: Pick<Approach3Record, "E" | "terms">): string {
  return `L = ${fmt(fit.E, 4)} + ` +
    fit.terms.map((t) => `${fmt(t.A, 4)}·${t.variable}^-${fmt(t.alpha, 3)}`).join(" + ");
}
