/**
 * One unit of training work: a folder holding `run.json` ({@link RunFile}), which any machine with this
 * repository and Deno can execute ({@link executeRunFile}) into `config.json`, `log.jsonl` and
 * `result.json` beside it, resuming from a checkpoint there. The train stage runs it in process; the
 * Slurm executor's array tasks run it through `tools/run_units.ts --unit DIR`; {@link verifyUnit} is how
 * either side decides that a unit is finished. Imports nothing from npm, so it runs on a bare `deno`.
 * @module
 */
import {
  LOG_FILE,
  openCorpus,
  peakLearningRate,
  readLog,
  resolveTrainConfig,
  type StepRecord,
  train,
  type TrainConfig,
  writeFileAtomic,
} from "../kernels/train/mod.ts";
import { initParams } from "../kernels/init.ts";
import { type BackendName, backendOf } from "../kernels/backend_of.ts";
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

/** Returns the run file `dir/run.json`, checked; throws naming the file and field. */
export async function readRunFile(dir: string): Promise<RunFile> {
  const path = `${dir}/run.json`;
  let run: RunFile;
  try {
    run = JSON.parse(await Deno.readTextFile(path)) as RunFile;
  } catch (e) {
    throw new Error(`${path}: cannot read the run file: ${(e as Error).message}`);
  }
  if (run.backend !== "gpu" && run.backend !== "reference") {
    throw new Error(
      `${path}: field "backend" must be "gpu" or "reference", got ${JSON.stringify(run.backend)}`,
    );
  }
  return { ...run, config: resolveTrainConfig(run.config, path) };
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
