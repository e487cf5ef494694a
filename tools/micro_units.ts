/**
 * Plans the micro scaling study as training units that fit a fixed device-time budget, and writes one
 * folder per run (`<out>/<run id>/run.json`, the `RunFile` of stages/train.ts with the corpus given by a
 * path relative to the repo) for `stages/run_units.ts` to execute on another machine.
 *
 * Shapes are MICRO_GRID's (byte vocabulary 259, context 128, head 16, ~15 models of 0.1M-10M params).
 * Each model is trained on `tokensPerParam · N` tokens clamped to [minTokens, cap] with a constant
 * learning rate after warm-up (the Gemstones recipe), evaluated at `evals` evenly spaced checkpoints, so
 * each run gives several (tokens, loss) points. The cap (≤ maxTokens) is the largest whose predicted
 * total time — from measured tokens/s per shape (`--rates timings.json` of a probe run) or the
 * {@link estimateTokensPerSecond} model — fits the budget.
 *
 * Usage:
 *   deno run -A tools/micro_units.ts --out .micro/units --corpus .micro/corpus [--budget 420]
 *     [--batch 64] [--rates .micro/probe/timings.json] [--probe 40]
 * `--probe N` writes one N-step probe unit per shape instead (to measure tokens/s per shape).
 * @module
 */
import { parseArgs } from "node:util";
import { buildGrid, type GridRow, modelOfRow } from "../stages/grid.ts";
import { MICRO_GRID } from "../stages/profile_settings.ts";
import { resolveTrainConfig, type TrainConfig, trainFlopsPerToken } from "../kernels/train/mod.ts";
import { writeFileAtomic } from "../util/fs.ts";

/** Settings of the study plan. */
export interface MicroPlanOptions {
  /** Device seconds the training may take in total (evaluations included). */
  readonly budgetSeconds: number;
  /** Sequences per optimizer step. */
  readonly batchSize: number;
  /** Tokens per parameter before clamping (Chinchilla: 20). */
  readonly tokensPerParam: number;
  /** Fewest training tokens of a run. */
  readonly minTokens: number;
  /** Most training tokens of a run (the cap is chosen at or below it). */
  readonly maxTokens: number;
  /** Validation checkpoints per run (evenly spaced in tokens). */
  readonly evals: number;
  /** Fixed validation batches per evaluation. */
  readonly evalBatches: number;
  /** Measured training tokens/s per shape "WxD" (missing shapes use the estimate). */
  readonly rates: Readonly<Record<string, number>>;
}

/** Defaults: 420 s budget, batch 64, 20 tokens/param clamped to [2e6, 2e7], 8 evals of 8 batches. */
export const MICRO_PLAN_DEFAULTS: MicroPlanOptions = {
  budgetSeconds: 420,
  batchSize: 64,
  tokensPerParam: 20,
  minTokens: 2e6,
  maxTokens: 2e7,
  evals: 8,
  evalBatches: 8,
  rates: {},
};

/** One planned run. */
export interface PlannedRun {
  /** Run id `micro_<W>x<D>`. */
  readonly runId: string;
  /** The grid row. */
  readonly row: GridRow;
  /** Optimizer steps. */
  readonly steps: number;
  /** Training tokens = steps · batch · seqLen. */
  readonly tokens: number;
  /** Steps between evaluations. */
  readonly evalSteps: number;
  /** Tokens/s assumed for the shape (measured or estimated). */
  readonly tokensPerS: number;
  /** Predicted seconds (training plus evaluations). */
  readonly seconds: number;
}

/**
 * Returns a rough H100 WebGPU training throughput (tokens/s) for a shape when none was measured: a
 * step costs a fixed 1.5 ms plus 0.35 ms per block (dispatch-bound small kernels) plus its FLOPs at
 * 8 TFLOP/s (about half the measured f32 matmul peak, docs/BENCHMARKS.md).
 */
export function estimateTokensPerSecond(flopsPerToken: number, depth: number, tokensPerStep: number): number {
  const stepSeconds = 1.5e-3 + 0.35e-3 * depth + (flopsPerToken * tokensPerStep) / 8e12;
  return tokensPerStep / stepSeconds;
}

function stepsFor(tokens: number, perStep: number, evals: number): number {
  // Whole steps, a multiple of `evals` so the evaluations fall evenly.
  return Math.max(evals, Math.ceil(tokens / perStep / evals) * evals);
}

function planWithCap(rows: readonly GridRow[], o: MicroPlanOptions, cap: number): PlannedRun[] {
  const perStep = o.batchSize * MICRO_GRID.seqLen;
  return rows.map((row) => {
    const want = Math.min(cap, Math.max(o.minTokens, o.tokensPerParam * row.params));
    const steps = stepsFor(want, perStep, o.evals);
    const tokens = steps * perStep;
    const fpt = trainFlopsPerToken(modelOfRow(MICRO_GRID, row));
    const rate = o.rates[row.model] ?? estimateTokensPerSecond(fpt, row.depth, perStep);
    // An evaluation is forward-only (about a third of a training step) over evalBatches batches.
    const evalTokens = o.evals * o.evalBatches * perStep / 3;
    return {
      runId: `micro_${row.model}`,
      row,
      steps,
      tokens,
      evalSteps: steps / o.evals,
      tokensPerS: rate,
      seconds: (tokens + evalTokens) / rate,
    };
  });
}

/** Returns the total predicted seconds of a plan. */
export function planSeconds(plan: readonly PlannedRun[]): number {
  return plan.reduce((s, r) => s + r.seconds, 0);
}

/**
 * Returns the study plan for MICRO_GRID: the largest token cap in [minTokens, maxTokens] (bisection)
 * whose predicted total fits `budgetSeconds`; throws when even minTokens for every run does not fit.
 */
export function planMicroStudy(options: Partial<MicroPlanOptions> = {}): PlannedRun[] {
  const o = { ...MICRO_PLAN_DEFAULTS, ...options };
  const rows = buildGrid(MICRO_GRID);
  let lo = o.minTokens, hi = o.maxTokens;
  if (planSeconds(planWithCap(rows, o, hi)) <= o.budgetSeconds) return planWithCap(rows, o, hi);
  if (planSeconds(planWithCap(rows, o, lo)) > o.budgetSeconds) {
    throw new Error(
      `micro plan: even ${o.minTokens} tokens per run needs ${
        planSeconds(planWithCap(rows, o, lo)).toFixed(0)
      } s, over the budget of ${o.budgetSeconds} s`,
    );
  }
  for (let i = 0; i < 40; i++) {
    const mid = Math.sqrt(lo * hi);
    if (planSeconds(planWithCap(rows, o, mid)) <= o.budgetSeconds) lo = mid;
    else hi = mid;
  }
  return planWithCap(rows, o, lo);
}

/** Returns the resolved training config of a planned run reading the corpus at `corpus`. */
export function unitConfig(run: PlannedRun, o: MicroPlanOptions, corpus: string): TrainConfig {
  const perStep = o.batchSize * MICRO_GRID.seqLen;
  const evalEvery = run.evalSteps * perStep;
  return resolveTrainConfig({
    model: modelOfRow(MICRO_GRID, run.row),
    batchSize: o.batchSize,
    steps: run.steps,
    lrBase: MICRO_GRID.lrBase,
    evalEveryTokens: evalEvery,
    evalBatches: o.evalBatches,
    logEvery: Math.max(1, Math.floor(run.evalSteps / 4)),
    checkpointEvery: 0,
    seed: 0,
    corpus,
  }, `micro unit ${run.runId}`);
}

/** Returns probe configs: one `steps`-step run per MICRO_GRID shape (log every 10 steps, one eval batch). */
export function probeConfigs(steps: number, batchSize: number, corpus: string): Map<string, TrainConfig> {
  const out = new Map<string, TrainConfig>();
  for (const row of buildGrid(MICRO_GRID)) {
    out.set(
      `probe_${row.model}`,
      resolveTrainConfig({
        model: modelOfRow(MICRO_GRID, row),
        batchSize,
        steps,
        lrBase: MICRO_GRID.lrBase,
        evalEveryTokens: 0,
        evalBatches: 1,
        logEvery: 10,
        checkpointEvery: 0,
        seed: 0,
        corpus,
      }, `probe ${row.model}`),
    );
  }
  return out;
}

/** Writes `<outDir>/<id>/run.json` (gpu backend) for each config; returns the run ids written. */
export async function writeUnits(
  outDir: string,
  configs: ReadonlyMap<string, TrainConfig>,
): Promise<string[]> {
  for (const [runId, config] of configs) {
    await Deno.mkdir(`${outDir}/${runId}`, { recursive: true });
    await writeFileAtomic(
      `${outDir}/${runId}/run.json`,
      JSON.stringify({ runId, backend: "gpu", config }, null, 2) + "\n",
    );
  }
  return [...configs.keys()];
}

/** Returns measured steady tokens/s per shape "WxD" from a run_units timings.json (ids `*_<W>x<D>`). */
export async function readRates(path: string): Promise<Record<string, number>> {
  let t: { runs?: { runId: string; steadyTokensPerS: number }[] };
  try {
    t = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    throw new Error(`${path}: cannot read timings: ${(e as Error).message}`);
  }
  if (!Array.isArray(t.runs)) throw new Error(`${path}: field "runs" must be an array`);
  const out: Record<string, number> = {};
  t.runs.forEach((r, i) => {
    const m = /_(\d+x\d+)$/.exec(r.runId ?? "");
    if (!m) throw new Error(`${path}: runs[${i}] field "runId" must end in _<W>x<D>, got ${r.runId}`);
    if (!(r.steadyTokensPerS > 0)) {
      throw new Error(
        `${path}: runs[${i}] field "steadyTokensPerS" must be positive, got ${r.steadyTokensPerS}`,
      );
    }
    out[m[1]] = r.steadyTokensPerS;
  });
  return out;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      out: { type: "string", default: ".micro/units" },
      corpus: { type: "string", default: ".micro/corpus" },
      budget: { type: "string", default: String(MICRO_PLAN_DEFAULTS.budgetSeconds) },
      batch: { type: "string", default: String(MICRO_PLAN_DEFAULTS.batchSize) },
      "max-tokens": { type: "string", default: String(MICRO_PLAN_DEFAULTS.maxTokens) },
      rates: { type: "string" },
      probe: { type: "string" },
    },
  });
  const num = (name: string, v: string) => {
    const x = Number(v);
    if (!Number.isFinite(x) || x <= 0) throw new Error(`--${name} must be a positive number, got "${v}"`);
    return x;
  };
  const batchSize = num("batch", values.batch);
  if (values.probe !== undefined) {
    const ids = await writeUnits(
      values.out,
      probeConfigs(num("probe", values.probe), batchSize, values.corpus),
    );
    console.log(`wrote ${ids.length} probe units to ${values.out}`);
  } else {
    const o: MicroPlanOptions = {
      ...MICRO_PLAN_DEFAULTS,
      budgetSeconds: num("budget", values.budget),
      batchSize,
      maxTokens: num("max-tokens", values["max-tokens"]),
      rates: values.rates ? await readRates(values.rates) : {},
    };
    const plan = planMicroStudy(o);
    for (const r of plan) {
      console.log(
        `${r.runId.padEnd(14)} ${String(r.row.params).padStart(9)} params ${
          String(r.steps).padStart(6)
        } steps ` +
          `${r.tokens.toExponential(2)} tokens ${Math.round(r.tokensPerS).toString().padStart(8)} tok/s ` +
          `${r.seconds.toFixed(1).padStart(6)} s`,
      );
    }
    console.log(`predicted total ${planSeconds(plan).toFixed(0)} s (budget ${o.budgetSeconds} s)`);
    await writeUnits(values.out, new Map(plan.map((r) => [r.runId, unitConfig(r, o, values.corpus)])));
    console.log(`wrote ${plan.length} units to ${values.out}`);
  }
}
