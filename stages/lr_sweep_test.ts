import assert from "node:assert/strict";
import { compile } from "vega-lite";
import { runPipeline } from "../pipeline/mod.ts";
import { readCsvObjects } from "../records/schemas.ts";
import { corpusStage } from "./train.ts";
import { type LrSweepSettings, sweepRunId } from "./lr_sweep.ts";
import { lrSweepStagesOf } from "./pipeline.ts";

const SWEEP: LrSweepSettings = {
  models: [
    { role: "wide", size: "small", width: 16, depth: 1 },
    { role: "deep", size: "small", width: 8, depth: 4 },
    { role: "wide", size: "large", width: 32, depth: 1 },
    { role: "deep", size: "large", width: 16, depth: 4 },
  ],
  learningRates: [1e-3, 1e-2, 1e-1],
  architecture: {
    vocabSize: 259,
    headSize: 4,
    gqaRatio: 2,
    mlpRatio: 4,
    seqLen: 16,
    ropeTheta: 10000,
    normEps: 1e-6,
  },
  steps: 8,
  batchSize: 4,
  evalBatches: 2,
  corpus: "corpus",
  backend: "reference",
};

Deno.test("lr sweep: one run per (model, lr), table of final losses and lr·width·√depth, two Vega-Lite specs", async () => {
  const root = await Deno.makeTempDir({ prefix: "lr_sweep_" });
  try {
    const stages = [
      corpusStage({ source: "synthetic", tokens: 20_000, seed: 2, alphabetSize: 8 }),
      ...lrSweepStagesOf(SWEEP),
    ];
    assert.equal(stages.length, 1 + 12 + 1);
    const results = await runPipeline(stages, { root, jobs: 2 });
    const dir = (id: string) => results.find((r) => r.id === id)!.outDir;
    const rows = await readCsvObjects(`${dir("lr_sweep")}/lr_sweep.csv`);
    assert.equal(rows.length, 12);
    for (const r of rows) {
      const m = SWEEP.models.find((m) => `${m.width}x${m.depth}` === r.model)!;
      const lr = Number(r.lr);
      assert.equal(Number(r.lr_width_sqrt_depth), lr * m.width * Math.sqrt(m.depth));
      const result = JSON.parse(await Deno.readTextFile(`${dir(`train.${sweepRunId(m, lr)}`)}/result.json`));
      assert.equal(Number(r.final_loss), result.finalValLoss);
      assert.ok(Math.abs(result.peakLr - lr) <= 1e-15 * lr, `${r.model} at ${lr}: peak lr ${result.peakLr}`);
    }
    for (const f of ["loss_vs_lr.vl.json", "loss_vs_scaled_lr.vl.json"]) {
      const spec = JSON.parse(await Deno.readTextFile(`${dir("lr_sweep")}/${f}`));
      assert.equal(spec.data.values.length, 12);
      const vega = compile(spec).spec;
      assert.ok(Array.isArray(vega.marks) && vega.marks.length > 0, f);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("sweep run ids are distinct per model and learning rate", () => {
  const ids = SWEEP.models.flatMap((m) => SWEEP.learningRates.map((lr) => sweepRunId(m, lr)));
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(sweepRunId({ role: "wide", size: "s", width: 64, depth: 1 }, 3e-3), "lr_64x1_3e-3");
});
