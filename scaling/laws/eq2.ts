/**
 * Eq. 2, the Gemstones width-depth law `L = E + A·w^−α + B·d^−β + C·N^−γ + D'·D^−δ` over width w,
 * depth d, parameters N and tokens D (seed 002 Eq. 2), fitted by variable projection, prescribed by brute
 * force over shapes.
 * @module
 */
import type { LawSpec } from "./types.ts";
import { prescribeByShape } from "./width_depth.ts";

/** Eq. 2's variables. */
export const EQ2_VARIABLES: readonly ["width", "depth", "params", "tokens"] = [
  "width",
  "depth",
  "params",
  "tokens",
];

/**
 * Eq. 2: the variable projection search (every exponent on [0, 2] in steps of 0.1 or 0.25, covering the
 * exponents of the 4,050,000-start Gemstones grid; the best grid minima polished) and 20 bootstrap resamples.
 */
export const EQ2: LawSpec = {
  name: "eq2",
  equation: "L(w, d, N, D) = E + A·w^−α + B·d^−β + C·N^−γ + D'·D^−δ",
  source: "Gemstones (seed 002) Eq. 2",
  variables: EQ2_VARIABLES,
  fit: {
    huberDelta: 1e-4,
    grid: "projection",
    bootstrapSamples: 20,
    bootstrapSeed: 1,
    bootstrapStarts: 4,
    budgets: [],
  },
  prescribe: prescribeByShape,
};
