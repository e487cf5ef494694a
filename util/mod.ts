/**
 * Small dependency-free helpers used by every layer (engine, science, kernels, stages), each written once:
 * crash-safe file writes (`fs.ts`), hex digests (`hex.ts`), canonical JSON (`json.ts`) and seeded random
 * numbers (`rng.ts`). Nothing here imports another folder of the project.
 * @module
 */
export * from "./fs.ts";
export * from "./hex.ts";
export * from "./json.ts";
export * from "./rng.ts";
