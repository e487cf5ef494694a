/**
 * Designing a scaling study: which shapes to train (`pickSpanning`) and, without a GPU, what their runs
 * would show under a known law (`simulateCheckpoints`). Pure functions, no I/O.
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
