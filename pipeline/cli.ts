/**
 * The command line of a pipeline: `reproduce`, `status`, `gc` and `diff A B`, parsed strictly with
 * `node:util` parseArgs. Exit codes: 0 success, 1 a stage or the pipeline failed, 2 bad usage.
 * @module
 */
import type { PipelineDefinition, Stage } from "./stage.ts";
import { decideRun, type RunDecision, runPipeline, StageFailedError, type StageResult } from "./runner.ts";
import { formatStatus, statusOf } from "./status.ts";
import { gc, parseSize } from "./gc.ts";
import { defaultReporter, formatTable, plainReporter } from "./progress.ts";
import {
  publishBase,
  publishDir,
  publishedDifference,
  publishEntry,
  publishLeftovers,
  removePublishLeftovers,
} from "./publish.ts";
import { exitOnStopSignal, interruptedLines, RunProgress } from "./interrupt.ts";
import { acquireLock } from "./lock.ts";
import { CachePaths } from "./store.ts";
import { StatHashCache } from "./statcache.ts";
import { dirname } from "../util/fs.ts";
import { saveCaches } from "./status.ts";
import { sinks } from "./graph.ts";
import { nodeIdOf } from "./fingerprint.ts";
import {
  describeError,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  parseFlags,
  pickChoice,
  UsageError,
} from "../cli/mod.ts";
import { type ExecutorKind, UnitDetachedError, type UnitExecutor } from "./executor.ts";

/** Options of `runCli`. */
export interface CliOptions {
  /** Absolute project root (default: the current directory). */
  root?: string;
  /** Where normal output goes (default console.log). */
  write?: (line: string) => void;
  /** Where errors go (default console.error). */
  writeError?: (line: string) => void;
  /**
   * The remote executors `reproduce --executor NAME` offers besides "local" (e.g. Slurm), each owning its
   * flags (default: none).
   */
  executors?: readonly ExecutorKind[];
}

const USAGE = `usage: <pipeline> <command> [flags]

commands:
  reproduce   run the pipeline of a variant (cached), publish its outputs under reports/
  status      say for every stage whether it is cached and, if not, why
  gc          remove store entries no run references any more
  diff A B    run the diff of two variants, publish under reports/diff/A-vs-B/

run "<command> --help" for the flags of a command`;

/** Returns the help of every command; `reproduce`'s names the executors offered and their flags. */
function helpTexts(kinds: readonly ExecutorKind[]): Record<string, string> {
  const names = ["local", ...kinds.map((k) => k.name)].join("|");
  const flagsOf = kinds.map((k) => ` [${k.label} flags]`).join("");
  const executorLines = [
    "  --executor E     where training units run: local (this process, default)",
    ...kinds.map((k) => `                   or ${k.summary}`),
  ].join("\n");
  return {
    ...HELP,
    reproduce:
      `usage: reproduce [--variant NAME | --all-variants] [--profile NAME] [--force ID]... [--only ID]
                 [--dry-run] [--jobs N] [--executor ${names}${flagsOf}]

  --variant NAME   law variant to run (default: the first one)
  --all-variants   run every variant in turn
  --profile NAME   profile (default: the first one)
  --force ID       recompute this stage even when cached (repeatable)
  --only ID        run only this stage and its dependencies
  --dry-run        say what would run and why; run nothing
  --jobs N         at most N stages at once (default: number of cores)
${executorLines}
  --accept-cost    go on although the training would take long on this machine's software adapter
  --help           this text${kinds.map((k) => `\n\n${k.help}`).join("")}`,
  };
}

const HELP: Record<string, string> = {
  reproduce: "", // built by helpTexts: it names the executors offered
  status: `usage: status [--variant NAME | --all-variants] [--profile NAME]

  --variant NAME   variant to explain (default: the first one)
  --all-variants   explain every variant
  --profile NAME   profile (default: the first one)
  --help           this text`,
  gc: `usage: gc [--keep-last N] [--max-size SIZE] [--dry-run]

  --keep-last N    keep the entries of the last N runs of every variant (default 1)
  --max-size SIZE  then evict least-recently-used entries down to SIZE (bytes, or e.g. 500M, 2G)
  --dry-run        say what would be removed; remove nothing
  --help           this text`,
  diff: `usage: diff A B [--profile NAME] [--force ID]... [--dry-run] [--jobs N]

  A B              the two variants to compare
  --profile NAME   profile (default: the first one)
  --force ID       recompute this stage even when cached (repeatable)
  --dry-run        say what would run and why; run nothing
  --jobs N         at most N stages at once (default: number of cores)
  --help           this text`,
};

type Flags = Record<string, { type: "string" | "boolean"; multiple?: boolean }>;

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

function parse(
  command: string,
  args: string[],
  flags: Flags,
  positionals: number,
): { values: Values; positionals: string[] } {
  const parsed = parseFlags(command, args, flags, { positionals: positionals > 0 });
  if (!parsed.values.help && parsed.positionals.length !== positionals) {
    const what = positionals === 0 ? "no arguments" : `${positionals} argument(s)`;
    throw new UsageError(
      `${command}: expected ${what}, got ${parsed.positionals.length} (${
        parsed.positionals.join(" ") || "none"
      })`,
      `hint: run "deno task ${command} --help"`,
    );
  }
  return parsed;
}

function pick(command: string, kind: string, name: string | undefined, valid: readonly string[]): string {
  if (valid.length === 0) throw new UsageError(`the pipeline defines no ${kind}s`);
  return name === undefined ? valid[0] : pickChoice(command, kind, name, valid);
}

/** Throws a usage error unless every id of `ids` (given with `flag`) is a stage of `stages`, listing them. */
function checkStageIds(
  command: string,
  flag: string,
  ids: readonly string[],
  stages: readonly Stage[],
): void {
  const known = stages.map(nodeIdOf);
  for (const id of ids) {
    if (!known.includes(id)) {
      throw new UsageError(
        `${command}: ${flag} ${id}: unknown stage; valid stages: ${known.join(", ")}`,
        `hint: "deno task status" lists every stage of the graph`,
      );
    }
  }
}

function positiveInt(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new UsageError(`${flag}: expected a positive integer, got "${text}"`, `hint: e.g. ${flag} 2`);
  }
  return Number(text);
}

/** Runs one CLI command for a pipeline definition; returns the exit code (0 ok, 1 failure, 2 bad usage). */
export async function runCli(
  args: string[],
  definition: PipelineDefinition,
  options: CliOptions = {},
): Promise<number> {
  const root = (options.root ?? Deno.cwd()).replace(/\/+$/, "");
  const write = options.write ?? ((line: string) => console.log(line));
  const writeError = options.writeError ?? ((line: string) => console.error(line));
  const [command, ...rest] = args;
  const kinds = options.executors ?? [];
  try {
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      (command === undefined ? writeError : write)(USAGE);
      return command === undefined ? EXIT_USAGE : EXIT_OK;
    }
    if (!(command in HELP)) {
      throw new UsageError(`unknown command "${command}"; valid commands: ${Object.keys(HELP).join(", ")}`);
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      write(helpTexts(kinds)[command]);
      return EXIT_OK;
    }
    if (command === "reproduce") return await reproduce(rest, definition, root, write, kinds, writeError);
    if (command === "status") return await status(rest, definition, root, write, kinds);
    if (command === "gc") return await garbageCollect(rest, root, write);
    return await diff(rest, definition, root, write);
  } catch (e) {
    if (e instanceof UsageError) {
      writeError(`error: ${e.message}${e.hint ? `\n${e.hint}` : ""}`);
      return EXIT_USAGE;
    }
    writeError(`error: ${describeError(e, { write: `may write only inside the project folder ${root}` })}`);
    return EXIT_FAILURE;
  }
}

async function execute(
  stages: Stage[],
  label: string,
  run: {
    root: string;
    profile: string;
    variant: string;
    force: string[];
    only?: string;
    dryRun: boolean;
    jobs?: number;
    executor?: UnitExecutor;
    decision: RunDecision;
  },
  write: (line: string) => void,
  progress?: RunProgress,
): Promise<StageResult[]> {
  // Live bars (and the module that draws them) only when a stage will run.
  const live = !run.dryRun && run.decision.jobs.some((j) => j.forced || !j.status.cached);
  const shown = live ? await defaultReporter(write) : plainReporter(write);
  const reporter = progress ? progress.track(shown) : shown;
  reporter.line(`== ${label}`);
  try {
    const results = await runPipeline(stages, { ...run, reporter });
    if (run.dryRun) {
      const w = Math.max(5, ...results.map((r) => r.id.length));
      for (const r of results) {
        write(`${r.id.padEnd(w)}  ${r.cached ? "cached   " : "would run"}  ${r.reasons.join("; ")}`);
      }
    } else {
      reporter.close();
      for (
        const line of formatTable(
          results.map((r) => ({ id: r.id, outcome: r.cached ? "cached" : "ran", seconds: r.seconds })),
        )
      ) {
        write(line);
      }
    }
    return results;
  } finally {
    reporter.close();
  }
}

async function reproduce(
  args: string[],
  def: PipelineDefinition,
  root: string,
  write: (l: string) => void,
  kinds: readonly ExecutorKind[],
  writeError: (l: string) => void,
) {
  const kindFlags: Flags = Object.assign({}, ...kinds.map((k) => k.flags));
  const { values } = parse("reproduce", args, {
    variant: { type: "string" },
    "all-variants": { type: "boolean" },
    profile: { type: "string" },
    force: { type: "string", multiple: true },
    only: { type: "string" },
    "dry-run": { type: "boolean" },
    jobs: { type: "string" },
    "accept-cost": { type: "boolean" },
    executor: { type: "string" },
    ...kindFlags,
  }, 0);
  if (values.variant !== undefined && values["all-variants"]) {
    throw new UsageError(
      `reproduce: --variant and --all-variants exclude each other`,
      `hint: run "deno task reproduce --help"`,
    );
  }
  const profile = pick("reproduce", "profile", values.profile as string | undefined, def.profiles);
  const variants = values["all-variants"]
    ? [...def.variants]
    : [pick("reproduce", "variant", values.variant as string | undefined, def.variants)];
  const jobs = positiveInt("--jobs", values.jobs as string | undefined);
  const dryRun = Boolean(values["dry-run"]);
  const executorName = (values.executor as string | undefined) ?? "local";
  const kind = kinds.find((k) => k.name === executorName);
  if (executorName !== "local" && kind === undefined) {
    const names = ["local", ...kinds.map((k) => k.name)].map((n) => `"${n}"`);
    throw new UsageError(
      `reproduce: --executor: expected ${names.slice(0, -1).join(", ")}${names.length > 1 ? " or " : ""}${
        names.at(-1)
      }, got "${executorName}"`,
      `hint: run "deno task reproduce --help"`,
    );
  }
  for (const other of kinds) {
    if (other === kind) continue;
    if (Object.keys(other.flags).some((f) => values[f] !== undefined)) {
      throw new UsageError(
        `reproduce: ${other.label} flags need --executor ${other.name}`,
        `hint: run "deno task reproduce --help"`,
      );
    }
  }
  const settings = kind === undefined ? undefined : await kind.settings(values, root);
  if (kind !== undefined && !def.unitTask) {
    throw new UsageError("this pipeline has no unit stages to run remotely");
  }
  for (const variant of variants) {
    const stages = def.build({ variant, profile });
    const force = (values.force as string[] | undefined) ?? [];
    const only = values.only as string | undefined;
    checkStageIds("reproduce", "--force", force, stages);
    checkStageIds("reproduce", "--only", only === undefined ? [] : [only], stages);
    // The graph is fingerprinted and explained once; the preflight, the executor and the run share it.
    const decision = await decideRun(stages, { root, profile, variant, force, only });
    const todo = decision.jobs.filter((j) => j.forced || !j.status.cached);
    let executor: UnitExecutor | undefined;
    if (kind !== undefined) {
      const prepared = kind.prepare(settings, {
        root,
        task: def.unitTask!,
        expected: todo.filter((j) => j.stage.unit).map((j) => j.fingerprint),
        write,
      });
      if (dryRun) { for (const line of prepared.describe()) write(line); }
      executor = prepared.executor;
    } else if (def.preflight && !dryRun) {
      const cost = await def.preflight(stages, new Set(todo.map((j) => j.id)));
      if (cost !== null) {
        write(cost.message);
        if (cost.stop && !values["accept-cost"]) {
          await saveCaches(decision.plan);
          return 1;
        }
      }
    }
    if (!dryRun && todo.length > 0) write(runEstimate(todo));
    // Ctrl-C or SIGTERM: say what was kept and what the next run does, then exit 130.
    const progress = new RunProgress();
    const reports = `${publishBase(profile, def.profiles[0], variant)}/`;
    const again = ["deno task reproduce", ...args].join(" ");
    const stopListening = exitOnStopSignal(
      (sig) => interruptedLines(`reproduce: ${sig}`, progress, reports, again),
      writeError,
    );
    try {
      if (
        !await runAndPublish(stages, def, {
          root,
          profile,
          variant,
          force,
          only,
          dryRun,
          jobs,
          executor,
          decision,
          kind,
          executorName,
          progress,
        }, write)
      ) return 0;
    } finally {
      stopListening();
    }
  }
  return EXIT_OK;
}

/**
 * Returns the line a run says before it starts: how many stages will run and what their previous runs
 * measured on this machine (the store's manifests), the time to expect in stage-seconds.
 */
export function runEstimate(todo: readonly { status: { lastSeconds?: number } }[]): string {
  const known = todo.map((j) => j.status.lastSeconds).filter((t): t is number => t !== undefined);
  const head = `${todo.length} stage(s) to run`;
  if (known.length === 0) return `${head}; none has run on this machine before, so no estimate`;
  const total = known.reduce((a, t) => a + t, 0);
  return `${head}; their previous runs here took ${total.toFixed(1)} s of stage time` +
    (known.length < todo.length ? ` (${known.length} of them; the others never ran here)` : "") +
    " (stages in parallel take less wall time)";
}

/** What `runAndPublish` runs: one variant of `reproduce`. */
interface VariantRun {
  root: string;
  profile: string;
  variant: string;
  force: string[];
  only?: string;
  dryRun: boolean;
  jobs?: number;
  executor?: UnitExecutor;
  decision: RunDecision;
  kind?: ExecutorKind;
  executorName: string;
  progress: RunProgress;
}

/**
 * Runs one variant of `reproduce` and publishes it; returns false when its units were detached to a remote
 * executor (nothing more to do now), true otherwise.
 */
async function runAndPublish(
  stages: Stage[],
  def: PipelineDefinition,
  v: VariantRun,
  write: (l: string) => void,
): Promise<boolean> {
  const { root, profile, variant, force, only, dryRun, jobs, executor, decision, kind, executorName } = v;
  let results: StageResult[];
  try {
    results = await execute(
      stages,
      `variant ${variant}, profile ${profile}${dryRun ? " (dry run)" : ""}${
        executor ? `, executor ${executor.name}` : ""
      }`,
      { root, profile, variant, force, only, dryRun, jobs, executor, decision },
      write,
      v.progress,
    );
  } catch (e) {
    if (e instanceof StageFailedError && e.cause instanceof UnitDetachedError) {
      write(
        `detached: the units not yet in the store run in ${
          kind?.label ?? "the scheduler"
        } (first: ${e.cause.stageId} as job ${e.cause.jobId}); ` +
          `run the same reproduce --executor ${executorName} again to collect them`,
      );
      return false;
    }
    throw e;
  }
  if (dryRun) return true;
  const ids = new Set(def.publish ?? stages.map(nodeIdOf));
  v.progress.publishing = true;
  await publishResults(
    results.filter((r) => ids.has(r.id)),
    (r) => publishDir(profile, def.profiles[0], variant, r.id),
    root,
    decision.plan.hashes,
    write,
  );
  await saveCaches(decision.plan);
  return true;
}

/**
 * Publishes each result's store outputs at `<root>/<targetOf(result)>/`, skipping a target that already
 * holds exactly those outputs (checked through the stat-keyed hash cache `hashes`); says which it
 * published, and how many were in place. Returns nothing.
 */
async function publishResults(
  results: readonly StageResult[],
  targetOf: (r: StageResult) => string,
  root: string,
  hashes: StatHashCache,
  write: (l: string) => void,
): Promise<void> {
  // One process publishes at a time, so the copies an interrupted publish left behind can be removed.
  const lock = await acquireLock(`${new CachePaths(root).locks}/publish.lock`, {
    onWait: (holder) =>
      write(`[wait] publishing: another run${holder ? ` (pid ${holder.pid})` : ""} is publishing`),
  });
  try {
    for (const dir of new Set(results.map((r) => dirname(targetOf(r))))) {
      for (const name of await removePublishLeftovers(`${root}/${dir}`)) {
        write(`removed ${dir}/${name}/ (left by an interrupted publish)`);
      }
    }
    let inPlace = 0;
    for (const r of results) {
      const target = targetOf(r);
      if (await publishEntry(r.outDir, `${root}/${target}`, r.outputs, hashes)) {
        write(`published ${r.id} -> ${target}/`);
      } else inPlace++;
    }
    if (inPlace > 0) write(`${inPlace} published output folder(s) already up to date`);
  } finally {
    await lock?.release();
  }
}

async function status(
  args: string[],
  def: PipelineDefinition,
  root: string,
  write: (l: string) => void,
  kinds: readonly ExecutorKind[],
) {
  const { values } = parse("status", args, {
    variant: { type: "string" },
    "all-variants": { type: "boolean" },
    profile: { type: "string" },
  }, 0);
  const profile = pick("status", "profile", values.profile as string | undefined, def.profiles);
  const variants = values["all-variants"]
    ? [...def.variants]
    : [pick("status", "variant", values.variant as string | undefined, def.variants)];
  // Units handed to a remote executor (by `reproduce --executor NAME`, e.g. with --detach) are named as such.
  const notes = def.unitTask
    ? await Promise.all(kinds.flatMap((k) => k.unitNotes ? [k.unitNotes(root, def.unitTask!)] : []))
    : [];
  for (const variant of variants) {
    write(`== variant ${variant}, profile ${profile}`);
    const stages = def.build({ variant, profile });
    const units = new Set(stages.filter((s) => s.unit).map(nodeIdOf));
    const statuses = await statusOf(stages, { root, profile, variant });
    // A cached stage's published copy must hold exactly its stored outputs (a run cut short while
    // publishing, or an edit, leaves it otherwise).
    const published = new Set(def.publish ?? stages.map(nodeIdOf));
    const hashes = await StatHashCache.load(new CachePaths(root).hashCache);
    for (const st of statuses) {
      if (!st.cached || !published.has(st.id) || st.outputs === undefined) continue;
      const target = publishDir(profile, def.profiles[0], variant, st.id);
      const differs = await publishedDifference(`${root}/${target}`, st.outputs, hashes);
      if (differs !== null) {
        st.reasons.push(`but its published copy ${target}/ ${differs}: reproduce republishes it`);
      }
    }
    for (const st of statuses) {
      if (st.cached || !units.has(st.id)) continue;
      for (const noteOf of notes) {
        const note = await noteOf(st.fingerprint);
        if (note !== null) st.reasons.push(note);
      }
    }
    for (const line of formatStatus(statuses)) write(line);
    const reports = publishBase(profile, def.profiles[0], variant);
    for (const name of publishLeftovers(`${root}/${reports}`)) {
      write(`${reports}/${name}/: left by an interrupted publish; reproduce removes it`);
    }
  }
  return 0;
}

async function garbageCollect(args: string[], root: string, write: (l: string) => void) {
  const { values } = parse("gc", args, {
    "keep-last": { type: "string" },
    "max-size": { type: "string" },
    "dry-run": { type: "boolean" },
  }, 0);
  const keepLast = positiveInt("--keep-last", values["keep-last"] as string | undefined);
  let maxSizeBytes: number | undefined;
  if (values["max-size"] !== undefined) {
    try {
      maxSizeBytes = parseSize(values["max-size"] as string);
    } catch (e) {
      throw new UsageError(`gc: --max-size: ${(e as Error).message}`, `hint: e.g. --max-size 2G`);
    }
  }
  const dryRun = Boolean(values["dry-run"]);
  const r = await gc({ root, keepLast, maxSizeBytes, dryRun });
  const verb = dryRun ? "would remove" : "removed";
  for (const fp of r.removed) write(`${verb} ${fp}${r.evicted.includes(fp) ? " (evicted for size)" : ""}`);
  for (const t of r.tmpRemoved) write(`${verb} temporary folder ${t} (no live process holds its lock)`);
  const n = r.removed.length, t = r.tmpRemoved.length;
  write(
    `${verb} ${n} entr${n === 1 ? "y" : "ies"} and ${t} temporary folder${t === 1 ? "" : "s"}: ` +
      `${formatBytes(r.freedBytes)} ${dryRun ? "would be " : ""}freed; kept ${r.kept} entr${
        r.kept === 1 ? "y" : "ies"
      } (${formatBytes(r.keptBytes)})`,
  );
  return EXIT_OK;
}

/** Returns a byte count in words: "512 B", "3.4 kB", "12.0 MB", "1.20 GB" (powers of 1000). */
export function formatBytes(bytes: number): string {
  if (bytes < 1e3) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

/** Returns the text of `path`, or null when there is no such file. */
async function readTextIfExists(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

async function diff(args: string[], def: PipelineDefinition, root: string, write: (l: string) => void) {
  const { values, positionals } = parse("diff", args, {
    profile: { type: "string" },
    force: { type: "string", multiple: true },
    "dry-run": { type: "boolean" },
    jobs: { type: "string" },
  }, 2);
  if (!def.diff) throw new UsageError("this pipeline defines no diff");
  const [a, b] = positionals.map((v) => pick("diff", "variant", v, def.variants));
  const profile = pick("diff", "profile", values.profile as string | undefined, def.profiles);
  const jobs = positiveInt("--jobs", values.jobs as string | undefined);
  const dryRun = Boolean(values["dry-run"]);
  const stages = def.diff({ a, b, profile });
  const force = (values.force as string[] | undefined) ?? [];
  checkStageIds("diff", "--force", force, stages);
  const key = `${a}-vs-${b}`;
  const variant = `diff-${key}`;
  const decision = await decideRun(stages, { root, profile, variant, force });
  const results = await execute(
    stages,
    `diff ${a} vs ${b}, profile ${profile}${dryRun ? " (dry run)" : ""}`,
    {
      root,
      profile,
      variant,
      force,
      dryRun,
      jobs,
      decision,
    },
    write,
  );
  if (dryRun) return 0;
  const ids = new Set(def.diffPublish ? def.diffPublish({ a, b }) : sinks(stages));
  const base = profile === def.profiles[0] ? `reports/diff/${key}` : `reports/${profile}/diff/${key}`;
  const published = results.filter((r) => ids.has(r.id));
  await publishResults(published, (r) => `${base}/${r.id}`, root, decision.plan.hashes, write);
  await saveCaches(decision.plan);
  for (const r of published) {
    const summary = await readTextIfExists(`${r.outDir}/summary.txt`);
    if (summary !== null) write(summary.trimEnd());
  }
  return 0;
}
