import assert from "node:assert/strict";
import { runPipeline } from "../pipeline/mod.ts";
import { corpusStage } from "./train.ts";
import { exactGrid, PAPER_GRID } from "./grid.ts";
import type { LrSweepSettings } from "./lr_sweep.ts";
import { lrSweepStagesOf, microStudyStagesOf } from "./pipeline.ts";
import type { LrSweepRow } from "../records/lr_sweep_table.ts";
import { readLrSweepRows } from "../records/lr_sweep_table.ts";
import { lrSweepBest } from "../figures/specs/lr_sweep.ts";
import {
  LR_OPTIMUM_ID,
  lrOptimumOf,
  microPlanRuns,
  microRuns,
  type MicroStudySettings,
  readThroughputSamples,
  seedSpreadOf,
  sweepPlanRuns,
} from "./micro_study.ts";
import { fitThroughput, planStudy } from "../scaling/design/budget.ts";

const ARCH = {
  vocabSize: 259,
  headSize: 4,
  gqaRatio: 2,
  mlpRatio: 4,
  seqLen: 16,
  ropeTheta: 10000,
  normEps: 1e-6,
};

const SWEEP: LrSweepSettings = {
  models: [
    { role: "wide", size: "small", width: 16, depth: 1 },
    { role: "deep", size: "small", width: 8, depth: 2 },
  ],
  learningRates: [3e-3, 3e-2, 3e-1],
  architecture: ARCH,
  steps: 12,
  batchSize: 16,
  evalBatches: 1,
  corpus: "corpus",
  backend: "gpu",
};

/** Two tiny shapes, 0.1-1 tokens/param (a decade; tiny so CI's llvmpipe trains it in about a minute). */
const STUDY: MicroStudySettings = {
  name: "tiny",
  grid: exactGrid(
    { ...PAPER_GRID, headSize: 8, vocabSize: 259, seqLen: 16, batchSize: 16 },
    [{ width: 16, depth: 1 }, { width: 16, depth: 2 }],
    0,
  ),
  tokensPerParam: [0.1, 1],
  checkpoints: 4,
  seedShapes: ["16x1"],
  evalBatches: 2,
  checkpointEvery: 0,
  backend: "gpu",
  corpus: "corpus",
  lrSweep: "lr_sweep",
  throughputFile: "timings.json",
  budgetSeconds: 480,
};

Deno.test("micro study at nano size: sweep optimum -> grid lr, log-spaced decade of checkpoints, two seeds", async () => {
  const root = await Deno.makeTempDir({ prefix: "micro_study_" });
  try {
    // A measured throughput for the plan: 3 runs whose seconds/token are 1e-6 + 1e-7·depth + 1e-13·FLOPs/token.
    const runs = [[1, 1e6], [4, 3e6], [8, 2e6]].map(([depth, flopsPerToken]) => ({
      depth,
      flopsPerToken,
      steadyTokensPerS: 1 / (1e-6 + 1e-7 * depth + 1e-13 * flopsPerToken),
    }));
    await Deno.writeTextFile(`${root}/timings.json`, JSON.stringify({ runs }));
    const stages = [
      corpusStage({ source: "synthetic", tokens: 40_000, seed: 3, alphabetSize: 8 }),
      ...lrSweepStagesOf(SWEEP),
      ...microStudyStagesOf(STUDY),
    ];
    const results = await runPipeline(stages, { root, jobs: 2 });
    const dir = (id: string) => results.find((r) => r.id === id)!.outDir;

    // The optimum is the geometric mean of the sweep models' parabola vertices in lr·width·√depth.
    const sweepRows = await readLrSweepRows(`${dir("lr_sweep")}/lr_sweep.csv`);
    const vertices = lrSweepBest(sweepRows).map((b) => b.scaledLrVertex);
    assert.equal(vertices.length, 2);
    const expected = Math.sqrt(vertices[0] * vertices[1]);
    const opt = JSON.parse(await Deno.readTextFile(`${dir(LR_OPTIMUM_ID)}/lr_optimum.json`));
    assert.ok(
      Math.abs(opt.lrWidthSqrtDepth / expected - 1) < 1e-12,
      `${opt.lrWidthSqrtDepth} vs ${expected}`,
    );

    const planned = microRuns(STUDY);
    assert.deepEqual(planned.map((r) => r.runId), ["tiny_16x1", "tiny_16x1_s1", "tiny_16x2"]);
    const perStep = 16 * 16;
    for (const r of planned) {
      const result = JSON.parse(await Deno.readTextFile(`${dir(`train.${r.runId}`)}/result.json`));
      // The grid's peak lr is the sweep's optimum by the width-depth rule.
      const lr = opt.lrWidthSqrtDepth / (r.model.width * Math.sqrt(r.model.depth));
      assert.ok(Math.abs(result.peakLr / lr - 1) < 1e-12, `${r.runId}: peak lr ${result.peakLr} vs ${lr}`);
      // Checkpoints at the planned steps, spanning a decade of tokens per parameter, log-spaced (ratios equal
      // to rounding).
      const log = (await Deno.readTextFile(`${dir(`train.${r.runId}`)}/log.jsonl`)).trim().split("\n")
        .map((l) => JSON.parse(l)).filter((l) => !("event" in l) && typeof l.val_loss === "number");
      assert.deepEqual(log.map((l) => l.step), r.evalSteps, r.runId);
      const tpp = log.map((l) => l.tokens / r.params);
      assert.ok(tpp.at(-1)! / tpp[0] >= 9, `${r.runId}: ${tpp}`);
      assert.ok(Math.abs(tpp[0] / 0.1 - 1) < perStep / (0.1 * r.params), `${r.runId}: first ${tpp[0]}`);
      const ratios = tpp.slice(1).map((t, i) => t / tpp[i]);
      for (const q of ratios) {
        assert.ok(Math.abs(q / Math.cbrt(10) - 1) < 0.2, `${r.runId}: ratios ${ratios}`);
      }
    }

    // Both seeds exist, differ, and the spread is what their result files say.
    const loss = async (id: string) =>
      JSON.parse(await Deno.readTextFile(`${dir(`train.${id}`)}/result.json`)).finalValLoss as number;
    const [a, b] = [await loss("tiny_16x1"), await loss("tiny_16x1_s1")];
    assert.notEqual(a, b);
    const spread = JSON.parse(await Deno.readTextFile(`${dir("seed_spread")}/seed_spread.json`));
    assert.equal(spread.pairs.length, 1);
    assert.equal(spread.pairs[0].diff, b - a);
    assert.equal(spread.meanAbsDiff, Math.abs(b - a));
    assert.ok(Math.abs(spread.sd - Math.abs(b - a) / Math.SQRT2) < 1e-15);

    // The plan: the known throughput model recovered, every run costed.
    const plan = JSON.parse(await Deno.readTextFile(`${dir("study_plan")}/plan.json`));
    assert.ok(Math.abs(plan.throughput.perDepth / 1e-7 - 1) < 1e-6, JSON.stringify(plan.throughput));
    assert.deepEqual(plan.runs.map((r: { id: string }) => r.id), planned.map((r) => r.runId));
    assert.equal(plan.runs[0].tokens, planned[0].steps * perStep);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("lrOptimumOf: geometric mean of exact parabola vertices (0.5 and 2 -> 1)", () => {
  const rows: LrSweepRow[] = [];
  for (const [m, vertex] of [[{ width: 16, depth: 4 }, 0.5], [{ width: 64, depth: 1 }, 2]] as const) {
    const scale = m.width * Math.sqrt(m.depth);
    for (const x of [0.1, 0.3, 1, 3, 10]) {
      rows.push({
        model: `${m.width}x${m.depth}`,
        role: "r",
        size: "s",
        width: m.width,
        depth: m.depth,
        lr: x / scale,
        lr_width_sqrt_depth: x,
        final_loss: 2 + (Math.log(x) - Math.log(vertex)) ** 2,
        diverged: false,
      });
    }
  }
  const opt = lrOptimumOf(rows);
  assert.ok(Math.abs(opt.models[0].scaledLrVertex - 0.5) < 1e-12);
  assert.ok(Math.abs(opt.models[1].scaledLrVertex - 2) < 1e-12);
  assert.ok(Math.abs(opt.lrWidthSqrtDepth - 1) < 1e-12);
  assert.throws(() => lrOptimumOf(rows.map((r) => ({ ...r, final_loss: NaN }))), /no sweep model/);
});

Deno.test("seedSpreadOf: mean, max and sd of seed-to-seed differences", () => {
  const s = seedSpreadOf([{ shape: "a", losses: [2, 2.03] }, { shape: "b", losses: [1.5, 1.46] }]);
  assert.ok(Math.abs(s.meanAbsDiff - 0.035) < 1e-12);
  assert.ok(Math.abs(s.maxAbsDiff - 0.04) < 1e-12);
  assert.ok(Math.abs(s.sd - Math.sqrt((0.03 ** 2 + 0.04 ** 2) / 4)) < 1e-12);
  assert.throws(() => seedSpreadOf([]), /no shape/);
});

Deno.test("microRuns rejects a token range under a decade and an unknown seed shape", () => {
  assert.throws(() => microRuns({ ...STUDY, tokensPerParam: [1, 5] }), /tokensPerParam.*decade/);
  assert.throws(() => microRuns({ ...STUDY, seedShapes: ["99x9"] }), /seedShapes.*99x9/);
});

Deno.test("the micro profile's plan: 10-100 tokens/param per model, and sweep + grid fit 8 minutes at the H100 throughput", async () => {
  const { MICRO, MICRO_STUDY } = await import("./profile_settings.ts");
  const root = new URL("..", import.meta.url).pathname;
  const model = fitThroughput(await readThroughputSamples(`${root}${MICRO_STUDY.throughputFile}`));
  const grid = microPlanRuns(MICRO_STUDY);
  const plan = planStudy([...sweepPlanRuns(MICRO.lrSweep!), ...grid], model, 8 * 60);
  assert.equal(plan.runs.length, 28 + 17);
  assert.ok(plan.fits && plan.seconds > 300, `${plan.seconds} s`);
  const perStep = 64 * 128;
  for (const r of microRuns(MICRO_STUDY)) {
    const first = r.evalSteps[0] * perStep / r.params, last = r.steps * perStep / r.params;
    assert.ok(Math.abs(first / 10 - 1) < perStep / (10 * r.params), `${r.runId}: first ${first}`);
    assert.ok(Math.abs(last / 100 - 1) < perStep / (100 * r.params), `${r.runId}: last ${last}`);
  }
  // The plan's tokens are the runs' steps × tokens/step; the sweep's are 400 steps of 64 × 128 each.
  assert.equal(plan.runs[0].tokens, 400 * perStep);
  assert.equal(
    grid.reduce((s, r) => s + r.tokens, 0),
    microRuns(MICRO_STUDY).reduce((s, r) => s + r.steps * perStep, 0),
  );
});
