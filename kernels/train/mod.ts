/**
 * The training loop and what it needs: configuration with paper defaults, learning-rate schedules,
 * FLOP counting, checkpoints, the JSONL log and the corpus adapter.
 * @module
 */
export * from "./config.ts";
export * from "./schedule.ts";
export * from "./flops.ts";
export * from "./checkpoint.ts";
export * from "./log.ts";
export * from "./loop.ts";
export * from "./data.ts";
export * from "./throughput.ts";
export { exists, writeFileAtomic } from "../../util/fs.ts";
export { type RunResult, runResultOf } from "./result.ts";
