/**
 * The rule that calls a backtest failed, one for the pipeline's report and for `deno task fit`: the law,
 * fitted without the largest rows, misses them by more than 2 % on average. Imports types only, so a
 * module that needs just the rule (the report) does not depend on the fitting code.
 * @module
 */
import type { HealthFinding } from "./health.ts";
import type { HeldOutRow } from "./backtest.ts";

/** A mean |relative error| of the held-out losses above this (2 %) counts as a failed backtest. */
export const BACKTEST_FAIL = 0.02;

/**
 * Returns the finding `backtest_failed` when the held-out rows' mean |relative error| exceeds
 * {@link BACKTEST_FAIL}, naming the worst row (`lineOf(row)`: how the caller names a row, e.g. its input
 * line), else null.
 */
export function backtestFinding(
  bt: { readonly heldOut: readonly HeldOutRow[]; readonly meanAbsRelError: number },
  lineOf: (row: number) => string = (row) => `row ${row + 1}`,
): HealthFinding | null {
  if (!(bt.meanAbsRelError > BACKTEST_FAIL)) return null;
  const worst = bt.heldOut.reduce((a, b) => (Math.abs(b.relError) > Math.abs(a.relError) ? b : a));
  const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
  return {
    code: "backtest_failed",
    message: `the ${bt.heldOut.length} held-out row(s) are missed by ${pct(bt.meanAbsRelError)} on average ` +
      `(more than ${pct(BACKTEST_FAIL)}); worst ${lineOf(worst.row)}: ${worst.relError > 0 ? "+" : ""}${
        pct(worst.relError)
      }`,
  };
}
