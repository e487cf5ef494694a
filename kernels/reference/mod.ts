/**
 * Float64 CPU reference of the Gemstones decoder: per-layer forward/backward functions, the whole
 * model's loss and gradients, AdamW with global-norm clipping, a `Backend` implementation, and
 * finite-difference helpers.
 * @module
 */
export * from "./layers.ts";
export * from "./model.ts";
export * from "./mixers.ts";
export * from "./recurrent.ts";
export * from "./gradcheck.ts";
export * from "./adamw.ts";
export * from "./backend.ts";
