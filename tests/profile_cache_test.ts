/**
 * Training profiles under the engine: one train stage per grid entry, so changing one entry retrains
 * only that run; a diverged run is listed with `diverged=true` and left out of runs.csv. Runs tiny
 * models on the float64 reference backend in a temporary project root (no GPU needed).
 */
import assert from "node:assert/strict";
import { runPipeline, type StageResult } from "../pipeline/mod.ts";
import { readCsvObjects, readRunsRows } from "../records/schemas.ts";
import { SMALL_FIT, type TrainingProfile } from "../stages/profile_settings.ts";
import { trainStagesOf } from "../stages/pipeline.ts";
import { collectTrainedStage } from "../stages/collect_own.ts";
import { exactGrid, PAPER_GRID } from "../stages/grid.ts";
import { corpusStage, trainStage } from "../stages/train.ts";

const ARCH = { ...PAPER_GRID, headSize: 8, vocabSize: 259, seqLen: 16, batchSize: 4, lrBase: 1 };
const TOKENS = 4 * 16 * 12;

function settings(shapes: { width: number; depth: number }[]): TrainingProfile {
  return {
    kind: "train",
    name: "t",
    grid: exactGrid(ARCH, shapes, TOKENS),
    corpus: { source: "synthetic", tokens: 20_000, seed: 3, alphabetSize: 8 },
    backend: "reference",
    evalsPerRun: 3,
    evalBatches: 2,
    checkpointEvery: 0,
    fit: SMALL_FIT,
    lrSweep: null,
  };
}

function stagesOf(s: TrainingProfile) {
  const trains = trainStagesOf(s);
  return [
    corpusStage(s.corpus),
    ...trains,
    collectTrainedStage(trains.map((t) => t.id!)),
  ];
}

const ran = (results: StageResult[]) => results.filter((r) => !r.cached).map((r) => r.id).sort();

Deno.test("changing one grid entry retrains only that run (and collect_trained)", async () => {
  const root = await Deno.makeTempDir({ prefix: "profile_cache_" });
  try {
    const a = [{ width: 16, depth: 1 }, { width: 16, depth: 2 }, { width: 32, depth: 1 }];
    const first = await runPipeline(stagesOf(settings(a)), { root, jobs: 2 });
    assert.deepEqual(ran(first), [
      "collect_trained",
      "corpus",
      "train.t_16x1",
      "train.t_16x2",
      "train.t_32x1",
    ]);
    const again = await runPipeline(stagesOf(settings(a)), { root, jobs: 2 });
    assert.deepEqual(ran(again), []);
    const b = [{ width: 16, depth: 1 }, { width: 16, depth: 2 }, { width: 32, depth: 2 }];
    const second = await runPipeline(stagesOf(settings(b)), { root, jobs: 2 });
    assert.deepEqual(ran(second), ["collect_trained", "train.t_32x2"]);
    const collect = second.find((r) => r.id === "collect_trained")!;
    const rows = await readRunsRows(`${collect.outDir}/runs.csv`);
    assert.deepEqual([...new Set(rows.map((r) => r.run_id))].sort(), ["t_16x1", "t_16x2", "t_32x2"]);
    // 12 steps, evaluated every 4 steps: 3 checkpoints per run, at 256, 512 and 768 tokens.
    assert.deepEqual(rows.filter((r) => r.run_id === "t_32x2").map((r) => r.tokens), [256, 512, 768]);
    for (const r of rows) {
      assert.equal(r.subset, "own");
      assert.ok(r.loss > 0 && r.loss < Math.log(259), `${r.run_id}: loss ${r.loss}`);
    }
    // The work folders are removed once a run's outputs are in the store.
    const work = [...Deno.readDirSync(`${root}/.cache`)].some((e) => e.name === "work")
      ? [...Deno.readDirSync(`${root}/.cache/work`)]
      : [];
    assert.deepEqual(work, []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a diverged run is listed as diverged and left out of runs.csv", async () => {
  const root = await Deno.makeTempDir({ prefix: "profile_diverged_" });
  try {
    const s = settings([{ width: 16, depth: 1 }]);
    const [ok] = trainStagesOf(s);
    const model = {
      vocabSize: 259,
      width: 16,
      depth: 1,
      headSize: 8,
      gqaRatio: 2,
      mlpRatio: 4,
      seqLen: 16,
      ropeTheta: 10000,
      normEps: 1e-6,
    };
    const bad = trainStage({
      runId: "t_nan",
      model,
      // Without clipping, lr ≈ 6e4 blows the loss up within two steps: a real divergence, no test hook.
      train: {
        steps: 12,
        batchSize: 4,
        evalEveryTokens: 256,
        logEvery: 2,
        lrBase: 1e6,
        warmupTokens: 0,
        gradClip: 0,
      },
      corpus: "corpus",
      backend: "reference",
    });
    const results = await runPipeline(
      [corpusStage(s.corpus), ok, bad, collectTrainedStage([ok.id!, bad.id!])],
      { root, jobs: 2 },
    );
    const collect = results.find((r) => r.id === "collect_trained")!;
    const own = await readCsvObjects(`${collect.outDir}/own_runs.csv`);
    assert.deepEqual(own.map((r) => [r.run_id, r.diverged, r.status]), [
      ["t_16x1", "false", "done"],
      ["t_nan", "true", "diverged"],
    ]);
    assert.ok(own[1].reason.length > 0);
    const rows = await readRunsRows(`${collect.outDir}/runs.csv`);
    assert.deepEqual([...new Set(rows.map((r) => r.run_id))], ["t_16x1"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
