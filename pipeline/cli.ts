/**
 * The command line of a pipeline: `reproduce`, `status`, `gc` and `diff A B`, parsed strictly with
 * `node:util` parseArgs. Exit codes: 0 success, 1 a stage or the pipeline failed, 2 bad usage.
 * @module
 */
import { parseArgs } from "node:util";
import type { PipelineDefinition, Stage } from "./stage.ts";
import { runPipeline, StageFailedError, type StageResult } from "./runner.ts";
import { formatStatus, statusOf } from "./status.ts";
import { gc, parseSize } from "./gc.ts";
import { defaultReporter, formatTable } from "./progress.ts";
import { publishDir, publishFolder } from "./publish.ts";
import { sinks } from "./graph.ts";
import { stageId } from "./fingerprint.ts";

/** Options of `runCli`. */
export interface CliOptions {
  /** Absolute project root (default: the current directory). */
  root?: string;
  /** Where normal output goes (default console.log). */
  write?: (line: string) => void;
  /** Where errors go (default console.error). */
  writeError?: (line: string) => void;
}

class UsageError extends Error {}

const USAGE = `usage: <pipeline> <command> [flags]

commands:
  reproduce   run the pipeline of a variant (cached), publish its outputs under reports/
  status      say for every stage whether it is cached and, if not, why
  gc          remove store entries no run references any more
  diff A B    run the diff of two variants, publish under reports/diff/A-vs-B/

run "<command> --help" for the flags of a command`;

const HELP: Record<string, string> = {
  reproduce: `usage: reproduce [--variant NAME | --all-variants] [--profile NAME] [--force ID]... [--only ID]
                 [--dry-run] [--jobs N]

  --variant NAME   law variant to run (default: the first one)
  --all-variants   run every variant in turn
  --profile NAME   profile (default: the first one)
  --force ID       recompute this stage even when cached (repeatable)
  --only ID        run only this stage and its dependencies
  --dry-run        say what would run and why; run nothing
  --jobs N         at most N stages at once (default: number of cores)
  --help           this text`,
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

type Values = Record<string, string | boolean | string[] | undefined>;

function parse(
  command: string,
  args: string[],
  flags: Flags,
  positionals: number,
): { values: Values; positionals: string[] } {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      options: { ...flags, help: { type: "boolean" } },
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    throw new UsageError(
      `${command}: ${(e as Error).message}\nhint: run "${command} --help" for the valid flags`,
    );
  }
  if (!parsed.values.help && parsed.positionals.length !== positionals) {
    const what = positionals === 0 ? "no arguments" : `${positionals} argument(s)`;
    throw new UsageError(
      `${command}: expected ${what}, got ${parsed.positionals.length} (${
        parsed.positionals.join(" ") || "none"
      })` +
        `\nhint: run "${command} --help"`,
    );
  }
  return parsed;
}

function pick(kind: string, name: string | undefined, valid: readonly string[]): string {
  if (valid.length === 0) throw new UsageError(`the pipeline defines no ${kind}s`);
  if (name === undefined) return valid[0];
  if (!valid.includes(name)) throw new UsageError(`unknown ${kind} "${name}" (valid: ${valid.join(", ")})`);
  return name;
}

function positiveInt(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new UsageError(`${flag}: expected a positive integer, got "${text}"`);
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
      return command === undefined ? 2 : 0;
    }
    if (!(command in HELP)) throw new UsageError(`unknown command "${command}"\n${USAGE}`);
    if (rest.includes("--help") || rest.includes("-h")) {
      write(HELP[command]);
      return 0;
    }
    if (command === "reproduce") return await reproduce(rest, definition, root, write);
    if (command === "status") return await status(rest, definition, root, write);
    if (command === "gc") return await garbageCollect(rest, root, write);
    return await diff(rest, definition, root, write);
  } catch (e) {
    if (e instanceof UsageError) {
      writeError(`error: ${e.message}`);
      return 2;
    }
    writeError(
      e instanceof StageFailedError ? `error: ${e.message}` : `error: ${(e as Error).message ?? String(e)}`,
    );
    return 1;
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
  },
  write: (line: string) => void,
): Promise<StageResult[]> {
  const reporter = defaultReporter(write);
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
  }, 0);
  if (values.variant !== undefined && values["all-variants"]) {
    throw new UsageError(
      `reproduce: --variant and --all-variants exclude each other\nhint: run "reproduce --help"`,
    );
  }
  const profile = pick("profile", values.profile as string | undefined, def.profiles);
  const variants = values["all-variants"]
    ? [...def.variants]
    : [pick("variant", values.variant as string | undefined, def.variants)];
  const jobs = positiveInt("--jobs", values.jobs as string | undefined);
  const dryRun = Boolean(values["dry-run"]);
  for (const variant of variants) {
    const stages = def.build({ variant, profile });
    const results = await execute(
      stages,
      `variant ${variant}, profile ${profile}${dryRun ? " (dry run)" : ""}`,
      {
        root,
        profile,
        variant,
        force: (values.force as string[] | undefined) ?? [],
        only: values.only as string | undefined,
        dryRun,
        jobs,
      },
      write,
    );
    if (dryRun) continue;
    const ids = new Set(def.publish ?? stages.map(stageId));
    for (const r of results) {
      if (!ids.has(r.id)) continue;
      const target = publishDir(profile, def.profiles[0], variant, r.id);
      await publishFolder(r.outDir, `${root}/${target}`);
      write(`published ${r.id} -> ${target}/`);
    }
  }
  return 0;
}

async function status(args: string[], def: PipelineDefinition, root: string, write: (l: string) => void) {
  const { values } = parse("status", args, {
    variant: { type: "string" },
    "all-variants": { type: "boolean" },
    profile: { type: "string" },
  }, 0);
  const profile = pick("profile", values.profile as string | undefined, def.profiles);
  const variants = values["all-variants"]
    ? [...def.variants]
    : [pick("variant", values.variant as string | undefined, def.variants)];
  for (const variant of variants) {
    write(`== variant ${variant}, profile ${profile}`);
    for (
      const line of formatStatus(await statusOf(def.build({ variant, profile }), { root, profile, variant }))
    ) write(line);
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
      throw new UsageError(`--max-size: ${(e as Error).message}`);
    }
  }
  const dryRun = Boolean(values["dry-run"]);
  const r = await gc({ root, keepLast, maxSizeBytes, dryRun });
  const verb = dryRun ? "would remove" : "removed";
  for (const fp of r.removed) write(`${verb} ${fp}${r.evicted.includes(fp) ? " (evicted for size)" : ""}`);
  write(
    `${verb} ${r.removed.length} entr${r.removed.length === 1 ? "y" : "ies"} (${
      (r.freedBytes / 1e6).toFixed(1)
    } MB); ` +
      `kept ${r.kept} (${(r.keptBytes / 1e6).toFixed(1)} MB)`,
  );
  return 0;
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
  const [a, b] = positionals.map((v) => pick("variant", v, def.variants));
  const profile = pick("profile", values.profile as string | undefined, def.profiles);
  const jobs = positiveInt("--jobs", values.jobs as string | undefined);
  const dryRun = Boolean(values["dry-run"]);
  const stages = def.diff({ a, b, profile });
  const key = `${a}-vs-${b}`;
  const results = await execute(
    stages,
    `diff ${a} vs ${b}, profile ${profile}${dryRun ? " (dry run)" : ""}`,
    {
      root,
      profile,
      variant: `diff-${key}`,
      force: (values.force as string[] | undefined) ?? [],
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
