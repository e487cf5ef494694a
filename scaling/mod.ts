/**
 * The science of scaling laws as a pure library: counting (parameters, FLOPs, memory, time), law forms,
 * fitting (Huber, L-BFGS, convex hull, bins, isoFLOP, Approach 3, bootstrap), the law registry, judging
 * fits (health verdicts, backtests) and prescriptions.
 * No engine, no GPU, no file I/O.
 *
 * @example
 * ```ts
 * import { chinchillaOptimum, CHINCHILLA_LAW, gemstonesParams } from "./mod.ts";
 * const params = gemstonesParams({ width: 1024, depth: 28 }); // parameters, embeddings included
 * const opt = chinchillaOptimum(CHINCHILLA_LAW, 1e21); // paramsOpt, tokensOpt at 1e21 FLOPs
 * ```
 * @module
 */
export * from "./law.ts";
export * from "./logspace.ts";
export * from "./count/mod.ts";
export * from "./fit/mod.ts";
export * from "./prescribe/mod.ts";
export * from "./design/mod.ts";
export * from "./laws/mod.ts";
export * from "./judge/mod.ts";
export * from "./state/mod.ts";
