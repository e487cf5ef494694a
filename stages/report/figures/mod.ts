/**
 * The report's figures: pure functions from typed data to Vega-Lite specs with captions.
 * @module
 */
export * from "./common.ts";
export * from "./width_depth.ts";
export * from "./approach1.ts";
export * from "./approach3.ts";
export * from "./rainbow.ts";
export * from "./overspend.ts";
export * from "./overtraining.ts";
export * from "./flop_counting.ts";
export * from "./loss_curves.ts";
export * from "./perceiver.ts";
export * from "./lr_sweep.ts";
export * from "./sensitivity.ts";
export * from "./mup_sweep.ts";
export * from "./prescriptions.ts";
