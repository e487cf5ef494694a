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
export * from "./sources.ts";
export * from "./paper_figures.ts";
export * from "./fits_table.ts";
export * from "./figures/mod.ts";
export { diffFrontierFigure, diffPrescriptionFigure, type DiffSide } from "./figures/diff.ts";
// Types of the records the figure and comparison functions take, re-exported so the surface is self-contained.
export type {
  Approach1Method,
  Approach1Record,
  Approach3Record,
  FrontierPoint,
  IndustryRow,
  Interval,
  LawForm,
  OverspendRecord,
  OvertrainingRecord,
  PerceiverValRow,
  PowerLaw,
  PowerLawFit,
  Prescription,
  PrescriptionsRecord,
  SelectedRow,
  SelectSummary,
} from "../schemas.ts";
export type { LrSweepRow } from "../lr_sweep_table.ts";
export type { PerceiverExperimentRow } from "../../scaling/count/mod.ts";
