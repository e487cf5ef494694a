/**
 * The stage contract: what every node of the pipeline DAG declares, and what it is handed when it runs.
 *
 * A stage is a plain object. The engine fingerprints it from its `name`, its code (`module` and every
 * local module that module imports, transitively), its canonical parameters, the content of its
 * declared `inputs`, the fingerprints of its `deps`, the runtime and an optional environment identity.
 *
 * @example
 * ```ts
 * import type { Stage } from "./stage.ts";
 * export const hello: Stage<{ greeting: string }> = {
 *   name: "hello",
 *   module: import.meta.url,
 *   deps: [],
 *   params: { greeting: "hi" },
 *   inputs: [],
 *   outputs: ["hello.txt"],
 *   async run(ctx) {
 *     await Deno.writeTextFile(`${ctx.outDir}/hello.txt`, ctx.params.greeting);
 *   },
 * };
 * ```
 * @module
 */
import type { UnitExecutor, UnitTask } from "./executor.ts";

/** A JSON value allowed as a stage parameter (canonicalised with sorted keys before hashing). */
export type ParamValue = string | number | boolean | null | ParamValue[] | { [key: string]: ParamValue };

/** A stage's parameters: a JSON object. */
export type Params = { [key: string]: ParamValue };

/** What a running stage is handed by the engine. */
export interface StageContext<P extends Params = Params> {
  /** The node id of this stage in the graph. */
  readonly id: string;
  /** The validated parameters. */
  readonly params: P;
  /** Absolute path of a fresh temporary folder; the stage writes its declared outputs here and nowhere else. */
  readonly outDir: string;
  /** Absolute path of the project root; declared inputs are read relative to it. */
  readonly root: string;
  /** Upstream node id -> absolute path of that stage's (read-only) output folder. */
  readonly deps: Readonly<Record<string, string>>;
  /** Report progress: `done` of `total` units (e.g. steps), with an optional short message. */
  progress(done: number, total: number, message?: string): void;
  /** Append a line to this stage's log file. */
  log(line: string): void;
  /** Aborted when the run is cancelled. */
  readonly signal: AbortSignal;
  /** This stage's fingerprint (hex SHA-256; names its store entry and, for a unit stage, its unit). */
  readonly fingerprint?: string;
  /** Where a unit stage's unit runs (undefined: in this process). */
  readonly executor?: UnitExecutor;
}

/** A node of the pipeline DAG. */
export interface Stage<P extends Params = Params> {
  /** What the stage is (e.g. "collect"); part of the fingerprint. */
  readonly name: string;
  /** Node id, unique in the graph (defaults to `name`); not part of the fingerprint, so the same
   * stage under two ids with equal parameters shares one store entry. */
  readonly id?: string;
  /** `import.meta.url` of the module defining `run`; its local import graph is fingerprinted. */
  readonly module: string;
  /** Node ids of upstream stages. */
  readonly deps: readonly string[];
  /** Parameters (defaults already applied by the stage factory). */
  readonly params: P;
  /** Validate parameters; throw an Error naming the field and what was expected. */
  validate?(params: Params): P;
  /** Files or folders read by the stage, relative to the project root (folders hashed recursively). */
  readonly inputs: readonly string[];
  /** Files the stage writes, relative to its `outDir` (a trailing "/" declares a folder). */
  readonly outputs: readonly string[];
  /**
   * Optional: how to rebuild this stage in a Web Worker, so that the runner runs it off the main thread
   * (another core): the name of the exported factory of `module` that returned it, and its arguments
   * (structured-cloneable). Set by `offThread` (pipeline/off_thread.ts); not part of the fingerprint.
   */
  readonly worker?: { readonly factory: string; readonly args: readonly unknown[] };
  /** True for a unit stage: its `run` hands a unit of work to `ctx.executor` (see pipeline/executor.ts). */
  readonly unit?: boolean;
  /** Optional environment identity (e.g. the GPU adapter) folded into the fingerprint. */
  envIdentity?(): Promise<string>;
  /** Do the work; write only into `ctx.outDir`. */
  run(ctx: StageContext<P>): Promise<void>;
}

/** A pipeline definition: how the CLI builds the graph for a variant (and for a diff of two). */
export interface PipelineDefinition {
  /** Names of the known variants, default first. */
  readonly variants: readonly string[];
  /** Names of the known profiles (e.g. "paper", "micro"), default first. */
  readonly profiles: readonly string[];
  /** Build the stages of one variant under one profile. Throws, listing valid names, on an unknown one. */
  build(options: { variant: string; profile: string }): Stage[];
  /** Build the graph that diffs two variants (their stages plus a diff stage), if supported. */
  diff?(options: { a: string; b: string; profile: string }): Stage[];
  /** Node ids whose outputs are published under `reports/<variant>/` after a run. */
  readonly publish?: readonly string[];
  /**
   * Node ids of the diff graph of `a` and `b` published under `reports/diff/<A>-vs-<B>/` (default: its sink
   * stages). A published stage's `summary.txt`, if it wrote one, is printed to the terminal.
   */
  diffPublish?(options: { a: string; b: string }): readonly string[];
  /** What a cluster node runs for one unit of a unit stage (needed by `--executor slurm`). */
  readonly unitTask?: UnitTask;
  /**
   * Says up front what running the stages in `toRun` on this machine would cost; `stop: true` ends a
   * `reproduce` before anything runs unless it was given `--accept-cost`. Null: nothing worth saying.
   */
  preflight?(
    stages: readonly Stage[],
    toRun: ReadonlySet<string>,
  ): Promise<{ message: string; stop: boolean } | null>;
}
