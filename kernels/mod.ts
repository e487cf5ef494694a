/**
 * The trainer: model types, initialisation, RNG, the training loop with its config, schedules,
 * checkpoints and log, plus the float64 reference backend, the WebGPU backend and the data tools.
 * Backends and data are also re-exported as namespaces (`reference`, `gpu`, `data`) because their
 * per-layer functions share names.
 *
 * @example
 * ```ts
 * import { createGpuBackend, openCorpus, resolveTrainConfig, train } from "./kernels/mod.ts";
 * const cfg = resolveTrainConfig({ steps: 100, corpus: "data/corpus" });
 * const { data } = await openCorpus(cfg.corpus, cfg.seed, cfg.model.vocabSize);
 * const backend = await createGpuBackend(cfg.model);
 * await train(cfg, { backend, loader: data, outDir: "runs/x" });
 * ```
 * @module
 */
export * from "./types.ts";
export * from "../scaling/count/mixer.ts";
export * from "./batch.ts";
export * from "./init.ts";
export { Rng, type RngState } from "../util/rng.ts";
export * from "./train/mod.ts";
export { ReferenceBackend } from "./reference/backend.ts";
export { BACKEND_NAMES, type BackendName, backendOf, isBackendName } from "./backend_of.ts";
export { createGpuBackend, GpuBackend, type GpuBackendOptions } from "./gpu/backend.ts";
export { type Dispatch, GpuContext, type ParamValue as UniformValue } from "./gpu/context.ts";
export type { MatmulTile } from "./gpu/matmul.ts";
export { type LoaderState, TokenLoader } from "./data/loader.ts";
export { prepareCorpus, type PrepareOptions } from "./data/corpus.ts";
export { type MqarManifest, type MqarPrepareOptions, prepareMqar, resolveMqarPrepare } from "./data/mqar.ts";
export { ExampleLoader, type ExampleLoaderState } from "./data/examples.ts";
export type { CorpusSource, TokenFileHeader } from "./data/tokenfile.ts";
export { main as trainMain, parseTrainArgs, TRAIN_USAGE, type TrainArgs } from "./cli.ts";
export * as reference from "./reference/mod.ts";
export * as gpu from "./gpu/mod.ts";
export * as data from "./data/mod.ts";
