/**
 * The DAG engine: stage contract, fingerprints, content-addressed store, locks, runner, status, gc,
 * publishing and the CLI. Nothing of the science lives here.
 * @module
 */
export type { Params, ParamValue, PipelineDefinition, Stage, StageContext } from "./stage.ts";
export { type RunOptions, runPipeline, StageFailedError, type StageResult } from "./runner.ts";
export {
  explainStage,
  formatStatus,
  planFingerprints,
  type StageStatus,
  statusOf,
  type StatusOptions,
} from "./status.ts";
export { gc, type GcOptions, type GcResult, parseSize } from "./gc.ts";
export { type CliOptions, runCli } from "./cli.ts";
export {
  explainChanges,
  fingerprintDigest,
  type FingerprintFields,
  fingerprintFields,
  runtimeIdentity,
  stageId,
} from "./fingerprint.ts";
export { canonicalJson, hashFields, sha256File, sha256Hex } from "./hash.ts";
export { StatHashCache } from "./statcache.ts";
export { type CodeGraph, CodeGraphCache } from "./codegraph.ts";
export { CachePaths, type Manifest, readManifest, verifyEntry } from "./store.ts";
export { acquireLock, type HeldLock, type LockInfo } from "./lock.ts";
export { sinks, topologicalOrder, withDependencies } from "./graph.ts";
export { barReporter, defaultReporter, formatTable, plainReporter, type Reporter } from "./progress.ts";
export { latestRun, readHistory, type RunRecord } from "./runs.ts";
export { publishDir, publishFolder } from "./publish.ts";
