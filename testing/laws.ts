/**
 * Law fixtures shared by the prescription tests and `bench/prescribe.ts`.
 * @module
 */
import type { AdditiveLaw } from "../scaling/law.ts";

/** An Eq. 2-form law (width, depth, params, tokens terms) with made-up but plausible coefficients; loss in nats. */
export const EQ2_TEST_LAW: AdditiveLaw = {
  E: 1.6,
  terms: [
    { variable: "width", A: 3, alpha: 0.3 },
    { variable: "depth", A: 0.5, alpha: 0.5 },
    { variable: "params", A: 400, alpha: 0.34 },
    { variable: "tokens", A: 410, alpha: 0.28 },
  ],
};
