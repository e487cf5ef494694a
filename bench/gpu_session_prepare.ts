/**
 * Prepares, on this machine, what the GPU session (bench/gpu_session.sh) needs from the studies and cannot
 * build on a device without a package registry: the micro study's corpus, its training units at the
 * learning rate of the shipped H100 sweep, the probe unit timed first, and `plan.json`
 * (bench/gpu_session_plan.ts) with every study's planned seconds. bench/gpu_session_prepare.sh calls it;
 * the folder it writes travels with the device call (`carry`).
 *
 * The micro study is the redesigned one (`MICRO_STUDY`: 13 shapes and 4 second seeds, 10-100 tokens per
 * parameter, 6 log-spaced checkpoints). Its sweep is `MICRO_H100_LR_SWEEP`, which already ran on an H100
 * (data/micro-h100-lr-sweep), so its optimum (`lrOptimumOf`, the parabola vertices' geometric mean) is taken
 * here and the device trains only the grid. The runs are ordered so the most useful come first when time
 * is short: seed 0 of every shape, smallest first, then the second seeds.
 *
 *   deno run -A bench/gpu_session_prepare.ts [--out .gpu-session] [--rehearse]
 *
 * `--rehearse` writes the same files at tiny sizes for llvmpipe: a synthetic corpus, the smallest micro
 * run and the probe at context 32 and batch 2 (6 and 4 steps), and the state CI tier (`state`, reference
 * backend).
 * @module
 */
import { parseArgs } from "node:util";
import { prepareCorpus } from "../kernels/data/corpus.ts";
import { MICRO_H100_LR_SWEEP, MICRO_H100_LR_SWEEP_DIR, MICRO_STUDY } from "../stages/profile_settings.ts";
import { lrOptimumOf, type MicroRun, microRuns, readThroughputSamples } from "../stages/micro_study.ts";
import { lrSweepRow, sweepRunId } from "../stages/lr_sweep.ts";
import { runConfig } from "../stages/train.ts";
import { writeUnits } from "../tools/micro_units.ts";
import { statePlan } from "../tools/state_plan.ts";
import { fitThroughput, type PlanRun, planStudy } from "../scaling/design/budget.ts";
import { trainFlopsPerToken } from "../kernels/train/flops.ts";
import type { TrainConfig } from "../kernels/train/config.ts";
import type { SessionPlan } from "./gpu_session_plan.ts";
import { writeFileAtomic } from "../util/fs.ts";

/** The shape of the probe run (one of the seed shapes: small, mid-depth). */
export const PROBE_SHAPE = "64x3";

/** Returns the lr·width·√depth optimum of the shipped H100 sweep (`dir`: its folder under `root`). */
export async function shippedLrOptimum(root: string, dir = MICRO_H100_LR_SWEEP_DIR): Promise<number> {
  const rows = [];
  for (const m of MICRO_H100_LR_SWEEP.models) {
    for (const lr of MICRO_H100_LR_SWEEP.learningRates) {
      const path = `${root}/${dir}/${sweepRunId(m, lr)}/result.json`;
      let r;
      try {
        r = JSON.parse(await Deno.readTextFile(path));
      } catch (e) {
        throw new Error(`${path}: cannot read the sweep run's result: ${(e as Error).message}`);
      }
      rows.push(lrSweepRow(m, lr, r));
    }
  }
  return lrOptimumOf(rows).lrWidthSqrtDepth;
}

/**
 * Writes the session folder `out` (absolute, or relative to `root`, the repository root, which is where the
 * units' corpus path is taken from when they run); returns its plan.
 */
export async function prepareSession(root: string, out: string, rehearse: boolean): Promise<SessionPlan> {
  const dir = out.startsWith("/") ? out : `${root}/${out}`;
  const corpus = `${out}/micro/corpus`;
  if (rehearse) {
    await prepareCorpus({ source: "synthetic", tokens: 60_000, seed: 1, outDir: `${dir}/micro/corpus` });
  } else {
    await prepareCorpus({ source: "debian", package: "jargon-text", outDir: `${dir}/micro/corpus` });
  }
  const lr = await shippedLrOptimum(root);
  const s = MICRO_STUDY;
  // Rehearsal: context 32, batch 2 (llvmpipe on a loaded machine trains at tens of tokens/s).
  const batchSize = rehearse ? 2 : s.grid.batchSize;
  const shrink = (r: MicroRun, steps: number, evalSteps: number[]): MicroRun =>
    rehearse ? { ...r, model: { ...r.model, seqLen: 32 }, steps, evalSteps } : r;
  // Seed 0 of every shape from the smallest, then the second seeds: a cut-off run list stays a grid.
  let runs = microRuns(s).sort((a, b) => (a.seed - b.seed) || (a.params - b.params));
  if (rehearse) runs = runs.slice(0, 1).map((r) => shrink(r, 6, [3, 6]));
  const unit = (runId: string, r: MicroRun, evalBatches: number, logEvery: number): TrainConfig =>
    runConfig({
      runId,
      model: r.model,
      train: {
        steps: r.steps,
        batchSize,
        evalSteps: [...r.evalSteps],
        evalBatches,
        logEvery,
        // The pipeline checkpoints every 500 steps to resume; nothing resumes on the device, and the
        // checkpoints would not fit what comes back.
        checkpointEvery: 0,
        seed: r.seed,
        lrBase: lr,
      },
      corpus: "corpus",
      backend: "gpu",
    }, corpus);
  const planRun = (id: string, r: MicroRun, evalBatches: number): PlanRun => ({
    id,
    params: r.params,
    depth: r.model.depth,
    flopsPerToken: trainFlopsPerToken(r.model),
    tokens: r.steps * batchSize * r.model.seqLen,
    evalTokens: r.evalSteps.length * evalBatches * batchSize * r.model.seqLen,
  });
  // As the micro profile's train stages log (microTrainStage).
  const logEvery = (r: MicroRun) => Math.max(1, Math.min(r.evalSteps[0], 50));
  await writeUnits(
    `${dir}/micro/units`,
    new Map(runs.map((r) => [r.runId, unit(r.runId, r, s.evalBatches, logEvery(r))])),
  );
  // The probe: a short run of one small shape, logged often enough for a steady throughput.
  const probeSteps = rehearse ? 4 : 150;
  const probeId = `probe_${PROBE_SHAPE}`;
  const seed0 = microRuns(s).find((r) => r.shape === PROBE_SHAPE && r.seed === 0)!;
  const probe = shrink({ ...seed0, steps: probeSteps, evalSteps: [probeSteps] }, probeSteps, [probeSteps]);
  await writeUnits(
    `${dir}/micro/probe`,
    new Map([[probeId, unit(probeId, probe, 1, rehearse ? 2 : 25)]]),
  );

  const throughput = fitThroughput(await readThroughputSamples(`${root}/${s.throughputFile}`));
  const micro =
    planStudy(runs.map((r) => planRun(r.runId, r, s.evalBatches)), throughput, s.budgetSeconds).runs;
  const stateProfile = rehearse ? "state" : "state-h100";
  const state = await statePlan(stateProfile, root);
  const plan: SessionPlan = {
    throughput,
    probe: planRun(probeId, probe, 1),
    state: { profile: stateProfile, runs: state.runs.length, seconds: state.seconds },
    micro,
    microLr: lr,
  };
  await writeFileAtomic(`${dir}/plan.json`, JSON.stringify(plan, null, 2) + "\n");
  return plan;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      out: { type: "string", default: ".gpu-session" },
      rehearse: { type: "boolean", default: false },
    },
  });
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const out = values.out!;
  await Deno.remove(out.startsWith("/") ? out : `${root}/${out}`, { recursive: true }).catch(() => {});
  const plan = await prepareSession(root, values.out!, values.rehearse!);
  const total = plan.micro.reduce((a, r) => a + r.seconds, 0);
  console.log(
    `${values.out}: micro lr·width·√depth ${plan.microLr.toPrecision(4)}, ${plan.micro.length} micro runs ` +
      `planned at ${total.toFixed(0)} s, state tier ${plan.state.profile} (${plan.state.runs} runs) at ` +
      `${plan.state.seconds.toFixed(0)} s, probe ${plan.probe.id}`,
  );
}
