/**
 * Designing a scaling study: which shapes to train (`pickSpanning`) and, without a GPU, what their runs
 * would show under a known law (`simulateCheckpoints`), and what a study costs on a measured device
 * (`planStudy`, `fitThroughput`, `checkpointSteps`). Pure functions, no I/O.
 * @module
 */
export { pickSpanning, type SpanningPick } from "./spanning.ts";
export {
  simulateCheckpoints,
  type SimulatedCheckpoint,
  type SimulatedModel,
  type SimulationOptions,
  validateSimulationOptions,
} from "./simulate.ts";
export {
  checkpointSteps,
  fitThroughput,
  formatPlan,
  type PlannedRun,
  type PlanRun,
  planStudy,
  secondsPerToken,
  type StudyPlan,
  type ThroughputModel,
  type ThroughputSample,
} from "./budget.ts";
