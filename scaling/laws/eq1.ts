/**
 * Eq. 1, Chinchilla's law `L(N, D) = E + A·N^−α + B·D^−β` over parameters N and tokens D (Hoffmann et
 * al. 2022 Eq. 2; Gemstones seed 002 Eq. 1), prescribed in closed form under C = 6ND.
 * @module
 */
import { chinchillaOptimum } from "../prescribe/chinchilla.ts";
import type { LawSpec } from "./types.ts";

/** Eq. 1's variables: L(N, D). */
export const EQ1_VARIABLES: readonly ["params", "tokens"] = ["params", "tokens"];

/** Eq. 1: the full Gemstones grid (4,500 starts) and 40 bootstrap resamples with N_opt/D_opt intervals. */
export const EQ1: LawSpec = {
  name: "eq1",
  equation: "L(N, D) = E + A·N^−α + B·D^−β",
  source: "Hoffmann et al. 2022 Eq. 2; Gemstones (seed 002) Eq. 1",
  variables: EQ1_VARIABLES,
  fit: {
    huberDelta: 1e-4,
    grid: "gemstones",
    bootstrapSamples: 40,
    bootstrapSeed: 1,
    bootstrapStarts: 8,
    budgets: [1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25],
  },
  optimum: chinchillaOptimum,
  prescribe(law, budgets) {
    return {
      method: "closed_form",
      flopsCounting: "C = 6ND",
      optima: budgets.map((flops) => {
        const o = chinchillaOptimum(law, flops);
        return {
          flops,
          params: o.paramsOpt,
          tokens: o.tokensOpt,
          width: null,
          depth: null,
          lossNats: o.lossNats,
          atBoundary: null,
        };
      }),
    };
  },
};
