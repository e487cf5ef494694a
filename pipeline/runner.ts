/**
 * The runner: fingerprints every stage before running anything, restores verified store entries, and
 * runs the rest in topological order — independent stages in parallel up to the job limit, each stage that
 * declares a `worker` in a Web Worker of its own (so N jobs keep N cores busy) — each into a temporary
 * folder committed to the store under a per-entry lock.
 * @module
 */
import type { Stage, StageContext } from "./stage.ts";
import { nodeIdOf, validatedParams } from "./fingerprint.ts";
import { withDependencies } from "./graph.ts";
import {
  CachePaths,
  collectOutputs,
  commitEntry,
  type Manifest,
  type OutputRecord,
  touchEntry,
  verifyEntry,
} from "./store.ts";
import { acquireLock } from "./lock.ts";
import { latestRun, recordRun } from "./runs.ts";
import { explainStage, planFingerprints, type Planned, saveCaches, type StageStatus } from "./status.ts";
import type { Reporter } from "./progress.ts";
import { hostName } from "./fsutil.ts";
import { runtimeIdentity } from "./fingerprint.ts";
import { runInWorker } from "./off_thread.ts";
import type { UnitExecutor } from "./executor.ts";
import { randomHex } from "../util/fs.ts";

/** Options of `runPipeline`. */
export interface RunOptions {
  /** Absolute project root; the store lives in `<root>/.cache`. */
  root: string;
  /** Profile name under which the run is recorded (default "default"). */
  profile?: string;
  /** Variant name under which the run is recorded (default "default"). */
  variant?: string;
  /** Node ids to recompute even when cached. */
  force?: readonly string[];
  /** Run only this node and its dependencies. */
  only?: string;
  /** Decide and explain, run nothing, write no record. */
  dryRun?: boolean;
  /** Maximum stages running at once (default navigator.hardwareConcurrency). */
  jobs?: number;
  /** Where decisions and progress go (default: nothing). */
  reporter?: Reporter;
  /** Age in ms after which a lock without heartbeat is stale (default 30 000). */
  lockStaleMs?: number;
  /** Where unit stages run their units (default: in this process). */
  executor?: UnitExecutor;
  /**
   * What `decideRun` decided for the same stages and options (e.g. for a preflight), so the graph is
   * fingerprinted and explained once per command (default: decided here).
   */
  decision?: RunDecision;
}

/** The outcome of one stage. */
export interface StageResult {
  /** Node id. */
  id: string;
  /** Fingerprint (hex SHA-256) = store entry name. */
  fingerprint: string;
  /** True when restored from the store (or, in a dry run, when it would be). */
  cached: boolean;
  /** Wall time in seconds spent on the stage in this run (0 in a dry run). */
  seconds: number;
  /** Absolute path of the stage's output folder in the store. */
  outDir: string;
  /** Why it was cached or ran, in words. */
  reasons: string[];
  /** The entry's output records (paths, sizes in bytes, SHA-256); empty in a dry run for a stage that would run. */
  outputs: readonly OutputRecord[];
}

/** A stage failed: names the stage, the error and where its log was kept. */
export class StageFailedError extends Error {
  /** Creates the error for stage `stageId` with the log kept at `logPath`. */
  constructor(readonly stageId: string, readonly logPath: string, override readonly cause: unknown) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    super(`stage ${stageId} failed: ${msg}\n  log: ${logPath}`);
    this.name = "StageFailedError";
  }
}

function isoNow(): string {
  return new Date().toISOString();
}

/** One selected stage of a run, decided before anything runs. */
export interface Job {
  /** The stage. */
  readonly stage: Stage;
  /** Its node id. */
  readonly id: string;
  /** Its fingerprint (hex SHA-256). */
  readonly fingerprint: string;
  /** Whether its entry is cached, and why (a forced stage's reasons say so first). */
  readonly status: StageStatus;
  /** True when `--force` names it. */
  readonly forced: boolean;
}

/** What a run will do: the graph's fingerprints (with the caches used) and the selected stages' status. */
export interface RunDecision {
  /** Fingerprints and caches of the whole graph. */
  readonly plan: Planned;
  /** The selected stages, in topological order. */
  readonly jobs: readonly Job[];
  /** Node ids of the whole graph. */
  readonly known: ReadonlySet<string>;
  /** The ids `only` selects (undefined: every stage). */
  readonly selected?: ReadonlySet<string>;
}

/** Fingerprints a graph and says for each selected stage whether it would run and why; runs nothing, saves
 * nothing (the caches are saved by the run or by `saveCaches`). Throws on an unknown `--force` id. */
export async function decideRun(
  stages: readonly Stage[],
  options: Pick<RunOptions, "root" | "profile" | "variant" | "force" | "only">,
): Promise<RunDecision> {
  const paths = new CachePaths(options.root);
  const plan = await planFingerprints(stages, paths);
  const selected = options.only !== undefined ? withDependencies(stages, options.only) : undefined;
  const force = new Set(options.force ?? []);
  const known = new Set(plan.order.map(nodeIdOf));
  for (const id of force) {
    if (!known.has(id)) throw new Error(`--force ${id}: unknown stage (known: ${[...known].join(", ")})`);
  }
  const previous = await latestRun(paths, options.profile ?? "default", options.variant ?? "default");
  const jobs: Job[] = [];
  for (const stage of plan.order) {
    const id = nodeIdOf(stage);
    if (selected && !selected.has(id)) continue;
    const fingerprint = plan.fingerprints.get(id)!;
    const status = await explainStage(
      paths,
      plan.hashes,
      id,
      plan.fields.get(id)!,
      fingerprint,
      previous[id],
    );
    const forced = force.has(id);
    if (forced) status.reasons = ["forced (--force)", ...status.reasons];
    jobs.push({ stage, id, fingerprint, status, forced });
  }
  return { plan, jobs, known, selected };
}

/** Runs a graph of stages and returns one result per selected stage, in topological order; throws
 * `StageFailedError` (after in-flight stages settle) when a stage fails. */
export async function runPipeline(stages: readonly Stage[], options: RunOptions): Promise<StageResult[]> {
  const paths = new CachePaths(options.root);
  const profile = options.profile ?? "default";
  const variant = options.variant ?? "default";
  const reporter = options.reporter;
  const { plan, jobs, known, selected } = options.decision ?? await decideRun(stages, options);
  if (options.dryRun) {
    await saveCaches(plan);
    return jobs.map((j) => {
      const cached = j.status.cached && !j.forced;
      return {
        id: j.id,
        fingerprint: j.fingerprint,
        cached,
        seconds: 0,
        outDir: paths.outDir(j.fingerprint),
        reasons: j.status.reasons,
        outputs: cached ? j.status.outputs ?? [] : [],
      };
    });
  }

  await Deno.mkdir(paths.tmp, { recursive: true });
  const startedAt = isoNow();
  const limit = Math.max(1, options.jobs ?? navigator.hardwareConcurrency ?? 1);
  const abort = new AbortController();
  const results = new Map<string, StageResult>();
  const pending = new Map(jobs.map((j) => [j.id, j]));
  const running = new Map<string, Promise<void>>();
  // Unit stages of a remote executor only wait: they do not count against the job limit.
  const waiting = new Set<string>();
  const counts = () => running.size - waiting.size;
  let failure: unknown;

  const runJob = async (job: Job): Promise<void> => {
    const t0 = performance.now();
    const { cached, outputs } = await obtain(job, paths, plan.hashes, reporter, options, abort.signal);
    const seconds = (performance.now() - t0) / 1000;
    reporter?.stageEnd(job.id, cached, seconds);
    results.set(job.id, {
      id: job.id,
      fingerprint: job.fingerprint,
      cached,
      seconds,
      outDir: paths.outDir(job.fingerprint),
      reasons: job.status.reasons,
      outputs,
    });
  };

  try {
    while (pending.size > 0 || running.size > 0) {
      if (failure === undefined) {
        for (const job of [...pending.values()]) {
          const remote = options.executor?.remote === true && job.stage.unit === true;
          if (!remote && counts() >= limit) continue;
          const ready = job.stage.deps.every((d) =>
            results.has(d) || (selected !== undefined && !selected.has(d))
          );
          if (!ready) continue;
          pending.delete(job.id);
          if (remote) waiting.add(job.id);
          const p = runJob(job).catch((e) => {
            if (failure === undefined) failure = e;
            abort.abort(e);
          }).finally(() => {
            running.delete(job.id);
            waiting.delete(job.id);
          });
          running.set(job.id, p);
        }
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
  } finally {
    await saveCaches(plan);
  }
  if (failure !== undefined) throw failure;
  if (pending.size > 0) throw new Error(`stages never became ready: ${[...pending.keys()].join(", ")}`);
  const ordered = jobs.map((j) => results.get(j.id)!);
  await recordRun(paths, profile, variant, {
    startedAt,
    endedAt: isoNow(),
    stages: Object.fromEntries(ordered.map((r) => [r.id, r.fingerprint])),
  }, [...known]);
  return ordered;
}

/** Restores or computes one stage; returns whether it came from the store, and its output records. */
async function obtain(
  job: Job,
  paths: CachePaths,
  hashes: Parameters<typeof verifyEntry>[2],
  reporter: Reporter | undefined,
  options: RunOptions,
  signal: AbortSignal,
): Promise<{ cached: boolean; outputs: readonly OutputRecord[] }> {
  const { id, fingerprint } = job;
  if (!job.forced && job.status.cached && job.status.outputs) {
    touchEntry(paths, fingerprint);
    return { cached: true, outputs: job.status.outputs };
  }
  let done: readonly OutputRecord[] | undefined;
  const isDone = async () => {
    if (job.forced) return false;
    const v = await verifyEntry(paths, fingerprint, hashes);
    if (v.ok) done = v.manifest.outputs;
    return v.ok;
  };
  const lock = await acquireLock(paths.lock(fingerprint), {
    staleMs: options.lockStaleMs,
    signal,
    satisfied: isDone,
    onWait: (holder) =>
      reporter?.line(
        `[wait] ${id}: entry ${fingerprint.slice(0, 12)} is being computed by ${
          holder ? `pid ${holder.pid} on ${holder.hostname}` : "another process"
        }`,
      ),
  });
  if (!lock) {
    // Another process committed the entry while this one waited (the lock's `satisfied` check).
    touchEntry(paths, fingerprint);
    return { cached: true, outputs: done ?? [] };
  }
  try {
    if (await isDone()) {
      touchEntry(paths, fingerprint);
      return { cached: true, outputs: done ?? [] };
    }
    reporter?.line(`[why] ${id}: ${job.status.reasons.join("; ")}`);
    const outputs = await compute(job, paths, hashes, reporter, signal, options.executor);
    return { cached: false, outputs };
  } finally {
    await lock.release();
  }
}

/** Runs a stage into a temporary folder and commits it to the store; returns its output records; throws
 * StageFailedError. */
async function compute(
  job: Job,
  paths: CachePaths,
  hashes: Parameters<typeof verifyEntry>[2],
  reporter: Reporter | undefined,
  signal: AbortSignal,
  executor: UnitExecutor | undefined,
): Promise<OutputRecord[]> {
  const { stage, id, fingerprint } = job;
  const build = `${paths.tmp}/${fingerprint.slice(0, 16)}-${Deno.pid}-${randomHex(8)}`;
  const outDir = `${build}/out`;
  const logPath = `${build}/log.txt`;
  await Deno.mkdir(outDir, { recursive: true });
  await Deno.writeTextFile(logPath, `# stage ${id} fingerprint ${fingerprint} started ${isoNow()}\n`);
  const log = (line: string) => Deno.writeTextFileSync(logPath, `${line}\n`, { append: true });
  const deps: Record<string, string> = {};
  for (const dep of stage.deps) {
    deps[dep] = paths.outDir(job.status.fields.deps.find((d) => d.id === dep)!.fingerprint);
  }
  const startedAt = isoNow();
  const t0 = performance.now();
  reporter?.stageStart(id);
  try {
    const ctx: StageContext = {
      id,
      params: validatedParams(stage),
      outDir,
      root: paths.root,
      deps,
      progress: (done, total, message) => reporter?.stageProgress(id, done, total, message),
      log,
      signal,
      fingerprint,
      executor,
    };
    // A stage that says how to rebuild it runs in its own worker (another core); the others run here.
    await (stage.worker ? runInWorker(stage, ctx) : stage.run(ctx));
    const outputs = await collectOutputs(id, outDir, stage.outputs, hashes);
    const seconds = (performance.now() - t0) / 1000;
    const manifest: Manifest = {
      version: 1,
      fingerprint,
      id,
      fields: job.status.fields,
      outputs,
      startedAt,
      endedAt: isoNow(),
      seconds,
      host: {
        hostname: hostName(),
        pid: Deno.pid,
        os: `${Deno.build.os}/${Deno.build.arch}`,
        deno: runtimeIdentity(),
      },
    };
    log(`# finished in ${seconds.toFixed(3)} s`);
    await Deno.writeTextFile(`${build}/manifest.json`, JSON.stringify(manifest, null, 1));
    await commitEntry(paths, fingerprint, build);
    return outputs;
  } catch (e) {
    const kept = `${paths.logs}/${id.replace(/[^A-Za-z0-9._-]/g, "_")}-${
      startedAt.replace(/[:.]/g, "-")
    }.log`;
    try {
      log(`# FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      await Deno.mkdir(paths.logs, { recursive: true });
      await Deno.rename(logPath, kept);
    } finally {
      await Deno.remove(build, { recursive: true }).catch(() => {});
    }
    throw new StageFailedError(id, kept, e);
  }
}
