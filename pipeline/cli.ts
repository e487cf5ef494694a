/**
 * The command line of a pipeline: `reproduce`, `status`, `gc` and `diff A B`, parsed strictly with
 * `node:util` parseArgs. Exit codes: 0 success, 1 a stage or the pipeline failed, 2 bad usage.
 * @module
 */
import type { PipelineDefinition, Stage } from "./stage.ts";
import { runPipeline, StageFailedError, type StageResult } from "./runner.ts";
import { formatStatus, statusOf } from "./status.ts";
import { gc, parseSize } from "./gc.ts";
import { defaultReporter, formatTable } from "./progress.ts";
import { publishDir, publishFolder } from "./publish.ts";
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
import { UnitDetachedError, type UnitExecutor } from "./executor.ts";
import {
  batchScript,
  readSlurmConfig,
  sharedDir,
  type SlurmConfig,
  SlurmExecutor,
  slurmUnitNote,
  validateSlurmConfig,
} from "./executor_slurm.ts";

/** Options of `runCli`. */
export interface CliOptions {
  /** Absolute project root (default: the current directory). */
  root?: string;
  /** Where normal output goes (default console.log). */
  write?: (line: string) => void;
  /** Where errors go (default console.error). */
  writeError?: (line: string) => void;
}

const USAGE = `usage: <pipeline> <command> [flags]

commands:
  reproduce   run the pipeline of a variant (cached), publish its outputs under reports/
  status      say for every stage whether it is cached and, if not, why
  gc          remove store entries no run references any more
  diff A B    run the diff of two variants, publish under reports/diff/A-vs-B/

run "<command> --help" for the flags of a command`;

const HELP: Record<string, string> = {
  reproduce: `usage: reproduce [--variant NAME | --all-variants] [--profile NAME] [--force ID]... [--only ID]
                 [--dry-run] [--jobs N] [--executor local|slurm [Slurm flags]]

  --variant NAME   law variant to run (default: the first one)
  --all-variants   run every variant in turn
  --profile NAME   profile (default: the first one)
  --force ID       recompute this stage even when cached (repeatable)
  --only ID        run only this stage and its dependencies
  --dry-run        say what would run and why; run nothing
  --jobs N         at most N stages at once (default: number of cores)
  --executor E     where training units run: local (this process, default) or slurm (one sbatch --array
                   job for the units not in the store; --dry-run prints its batch script)
  --accept-cost    go on although the training would take long on this machine's software adapter
  --help           this text

Slurm flags (override the keys of slurm.json in the project root, see docs/slurm.md):
  --slurm-config FILE   settings file (default slurm.json)
  --partition P  --account A  --time HH:MM:SS  --gres G  --cpus-per-task N  --mem M
  --array-parallel N    at most N array tasks at once (%N)
  --sbatch LINE         an extra #SBATCH line, e.g. --sbatch=--qos=normal (repeatable)
  --shared DIR          shared folder for units, scripts and logs (default .cache/slurm)
  --deno CMD            how a node runs Deno (default deno)
  --detach              submit and return; a later reproduce --executor slurm collects the units`,
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
  try {
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      (command === undefined ? writeError : write)(USAGE);
      return command === undefined ? EXIT_USAGE : EXIT_OK;
    }
    if (!(command in HELP)) {
      throw new UsageError(`unknown command "${command}"; valid commands: ${Object.keys(HELP).join(", ")}`);
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      write(HELP[command]);
      return EXIT_OK;
    }
    if (command === "reproduce") return await reproduce(rest, definition, root, write);
    if (command === "status") return await status(rest, definition, root, write);
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
  },
  write: (line: string) => void,
): Promise<StageResult[]> {
  const reporter = await defaultReporter(write);
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

async function reproduce(args: string[], def: PipelineDefinition, root: string, write: (l: string) => void) {
  const { values } = parse("reproduce", args, {
    variant: { type: "string" },
    "all-variants": { type: "boolean" },
    profile: { type: "string" },
    force: { type: "string", multiple: true },
    only: { type: "string" },
    "dry-run": { type: "boolean" },
    jobs: { type: "string" },
    "accept-cost": { type: "boolean" },
    ...SLURM_FLAGS,
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
  if (executorName !== "local" && executorName !== "slurm") {
    throw new UsageError(
      `reproduce: --executor: expected "local" or "slurm", got "${executorName}"`,
      `hint: run "deno task reproduce --help"`,
    );
  }
  const slurm = executorName === "slurm" ? await slurmSettings(values, root) : undefined;
  if (slurm === undefined && SLURM_FLAG_NAMES.some((f) => values[f] !== undefined)) {
    throw new UsageError(
      `reproduce: Slurm flags need --executor slurm`,
      `hint: run "deno task reproduce --help"`,
    );
  }
  for (const variant of variants) {
    const stages = def.build({ variant, profile });
    const force = (values.force as string[] | undefined) ?? [];
    const only = values.only as string | undefined;
    checkStageIds("reproduce", "--force", force, stages);
    checkStageIds("reproduce", "--only", only === undefined ? [] : [only], stages);
    let executor: UnitExecutor | undefined;
    if (slurm !== undefined) {
      if (!def.unitTask) throw new UsageError("this pipeline has no unit stages to run on Slurm");
      const plan = await runPipeline(stages, { root, profile, variant, force, only, dryRun: true });
      const units = new Set(stages.filter((s) => s.unit).map(nodeIdOf));
      const forced = new Set(force);
      const todo = plan.filter((r) => units.has(r.id) && (!r.cached || forced.has(r.id)));
      const ex = new SlurmExecutor({
        root,
        config: slurm.config,
        task: def.unitTask,
        expected: todo.map((r) => r.fingerprint),
        detach: slurm.detach,
        write,
      });
      if (dryRun) {
        write(
          todo.length === 0
            ? "slurm: every unit is in the store; nothing to submit"
            : `slurm: would submit ${todo.length} unit(s) as one array job with this batch script:`,
        );
        if (todo.length > 0) {
          write(
            batchScript(todo.map((r) => ex.unitDir(r.fingerprint)), {
              config: slurm.config,
              root,
              task: def.unitTask,
            }),
          );
        }
      }
      executor = ex;
    } else if (def.preflight && !dryRun) {
      const plan = await runPipeline(stages, { root, profile, variant, force, only, dryRun: true });
      const cost = await def.preflight(stages, new Set(plan.filter((r) => !r.cached).map((r) => r.id)));
      if (cost !== null) {
        write(cost.message);
        if (cost.stop && !values["accept-cost"]) return 1;
      }
    }
    let results: StageResult[];
    try {
      results = await execute(
        stages,
        `variant ${variant}, profile ${profile}${dryRun ? " (dry run)" : ""}${
          executor ? `, executor ${executor.name}` : ""
        }`,
        { root, profile, variant, force, only, dryRun, jobs, executor },
        write,
      );
    } catch (e) {
      if (e instanceof StageFailedError && e.cause instanceof UnitDetachedError) {
        write(
          `detached: the units not yet in the store run in Slurm (first: ${e.cause.stageId} as job ${e.cause.jobId}); ` +
            `run the same reproduce --executor slurm again to collect them`,
        );
        return 0;
      }
      throw e;
    }
    if (dryRun) continue;
    const ids = new Set(def.publish ?? stages.map(nodeIdOf));
    for (const r of results) {
      if (!ids.has(r.id)) continue;
      const target = publishDir(profile, def.profiles[0], variant, r.id);
      await publishFolder(r.outDir, `${root}/${target}`);
      write(`published ${r.id} -> ${target}/`);
    }
  }
  return EXIT_OK;
}

const SLURM_FLAGS: Flags = {
  executor: { type: "string" },
  "slurm-config": { type: "string" },
  partition: { type: "string" },
  account: { type: "string" },
  time: { type: "string" },
  gres: { type: "string" },
  "cpus-per-task": { type: "string" },
  mem: { type: "string" },
  "array-parallel": { type: "string" },
  sbatch: { type: "string", multiple: true },
  shared: { type: "string" },
  deno: { type: "string" },
  detach: { type: "boolean" },
};
const SLURM_FLAG_NAMES = Object.keys(SLURM_FLAGS).filter((f) => f !== "executor");

/** Returns the Slurm settings: the config file (default `<root>/slurm.json`) overridden by the flags. */
async function slurmSettings(
  values: Values,
  root: string,
): Promise<{ config: SlurmConfig; detach: boolean }> {
  const file = values["slurm-config"] as string | undefined;
  const path = file === undefined ? `${root}/slurm.json` : file.startsWith("/") ? file : `${root}/${file}`;
  if (file !== undefined) {
    try {
      await Deno.stat(path);
    } catch {
      throw new UsageError(`--slurm-config: ${path}: no such file`);
    }
  }
  const base = await readSlurmConfig(path);
  const flags: Record<string, unknown> = {};
  const str: Record<string, keyof SlurmConfig> = {
    partition: "partition",
    account: "account",
    time: "time",
    gres: "gres",
    mem: "mem",
    shared: "shared",
    deno: "deno",
  };
  for (const [flag, key] of Object.entries(str)) if (values[flag] !== undefined) flags[key] = values[flag];
  const cpus = positiveInt("--cpus-per-task", values["cpus-per-task"] as string | undefined);
  if (cpus !== undefined) flags.cpusPerTask = cpus;
  const par = positiveInt("--array-parallel", values["array-parallel"] as string | undefined);
  if (par !== undefined) flags.parallel = par;
  if (values.sbatch !== undefined) flags.sbatch = [...(base.sbatch ?? []), ...(values.sbatch as string[])];
  let config: SlurmConfig;
  try {
    config = { ...base, ...validateSlurmConfig(flags, "command line") };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return { config, detach: values.detach === true };
}

async function status(args: string[], def: PipelineDefinition, root: string, write: (l: string) => void) {
  const { values } = parse("status", args, {
    variant: { type: "string" },
    "all-variants": { type: "boolean" },
    profile: { type: "string" },
  }, 0);
  const profile = pick("status", "profile", values.profile as string | undefined, def.profiles);
  const variants = values["all-variants"]
    ? [...def.variants]
    : [pick("status", "variant", values.variant as string | undefined, def.variants)];
  // Units handed to Slurm (by `reproduce --executor slurm`, e.g. with --detach) are named as such.
  const shared = def.unitTask ? sharedDir(await readSlurmConfig(`${root}/slurm.json`), root) : undefined;
  for (const variant of variants) {
    write(`== variant ${variant}, profile ${profile}`);
    const stages = def.build({ variant, profile });
    const units = new Set(stages.filter((s) => s.unit).map(nodeIdOf));
    const statuses = await statusOf(stages, { root, profile, variant });
    for (const st of statuses) {
      if (st.cached || !units.has(st.id) || shared === undefined) continue;
      const note = await slurmUnitNote(`${shared}/units/${st.fingerprint}`, def.unitTask!);
      if (note !== null) st.reasons.push(note);
    }
    for (const line of formatStatus(statuses)) write(line);
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
  const results = await execute(
    stages,
    `diff ${a} vs ${b}, profile ${profile}${dryRun ? " (dry run)" : ""}`,
    {
      root,
      profile,
      variant: `diff-${key}`,
      force,
      dryRun,
      jobs,
    },
    write,
  );
  if (dryRun) return 0;
  const ids = new Set(def.diffPublish ? def.diffPublish({ a, b }) : sinks(stages));
  const base = profile === def.profiles[0] ? `reports/diff/${key}` : `reports/${profile}/diff/${key}`;
  for (const r of results) {
    if (!ids.has(r.id)) continue;
    await publishFolder(r.outDir, `${root}/${base}/${r.id}`);
    write(`published ${r.id} -> ${base}/${r.id}/`);
    const summary = await readTextIfExists(`${r.outDir}/summary.txt`);
    if (summary !== null) write(summary.trimEnd());
  }
  return 0;
}
