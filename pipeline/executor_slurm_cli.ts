/**
 * The command-line side of the Slurm executor (`reproduce --executor slurm`): its flags and their help,
 * how `slurm.json` in the project root and the flags combine into its settings, what a dry run prints (the
 * array job's batch script) and what `status` says of a unit handed to Slurm. The generic CLI
 * (pipeline/cli.ts) is handed {@link SLURM_EXECUTOR} by the entry point (stages/main.ts).
 * @module
 */
import type { ExecutorKind, ExecutorSetup, PreparedExecutor, UnitTask } from "./executor.ts";
import {
  batchScript,
  readSlurmConfig,
  sharedDir,
  type SlurmConfig,
  SlurmExecutor,
  slurmUnitNote,
  validateSlurmConfig,
} from "./executor_slurm.ts";
import { UsageError } from "../cli/mod.ts";

/** The Slurm settings of one command: slurm.json overridden by the flags, and whether to detach. */
export interface SlurmSettings {
  /** The merged settings. */
  readonly config: SlurmConfig;
  /** Submit and return (`--detach`). */
  readonly detach: boolean;
}

const STRING_FLAGS: Record<string, keyof SlurmConfig> = {
  partition: "partition",
  account: "account",
  time: "time",
  gres: "gres",
  mem: "mem",
  shared: "shared",
  deno: "deno",
};

function positiveInt(flag: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new UsageError(`${flag}: expected a positive integer, got "${text}"`, `hint: e.g. ${flag} 2`);
  }
  return Number(text);
}

/**
 * Returns the Slurm settings of a command: the config file (`--slurm-config`, default `<root>/slurm.json`)
 * overridden by the flags; throws a UsageError on a bad flag or a missing `--slurm-config` file.
 */
export async function slurmSettings(
  values: Readonly<Record<string, unknown>>,
  root: string,
): Promise<SlurmSettings> {
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
  for (const [flag, key] of Object.entries(STRING_FLAGS)) {
    if (values[flag] !== undefined) flags[key] = values[flag];
  }
  const cpus = positiveInt("--cpus-per-task", values["cpus-per-task"]);
  if (cpus !== undefined) flags.cpusPerTask = cpus;
  const par = positiveInt("--array-parallel", values["array-parallel"]);
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

/** Returns the Slurm executor of one run and its dry-run text (the batch script of the expected units). */
export function prepareSlurm(settings: SlurmSettings, setup: ExecutorSetup): PreparedExecutor {
  const executor = new SlurmExecutor({
    root: setup.root,
    config: settings.config,
    task: setup.task,
    expected: setup.expected,
    detach: settings.detach,
    write: setup.write,
  });
  return {
    executor,
    describe() {
      if (setup.expected.length === 0) return ["slurm: every unit is in the store; nothing to submit"];
      return [
        `slurm: would submit ${setup.expected.length} unit(s) as one array job with this batch script:`,
        batchScript(setup.expected.map((fp) => executor.unitDir(fp)), {
          config: settings.config,
          root: setup.root,
          task: setup.task,
        }),
      ];
    },
  };
}

/** `--executor slurm`: one `sbatch --array` job for the units not in the store (see executor_slurm.ts). */
export const SLURM_EXECUTOR: ExecutorKind = {
  name: "slurm",
  label: "Slurm",
  summary: "slurm (one sbatch --array job for the units not in the store; --dry-run prints its batch script)",
  flags: {
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
  },
  help: `Slurm flags (override the keys of slurm.json in the project root, see docs/slurm.md):
  --slurm-config FILE   settings file (default slurm.json)
  --partition P  --account A  --time HH:MM:SS  --gres G  --cpus-per-task N  --mem M
  --array-parallel N    at most N array tasks at once (%N)
  --sbatch LINE         an extra #SBATCH line, e.g. --sbatch=--qos=normal (repeatable)
  --shared DIR          shared folder for units, scripts and logs (default .cache/slurm)
  --deno CMD            how a node runs Deno (default deno)
  --detach              submit and return; a later reproduce --executor slurm collects the units`,
  settings: slurmSettings,
  prepare: (settings, setup) => prepareSlurm(settings as SlurmSettings, setup),
  async unitNotes(root: string, task: UnitTask) {
    const shared = sharedDir(await readSlurmConfig(`${root}/slurm.json`), root);
    return (fingerprint: string) => slurmUnitNote(`${shared}/units/${fingerprint}`, task);
  },
};
