/**
 * The design of the state study (seed 003, stages/state_study.ts): its settings, which runs it trains
 * ({@link stateRuns}: the union of its blocks of mixer × width × context, plus second seeds), their models,
 * state sizes and parameter counts, the MQAR corpora, the lr sweep and the evaluation steps, and the plan of
 * device time. Pure and free of npm packages, so the GPU tier's unit writer (tools/state_units.ts) runs it
 * on a machine without a registry.
 * @module
 */
import type { ModelConfig } from "../kernels/types.ts";
import type { Mixer } from "../scaling/count/mixer.ts";
import { mixerNonEmbeddingParams, stateSize } from "../scaling/count/state.ts";
import type { BackendName } from "../kernels/backend_of.ts";
import type { CorpusSpec } from "./train.ts";
import type { LrSweepSettings } from "./lr_sweep.ts";
import { trainFlopsPerToken } from "../kernels/train/flops.ts";
import type { PlanRun } from "../scaling/design/budget.ts";

/** A mixer of the study under a label (e.g. "taylor_d4"). */
export type StateMixer = { label: string; mixer: Mixer };

/** A training context: T tokens with K pairs per example. */
export type StateContext = { seqLen: number; pairs: number };

/** A block of runs: every mixer × width × context listed (the study is the union of its blocks). */
export type StateBlock = { mixers: string[]; widths: number[]; contexts: StateContext[] };

/** Settings of a state study (JSON). */
export type StateStudySettings = {
  /** Prefix of run ids. */
  name: string;
  /** The MQAR task shared by every context: vocabulary, set sizes, seed of the training examples. */
  task: { vocabSize: number; trainExamples: number; testExamples: number; seed: number };
  /** The mixers by label. */
  mixers: StateMixer[];
  /** The two regimes: contexts with K growing with T, and with K fixed. */
  regimes: { growing: StateContext[]; fixed: StateContext[] };
  /** The runs. */
  blocks: StateBlock[];
  /** Cells also trained with seed 1, as `<mixer>_w<W>_T<T>_K<K>`. */
  seedCells: string[];
  /** Architecture shared by the models (width, seqLen and mixer set per run). */
  architecture: Omit<ModelConfig, "width" | "seqLen" | "mixer" | "vocabSize">;
  /** Optimizer steps per run. */
  steps: number;
  /** Sequences (examples) per step. */
  batchSize: number;
  /** Validation checkpoints per run, evenly spaced in steps (the heat map's slider). */
  evalsPerRun: number;
  /** Validation batches per checkpoint. */
  evalBatches: number;
  /** The learning-rate sweep: one model (mixer, width, context) at each lr. */
  lrSweep: { mixer: string; width: number; context: StateContext; learningRates: number[]; steps: number };
  /** Backend of every run. */
  backend: BackendName;
};

/** One run of the study. */
export type StateRun = {
  /** Run id. */
  runId: string;
  /** Mixer label. */
  mixer: string;
  /** Model config (its mixer absent for softmax). */
  model: ModelConfig;
  /** Context and pairs. */
  context: StateContext;
  /** Training seed. */
  seed: number;
  /** State at context T, floats (all layers). */
  state: number;
  /** Non-embedding parameters. */
  params: number;
};

/** Returns the label of a context, "T<T>_K<K>". */
export function contextLabel(c: StateContext): string {
  return `T${c.seqLen}_K${c.pairs}`;
}

/** Returns the node id of the corpus stage of context `c`. */
export function stateCorpusId(c: StateContext): string {
  return `corpus_${contextLabel(c)}`;
}

/** Returns the cell label of a run, `<mixer>_w<W>_T<T>_K<K>`. */
export function cellLabel(mixer: string, width: number, c: StateContext): string {
  return `${mixer}_w${width}_${contextLabel(c)}`;
}

function mixerOf(s: StateStudySettings, label: string): Mixer {
  const m = s.mixers.find((x) => x.label === label);
  if (m === undefined) {
    throw new Error(
      `state study: unknown mixer "${label}"; defined: ${s.mixers.map((x) => x.label).join(", ")}`,
    );
  }
  return m.mixer;
}

/** Returns the model of `mixer` at `width` and context `c` (no `mixer` field for softmax: today's model). */
export function stateModel(
  s: StateStudySettings,
  mixer: string,
  width: number,
  c: StateContext,
): ModelConfig {
  const m = mixerOf(s, mixer);
  return {
    ...s.architecture,
    vocabSize: s.task.vocabSize,
    width,
    seqLen: c.seqLen,
    ...(m.kind === "softmax" ? {} : { mixer: m }),
  };
}

/** Returns the distinct contexts of the study (both regimes, the blocks and the sweep), in first-seen order. */
export function stateContexts(s: StateStudySettings): StateContext[] {
  const all = [
    ...s.regimes.growing,
    ...s.regimes.fixed,
    ...s.blocks.flatMap((b) => b.contexts),
    s.lrSweep.context,
  ];
  const seen = new Map<string, StateContext>();
  for (const c of all) if (!seen.has(contextLabel(c))) seen.set(contextLabel(c), c);
  return [...seen.values()];
}

/** Returns every run of the study: the union of its blocks (each cell once), then the seed-1 cells. */
export function stateRuns(s: StateStudySettings): StateRun[] {
  const out: StateRun[] = [];
  const seen = new Set<string>();
  const add = (mixer: string, width: number, c: StateContext, seed: number) => {
    const cell = cellLabel(mixer, width, c);
    const runId = `${s.name}_${cell}${seed === 0 ? "" : `_s${seed}`}`;
    if (seen.has(runId)) return;
    seen.add(runId);
    const model = stateModel(s, mixer, width, c);
    const m = mixerOf(s, mixer);
    out.push({
      runId,
      mixer,
      model,
      context: c,
      seed,
      state: stateSize(model, m, c.seqLen).floats,
      params: mixerNonEmbeddingParams(model, m),
    });
  };
  for (const b of s.blocks) {
    for (const m of b.mixers) for (const w of b.widths) for (const c of b.contexts) add(m, w, c, 0);
  }
  for (const cell of s.seedCells) {
    const run = out.find((r) => cellLabel(r.mixer, r.model.width, r.context) === cell);
    if (run === undefined) throw new Error(`state study: seed cell "${cell}" is not a cell of any block`);
    add(run.mixer, run.model.width, run.context, 1);
  }
  return out;
}

/** Returns the corpus specs of the study, one per context. */
export function stateCorpora(s: StateStudySettings): { id: string; spec: CorpusSpec }[] {
  return stateContexts(s).map((c) => ({
    id: stateCorpusId(c),
    spec: { source: "mqar", vocabSize: s.task.vocabSize, seqLen: c.seqLen, pairs: c.pairs, ...taskSizes(s) },
  }));
}

function taskSizes(s: StateStudySettings) {
  return { trainExamples: s.task.trainExamples, testExamples: s.task.testExamples, seed: s.task.seed };
}

/** Returns the study's learning-rate sweep as the lr-sweep blocks take it (one model, constant lr). */
export function stateLrSweep(s: StateStudySettings): LrSweepSettings {
  const w = s.lrSweep;
  const { width: _w, depth, ...architecture } = stateModel(s, w.mixer, w.width, w.context);
  return {
    models: [{ role: "wide", size: "small", width: w.width, depth }],
    learningRates: [...w.learningRates],
    architecture,
    steps: w.steps,
    batchSize: s.batchSize,
    evalBatches: s.evalBatches,
    corpus: stateCorpusId(w.context),
    backend: s.backend,
  };
}

/** Returns the evaluation steps of a run: `evalsPerRun` evenly spaced, the last at `steps`. */
export function stateEvalSteps(s: StateStudySettings): number[] {
  const out = new Set<number>();
  for (let i = 1; i <= s.evalsPerRun; i++) out.add(Math.max(1, Math.round(s.steps * i / s.evalsPerRun)));
  return [...out];
}

/** Returns the plan rows (scaling/design/budget.ts) of the study: the sweep's runs, then every run. */
export function statePlanRuns(s: StateStudySettings): PlanRun[] {
  const w = stateLrSweep(s);
  const sweepModel = { ...w.architecture, width: w.models[0].width, depth: w.models[0].depth };
  const sweepPerStep = s.batchSize * w.architecture.seqLen;
  return [
    ...w.learningRates.map((lr) => ({
      id: `lr_${lr}`,
      params: 0,
      depth: sweepModel.depth,
      flopsPerToken: trainFlopsPerToken(sweepModel),
      tokens: w.steps * sweepPerStep,
      evalTokens: w.evalBatches * sweepPerStep,
    })),
    ...stateRuns(s).map((r) => {
      const perStep = s.batchSize * r.context.seqLen;
      return {
        id: r.runId,
        params: r.params,
        depth: r.model.depth,
        flopsPerToken: trainFlopsPerToken(r.model),
        tokens: s.steps * perStep,
        evalTokens: s.evalsPerRun * s.evalBatches * perStep,
      };
    }),
  ];
}
