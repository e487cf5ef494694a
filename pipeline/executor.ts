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

/** A unit was handed to a scheduler and left there (`--detach`): not a failure, collect it later. */
export class UnitDetachedError extends Error {
  /** Creates the error for stage `stageId`, submitted as `jobId`. */
  constructor(readonly stageId: string, readonly jobId: string) {
    super(`${stageId}: submitted as job ${jobId} and left to run (--detach); rerun to collect it`);
    this.name = "UnitDetachedError";
  }
}
