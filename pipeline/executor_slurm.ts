/**
 * The Slurm executor: the units of a run that are not in the store are submitted as ONE `sbatch --array`
 * job (task i runs unit i on its node, in the unit's folder on shared storage); the pipeline waits,
 * polling `squeue` with back-off and reporting pending / running / completed / failed units, and each
 * unit stage then copies the finished outputs into the store as a local run would.
 *
 * Jobs are submitted with `--requeue` and `--signal=B:USR1@<s>`: the batch script forwards the warning
 * (and a SIGTERM) to the worker, which checkpoints and exits 130; after a USR1 the script requeues its
 * own task, which resumes from the checkpoint. A unit is finished when its folder says so
 * (`isComplete`), whatever Slurm reports; a task that left Slurm without finishing is a failure named
 * with its job id and log. A unit already submitted and still in Slurm is waited for, never resubmitted.
 * @module
 */
import type { UnitExecutor, UnitRef, UnitTask } from "./executor.ts";
import { UnitDetachedError } from "./executor.ts";

/** Settings of the Slurm executor, as in `slurm.json` (every key optional). */
export interface SlurmConfig {
  /** `--partition`. */
  partition?: string;
  /** `--account`. */
  account?: string;
  /** `--time` limit of one array task, e.g. "02:00:00". */
  time?: string;
  /** `--gres`, e.g. "gpu:1". */
  gres?: string;
  /** `--cpus-per-task`. */
  cpusPerTask?: number;
  /** `--mem`, e.g. "16G". */
  mem?: string;
  /** The array's parallelism limit: at most this many tasks at once (`--array=0-N%parallel`). */
  parallel?: number;
  /** Extra `#SBATCH` lines, e.g. ["--qos=normal", "--constraint=a100"]. */
  sbatch?: string[];
  /** Shared folder for units, batch scripts and logs (relative to the project root or absolute). */
  shared?: string;
  /** Shell lines a node runs before the worker, e.g. ["module load deno"]. */
  setup?: string[];
  /** How a node runs Deno: a command or path (default "deno"). */
  deno?: string;
  /** Seconds before the time limit at which Slurm sends USR1 (`--signal=B:USR1@<s>`; default 120). */
  signalSeconds?: number;
  /** Polling interval: starts at `pollMinSeconds` (default 2), doubles while nothing changes, up to `pollMaxSeconds` (default 30). */
  pollMinSeconds?: number;
  /** See `pollMinSeconds`. */
  pollMaxSeconds?: number;
  /** Job name (default "gemstones"). */
  jobName?: string;
}

/** The keys of {@link SlurmConfig} with their types, for validation and for docs/slurm.md. */
export const SLURM_KEYS: Record<keyof SlurmConfig, "string" | "number" | "string[]"> = {
  partition: "string",
  account: "string",
  time: "string",
  gres: "string",
  cpusPerTask: "number",
  mem: "string",
  parallel: "number",
  sbatch: "string[]",
  shared: "string",
  setup: "string[]",
  deno: "string",
  signalSeconds: "number",
  pollMinSeconds: "number",
  pollMaxSeconds: "number",
  jobName: "string",
};

/** Returns `raw` checked as a {@link SlurmConfig}; throws naming `where` and the field. */
export function validateSlurmConfig(raw: unknown, where: string): SlurmConfig {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new Error(`${where}: expected a JSON object`);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const kind = SLURM_KEYS[k as keyof SlurmConfig];
    if (kind === undefined) {
      throw new Error(
        `${where}: unknown field "${k}" (expected one of: ${Object.keys(SLURM_KEYS).join(", ")})`,
      );
    }
    const ok = kind === "string"
      ? typeof v === "string" && v.length > 0 && !/[\n\r]/.test(v)
      : kind === "number"
      ? typeof v === "number" && Number.isFinite(v) && v > 0
      : Array.isArray(v) && v.every((x) => typeof x === "string" && !/[\n\r]/.test(x));
    if (!ok) {
      const want = kind === "string"
        ? "a one-line string"
        : kind === "number"
        ? "a positive number"
        : "an array of one-line strings";
      throw new Error(`${where}: field "${k}" must be ${want}, got ${JSON.stringify(v)}`);
    }
    out[k] = v;
  }
  return out as SlurmConfig;
}

/** Returns the config in `path` (JSON), or `{}` when there is no such file; throws on bad content. */
export async function readSlurmConfig(path: string): Promise<SlurmConfig> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return {};
    throw new Error(`${path}: cannot read: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message})`);
  }
  return validateSlurmConfig(raw, path);
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Returns the absolute shared folder of `config` for the project at `root`. */
export function sharedDir(config: SlurmConfig, root: string): string {
  const s = config.shared ?? ".cache/slurm";
  return s.startsWith("/") ? s.replace(/\/+$/, "") : `${root}/${s.replace(/\/+$/, "")}`;
}

/**
 * Returns the batch script that runs `unitDirs` as one array job (task i: unit i); logs go to
 * `<shared>/logs/<job>_<task>.out`. `root` is where the node starts (the project root on shared storage).
 */
export function batchScript(
  unitDirs: readonly string[],
  options: { config: SlurmConfig; root: string; task: UnitTask },
): string {
  const { config: c, root, task } = options;
  const shared = sharedDir(c, root);
  const n = unitDirs.length;
  const lines = [
    "#!/bin/bash",
    `#SBATCH --job-name=${shellQuote(c.jobName ?? "gemstones")}`,
    `#SBATCH --array=0-${n - 1}${c.parallel ? `%${c.parallel}` : ""}`,
    `#SBATCH --output=${shared}/logs/%A_%a.out`,
    "#SBATCH --open-mode=append",
    "#SBATCH --requeue",
    `#SBATCH --signal=B:USR1@${c.signalSeconds ?? 120}`,
  ];
  if (c.partition) lines.push(`#SBATCH --partition=${c.partition}`);
  if (c.account) lines.push(`#SBATCH --account=${c.account}`);
  if (c.time) lines.push(`#SBATCH --time=${c.time}`);
  if (c.gres) lines.push(`#SBATCH --gres=${c.gres}`);
  if (c.cpusPerTask) lines.push(`#SBATCH --cpus-per-task=${c.cpusPerTask}`);
  if (c.mem) lines.push(`#SBATCH --mem=${c.mem}`);
  for (const extra of c.sbatch ?? []) lines.push(`#SBATCH ${extra}`);
  lines.push(
    "# One training unit per array task; generated by pipeline/executor_slurm.ts.",
    "set -u",
    ...(c.setup ?? []),
    `cd ${shellQuote(root)}`,
    "units=(",
    ...unitDirs.map((d) => `  ${shellQuote(d)}`),
    ")",
    'UNIT="${units[$SLURM_ARRAY_TASK_ID]}"',
    'task="${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"',
    'echo "== task $task on $(hostname), restart ${SLURM_RESTART_COUNT:-0}: $UNIT"',
    'rm -f "$UNIT/exit_code"',
    `${task.command(c.deno ?? "deno", [root, shared], [shared])} &`,
    "pid=$!",
    "got=",
    "# Slurm's warning before the time limit (USR1, to this shell only) and a SIGTERM go to the worker,",
    "# which checkpoints at the next step and exits 130.",
    "trap 'got=USR1; kill -USR1 $pid' USR1",
    "trap 'got=TERM; kill -TERM $pid' TERM",
    "while :; do wait $pid; rc=$?; kill -0 $pid 2>/dev/null || break; done",
    'echo "$rc" > "$UNIT/exit_code"',
    'if [ "$rc" = 130 ] && [ "$got" = USR1 ]; then',
    '  echo "== task $task: checkpoint written; requeueing"',
    '  scontrol requeue "$task"',
    "fi",
    'exit "$rc"',
    "",
  );
  return lines.join("\n");
}

/** Where a submitted unit runs: written as `<unit>/slurm.json`. */
export interface Submission {
  /** The array job id. */
  readonly jobId: string;
  /** The unit's array task index. */
  readonly task: number;
  /** Log file of the task. */
  readonly log: string;
}

/** Runs a command; returns its stdout, throws with its stderr on failure. */
export type CommandRunner = (cmd: string, args: string[]) => Promise<string>;

/** Runs `cmd args` as a child process and returns its stdout; throws naming the command on failure. */
export const runCommand: CommandRunner = async (cmd, args) => {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  } catch (e) {
    throw new Error(`${cmd}: cannot run it (${(e as Error).message}); is Slurm installed and on PATH?`);
  }
  if (out.code !== 0) {
    throw new Error(
      `${cmd} ${args.join(" ")}: exit ${out.code}: ${new TextDecoder().decode(out.stderr).trim()}`,
    );
  }
  return new TextDecoder().decode(out.stdout);
};

/** Returns task index -> state for the tasks of `jobIds` still known to `squeue`. */
export function parseSqueue(text: string): Map<string, Map<number, string>> {
  const jobs = new Map<string, Map<number, string>>();
  for (const line of text.split("\n")) {
    const [id, state] = line.trim().split("|");
    if (!id || !state) continue;
    const m = /^(\d+)_(?:(\d+)|\[([0-9,\-]+)(?:%\d+)?\])$/.exec(id);
    if (!m) continue;
    const tasks = jobs.get(m[1]) ?? new Map<number, string>();
    jobs.set(m[1], tasks);
    if (m[2] !== undefined) tasks.set(Number(m[2]), state);
    else {
      for (const part of m[3].split(",")) {
        const [a, b] = part.split("-").map(Number);
        for (let i = a; i <= (b ?? a); i++) tasks.set(i, state);
      }
    }
  }
  return jobs;
}

/** Options of {@link SlurmExecutor}. */
export interface SlurmExecutorOptions {
  /** Absolute project root. */
  readonly root: string;
  /** Settings (slurm.json merged with flags). */
  readonly config: SlurmConfig;
  /** What a node runs for a unit. */
  readonly task: UnitTask;
  /** Fingerprints of the units this run expects to submit: the array is submitted once all arrived. */
  readonly expected: readonly string[];
  /** Submit and return: units still in Slurm are left there (`--detach`). */
  readonly detach?: boolean;
  /** Where status lines go. */
  readonly write: (line: string) => void;
  /** Runs sbatch / squeue / sacct (tests may pass their own). */
  readonly run?: CommandRunner;
}

interface Waiter {
  unit: UnitRef;
  resolve: () => void;
  reject: (e: Error) => void;
  submission?: Submission;
}

/** The Slurm executor (see the module doc). */
export class SlurmExecutor implements UnitExecutor {
  /** Name given to `--executor`. */
  readonly name = "slurm";
  /** Units run on Slurm's nodes; this process only waits. */
  readonly remote = true;
  /** Absolute shared folder. */
  readonly shared: string;
  private readonly run_: CommandRunner;
  private readonly expected: Set<string>;
  private toSubmit: Waiter[] = [];
  private readonly waiting = new Map<string, Waiter>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private polling = false;
  private lastSummary = "";
  /** Counts of units by outcome, for the summary line. */
  readonly counts = { completed: 0, failed: 0 };

  /** Creates the executor. */
  constructor(private readonly options: SlurmExecutorOptions) {
    this.shared = sharedDir(options.config, options.root);
    this.run_ = options.run ?? runCommand;
    this.expected = new Set(options.expected);
  }

  /** Returns `<shared>/units/<fingerprint>`. */
  unitDir(fingerprint: string): string {
    return `${this.shared}/units/${fingerprint}`;
  }

  /** Waits for the unit: at once if finished, else on its task in Slurm, else after submitting it. */
  async run(unit: UnitRef): Promise<void> {
    if (await this.options.task.isComplete(unit.dir)) {
      unit.log(`${unit.stageId}: finished on Slurm earlier; collecting ${unit.dir}`);
      this.counts.completed++;
      this.expected.delete(unit.fingerprint);
      this.maybeFlush();
      return;
    }
    const submission = await readSubmission(unit.dir);
    let alive = false;
    if (submission) {
      const q = parseSqueue(await this.squeue([submission.jobId]));
      alive = q.get(submission.jobId)?.has(submission.task) ?? false;
    }
    return await new Promise<void>((resolve, reject) => {
      const w: Waiter = { unit, resolve, reject, submission: alive ? submission! : undefined };
      if (alive) {
        this.options.write(
          `[slurm] ${unit.stageId}: still in Slurm as job ${submission!.jobId}_${submission!.task}`,
        );
        this.waiting.set(unit.fingerprint, w);
        this.expected.delete(unit.fingerprint);
        if (this.options.detach) {
          this.waiting.delete(unit.fingerprint);
          reject(new UnitDetachedError(unit.stageId, `${submission!.jobId}_${submission!.task}`));
        } else this.startPolling();
      } else {
        this.toSubmit.push(w);
      }
      this.maybeFlush();
    });
  }

  /** Submits when every expected unit has arrived (or 3 s after the last one that was not expected). */
  private maybeFlush(): void {
    if (this.toSubmit.length === 0) return;
    const arrived = new Set(this.toSubmit.map((w) => w.unit.fingerprint));
    const all = this.expected.size > 0 && [...this.expected].every((fp) => arrived.has(fp));
    clearTimeout(this.flushTimer);
    if (all) this.submit().catch((e) => this.failAll(e));
    else this.flushTimer = setTimeout(() => this.submit().catch((e) => this.failAll(e)), 3000);
  }

  private failAll(e: Error): void {
    for (const w of this.toSubmit) w.reject(e);
    this.toSubmit = [];
  }

  /** Writes the batch script of the queued units, submits it, records each unit's submission. */
  private async submit(): Promise<void> {
    const batch = this.toSubmit;
    this.toSubmit = [];
    for (const w of batch) this.expected.delete(w.unit.fingerprint);
    if (batch.length === 0) return;
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    const jobsDir = `${this.shared}/jobs`;
    await Deno.mkdir(jobsDir, { recursive: true });
    await Deno.mkdir(`${this.shared}/logs`, { recursive: true });
    const script = batchScript(batch.map((w) => w.unit.dir), {
      config: this.options.config,
      root: this.options.root,
      task: this.options.task,
    });
    const path = `${jobsDir}/array-${stamp}.sh`;
    await Deno.writeTextFile(path, script);
    const out = (await this.run_("sbatch", ["--parsable", path])).trim();
    const jobId = out.split(";")[0];
    if (!/^\d+$/.test(jobId)) throw new Error(`sbatch ${path}: unexpected output "${out}"`);
    this.options.write(
      `[slurm] submitted ${batch.length} unit(s) as array job ${jobId} (${path}); logs ${this.shared}/logs/${jobId}_<task>.out`,
    );
    for (const [i, w] of batch.entries()) {
      const s: Submission = { jobId, task: i, log: `${this.shared}/logs/${jobId}_${i}.out` };
      await Deno.writeTextFile(`${w.unit.dir}/slurm.json`, JSON.stringify(s, null, 2) + "\n");
      w.submission = s;
      w.unit.log(`${w.unit.stageId}: submitted as Slurm job ${jobId}_${i}; log ${s.log}`);
      w.unit.progress(0, 1, `PENDING in job ${jobId}_${i}`);
      if (this.options.detach) w.reject(new UnitDetachedError(w.unit.stageId, `${jobId}_${i}`));
      else this.waiting.set(w.unit.fingerprint, w);
    }
    if (!this.options.detach) this.startPolling();
  }

  private async squeue(jobIds: string[]): Promise<string> {
    return await this.run_("squeue", ["-h", "-r", "-j", jobIds.join(","), "-o", "%i|%T"]).catch((e) => {
      // squeue fails for job ids the controller no longer knows (long finished): nothing is alive.
      if (/Invalid job id/i.test((e as Error).message)) return "";
      throw e;
    });
  }

  private startPolling(): void {
    if (this.polling) return;
    this.polling = true;
    this.poll().catch((e) => {
      for (const w of this.waiting.values()) w.reject(e as Error);
      this.waiting.clear();
    }).finally(() => (this.polling = false));
  }

  /** Polls squeue with back-off until no unit is waiting; settles each unit as its task leaves Slurm. */
  private async poll(): Promise<void> {
    const min = this.options.config.pollMinSeconds ?? 2;
    const max = this.options.config.pollMaxSeconds ?? 30;
    let interval = min;
    while (this.waiting.size > 0) {
      await new Promise((r) => setTimeout(r, interval * 1000));
      const jobIds = [...new Set([...this.waiting.values()].map((w) => w.submission!.jobId))];
      const q = parseSqueue(await this.squeue(jobIds));
      let pending = 0, running = 0;
      for (const [fp, w] of [...this.waiting]) {
        const s = w.submission!;
        const state = q.get(s.jobId)?.get(s.task);
        if (state !== undefined) {
          if (state === "PENDING" || state === "REQUEUED") pending++;
          else running++;
          const steps = (await this.options.task.progress?.(w.unit.dir)) ?? null;
          w.unit.progress(steps?.done ?? 0, steps?.total ?? 1, `${state} in job ${s.jobId}_${s.task}`);
          continue;
        }
        this.waiting.delete(fp);
        if (await this.options.task.isComplete(w.unit.dir)) {
          this.counts.completed++;
          w.unit.log(`${w.unit.stageId}: finished in Slurm job ${s.jobId}_${s.task}`);
          w.resolve();
        } else {
          this.counts.failed++;
          const why = await this.failure(w.unit, s);
          this.options.write(`[slurm] FAILED ${why.split("\n")[0]}`);
          w.reject(new Error(why));
        }
      }
      const summary = `${pending} pending, ${running} running, ${this.counts.completed} completed, ` +
        `${this.counts.failed} failed`;
      if (summary !== this.lastSummary) {
        this.options.write(`[slurm] ${jobIds.map((j) => `job ${j}`).join(", ")}: ${summary}`);
        this.lastSummary = summary;
        interval = min;
      } else interval = Math.min(max, interval * 2);
    }
  }

  /** Says why a unit's task left Slurm unfinished: job id, exit code, state (sacct when available), log tail. */
  private async failure(unit: UnitRef, s: Submission): Promise<string> {
    const exit = await Deno.readTextFile(`${unit.dir}/exit_code`).then((t) => t.trim()).catch(() => null);
    const acct = await this.run_("sacct", [
      "-n",
      "-P",
      "-X",
      "-j",
      `${s.jobId}_${s.task}`,
      "-o",
      "State,ExitCode",
    ])
      .then((t) => t.trim().split("\n")[0] ?? "").catch(() => "");
    const tail = await Deno.readTextFile(s.log).then((t) => t.trimEnd().split("\n").slice(-6).join("\n"))
      .catch(() => "(no log)");
    return `${unit.stageId}: Slurm job ${s.jobId}_${s.task} ended without finishing the unit` +
      ` (${exit !== null ? `exit ${exit}` : "cancelled or killed before the worker exited"}` +
      `${acct ? `; sacct ${acct}` : ""}); log: ${s.log}\n${tail}`;
  }
}

/**
 * Returns what `status` says of a unit folder on Slurm's shared storage: finished there (collect it with
 * `reproduce --executor slurm`), or submitted as job J_T with its log; null when it was never submitted.
 */
export async function slurmUnitNote(dir: string, task: UnitTask): Promise<string | null> {
  const s = await readSubmission(dir);
  if (s === null) return null;
  if (await task.isComplete(dir)) {
    return `finished in Slurm job ${s.jobId}_${s.task}; reproduce --executor slurm collects it`;
  }
  return `submitted to Slurm as job ${s.jobId}_${s.task} (log ${s.log}); reproduce --executor slurm waits for it`;
}

async function readSubmission(dir: string): Promise<Submission | null> {
  try {
    return JSON.parse(await Deno.readTextFile(`${dir}/slurm.json`)) as Submission;
  } catch {
    return null;
  }
}
