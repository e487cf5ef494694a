/** The sweep plan (peak lrs, token counts, time model) and the imported lr_sweep stage on the shipped H100 runs. */
import assert from "node:assert/strict";
import { calibrationFactor, planLrSweep, SWEEP_EVALS } from "./lr_sweep_units.ts";
import { estimateTokensPerSecond } from "./micro_units.ts";
import { importedLrSweepStage, readLrSweepRows, sweepRunId } from "../stages/lr_sweep.ts";
import { MICRO_H100_LR_SWEEP, MICRO_H100_LR_SWEEP_DIR } from "../stages/profile_settings.ts";
import { peakLearningRate, trainFlopsPerToken } from "../kernels/train/mod.ts";
import type { Stage } from "../pipeline/stage.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

Deno.test("planLrSweep: one unit per (model, lr), peak lr exactly the swept lr, evals evenly spaced", () => {
  const s = MICRO_H100_LR_SWEEP;
  const units = planLrSweep(s, ".micro/corpus", { "64x1": 1e6 });
  assert.equal(units.length, 4 * 7);
  const perStep = 64 * 128;
  for (const m of s.models) {
    for (const lr of s.learningRates) {
      const u = units.find((x) => x.runId === sweepRunId(m, lr));
      assert.ok(u, sweepRunId(m, lr));
      assert.ok(Math.abs(peakLearningRate(u.config) / lr - 1) < 1e-12);
      assert.equal(u.config.model.width, m.width);
      assert.equal(u.config.model.depth, m.depth);
      assert.equal(u.config.steps, 400);
      assert.equal(u.config.evalEveryTokens * SWEEP_EVALS, 400 * perStep);
      assert.equal(u.config.corpus, ".micro/corpus");
    }
  }
  // Measured rate for 64x1: (400 steps · 8192 tokens + 4 evals · 8 batches · 8192 / 3) / 1e6 tokens/s.
  const wide = units.find((u) => u.runId === "lr_64x1_3e-3")!;
  assert.ok(Math.abs(wide.seconds - (400 * perStep + (4 * 8 * perStep) / 3) / 1e6) < 1e-12);
  // Unmeasured shapes use the estimate model.
  const deep = units.find((u) => u.runId === "lr_32x16_3e-3")!;
  assert.equal(deep.tokensPerS, estimateTokensPerSecond(trainFlopsPerToken(deep.config.model), 16, perStep));
  assert.throws(() => planLrSweep({ ...s, steps: 2 }, "c"), /steps must be an integer ≥ evals/);
});

Deno.test("calibrationFactor: median measured/estimated over small runs; bad field named", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lr_calib_" });
  try {
    const run = (depth: number, ratio: number, params = 1e5) => {
      const fpt = 1e6;
      return {
        width: 64,
        depth,
        params,
        batchSize: 64,
        flopsPerToken: fpt,
        tokensPerS: ratio * estimateTokensPerSecond(fpt, depth, 64 * 128),
      };
    };
    const path = `${dir}/timings.json`;
    await Deno.writeTextFile(
      path,
      JSON.stringify({ runs: [run(1, 0.5), run(2, 0.25), run(4, 0.8), run(3, 9, 5e6)] }),
    );
    assert.ok(Math.abs(await calibrationFactor(path) - 0.5) < 1e-12);
    await Deno.writeTextFile(path, JSON.stringify({ runs: [{ ...run(1, 1), depth: 0 }] }));
    await assert.rejects(() => calibrationFactor(path), /runs\[0\] field "depth" must be a positive number/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function runStage(stage: Stage, outDir: string, root = ROOT): Promise<string[]> {
  const lines: string[] = [];
  await stage.run({
    id: stage.id ?? stage.name,
    params: stage.params,
    outDir,
    root,
    deps: {},
    progress: () => {},
    log: (l) => lines.push(l),
    signal: new AbortController().signal,
  });
  return lines;
}

Deno.test("imported lr_sweep stage: 28 shipped H100 runs, losses from result.json, lr·width·√depth", async () => {
  const outDir = await Deno.makeTempDir({ prefix: "lr_sweep_imported_" });
  try {
    const lines = await runStage(importedLrSweepStage(MICRO_H100_LR_SWEEP, MICRO_H100_LR_SWEEP_DIR), outDir);
    assert.match(lines.join("\n"), /28 runs, 0 diverged/);
    const rows = await readLrSweepRows(`${outDir}/lr_sweep.csv`);
    assert.equal(rows.length, 28);
    for (const r of rows) {
      const id = sweepRunId(r, r.lr);
      const result = JSON.parse(
        await Deno.readTextFile(`${ROOT}/${MICRO_H100_LR_SWEEP_DIR}/${id}/result.json`),
      );
      assert.equal(r.final_loss, result.finalValLoss, id);
      assert.ok(r.final_loss > 0 && r.final_loss < Math.log(259), id);
      assert.ok(Math.abs(r.lr_width_sqrt_depth - r.lr * r.width * Math.sqrt(r.depth)) < 1e-15);
    }
    // 64x1 at lr 1e-2: lr·width·√depth = 0.64.
    assert.ok(
      Math.abs(rows.find((r) => r.model === "64x1" && r.lr === 1e-2)!.lr_width_sqrt_depth - 0.64) < 1e-12,
    );
    for (const f of ["loss_vs_lr.vl.json", "loss_vs_scaled_lr.vl.json"]) {
      const spec = JSON.parse(await Deno.readTextFile(`${outDir}/${f}`));
      assert.equal(spec.data.values.length, 28);
    }
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("imported lr_sweep stage: a run of the wrong shape is named with its file and field", async () => {
  const root = await Deno.makeTempDir({ prefix: "lr_sweep_bad_" });
  try {
    const m = MICRO_H100_LR_SWEEP.models[0];
    const lr = MICRO_H100_LR_SWEEP.learningRates[0];
    const dir = `${root}/runs/${sweepRunId(m, lr)}`;
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(
      `${dir}/config.json`,
      JSON.stringify({ model: { width: m.width + 1, depth: 1 } }),
    );
    const stage = importedLrSweepStage({ ...MICRO_H100_LR_SWEEP, models: [m], learningRates: [lr] }, "runs");
    await assert.rejects(
      () => runStage(stage, root, root),
      /lr_64x1_3e-4\/config\.json: field "model" must have width 64 and depth 1, got 65 and 1/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
