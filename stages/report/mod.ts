/**
 * The report and diff machinery: rendering (Vega-Lite -> SVG -> PNG), the figure functions, the
 * offline HTML page, reading upstream records, and the variant comparison.
 * @module
 */
export * from "./render.ts";
export * from "./html.ts";
export * from "./write.ts";
export * from "./load.ts";
export * from "./compare.ts";
export * from "./figures_of_variant.ts";
export * from "./figures/mod.ts";
export { diffFrontierFigure, diffPrescriptionFigure, type DiffSide } from "./figures/diff.ts";
