/**
 * The worker side of the executors: runs training units (`run.json` folders, stages/unit.ts) with
 * {@link executeRunFile}, the very function the train stage runs in process.
 *
 * Production code (not a dev tool): the batch script of `--executor slurm` (pipeline/executor_slurm.ts)
 * runs it on every array task through `TRAIN_UNIT_TASK` (stages/train.ts). It reads each run.json with
 * the train stage's own reader (`readRunFile`, stages/unit.ts).
 *
 * `--unit DIR` runs ONE unit in place (what a Slurm array task of `--executor slurm` runs): resumes from a
 * checkpoint in DIR, and on SIGTERM, SIGUSR1 or SIGINT checkpoints and exits 130 (the batch script then
 * requeues the task after a SIGUSR1 time-limit warning). Exit status: 0 finished (done or diverged; see
 * DIR/result.json), 1 error, 2 bad usage, 130 interrupted with a checkpoint written.
 *
 * `<units dir> <out dir>` executes a folder of units (one folder per run) one after the other on one WebGPU device, and
 * writes per run `config.json`, `log.jsonl` and `result.json` (no checkpoints) into `<out dir>/<run id>/`,
 * plus `<out dir>/timings.json` ({@link UnitsTimings}: wall times, throughput and the adapter identity).
 *
 * It imports nothing from npm (only kernels/ and stages/unit.ts), so it runs with a bare `deno` binary and no node_modules,
 * e.g. on a lent GPU machine: `deno run -A --no-check stages/run_units.ts .micro/units out/runs`.
 * A corpus path in a run.json that is relative is taken relative to the current folder (the repo root).
 *
 * Usage: `deno run -A stages/run_units.ts <units dir> <out dir> [--backend gpu|reference] [--only a,b]`
 *        `deno run --allow-read --allow-write=DIR stages/run_units.ts --unit DIR`
 * @module
 */
import type { RunResult } from "../kernels/train/result.ts";
import { parseArgs } from "node:util";
import { GpuContext } from "../kernels/gpu/context.ts";
import { createGpuBackend } from "../kernels/gpu/backend.ts";
import { ReferenceBackend } from "../kernels/reference/backend.ts";
import { type Backend, parameterSpecs } from "../kernels/types.ts";
import { CHECKPOINT_BIN, CHECKPOINT_JSON } from "../kernels/train/checkpoint.ts";
import { readLog } from "../kernels/train/log.ts";
import { trainFlopsPerToken } from "../kernels/train/flops.ts";
import { writeFileAtomic } from "../util/fs.ts";
import { type BackendName, executeRunFile, readRunFile, type RunFile } from "./unit.ts";

/** One unit as read from `<units dir>/<run id>/run.json` (a {@link RunFile}, corpus path made absolute). */
export interface Unit extends RunFile {
  /** Path of the run.json it came from. */
  readonly file: string;
}

/** `result.json` of a unit: the same record as the `train` stage writes. Losses in nats per token. */
export type UnitResult = RunResult;

/** Timing of one unit in `timings.json`. */
export interface UnitTiming {
  /** Run identifier. */
  readonly runId: string;
  /** Model width. */
  readonly width: number;
  /** Model depth (blocks). */
  readonly depth: number;
  /** Parameters of the model (every tensor of parameterSpecs, embeddings included). */
  readonly params: number;
  /** Sequences per step. */
  readonly batchSize: number;
  /** Optimizer steps taken. */
  readonly steps: number;
  /** Training tokens consumed. */
  readonly tokens: number;
  /** Wall seconds of the unit: backend creation, training, evaluations, result files. */
  readonly wallSeconds: number;
  /** Trainer-reported seconds (training and evaluations). */
  readonly trainSeconds: number;
  /** tokens / wallSeconds (tokens/s). */
  readonly tokensPerS: number;
  /** Training-only throughput of the steady state: median `tokens_per_s` of the log windows after the first. */
  readonly steadyTokensPerS: number;
  /** Training FLOPs per token (kernels/train flops.ts). */
  readonly flopsPerToken: number;
  /** How the run ended. */
  readonly status: string;
  /** Last validation loss, nats/token. */
  readonly finalValLoss: number | null;
}

/** `timings.json`: the whole execution. */
export interface UnitsTimings {
  /** Adapter identity of the device ("webgpu:..." or "reference-f64"). */
  readonly adapter: string;
  /** ISO time of the start. */
  readonly started: string;
  /** ISO time of the end. */
  readonly finished: string;
  /** Wall seconds of the whole execution (device set-up included). */
  readonly wallSeconds: number;
  /** Seconds to create the WebGPU device. */
  readonly setupSeconds: number;
  /** Every unit, in execution order. */
  readonly runs: readonly UnitTiming[];
}

/** Returns the run ids of `unitsDir` (sub-folders holding a run.json), sorted. */
export async function listUnits(unitsDir: string): Promise<string[]> {
  const ids: string[] = [];
  try {
    for await (const e of Deno.readDir(unitsDir)) {
      if (!e.isDirectory) continue;
      try {
        await Deno.stat(`${unitsDir}/${e.name}/run.json`);
        ids.push(e.name);
      } catch {
        // not a unit
      }
    }
  } catch (e) {
    throw new Error(`${unitsDir}: cannot list the units folder: ${(e as Error).message}`);
  }
  if (ids.length === 0) throw new Error(`${unitsDir}: no <run id>/run.json found`);
  return ids.sort();
}

/**
 * Returns the unit in `dir/run.json`, read by the train stage's own reader (`readRunFile`, stages/unit.ts:
 * one set of rules), its corpus made absolute against `root`; throws naming the file and field.
 */
export async function readUnit(dir: string, root: string): Promise<Unit> {
  const run = await readRunFile(dir, root);
  return { ...run, file: `${dir}/run.json` };
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Returns the median training-only tokens/s of the step lines of a log after the first (NaN if none). */
export async function steadyThroughput(logPath: string): Promise<number> {
  const recs = await readLog(logPath);
  const rates = recs.flatMap((r) => "tokens_per_s" in r ? [r.tokens_per_s] : []);
  return median(rates.length > 1 ? rates.slice(1) : rates);
}

async function removeIfThere(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

/** Options of {@link runUnits}. */
export interface RunUnitsOptions {
  /** Folder that relative corpus paths are taken from (default: the current folder). */
  readonly root?: string;
  /** Only these run ids (default: all). */
  readonly only?: readonly string[];
  /** Override the backend of every unit. */
  readonly backend?: BackendName;
  /** Where progress lines go (default console.log). */
  readonly log?: (line: string) => void;
}

/** Executes every unit of `unitsDir` sequentially into `outDir`; returns the timings (also written). */
export async function runUnits(
  unitsDir: string,
  outDir: string,
  options: RunUnitsOptions = {},
): Promise<UnitsTimings> {
  const log = options.log ?? console.log;
  const root = options.root ?? Deno.cwd();
  let ids = await listUnits(unitsDir);
  if (options.only && options.only.length > 0) {
    const missing = options.only.filter((id) => !ids.includes(id));
    if (missing.length > 0) throw new Error(`${unitsDir}: no unit named ${missing.join(", ")}`);
    ids = ids.filter((id) => options.only!.includes(id));
  }
  // Read every unit first: a bad file fails before any device time is spent.
  const units: Unit[] = [];
  for (const id of ids) {
    const u = await readUnit(`${unitsDir}/${id}`, root);
    units.push(options.backend ? { ...u, backend: options.backend } : u);
  }
  const started = new Date();
  const t0 = performance.now();
  const needGpu = units.some((u) => u.backend === "gpu");
  const context = needGpu ? await GpuContext.create() : null;
  const setupSeconds = (performance.now() - t0) / 1000;
  const adapter = context ? context.identity : "reference-f64";
  log(`adapter ${adapter} (set-up ${setupSeconds.toFixed(2)} s); ${units.length} units`);
  await Deno.mkdir(outDir, { recursive: true });
  const runs: UnitTiming[] = [];
  try {
    for (const u of units) {
      const u0 = performance.now();
      const dir = `${outDir}/${u.runId}`;
      await Deno.mkdir(dir, { recursive: true });
      const relCorpus = u.config.corpus.startsWith(`${root}/`)
        ? u.config.corpus.slice(root.length + 1)
        : u.config.corpus;
      await writeFileAtomic(
        `${dir}/run.json`,
        JSON.stringify({ runId: u.runId, backend: u.backend, config: u.config }, null, 2) + "\n",
      );
      const backends: Backend[] = [];
      const result: UnitResult = await executeRunFile(dir, {
        createBackend: async (name, model) => {
          const b = name === "gpu"
            ? await createGpuBackend(model, { context: context! })
            : new ReferenceBackend(model);
          backends.push(b);
          return b;
        },
      });
      const identity = backends[0]?.identity ?? adapter;
      // config.json as the trainer wrote it, but with the corpus path relative to the repo.
      await writeFileAtomic(
        `${dir}/config.json`,
        JSON.stringify({ ...u.config, corpus: relCorpus }, null, 2) + "\n",
      );
      // run.json as it came, with the corpus path relative to the repo.
      await writeFileAtomic(
        `${dir}/run.json`,
        JSON.stringify(
          { runId: u.runId, backend: u.backend, config: { ...u.config, corpus: relCorpus } },
          null,
          2,
        ) + "\n",
      );
      await removeIfThere(`${dir}/${CHECKPOINT_BIN}`);
      await removeIfThere(`${dir}/${CHECKPOINT_JSON}`);
      const wallSeconds = (performance.now() - u0) / 1000;
      const params = parameterSpecs(u.config.model).reduce(
        (s, p) => s + p.shape.reduce((a, b) => a * b, 1),
        0,
      );
      const t: UnitTiming = {
        runId: u.runId,
        width: u.config.model.width,
        depth: u.config.model.depth,
        params,
        batchSize: u.config.batchSize,
        steps: result.steps,
        tokens: result.tokens,
        wallSeconds,
        trainSeconds: result.seconds,
        tokensPerS: result.tokens / wallSeconds,
        steadyTokensPerS: await steadyThroughput(`${dir}/log.jsonl`),
        flopsPerToken: trainFlopsPerToken(u.config.model),
        status: result.status,
        finalValLoss: result.finalValLoss,
      };
      runs.push(t);
      log(
        `${u.runId}: ${t.status} ${t.steps} steps, ${t.tokens} tokens in ${wallSeconds.toFixed(2)} s; ` +
          `${Math.round(t.tokensPerS)} tokens/s overall, ${Math.round(t.steadyTokensPerS)} steady; ` +
          `val ${t.finalValLoss?.toFixed(4) ?? "-"}; ${identity}`,
      );
    }
  } finally {
    context?.destroy();
  }
  const timings: UnitsTimings = {
    adapter,
    started: started.toISOString(),
    finished: new Date().toISOString(),
    wallSeconds: (performance.now() - t0) / 1000,
    setupSeconds,
    runs,
  };
  await writeFileAtomic(`${outDir}/timings.json`, JSON.stringify(timings, null, 2) + "\n");
  log(`total ${timings.wallSeconds.toFixed(1)} s for ${runs.length} units`);
  return timings;
}

/** Exit status of `--unit` after a stop signal: a checkpoint was written (as `deno task train`). */
export const UNIT_INTERRUPTED = 130;

/**
 * Runs the one unit in `dir` in place, stopping with a checkpoint on SIGTERM, SIGUSR1 or SIGINT; returns
 * the exit status (0 finished, 1 error, 130 interrupted).
 */
export async function runOneUnit(dir: string, log: (line: string) => void = console.log): Promise<number> {
  const ac = new AbortController();
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM", "SIGUSR1"];
  const handlers = signals.map((sig) => {
    const h = () => {
      if (ac.signal.aborted) return;
      log(`run_units: ${sig} received: checkpointing ${dir} at the next step`);
      ac.abort();
    };
    Deno.addSignalListener(sig, h);
    return [sig, h] as const;
  });
  try {
    const t0 = performance.now();
    const r = await executeRunFile(dir, { signal: ac.signal });
    const s = ((performance.now() - t0) / 1000).toFixed(1);
    if (r.status === "aborted") {
      log(
        `run_units: ${r.runId}: stopped at step ${r.steps}, checkpoint written (${s} s); exit ${UNIT_INTERRUPTED}`,
      );
      return UNIT_INTERRUPTED;
    }
    log(
      `run_units: ${r.runId}: ${r.status} at step ${r.steps} in ${s} s` +
        (r.resumedFrom > 0 ? ` (resumed from step ${r.resumedFrom})` : "") + `; val ${r.finalValLoss ?? "-"}`,
    );
    return 0;
  } catch (e) {
    log(`run_units: ${dir}: ${(e as Error).message}`);
    return 1;
  } finally {
    for (const [sig, h] of handlers) Deno.removeSignalListener(sig, h);
  }
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      backend: { type: "string" },
      only: { type: "string" },
      root: { type: "string" },
      unit: { type: "string" },
    },
  });
  if (values.unit !== undefined) {
    if (positionals.length > 0) {
      console.error("usage: run_units.ts --unit DIR (no other arguments)");
      Deno.exit(2);
    }
    Deno.exit(await runOneUnit(values.unit));
  }
  if (positionals.length !== 2) {
    console.error(
      "usage: run_units.ts <units dir> <out dir> [--backend gpu|reference] [--only a,b] [--root .]\n" +
        "       run_units.ts --unit DIR",
    );
    Deno.exit(2);
  }
  if (values.backend !== undefined && values.backend !== "gpu" && values.backend !== "reference") {
    console.error(`--backend must be "gpu" or "reference", got ${JSON.stringify(values.backend)}`);
    Deno.exit(2);
  }
  await runUnits(positionals[0], positionals[1], {
    backend: values.backend as "gpu" | "reference" | undefined,
    only: values.only ? values.only.split(",") : undefined,
    root: values.root,
  });
}
