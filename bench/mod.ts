/**
 * Every benchmark of the project and its external baselines (`scipy_baseline.py`, `torch_baseline.py`).
 * `main.ts` is `deno task bench`; each suite module also runs on its own (see its header). Benchmarks
 * print figures and assert nothing; speed is measured here, never in timed tests.
 * @module
 */
export { benchEngine, benchStages } from "./engine.ts";
export { benchScaling } from "./scaling.ts";
export { benchPrescribe } from "./prescribe.ts";
export { benchSplit, type SplitBenchOptions } from "./split.ts";
export {
  benchKernels,
  type BenchOptions,
  type BenchResult,
  cpuMatmulGflops,
  type MatmulResult,
  nominalGflops,
  type StepFigures,
  type TrainResult,
  writeBenchJson,
} from "./kernels.ts";
