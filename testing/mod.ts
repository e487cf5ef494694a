/**
 * Helpers for tests and benchmarks, kept out of the production folders (no production module imports
 * them): kernel test inputs (`gpu.ts`), the Gemstones tables and synthetic points (`gemstones.ts`), the
 * report's inputs built without the engine (`report_fixture.ts`) and the paper walk of its page (`report_page.ts`), toy projects for the engine's own
 * tests (`engine/`) and the training loop's test seams (`train_seams.ts`; `train_cli_slowed.ts` is the
 * trainer's command line with slowed steps, run as a child process).
 * @module
 */
export * from "./gpu.ts";
export * from "./gemstones.ts";
export * from "./report_fixture.ts";
export * from "./laws.ts";
export { type PaperWalk, paperWalk } from "./report_page.ts";
export { makeToyProject, put, type ToyProject } from "./engine/toy_project.ts";
export { toyStages } from "./engine/toy_pipeline.ts";
export { nanAtStep, slowSteps } from "./train_seams.ts";
