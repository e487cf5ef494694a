/**
 * The DAG engine: stage contract, fingerprints, content-addressed store, locks, runner, status, gc,
 * publishing and the CLI. Nothing of the science lives here.
 * @module
 */
export type { Params, ParamValue, PipelineDefinition, Stage, StageContext } from "./stage.ts";
export {
  decideRun,
  type Job,
  type RunDecision,
  type RunOptions,
  runPipeline,
  StageFailedError,
  type StageResult,
} from "./runner.ts";
export { offThread, runInWorker } from "./off_thread.ts";
export {
  explainStage,
  formatStatus,
  planFingerprints,
  type Planned,
  type StageStatus,
  statusOf,
  type StatusOptions,
} from "./status.ts";
export { gc, type GcOptions, type GcResult, parseSize } from "./gc.ts";
export { type CliOptions, runCli, runEstimate } from "./cli.ts";
export { EXIT_INTERRUPTED, exitOnStopSignal, interruptedLines, RunProgress } from "./interrupt.ts";
export {
  explainChanges,
  type FingerprintContext,
  fingerprintDigest,
  type FingerprintFields,
  fingerprintFields,
  nodeIdOf,
  runtimeIdentity,
} from "./fingerprint.ts";
export { canonicalJson, hashFields, sha256File, sha256Hex } from "./hash.ts";
export { type FileHash, SourceSnapshot, StatHashCache } from "./statcache.ts";
export { type CodeGraph, CodeGraphCache } from "./codegraph.ts";
export {
  CachePaths,
  type Manifest,
  type OutputRecord,
  readManifest,
  type Verification,
  verifyEntry,
} from "./store.ts";
export { acquireLock, type HeldLock, type LockInfo, type LockOptions } from "./lock.ts";
export { sinks, topologicalOrder, withDependencies } from "./graph.ts";
export {
  barReporter,
  defaultReporter,
  formatTable,
  plainReporter,
  type Reporter,
  type TableRow,
} from "./progress.ts";
export { latestRun, readHistory, type RunHistory, type RunRecord } from "./runs.ts";
export {
  isPublished,
  publishBase,
  publishDir,
  publishedDifference,
  publishEntry,
  publishFolder,
  publishLeftovers,
  removePublishLeftovers,
} from "./publish.ts";
export {
  type ExecutorFlags,
  type ExecutorKind,
  type ExecutorSetup,
  type PreparedExecutor,
  UnitDetachedError,
  type UnitExecutor,
  type UnitRef,
  type UnitTask,
} from "./executor.ts";
export { SLURM_EXECUTOR, type SlurmSettings, slurmSettings } from "./executor_slurm_cli.ts";
export {
  batchScript,
  readSlurmConfig,
  type SlurmConfig,
  SlurmExecutor,
  type SlurmExecutorOptions,
  validateSlurmConfig,
} from "./executor_slurm.ts";
