/**
 * Importers: every source of runs (Gemstones exports, Perceiver AR TensorBoard CSVs, industry models,
 * this project's training logs, any CSV/JSONL with a column mapping), each validating every record.
 * @module
 */
export * from "./validate.ts";
export * from "./table.ts";
export * from "./row.ts";
export * from "./gemstones.ts";
export * from "./perceiver.ts";
export * from "./industry.ts";
export * from "./own.ts";
export * from "./generic.ts";
