/**
 * Prescriptions from fitted laws: the closed-form Chinchilla optimum, the compute-optimal width and
 * depth of the Gemstones laws, overtraining curves at fixed FLOPs and the overspend of sub-optimal
 * shapes. Pure functions, no I/O.
 * @module
 */
export { type ChinchillaOptimum, chinchillaOptimum, chinchillaTerms } from "./chinchilla.ts";
export { lawLossWithoutTokens, lawTokensTerm, type TokensTerm } from "./law_parts.ts";
export {
  buildWidthDepthGrid,
  depthBounds,
  prescribeOnGrid,
  prescribeWidthDepth,
  prescribeWidthDepthCurve,
  type WidthDepthGrid,
  type WidthDepthOptions,
  type WidthDepthPrescription,
  type WidthDepthSettings,
  widthDepthSettings,
} from "./width_depth.ts";
export { OVERTRAINING_FACTORS, overtrainingCurve, type OvertrainingPoint } from "./overtraining.ts";
export {
  type MeasuredOverspend,
  measuredOverspend,
  type MeasuredPoint,
  overspend,
  overspendGrid,
  type OverspendOptions,
  type OverspendResource,
  type OverspendResult,
  tokensToReachLoss,
} from "./overspend.ts";
