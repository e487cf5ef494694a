/**
 * The stages of the fitting half of the pipeline and their output schemas: collect, select, the fit
 * stages (Approaches 1-3, prescriptions, overtraining, overspend), the variants, the pipeline
 * definition and the `fit` CLI. Importers live in `./importers/mod.ts`.
 * @module
 */
export * from "./schemas.ts";
export * from "./variants.ts";
export { COLLECT_OUTPUTS, collectStage, collectTables, DEFAULT_COLLECT_PARAMS } from "./collect.ts";
export { countingOf, PARAM_CONVENTIONS } from "../scaling/count/mod.ts";
export type { CollectedTables, CollectParams, UserTableParam } from "./collect.ts";
export { SELECTED_COLUMNS, selectParams, selectRows, selectStage } from "./select.ts";
export type { SelectParams } from "./select.ts";
export { approach1Record, approach1Stage, DEFAULT_APPROACH1 } from "./fit_approach1.ts";
export { approach2Record, approach2Stage, DEFAULT_APPROACH2 } from "./fit_approach2.ts";
export {
  approach3Record,
  approach3Stage,
  DEFAULT_FIT_OPTIONS,
  fitPointsOf,
  FORM_VARIABLES,
} from "./fit_approach3.ts";
export type { FitOptions } from "./fit_approach3.ts";
export { DEFAULT_PRESCRIBE, prescribeBudgets, prescribeStage, prescriptionsRecord } from "./fit_prescribe.ts";
export { DEFAULT_OVERTRAINING_BUDGETS, overtrainingRecord, overtrainingStage } from "./fit_overtraining.ts";
export { overspendRecord, overspendStage } from "./fit_overspend.ts";
export { buildVariant, definition, fitStages, PROFILES, PUBLISH } from "./pipeline.ts";
export { FIT_USAGE, type FitCliResult, runFitCli } from "./fit_cli.ts";
export type { SelectPurpose } from "./select.ts";
export type { Approach1Params } from "./fit_approach1.ts";
export type { Approach2Params } from "./fit_approach2.ts";
export type { Approach3Params } from "./fit_approach3.ts";
export type { PrescribeParams } from "./fit_prescribe.ts";
export type { OvertrainingParams } from "./fit_overtraining.ts";
export type { OverspendParams } from "./fit_overspend.ts";
// Types of other layers that the signatures above use, re-exported so the surface is self-contained.
export type { Params, ParamValue, PipelineDefinition, Stage, StageContext } from "../pipeline/stage.ts";
export type { AdditiveLaw, LawTerm } from "../scaling/law.ts";
export type { FitPoint } from "../scaling/fit/mod.ts";
export type { ShapeSpec } from "../scaling/count/mod.ts";
