/**
 * One unit of training work: a folder holding `run.json` ({@link RunFile}), which any machine with this
 * repository and Deno can execute ({@link executeRunFile}) into `config.json`, `log.jsonl` and
 * `result.json` beside it, resuming from a checkpoint there. The train stage runs it in process; the
 * Slurm executor's array tasks run it through `stages/run_units.ts --unit DIR`; {@link verifyUnit} is how
 * either side decides that a unit is finished. Imports nothing from npm, so it runs on a bare `deno`.
 * @module
 */
import { LOG_FILE, readLog, type StepRecord } from "../kernels/train/log.ts";
import { openCorpus } from "../kernels/train/data.ts";
import { peakLearningRate, resolveTrainConfig, type TrainConfig } from "../kernels/train/config.ts";
import { train } from "../kernels/train/loop.ts";
import { writeFileAtomic } from "../util/fs.ts";
import { initParams } from "../kernels/init.ts";
import { BACKEND_NAMES, type BackendName, backendOf, isBackendName } from "../kernels/backend_of.ts";
import type { Backend, ModelConfig } from "../kernels/types.ts";
import { type RunResult, runResultOf } from "../kernels/train/result.ts";

export type { BackendName };

/** `run.json`: one self-contained unit of work (resolved config with the corpus folder). */
export interface RunFile {
  /** Run identifier. */
  readonly runId: string;
  /** Backend. */
  readonly backend: BackendName;
  /** The resolved training configuration (`corpus` is an absolute folder). */
  readonly config: TrainConfig;
}

/** Files a finished unit holds (and a train stage outputs). */
export const UNIT_OUTPUTS: readonly string[] = ["run.json", "config.json", LOG_FILE, "result.json"];

/** Options of {@link executeRunFile}. */
export interface ExecuteOptions {
  /** Abort: the trainer checkpoints and the result has status "aborted". */
  readonly signal?: AbortSignal;
  /** Called with each log line. */
  readonly onProgress?: (record: StepRecord, steps: number) => void;
  /** Creates the backend (default: a fresh WebGPU device, or the float64 reference). */
  readonly createBackend?: (name: BackendName, model: ModelConfig) => Promise<Backend>;
}

/**
 * Returns `raw` (the parsed content of the run file `path`) checked as a {@link RunFile}: an object whose
 * `runId` is a name of letters, digits, '.', '_' and '-' (it names folders), whose `backend` is "gpu" or
 * "reference" and whose `config` is a training configuration (resolved, defaults filled). A relative
 * `config.corpus` is taken relative to `root` when one is given (else left as it is). Throws naming the
 * file and the field. The one set of rules for every reader of a run.json (the train stage, the workers).
 */
export function parseRunFile(raw: unknown, path: string, root?: string): RunFile {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new Error(`${path}: expected a JSON object`);
  }
  const r = raw as Record<string, unknown>;
  if (typeof r.runId !== "string" || !/^[A-Za-z0-9._-]+$/.test(r.runId)) {
    throw new Error(
      `${path}: field "runId" must be a name of letters, digits, '.', '_', '-', got ${
        JSON.stringify(r.runId)
      }`,
    );
  }
  if (!isBackendName(r.backend)) {
    throw new Error(
      `${path}: field "backend" must be ${BACKEND_NAMES.map((n) => `"${n}"`).join(" or ")}, got ${
        JSON.stringify(r.backend)
      }`,
    );
  }
  if (r.config === null || typeof r.config !== "object" || Array.isArray(r.config)) {
    throw new Error(`${path}: field "config" must be an object`);
  }
  const cfg = r.config as Record<string, unknown>;
  const corpus = root !== undefined && typeof cfg.corpus === "string" && !cfg.corpus.startsWith("/")
    ? `${root}/${cfg.corpus}`
    : cfg.corpus;
  const config = resolveTrainConfig({ ...cfg, corpus } as Parameters<typeof resolveTrainConfig>[0], path);
  return { runId: r.runId, backend: r.backend, config };
}

/**
 * Returns the run file `dir/run.json`, checked by {@link parseRunFile} (a relative corpus taken from
 * `root` when given); throws naming the file and field.
 */
export async function readRunFile(dir: string, root?: string): Promise<RunFile> {
  const path = `${dir}/run.json`;
  let raw: unknown;
  try {
    raw = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    throw new Error(`${path}: cannot read the run file: ${(e as Error).message}`);
  }
  return parseRunFile(raw, path, root);
}

/**
 * Executes the unit of work in `dir` (`dir/run.json`): trains, resuming from a checkpoint in `dir` if
 * any, and writes `dir/config.json`, `dir/log.jsonl` and, last, `dir/result.json`. Returns the result.
 */
export async function executeRunFile(dir: string, options: ExecuteOptions = {}): Promise<RunResult> {
  const run = await readRunFile(dir);
  const cfg = run.config;
  await writeFileAtomic(`${dir}/config.json`, JSON.stringify(cfg, null, 2) + "\n");
  const corpus = await openCorpus(cfg.corpus, cfg.seed, cfg.model.vocabSize);
  const backend = await (options.createBackend ?? backendOf)(run.backend, cfg.model);
  try {
    const res = await train(cfg, {
      backend,
      loader: corpus.data,
      outDir: dir,
      initParams: (c) => initParams(c.model, c.seed),
      resume: true,
      signal: options.signal,
      onProgress: options.onProgress ? (r) => options.onProgress!(r, cfg.steps) : undefined,
    });
    const result = runResultOf(run.runId, res, peakLearningRate(cfg), backend.identity);
    await writeFileAtomic(`${dir}/result.json`, JSON.stringify(result, null, 2) + "\n");
    return result;
  } finally {
    backend.destroy();
  }
}

/**
 * Returns the progress of the unit in `dir`: its last logged step of the run's `steps`, or null before its
 * first step line (or while its run.json or log cannot be read; a torn last line is skipped).
 */
export async function unitProgress(dir: string): Promise<{ done: number; total: number } | null> {
  let total: number;
  let lines: string[];
  try {
    total = (await readRunFile(dir)).config.steps;
    lines = (await Deno.readTextFile(`${dir}/${LOG_FILE}`)).trimEnd().split("\n");
  } catch {
    return null; // not started
  }
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const r = JSON.parse(lines[i]);
      if (typeof r.step === "number") return { done: r.step, total };
    } catch { /* a torn line */ }
  }
  return null;
}

/**
 * Returns the result of the unit in `dir` when it is finished (every output there, `result.json` says
 * "done" or "diverged" and the log ends with that event), else null. Throws on a corrupt file, naming it.
 */
export async function verifyUnit(dir: string): Promise<RunResult | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${dir}/result.json`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  let result: RunResult;
  try {
    result = JSON.parse(text);
  } catch (e) {
    throw new Error(`${dir}/result.json: not valid JSON (${(e as Error).message})`);
  }
  if (result.status !== "done" && result.status !== "diverged") return null;
  for (const f of UNIT_OUTPUTS) {
    try {
      await Deno.stat(`${dir}/${f}`);
    } catch {
      return null;
    }
  }
  const last = (await readLog(`${dir}/${LOG_FILE}`)).at(-1);
  if (last === undefined || !("event" in last) || last.event !== result.status) return null;
  return result;
}
