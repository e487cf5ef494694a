/**
 * Eq. 2, the Gemstones width-depth law `L = E + A·w^−α + B·d^−β + C·N^−γ + D'·D^−δ` over width w,
 * depth d, parameters N and tokens D (seed 002 Eq. 2), prescribed by brute force over shapes.
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

/** Eq. 2: 1,000 seeded LHS starts of the Gemstones box (the full grid has 4,050,000) and 20 bootstrap resamples. */
export const EQ2: LawSpec = {
  name: "eq2",
  equation: "L(w, d, N, D) = E + A·w^−α + B·d^−β + C·N^−γ + D'·D^−δ",
  source: "Gemstones (seed 002) Eq. 2",
  variables: EQ2_VARIABLES,
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
