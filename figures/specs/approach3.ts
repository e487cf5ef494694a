/**
 * Text of an Approach 3 fit record for captions: how its starts were chosen and its law. (Paper Figure 5
 * itself is drawn by ./prescriptions.ts.)
 * @module
 */
import type { Approach3Record } from "../../records/schemas.ts";
import { fmt } from "./common.ts";

/**
 * Returns how a fit record's starts were chosen, e.g. "1,000 seeded LHS starts of the 4,050,000-start Gemstones
 * grid, 999 converged" or "the full 4,500-start Gemstones grid, 4,500 converged".
 */
export function gridText(fit: Pick<Approach3Record, "grid" | "converged">): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const g = fit.grid;
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
