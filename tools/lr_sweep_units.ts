/**
 * Plans the learning-rate sweep of issue 6 (`MICRO_LR_SWEEP` of stages/profile_settings.ts: a wide and a deep
 * model at two sizes × 7 peak learning rates) as training units for `stages/run_units.ts`, sized for a lent
 * H100 (`MICRO_H100_LR_SWEEP`): each run is short (default 400 steps of 64 × 128 tokens, the micro corpus), constant lr after a
 * 5 % warm-up, with `evals` evenly spaced validation evaluations. Writes `<out>/<run id>/run.json` (the
 * `RunFile` of stages/train.ts, corpus path relative to the repo) and prints the predicted device time
 * from measured throughputs of the micro study (`--rates data/micro-h100/timings.json`) or the
 * {@link estimateTokensPerSecond} model for shapes not measured.
 *
 * Usage:
 *   deno run -A tools/lr_sweep_units.ts --out .micro/lr_units --corpus .micro/corpus [--steps 400]
 *     [--batch 64] [--seq-len 128] [--rates data/micro-h100/timings.json]
 * @module
 */
import { parseArgs } from "node:util";
import { type LrSweepSettings, sweepRunId } from "../stages/lr_sweep.ts";
import { MICRO_H100_LR_SWEEP as H100_LR_SWEEP } from "../stages/profile_settings.ts";
import { resolveTrainConfig, type TrainConfig, trainFlopsPerToken } from "../kernels/train/mod.ts";
import { estimateTokensPerSecond, readRates, writeUnits } from "./micro_units.ts";

/**
 * Returns the median ratio of measured wall tokens/s (set-up and evaluations included) to
 * {@link estimateTokensPerSecond} over the runs of a run_units timings.json with at most `maxParams`
 * parameters (dimensionless; multiply estimates by it). Throws naming the file and field on bad input.
 */
export async function calibrationFactor(path: string, maxParams = 2e6): Promise<number> {
  let t: { runs?: Record<string, number>[] };
  try {
    t = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    throw new Error(`${path}: cannot read timings: ${(e as Error).message}`);
  }
  if (!Array.isArray(t.runs)) throw new Error(`${path}: field "runs" must be an array`);
  const ratios: number[] = [];
  t.runs.forEach((r, i) => {
    for (const f of ["width", "depth", "params", "batchSize", "flopsPerToken", "tokensPerS"]) {
      if (!(typeof r[f] === "number" && r[f] > 0)) {
        throw new Error(`${path}: runs[${i}] field "${f}" must be a positive number, got ${r[f]}`);
      }
    }
    if (r.params > maxParams) return;
    const perStep = r.batchSize * (r.seqLen ?? MICRO_LR_SWEEP_SEQ);
    ratios.push(r.tokensPerS / estimateTokensPerSecond(r.flopsPerToken, r.depth, perStep));
  });
  if (ratios.length === 0) throw new Error(`${path}: no run with at most ${maxParams} params`);
  ratios.sort((a, b) => a - b);
  const m = ratios.length >> 1;
  return ratios.length % 2 ? ratios[m] : (ratios[m - 1] + ratios[m]) / 2;
}

/** Context length of the micro study's runs (timings.json does not record it). */
const MICRO_LR_SWEEP_SEQ = 128;

/** Evaluations per sweep run (evenly spaced in tokens; the last one gives the final loss). */
export const SWEEP_EVALS = 4;

/** One planned sweep run. */
export interface SweepUnit {
  /** Run id, e.g. "lr_64x1_3e-3". */
  readonly runId: string;
  /** The resolved training config (lrBase = lr · width · √depth). */
  readonly config: TrainConfig;
  /** Assumed training tokens/s of the shape. */
  readonly tokensPerS: number;
  /** Predicted seconds (training plus evaluations, no set-up). */
  readonly seconds: number;
}

/**
 * Returns the sweep's units: one per (model, lr) of `s`, peak lr exactly `lr` (lrBase = lr·width·√depth),
 * with the seconds predicted from `rates` (training tokens/s per "WxD"; missing shapes estimated).
 */
export function planLrSweep(
  s: LrSweepSettings,
  corpus: string,
  rates: Readonly<Record<string, number>> = {},
  evals = SWEEP_EVALS,
): SweepUnit[] {
  if (!(Number.isInteger(s.steps) && s.steps >= evals)) {
    throw new Error(`lr sweep: steps must be an integer ≥ evals (${evals}), got ${s.steps}`);
  }
  const perStep = s.batchSize * s.architecture.seqLen;
  const evalSteps = Math.floor(s.steps / evals);
  return s.models.flatMap((m) =>
    s.learningRates.map((lr) => {
      const model = { ...s.architecture, width: m.width, depth: m.depth };
      const runId = sweepRunId(m, lr);
      const config = resolveTrainConfig({
        model,
        batchSize: s.batchSize,
        steps: s.steps,
        lrBase: lr * m.width * Math.sqrt(m.depth),
        evalEveryTokens: evalSteps * perStep,
        evalBatches: s.evalBatches,
        logEvery: Math.max(1, Math.floor(evalSteps / 4)),
        checkpointEvery: 0,
        seed: 0,
        corpus,
      }, `lr sweep unit ${runId}`);
      const rate = rates[`${m.width}x${m.depth}`] ??
        estimateTokensPerSecond(trainFlopsPerToken(model), m.depth, perStep);
      const evalTokens = evals * s.evalBatches * perStep / 3;
      return { runId, config, tokensPerS: rate, seconds: (s.steps * perStep + evalTokens) / rate };
    })
  );
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      out: { type: "string", default: ".micro/lr_units" },
      corpus: { type: "string", default: ".micro/corpus" },
      steps: { type: "string", default: String(H100_LR_SWEEP.steps) },
      batch: { type: "string", default: String(H100_LR_SWEEP.batchSize) },
      "seq-len": { type: "string", default: String(H100_LR_SWEEP.architecture.seqLen) },
      rates: { type: "string" },
      calibrate: { type: "string" },
      "setup-seconds": { type: "string", default: "1" },
    },
  });
  const num = (name: string, v: string) => {
    const x = Number(v);
    if (!Number.isFinite(x) || x <= 0) throw new Error(`--${name} must be a positive number, got "${v}"`);
    return x;
  };
  const s: LrSweepSettings = {
    ...H100_LR_SWEEP,
    architecture: { ...H100_LR_SWEEP.architecture, seqLen: num("seq-len", values["seq-len"]) },
    steps: num("steps", values.steps),
    batchSize: num("batch", values.batch),
  };
  const units0 = planLrSweep(s, values.corpus, values.rates ? await readRates(values.rates) : {});
  const factor = values.calibrate ? await calibrationFactor(values.calibrate) : 1;
  if (values.calibrate) console.log(`calibration: measured/estimated throughput ${factor.toFixed(2)}`);
  const units = units0.map((u) => ({ ...u, tokensPerS: u.tokensPerS * factor, seconds: u.seconds / factor }));
  const setup = num("setup-seconds", values["setup-seconds"]);
  for (const u of units) {
    console.log(
      `${u.runId.padEnd(20)} lr ${u.config.lrBase.toFixed(3).padStart(8)}/(w√d) ` +
        `${Math.round(u.tokensPerS).toString().padStart(8)} tok/s ${u.seconds.toFixed(1).padStart(6)} s`,
    );
  }
  const total = units.reduce((a, u) => a + u.seconds + setup, 0);
  console.log(`predicted total ${total.toFixed(0)} s (${units.length} runs, ${setup} s set-up each)`);
  await writeUnits(values.out, new Map(units.map((u) => [u.runId, u.config])));
  console.log(`wrote ${units.length} units to ${values.out}`);
}
