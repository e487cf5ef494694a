/**
 * Judging fits: the health verdict of an Approach 3 fit (typed findings) and backtests that hold out
 * the largest-compute rows or runs. Pure library, beside the fitter; stages only run it and record it.
 *
 * @example
 * ```ts
 * import { judgeApproach3 } from "./mod.ts";
 * import { fitApproach3 } from "../fit/mod.ts";
 * // const fit = fitApproach3(points, { variables: ["params", "tokens"] });
 * // judgeApproach3(points, fit) -> { verdict: "ok" | "warn" | "refused", findings: [{ code, message }] }
 * ```
 * @module
 */
export {
  type Approach3Health,
  checkIdentifiable,
  type Conditioning,
  conditioningAt,
  type FitHealth,
  HEALTH_CODES,
  HEALTH_LIMITS,
  type HealthCode,
  type HealthFinding,
  type HealthMeasures,
  type HealthOptions,
  judgeApproach3,
  judgePowerLaws,
  quadraticTrend,
  type Verdict,
  verdictOf,
} from "./health.ts";
export {
  type Backtest,
  backtestApproach3,
  type BacktestOptions,
  type HeldOutRow,
  largestGroups,
  largestRows,
} from "./backtest.ts";
export { inverseFromEigen, type SymmetricEigen, symmetricEigen } from "./linalg.ts";
