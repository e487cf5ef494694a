/**
 * The `corpus` and `train.<run>` stages.
 *
 * `corpus` prepares a token corpus with kernels/data (the synthetic Markov language, or a Debian text
 * package) into `train.bin/.json` and `val.bin/.json`.
 *
 * `train.<run>` trains ONE model of a grid with the kernels/train loop, so each run is its own cached
 * stage: changing one grid entry retrains one run. A run is described by one file, `run.json`
 * ({@link RunFile}: resolved model + train config incl. the corpus path, and the backend), so it can be
 * handed to another machine as is ({@link executeRunFile}). The run works in a stable folder
 * `.cache/work/<key>/` (key: the stage fingerprint when the engine provides it, else a hash of the run
 * spec, the corpus folder and the adapter) where the trainer's checkpoints live, so an interrupted run
 * resumes; its final files are copied into the stage's output folder. The GPU adapter identity is
 * part of the fingerprint (`envIdentity`). A diverged run is kept (its `result.json` says
 * `diverged: true`) so collect can list and exclude it.
 *
 * Outputs of a train stage: `run.json`, `config.json` (TrainConfig, read by the own-run importer),
 * `log.jsonl` and `result.json` ({@link RunResult}).
 * @module
 */
import type { Params, Stage, StageContext } from "../pipeline/stage.ts";
import type { UnitTask } from "../pipeline/executor.ts";
import { type ModelConfig, validateModelConfig } from "../kernels/types.ts";
import {
  peakLearningRate,
  resolveTrainConfig,
  type TrainConfig,
  type TrainConfigInput,
} from "../kernels/train/config.ts";
import { adapterIdentity } from "../kernels/gpu/context.ts";
import { prepareCorpus } from "../kernels/data/corpus.ts";
import { prepareMqar, resolveMqarPrepare } from "../kernels/data/mqar.ts";
import { canonicalJson, sha256Hex } from "../pipeline/hash.ts";

/** How a corpus is made (JSON; part of the corpus stage's fingerprint). */
export type CorpusSpec =
  | {
    /** The synthetic order-1 Markov language of kernels/data (no package needed). */
    source: "synthetic";
    /** Tokens generated. */
    tokens: number;
    /** Seed of the chain and of the sample. */
    seed: number;
    /** Symbols of the language. */
    alphabetSize: number;
  }
  | {
    /** A Debian text package (kernels/data DEBIAN_CORPORA, e.g. "jargon-text", "bible-kjv-text"). */
    source: "debian";
    /** Package name. */
    package: string;
  }
  | {
    /** Multi-query associative recall (kernels/data/mqar.ts): whole examples of T + 1 tokens, answer masks. */
    source: "mqar";
    /** Vocabulary V (keys from the lower half, values from the upper). */
    vocabSize: number;
    /** Sequence length T (tokens). */
    seqLen: number;
    /** Key-value pairs K per example. */
    pairs: number;
    /** Training examples. */
    trainExamples: number;
    /** Test (validation) examples. */
    testExamples: number;
    /** Seed of the training examples (the test set has its own fixed seed). */
    seed: number;
  };

/** Files of a corpus folder. */
export const CORPUS_OUTPUTS: readonly string[] = ["train.bin", "train.json", "val.bin", "val.json"];

/** Files of an MQAR corpus folder besides {@link CORPUS_OUTPUTS}: the answer masks and the manifest. */
export const MQAR_OUTPUTS: readonly string[] = ["train.mask.bin", "val.mask.bin", "mqar.json"];

/** Returns the corpus stage (id `corpus` unless given) preparing `spec` with kernels/data. */
export function corpusStage(spec: CorpusSpec, id = "corpus"): Stage<CorpusSpec & Params> {
  return {
    name: "corpus",
    id,
    module: import.meta.url,
    deps: [],
    params: spec as CorpusSpec & Params,
    inputs: [],
    outputs: spec.source === "mqar" ? [...CORPUS_OUTPUTS, ...MQAR_OUTPUTS] : CORPUS_OUTPUTS,
    async run(ctx) {
      const p = ctx.params;
      if (p.source === "mqar") {
        const { source: _s, ...task } = p;
        const { manifest } = await prepareMqar(resolveMqarPrepare({ ...task, outDir: ctx.outDir }));
        ctx.log(
          `corpus: MQAR T ${p.seqLen}, K ${p.pairs}: ${manifest.train.examples} train, ${manifest.val.examples} test examples`,
        );
        return;
      }
      const headers = p.source === "synthetic"
        ? await prepareCorpus({
          source: "synthetic",
          tokens: p.tokens,
          seed: p.seed,
          alphabetSize: p.alphabetSize,
          outDir: ctx.outDir,
        })
        : await prepareCorpus({ source: "debian", package: p.package, outDir: ctx.outDir });
      ctx.log(`corpus: ${headers.train.count} train and ${headers.val.count} validation tokens`);
    },
  };
}

/** What a train stage is given (JSON; part of its fingerprint). */
export type RunSpec = {
  /** Run identifier (unique in the graph; becomes `run_id` in collect). */
  runId: string;
  /** Full model architecture. */
  model: ModelConfig;
  /** Training settings (kernels/train TrainConfigInput without `model` and `corpus`). */
  train:
    & {
      [K in Exclude<keyof TrainConfigInput, "model" | "corpus" | "divergence" | "evalSteps">]?:
        | number
        | string;
    }
    & {
      evalSteps?: number[];
      divergence?: { spikeFactor: number };
    };
  /** Node id of the corpus stage. */
  corpus: string;
  /** Backend. */
  backend: BackendName;
};

import type { RunResult } from "../kernels/train/result.ts";
import {
  type BackendName,
  executeRunFile,
  type RunFile,
  UNIT_OUTPUTS,
  unitProgress,
  verifyUnit,
} from "./unit.ts";
export type { BackendName, RunFile, RunResult };
export { executeRunFile };
import { writeFileAtomic } from "../util/fs.ts";

/** Returns the adapter identity of the default WebGPU adapter; throws when there is none. */
export async function gpuAdapterIdentity(): Promise<string> {
  const adapter = await navigator.gpu?.requestAdapter();
  if (!adapter) {
    throw new Error("train: no WebGPU adapter (install Mesa Vulkan drivers or use backend reference)");
  }
  return adapterIdentity(adapter.info);
}

/** Returns the resolved config of a run spec with its corpus at `corpusDir`; throws naming the run and field. */
export function runConfig(spec: RunSpec, corpusDir: string): TrainConfig {
  validateModelConfig(spec.model);
  return resolveTrainConfig(
    { ...(spec.train as TrainConfigInput), model: spec.model, corpus: corpusDir },
    `run.json of ${spec.runId}`,
  );
}

const CODE_ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** How a cluster node runs one training unit: `stages/run_units.ts --unit "$UNIT"` (see pipeline/executor_slurm.ts). */
export const TRAIN_UNIT_TASK: UnitTask = {
  command: (deno, readable, writable) =>
    `${deno} run --allow-read=${[CODE_ROOT, ...readable].join(",")} --allow-write=${writable.join(",")} ` +
    `--deny-net ${CODE_ROOT}/stages/run_units.ts --unit "$UNIT"`,
  isComplete: async (dir) => (await verifyUnit(dir)) !== null,
  progress: unitProgress,
};

/** Files a train stage writes. */
export const TRAIN_OUTPUTS: readonly string[] = UNIT_OUTPUTS;

/** Returns the node id of the train stage of `runId`. */
export function trainStageId(runId: string): string {
  return `train.${runId}`;
}

function workKey(ctx: StageContext, spec: RunSpec, identity: string): string {
  const fp = ctx.fingerprint;
  if (typeof fp === "string" && /^[0-9a-f]{16,}$/.test(fp)) return fp;
  return sha256Hex(canonicalJson({ spec, corpus: ctx.deps[spec.corpus], identity }));
}

async function readAborted(work: string, id: string): Promise<RunResult> {
  try {
    return JSON.parse(await Deno.readTextFile(`${work}/result.json`)) as RunResult;
  } catch (e) {
    throw new Error(`${id}: the unit in ${work} left no complete outputs: ${(e as Error).message}`);
  }
}

/** Returns the train stage of one run (id `train.<runId>`), depending only on its corpus stage. */
export function trainStage(spec: RunSpec): Stage<RunSpec & Params> {
  validateModelConfig(spec.model);
  runConfig(spec, "/corpus"); // fail at graph-build time on a bad spec, naming the run and field
  const envIdentity = () => spec.backend === "gpu" ? gpuAdapterIdentity() : Promise.resolve("reference-f64");
  return {
    name: "train",
    id: trainStageId(spec.runId),
    module: import.meta.url,
    deps: [spec.corpus],
    params: spec as RunSpec & Params,
    inputs: [],
    outputs: TRAIN_OUTPUTS,
    unit: true,
    envIdentity,
    async run(ctx) {
      const s = ctx.params;
      const corpusDir = ctx.deps[s.corpus];
      if (corpusDir === undefined) throw new Error(`${ctx.id}: missing dependency ${s.corpus}`);
      const cfg = runConfig(s, corpusDir);
      const key = workKey(ctx, s, await envIdentity());
      const executor = ctx.executor;
      const work = executor ? executor.unitDir(key) : `${ctx.root}/.cache/work/${key}`;
      await Deno.mkdir(work, { recursive: true });
      const runFile: RunFile = { runId: s.runId, backend: s.backend, config: cfg };
      await writeFileAtomic(`${work}/run.json`, JSON.stringify(runFile, null, 2) + "\n");
      ctx.log(`${ctx.id}: working in ${work}; ${cfg.steps} steps, peak lr ${peakLearningRate(cfg)}`);
      ctx.progress(0, cfg.steps, "starting");
      const runHere = async () => {
        await executeRunFile(work, {
          signal: ctx.signal,
          onProgress: (r, steps) =>
            ctx.progress(
              r.step,
              steps,
              `loss ${r.train_loss.toFixed(3)}${
                r.val_loss !== undefined ? ` val ${r.val_loss.toFixed(3)}` : ""
              }`,
            ),
        });
      };
      if (executor) {
        await executor.run(
          { stageId: ctx.id, fingerprint: key, dir: work, log: ctx.log, progress: ctx.progress },
          runHere,
        );
      } else await runHere();
      const result = await verifyUnit(work) ?? await readAborted(work, ctx.id);
      if (result.status === "aborted") {
        throw new Error(`${ctx.id}: aborted at step ${result.steps}; rerun to resume from the checkpoint`);
      }
      if (result.diverged) ctx.log(`${ctx.id}: DIVERGED at step ${result.steps}: ${result.reason}`);
      if (result.resumedFrom > 0) ctx.log(`${ctx.id}: resumed from step ${result.resumedFrom}`);
      for (const f of TRAIN_OUTPUTS) await Deno.copyFile(`${work}/${f}`, `${ctx.outDir}/${f}`);
      ctx.progress(cfg.steps, cfg.steps, result.diverged ? "diverged" : "done");
      await Deno.remove(work, { recursive: true });
    },
  };
}
