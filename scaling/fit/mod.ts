/**
 * Scaling-law fitting: L-BFGS with a strong-Wolfe line search, the Huber loss, Approach 1 (bins and
 * lower convex hull), Approach 2 (isoFLOP parabolas), Approach 3 (additive law fitted in log space from
 * a grid of starts), bootstraps over runs and the sensitivity of a fit to its choices (Appendix D).
 * Pure library: no file I/O, deterministic.
 *
 * @example
 * ```ts
 * import { EQ1_VARIABLES, type FitPoint, fitApproach3 } from "./mod.ts";
 * const points: FitPoint[] = [
 *   { x: { params: 1e8, tokens: 1e10 }, lossNats: 3.1, group: "run-a" },
 *   // … one point per checkpoint
 * ];
 * const fit = fitApproach3(points, { variables: EQ1_VARIABLES }); // fit.law = { E, terms: [{ variable, A, alpha }] }
 * ```
 * @module
 */

export type * from "./types.ts";
export { huberDerivative, huberLoss } from "./huber.ts";
export { lbfgsMinimize, type Objective } from "./lbfgs.ts";
export { seededRng, type UniformRng as Rng } from "../../util/rng.ts";
export { gemstonesGridSize, GRID_ALPHAS, GRID_LOG_A, GRID_LOG_E } from "./grid.ts";
export { approach3Objective, approach3ObjectiveStable, type LogData, prepareLogData } from "./objective.ts";
export {
  EQ1_VARIABLES,
  EQ2_VARIABLES,
  EQ3_VARIABLES,
  fitApproach3,
  lawFromTheta,
  lawParameters,
  thetaFromLaw,
} from "./approach3.ts";
export { fitApproach3Parallel } from "./parallel.ts";
export { fitLogLog, predictPowerLaw } from "./ols.ts";
export { approach1Binning, approach1Hull, lowerConvexHull } from "./approach1.ts";
export { approach2IsoFlop, isoFlopBins, isoFlopLaws } from "./approach2.ts";
export { bootstrapApproach1, bootstrapApproach3, quantileSorted } from "./bootstrap.ts";
export {
  AUTHORS_OPTIMISER,
  FIGURE20_DELTAS,
  FIGURE20_GRID_SIZES,
  type GridSizePoint,
  gridSizeStudy,
  type GridSizeStudyOptions,
  type SensitivityCase,
  type SensitivityResult,
  sensitivityStudy,
} from "./sensitivity.ts";
