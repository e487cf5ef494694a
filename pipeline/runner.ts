/**
 * The runner: fingerprints every stage before running anything, restores verified store entries, and
 * runs the rest in topological order — independent stages in parallel up to the job limit — each into a
 * temporary folder committed to the store under a per-entry lock.
 * @module
 */
import type { Stage, StageContext } from "./stage.ts";
import { nodeIdOf, validatedParams } from "./fingerprint.ts";
import { withDependencies } from "./graph.ts";
import { CachePaths, collectOutputs, commitEntry, type Manifest, touchEntry, verifyEntry } from "./store.ts";
import { acquireLock } from "./lock.ts";
import { latestRun, recordRun } from "./runs.ts";
import { explainStage, planFingerprints, saveCaches, type StageStatus } from "./status.ts";
import type { Reporter } from "./progress.ts";
import { hostName } from "./fsutil.ts";
import { runtimeIdentity } from "./fingerprint.ts";
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

interface Job {
  stage: Stage;
  id: string;
  fingerprint: string;
  status: StageStatus;
  forced: boolean;
}

/** Runs a graph of stages and returns one result per selected stage, in topological order; throws
 * `StageFailedError` (after in-flight stages settle) when a stage fails. */
export async function runPipeline(stages: readonly Stage[], options: RunOptions): Promise<StageResult[]> {
  const paths = new CachePaths(options.root);
  const profile = options.profile ?? "default";
  const variant = options.variant ?? "default";
  const reporter = options.reporter;
  const plan = await planFingerprints(stages, paths);
  const selected = options.only !== undefined ? withDependencies(stages, options.only) : undefined;
  const force = new Set(options.force ?? []);
  const known = new Set(plan.order.map(nodeIdOf));
  for (const id of force) {
    if (!known.has(id)) throw new Error(`--force ${id}: unknown stage (known: ${[...known].join(", ")})`);
  }
  const previous = await latestRun(paths, profile, variant);
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
  if (options.dryRun) {
    await saveCaches(plan);
    return jobs.map((j) => ({
      id: j.id,
      fingerprint: j.fingerprint,
      cached: j.status.cached && !j.forced,
      seconds: 0,
      outDir: paths.outDir(j.fingerprint),
      reasons: j.status.reasons,
    }));
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
    const cached = await obtain(job, paths, plan.hashes, reporter, options, abort.signal);
    const seconds = (performance.now() - t0) / 1000;
    reporter?.stageEnd(job.id, cached, seconds);
    results.set(job.id, {
      id: job.id,
      fingerprint: job.fingerprint,
      cached,
      seconds,
      outDir: paths.outDir(job.fingerprint),
      reasons: job.status.reasons,
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

/** Restores or computes one stage; returns true when it came from the store. */
async function obtain(
  job: Job,
  paths: CachePaths,
  hashes: Parameters<typeof verifyEntry>[2],
  reporter: Reporter | undefined,
  options: RunOptions,
  signal: AbortSignal,
): Promise<boolean> {
  const { id, fingerprint } = job;
  if (!job.forced && job.status.cached) {
    await touchEntry(paths, fingerprint);
    return true;
  }
  const isDone = async () => !job.forced && (await verifyEntry(paths, fingerprint, hashes)).ok;
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
    await touchEntry(paths, fingerprint);
    return true;
  }
  try {
    if (await isDone()) {
      await touchEntry(paths, fingerprint);
      return true;
    }
    reporter?.line(`[why] ${id}: ${job.status.reasons.join("; ")}`);
    await compute(job, paths, hashes, reporter, signal, options.executor);
    return false;
  } finally {
    await lock.release();
  }
}

/** Runs a stage into a temporary folder and commits it to the store; throws StageFailedError. */
async function compute(
  job: Job,
  paths: CachePaths,
  hashes: Parameters<typeof verifyEntry>[2],
  reporter: Reporter | undefined,
  signal: AbortSignal,
  executor: UnitExecutor | undefined,
): Promise<void> {
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
    await stage.run(ctx);
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
