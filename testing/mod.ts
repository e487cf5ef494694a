/**
 * Helpers for tests and benchmarks, kept out of the production folders (no production module imports
 * them): kernel test inputs (`gpu.ts`), the Gemstones tables and synthetic points (`gemstones.ts`), the
 * report's inputs built without the engine (`report_fixture.ts`) and toy projects for the engine's own
 * tests (`engine/`).
 * @module
 */
export * from "./gpu.ts";
export * from "./gemstones.ts";
export * from "./report_fixture.ts";
export * from "./laws.ts";
export { makeToyProject, put, type ToyProject } from "./engine/toy_project.ts";
export { toyStages } from "./engine/toy_pipeline.ts";
