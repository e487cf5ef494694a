/**
 * Eq. 3, the Gemstones law without a parameter term `L = E + A·w^−α + B·d^−β + D'·D^−δ` over width w,
 * depth d and tokens D (seed 002 Eq. 3), prescribed by brute force over shapes.
 * @module
 */
import type { LawSpec } from "./types.ts";
import { prescribeByShape } from "./width_depth.ts";

/** Eq. 3's variables. */
export const EQ3_VARIABLES: readonly ["width", "depth", "tokens"] = ["width", "depth", "tokens"];

/** Eq. 3: 1,000 seeded LHS starts of the Gemstones box (the full grid has 135,000) and 20 bootstrap resamples. */
export const EQ3: LawSpec = {
  name: "eq3",
  equation: "L(w, d, D) = E + A·w^−α + B·d^−β + D'·D^−δ",
  source: "Gemstones (seed 002) Eq. 3",
  variables: EQ3_VARIABLES,
  fit: {
    huberDelta: 1e-4,
    grid: { kind: "lhs", starts: 1000, seed: 1 },
    bootstrapSamples: 20,
    bootstrapSeed: 1,
    bootstrapStarts: 4,
    budgets: [],
  },
  prescribe: prescribeByShape,
};
