/**
 * The micro study in the laws' regime (issue 14 item 5): every grid model trains at the learning rate the
 * lr sweep found for this scale, across a decade or more of tokens per parameter with validation
 * checkpoints log-spaced in tokens, and a subset of shapes trains with a second seed to measure the noise
 * floor. Its stages:
 *
 * ```
 * lr_sweep ──► lr_optimum ──► train.<name>_<W>x<D>[_s<seed>] × N ──► seed_spread
 * data/<throughput file> ──► study_plan          (per-run tokens, FLOPs, estimated seconds; the budget)
 * ```
 *
 * `lr_optimum` is the fitted optimum of lr·width·√depth: per sweep model, the vertex of the parabola in
 * ln lr through its lowest final loss and the two neighbours (`lrSweepBest`), then the geometric mean over
 * the models. Each train stage depends on it and reads it when it runs, so a change of the sweep reruns
 * the grid. `study_plan` depends on nothing the runs read: remeasuring throughput retrains nothing. This
 * module holds the science and the stage factories; stages/pipeline.ts composes the study's graph.
 * @module
 */
import type { Params, Stage } from "../pipeline/stage.ts";
import type { ModelConfig } from "../kernels/types.ts";
import { trainFlopsPerToken } from "../kernels/train/flops.ts";
import { buildGrid, type GridParams, modelOfRow } from "./grid.ts";
import { type BackendName, type RunResult, type RunSpec, trainStage, trainStageId } from "./train.ts";
import { readLrSweepRows } from "../records/lr_sweep_table.ts";
import { type LrSweepSettings, sweepRunId } from "./lr_sweep.ts";
import { lrSweepBest } from "../figures/specs/lr_sweep.ts";
import {
  checkpointSteps,
  fitThroughput,
  formatPlan,
  type PlanRun,
  planStudy,
  type ThroughputSample,
} from "../scaling/design/budget.ts";
import { writeFileAtomic } from "../util/fs.ts";

/** Settings of a micro study (JSON). */
export type MicroStudySettings = {
  /** Prefix of run ids. */
  name: string;
  /** The grid (its `lrBase`, `tokensPerParam`, `minTokens` and `maxTokens` are not used). */
  grid: GridParams;
  /** Tokens per parameter of the first and of the last checkpoint (the run's end); hi/lo ≥ 10. */
  tokensPerParam: [number, number];
  /** Validation checkpoints per run, log-spaced in tokens. */
  checkpoints: number;
  /** Shapes ("WxD") also trained with seed 1. */
  seedShapes: string[];
  /** Fixed validation batches per evaluation. */
  evalBatches: number;
  /** Checkpoint every this many steps (resumability; 0: only at the end). */
  checkpointEvery: number;
  /** Backend. */
  backend: BackendName;
  /** Node id of the corpus stage. */
  corpus: string;
  /** Node id of the lr_sweep stage whose optimum sets every run's lr. */
  lrSweep: string;
  /** Measured throughput: a timings.json of stages/run_units.ts (runs[].depth, flopsPerToken, steadyTokensPerS), under the root. */
  throughputFile: string;
  /** GPU-time budget of the whole study (the sweep included when the plan is given it), s. */
  budgetSeconds: number;
};

/** One run of the study, resolved. */
export interface MicroRun {
  /** Run id, `<name>_<W>x<D>` (seed 0) or `<name>_<W>x<D>_s<seed>`. */
  readonly runId: string;
  /** Shape "WxD". */
  readonly shape: string;
  /** Seed. */
  readonly seed: number;
  /** Model. */
  readonly model: ModelConfig;
  /** Parameters (scaling/count, as in grid.csv). */
  readonly params: number;
  /** Optimizer steps. */
  readonly steps: number;
  /** Steps after which the validation loss is evaluated (log-spaced in tokens; the last is `steps`). */
  readonly evalSteps: readonly number[];
}

/** Node id of the lr_optimum stage. */
export const LR_OPTIMUM_ID = "lr_optimum";

/** Returns the resolved runs of study `s`: every grid row at seed 0, plus seed 1 for `s.seedShapes`. */
export function microRuns(s: MicroStudySettings): MicroRun[] {
  const [lo, hi] = s.tokensPerParam;
  if (!(lo > 0 && hi / lo >= 10)) {
    throw new Error(
      `micro study ${s.name}: field "tokensPerParam" must span a decade (hi/lo >= 10), got [${lo}, ${hi}]`,
    );
  }
  const rows = buildGrid(s.grid);
  const shapes = new Set(rows.map((r) => r.model));
  for (const sh of s.seedShapes) {
    if (!shapes.has(sh)) {
      throw new Error(`micro study ${s.name}: field "seedShapes": ${sh} is not a grid shape`);
    }
  }
  const perStep = s.grid.batchSize * s.grid.seqLen;
  return rows.flatMap((row) => {
    const evalSteps = checkpointSteps(row.params, s.tokensPerParam, s.checkpoints, perStep);
    const base = {
      shape: row.model,
      model: modelOfRow(s.grid, row),
      params: row.params,
      steps: evalSteps.at(-1)!,
      evalSteps,
    };
    const seeds = s.seedShapes.includes(row.model) ? [0, 1] : [0];
    return seeds.map((seed) => ({
      ...base,
      seed,
      runId: seed === 0 ? `${s.name}_${row.model}` : `${s.name}_${row.model}_s${seed}`,
    }));
  });
}

/** Returns the plan rows of the study's runs (training tokens; evaluation tokens of every checkpoint). */
export function microPlanRuns(s: MicroStudySettings): PlanRun[] {
  const perStep = s.grid.batchSize * s.grid.seqLen;
  return microRuns(s).map((r) => ({
    id: r.runId,
    params: r.params,
    depth: r.model.depth,
    flopsPerToken: trainFlopsPerToken(r.model),
    tokens: r.steps * perStep,
    evalTokens: r.evalSteps.length * s.evalBatches * perStep,
  }));
}

/** Returns the plan rows of the lr sweep `w` (one per model and lr; one final evaluation each; params 0: not a grid point). */
export function sweepPlanRuns(w: LrSweepSettings): PlanRun[] {
  const perStep = w.batchSize * w.architecture.seqLen;
  return w.models.flatMap((m) =>
    w.learningRates.map((lr) => {
      const model = { ...w.architecture, width: m.width, depth: m.depth };
      return {
        id: sweepRunId(m, lr),
        params: 0,
        depth: m.depth,
        flopsPerToken: trainFlopsPerToken(model),
        tokens: w.steps * perStep,
        evalTokens: w.evalBatches * perStep,
      };
    })
  );
}

/** `lr_optimum.json`: the sweep's fitted optimum of lr·width·√depth. */
export interface LrOptimum {
  /** The optimum used by the grid: geometric mean of the models' vertices (lr·width·√depth). */
  readonly lrWidthSqrtDepth: number;
  /** Each sweep model's parabola vertex. */
  readonly models: readonly { readonly label: string; readonly scaledLrVertex: number }[];
}

/** Returns the {@link LrOptimum} of sweep rows; throws when no model has a finite loss. */
export function lrOptimumOf(rows: Parameters<typeof lrSweepBest>[0]): LrOptimum {
  const best = lrSweepBest(rows);
  if (best.length === 0) throw new Error("lr_optimum: no sweep model has a finite final loss");
  const logMean = best.reduce((s, b) => s + Math.log(b.scaledLrVertex), 0) / best.length;
  return {
    lrWidthSqrtDepth: Math.exp(logMean),
    models: best.map((b) => ({ label: b.label, scaledLrVertex: b.scaledLrVertex })),
  };
}

/** Returns the lr_optimum stage reading `<sweepId>/lr_sweep.csv` and writing `lr_optimum.json`. */
export function lrOptimumStage(sweepId: string): Stage<{ sweep: string } & Params> {
  return {
    name: "lr_optimum",
    id: LR_OPTIMUM_ID,
    module: import.meta.url,
    deps: [sweepId],
    params: { sweep: sweepId },
    inputs: [],
    outputs: ["lr_optimum.json"],
    async run(ctx) {
      const opt = lrOptimumOf(await readLrSweepRows(`${ctx.deps[sweepId]}/lr_sweep.csv`));
      await writeFileAtomic(`${ctx.outDir}/lr_optimum.json`, JSON.stringify(opt, null, 2) + "\n");
      ctx.log(
        `lr_optimum: lr·width·√depth = ${
          opt.lrWidthSqrtDepth.toPrecision(4)
        } (from ${opt.models.length} models)`,
      );
    },
  };
}

/** Reads `lr_optimum.json` from folder `dir`; throws naming the file and field. */
export async function readLrOptimum(dir: string): Promise<LrOptimum> {
  const path = `${dir}/lr_optimum.json`;
  const v = JSON.parse(await Deno.readTextFile(path)) as LrOptimum;
  if (
    !(typeof v.lrWidthSqrtDepth === "number" && v.lrWidthSqrtDepth > 0 && Number.isFinite(v.lrWidthSqrtDepth))
  ) {
    throw new Error(
      `${path}: field "lrWidthSqrtDepth" must be a finite number > 0, got ${v.lrWidthSqrtDepth}`,
    );
  }
  return v;
}

/**
 * Returns the train stage of `spec` whose lrBase is the lr_optimum stage's value, read when it runs: the
 * stage depends on lr_optimum (so the sweep is in its fingerprint) and its parameters carry no lrBase.
 */
export function sweptTrainStage(spec: RunSpec): Stage<RunSpec & Params> {
  const { lrBase: _drop, ...train } = spec.train;
  const base = trainStage({ ...spec, train: { ...train, lrBase: 1 } }); // 1: a placeholder, never trained with
  return {
    ...base,
    module: import.meta.url,
    deps: [...base.deps, LR_OPTIMUM_ID],
    params: { ...spec, train } as RunSpec & Params,
    async run(ctx) {
      const opt = await readLrOptimum(ctx.deps[LR_OPTIMUM_ID]);
      const params = { ...ctx.params, train: { ...ctx.params.train, lrBase: opt.lrWidthSqrtDepth } };
      await base.run({ ...ctx, params: params as RunSpec & Params });
    },
  };
}

/** Returns the train stage of run `r` of study `s`, at the sweep's optimum lr. */
export function microTrainStage(s: MicroStudySettings, r: MicroRun): Stage {
  return sweptTrainStage({
    runId: r.runId,
    model: r.model,
    train: {
      steps: r.steps,
      batchSize: s.grid.batchSize,
      evalSteps: [...r.evalSteps],
      evalBatches: s.evalBatches,
      logEvery: Math.max(1, Math.min(r.evalSteps[0], 50)),
      checkpointEvery: s.checkpointEvery,
      seed: r.seed,
    },
    corpus: s.corpus,
    backend: s.backend,
  });
}

/** `seed_spread.json`: the final validation loss of each shape trained with two seeds. */
export interface SeedSpread {
  /** Per shape: the two final losses (nats/token) and their difference (seed 1 − seed 0). */
  readonly pairs: readonly {
    readonly shape: string;
    readonly losses: readonly number[];
    readonly diff: number;
  }[];
  /** Mean |difference|, nats/token. */
  readonly meanAbsDiff: number;
  /** Largest |difference|, nats/token. */
  readonly maxAbsDiff: number;
  /** Seed-to-seed standard deviation of one run's final loss, √(mean diff² / 2), nats/token. */
  readonly sd: number;
}

/** Returns the {@link SeedSpread} of (shape, loss seed 0, loss seed 1) triples; throws on none. */
export function seedSpreadOf(
  pairs: readonly { shape: string; losses: readonly [number, number] }[],
): SeedSpread {
  if (pairs.length === 0) throw new Error("seed_spread: no shape was trained with two seeds");
  const diffs = pairs.map((p) => p.losses[1] - p.losses[0]);
  return {
    pairs: pairs.map((p, i) => ({ shape: p.shape, losses: [...p.losses], diff: diffs[i] })),
    meanAbsDiff: diffs.reduce((s, d) => s + Math.abs(d), 0) / diffs.length,
    maxAbsDiff: Math.max(...diffs.map(Math.abs)),
    sd: Math.sqrt(diffs.reduce((s, d) => s + d * d, 0) / diffs.length / 2),
  };
}

/** Returns the seed_spread stage of study `s`: reads the result.json of both seeds of each seed shape. */
export function seedSpreadStage(s: MicroStudySettings): Stage<{ pairs: string[][] } & Params> {
  const runs = microRuns(s);
  const pairs = s.seedShapes.map((sh) =>
    runs.filter((r) => r.shape === sh).map((r) => trainStageId(r.runId))
  );
  return {
    name: "seed_spread",
    id: "seed_spread",
    module: import.meta.url,
    deps: pairs.flat(),
    params: { pairs },
    inputs: [],
    outputs: ["seed_spread.json"],
    async run(ctx) {
      const rows = [];
      for (const [i, ids] of ctx.params.pairs.entries()) {
        const losses = [];
        for (const id of ids) {
          const path = `${ctx.deps[id]}/result.json`;
          const r = JSON.parse(await Deno.readTextFile(path)) as RunResult;
          if (r.diverged || typeof r.finalValLoss !== "number") {
            throw new Error(
              `${path}: field "finalValLoss": the run has no final loss (diverged: ${r.diverged})`,
            );
          }
          losses.push(r.finalValLoss);
        }
        rows.push({ shape: s.seedShapes[i], losses: [losses[0], losses[1]] as [number, number] });
      }
      const spread = seedSpreadOf(rows);
      await writeFileAtomic(`${ctx.outDir}/seed_spread.json`, JSON.stringify(spread, null, 2) + "\n");
      ctx.log(
        `seed_spread: ${rows.length} shapes, seed-to-seed final-loss difference mean ${
          spread.meanAbsDiff.toFixed(4)
        } ` +
          `max ${spread.maxAbsDiff.toFixed(4)} nats (sd ${spread.sd.toFixed(4)})`,
      );
    },
  };
}

/** Reads the throughput samples of a stages/run_units.ts timings.json; throws naming the file, run and field. */
export async function readThroughputSamples(path: string): Promise<ThroughputSample[]> {
  const t = JSON.parse(await Deno.readTextFile(path)) as { runs?: Record<string, unknown>[] };
  if (!Array.isArray(t.runs)) throw new Error(`${path}: field "runs" must be an array`);
  return t.runs.map((r, i) => {
    for (const f of ["depth", "flopsPerToken", "steadyTokensPerS"]) {
      if (!(typeof r[f] === "number" && (r[f] as number) > 0)) {
        throw new Error(`${path}: runs[${i}] (${r.runId}): field "${f}" must be a number > 0, got ${r[f]}`);
      }
    }
    return {
      depth: r.depth as number,
      flopsPerToken: r.flopsPerToken as number,
      tokensPerSecond: r.steadyTokensPerS as number,
    };
  });
}

/**
 * Returns the study_plan stage: fits the throughput model to `s.throughputFile`, plans every run (tokens,
 * FLOPs, estimated seconds; the sweep's runs first when given), writes `plan.json` and `plan.txt` and logs the table and the verdict.
 */
export function studyPlanStage(
  s: MicroStudySettings,
  sweep: LrSweepSettings | null = null,
): Stage<{ runs: PlanRun[]; budget: number; file: string } & Params> {
  return {
    name: "study_plan",
    id: "study_plan",
    module: import.meta.url,
    deps: [],
    params: {
      runs: [...(sweep ? sweepPlanRuns(sweep) : []), ...microPlanRuns(s)],
      budget: s.budgetSeconds,
      file: s.throughputFile,
    } as
      & { runs: PlanRun[]; budget: number; file: string }
      & Params,
    inputs: [s.throughputFile],
    outputs: ["plan.json", "plan.txt"],
    async run(ctx) {
      const model = fitThroughput(await readThroughputSamples(`${ctx.root}/${ctx.params.file}`));
      const plan = planStudy(ctx.params.runs, model, ctx.params.budget);
      await writeFileAtomic(
        `${ctx.outDir}/plan.json`,
        JSON.stringify({ throughput: model, ...plan }, null, 2) + "\n",
      );
      const text = formatPlan(plan);
      await writeFileAtomic(`${ctx.outDir}/plan.txt`, text + "\n");
      for (const line of text.split("\n")) ctx.log(`study_plan: ${line}`);
    },
  };
}
