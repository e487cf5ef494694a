/**
 * Executors: where the work of a *unit stage* runs. A unit stage (`Stage.unit`, e.g. `train.<run>`) writes
 * a self-contained unit of work into a folder the executor names (`unitDir`) and hands it over with
 * `run`; when `run` resolves, the unit's outputs are in that folder and the stage copies them into its
 * output folder, which the engine commits to the store as usual. So a unit's store entry is the same
 * whichever executor ran it (its fingerprint does not include the executor).
 *
 * Without an executor a unit stage runs its unit in this process (the local executor). A remote
 * executor (`remote: true`, e.g. Slurm) only waits while its units run elsewhere, so the runner does not
 * count its unit stages against `--jobs`.
 * @module
 */

/** A unit handed to an executor. */
export interface UnitRef {
  /** Node id of the stage (e.g. "train.nano_32x1"). */
  readonly stageId: string;
  /** The stage's fingerprint (hex SHA-256), which names the unit. */
  readonly fingerprint: string;
  /** The unit's folder (from `unitDir`), holding its spec file. */
  readonly dir: string;
  /** Append a line to the stage's log. */
  log(line: string): void;
  /** Report the unit's progress (`done` of `total`, e.g. steps) with a short message. */
  progress(done: number, total: number, message?: string): void;
}

/** Runs units of work, here or elsewhere. */
export interface UnitExecutor {
  /** Name, as given to `--executor`. */
  readonly name: string;
  /** True when units run elsewhere and `run` only waits (they do not use this machine's cores). */
  readonly remote: boolean;
  /** Returns the folder of the unit named by `fingerprint` (on storage its workers can reach). */
  unitDir(fingerprint: string): string;
  /**
   * Runs the unit whose spec is in `unit.dir`; resolves once its outputs are there, rejects naming the
   * unit (and, for a scheduler, its job id and log) when it failed. `runHere` runs it in this process.
   */
  run(unit: UnitRef, runHere: () => Promise<void>): Promise<void>;
}

/** What a scheduler's node runs for one unit (the pipeline's `unitTask`); `$UNIT` holds the unit's folder. */
export interface UnitTask {
  /** Returns the shell command that runs the unit in `"$UNIT"`, given how the node runs Deno and the folders it may read and write. */
  command(deno: string, readable: readonly string[], writable: readonly string[]): string;
  /** True when the unit folder holds finished outputs. */
  isComplete(dir: string): Promise<boolean>;
  /** Optional: the unit's progress (`done` of `total`, e.g. steps) read from its folder; null before any. */
  progress?(dir: string): Promise<{ done: number; total: number } | null>;
}

/** A unit was handed to a scheduler and left there (`--detach`): not a failure, collect it later. */
export class UnitDetachedError extends Error {
  /** Creates the error for stage `stageId`, submitted as `jobId`. */
  constructor(readonly stageId: string, readonly jobId: string) {
    super(`${stageId}: submitted as job ${jobId} and left to run (--detach); rerun to collect it`);
    this.name = "UnitDetachedError";
  }
}

/** The flags of an executor kind, as node:util parseArgs declares them. */
export type ExecutorFlags = Readonly<Record<string, { type: "string" | "boolean"; multiple?: boolean }>>;

/** What `reproduce` hands an executor kind when it builds the executor for one variant's run. */
export interface ExecutorSetup {
  /** Absolute project root. */
  readonly root: string;
  /** What a node runs for one unit (the pipeline's `unitTask`). */
  readonly task: UnitTask;
  /** Fingerprints (hex SHA-256) of the units this run will hand over (not in the store, or forced). */
  readonly expected: readonly string[];
  /** Where status lines go. */
  readonly write: (line: string) => void;
}

/** An executor built for one run, with what a dry run says of it. */
export interface PreparedExecutor {
  /** The executor. */
  readonly executor: UnitExecutor;
  /** Lines a `--dry-run` prints: what would be handed over, and how (e.g. the batch script). */
  describe(): string[];
}

/**
 * The command-line side of a remote executor (e.g. Slurm): its name for `--executor`, the flags it owns
 * and their help, and how it is built from them. The generic CLI (pipeline/cli.ts) knows none of them: it
 * is handed the kinds it offers (`CliOptions.executors`).
 */
export interface ExecutorKind {
  /** Name given to `--executor`, e.g. "slurm". */
  readonly name: string;
  /** How the help and errors name its flags, e.g. "Slurm". */
  readonly label: string;
  /** One line for `--executor`'s help: what this executor does. */
  readonly summary: string;
  /** The flags it owns (accepted by `reproduce` only together with `--executor <name>`). */
  readonly flags: ExecutorFlags;
  /** Help text of its flags (one or more lines). */
  readonly help: string;
  /**
   * Reads its settings from the parsed flag values (and any settings file under `root`); throws a
   * `UsageError` (cli/mod.ts) on a bad flag, an Error naming the file and field on a bad settings file.
   */
  settings(values: Readonly<Record<string, unknown>>, root: string): Promise<unknown>;
  /** Builds the executor of one run from `settings` (as returned by `settings`). */
  prepare(settings: unknown, setup: ExecutorSetup): PreparedExecutor;
  /**
   * Returns what `status` adds for a unit stage that is not in the store, by the unit's fingerprint (e.g.
   * "submitted as job 77_1"; null: nothing to say), reading its settings once per command.
   */
  unitNotes?(root: string, task: UnitTask): Promise<(fingerprint: string) => Promise<string | null>>;
}
