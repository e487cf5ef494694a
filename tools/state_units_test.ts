import assert from "node:assert/strict";
import { runStateTier, sweepConfigs } from "./state_units.ts";
import { type StateStudySettings } from "../stages/state_design.ts";
import { collectStateStage, stateRunInfos } from "../stages/state_study.ts";
import { readStateRuns } from "../records/state_runs.ts";
import type { StageContext } from "../pipeline/stage.ts";

/** A rehearsal of the GPU tier at the smallest size: two mixers, one context, a 2-lr sweep, 8 steps. */
const TINY: StateStudySettings = {
  name: "tiny",
  task: { vocabSize: 16, trainExamples: 64, testExamples: 16, seed: 1 },
  mixers: [{ label: "softmax", mixer: { kind: "softmax" } }, {
    label: "taylor_d2",
    mixer: { kind: "taylor", featureDim: 2 },
  }],
  regimes: { growing: [{ seqLen: 8, pairs: 1 }], fixed: [] },
  blocks: [{ mixers: ["softmax", "taylor_d2"], widths: [16], contexts: [{ seqLen: 8, pairs: 1 }] }],
  seedCells: [],
  architecture: { depth: 1, headSize: 8, gqaRatio: 1, mlpRatio: 2, ropeTheta: 10000, normEps: 1e-6 },
  steps: 8,
  batchSize: 4,
  evalsPerRun: 2,
  evalBatches: 1,
  lrSweep: {
    mixer: "softmax",
    width: 16,
    context: { seqLen: 8, pairs: 1 },
    learningRates: [1e-3, 3e-2],
    steps: 8,
  },
  backend: "reference",
};

Deno.test("state_units rehearses the GPU tier: corpora, sweep, the lowest-loss lr, every run's logs, read back by collect_state", async () => {
  const root = Deno.cwd();
  const out = await Deno.makeTempDir({ dir: `${root}/.cache`, prefix: "state-units-" });
  try {
    const lrBase = await runStateTier(TINY, out, "reference", root, () => {});
    const sweep = JSON.parse(await Deno.readTextFile(`${out}/sweep/timings.json`)) as {
      runs: { runId: string; finalValLoss: number }[];
    };
    const best = sweep.runs.reduce((a, b) => (b.finalValLoss < a.finalValLoss ? b : a));
    assert.equal(lrBase, sweepConfigs(TINY, `${out}/corpora`).get(best.runId)!.lrBase);
    assert.equal(JSON.parse(await Deno.readTextFile(`${out}/lr.json`)).lrWidthSqrtDepth, lrBase);
    for (const id of ["tiny_softmax_w16_T8_K1", "tiny_taylor_d2_w16_T8_K1"]) {
      const config = JSON.parse(await Deno.readTextFile(`${out}/runs/${id}/config.json`));
      assert.equal(config.lrBase, lrBase, id);
      assert.ok(
        !config.corpus.startsWith("/"),
        `${id}: corpus path relative to the repository: ${config.corpus}`,
      );
      const evals = (await Deno.readTextFile(`${out}/runs/${id}/log.jsonl`)).trim().split("\n").map((l) =>
        JSON.parse(l)
      )
        .filter((l) => typeof l.val_loss === "number");
      assert.deepEqual(evals.map((l) => l.step), [4, 8], id);
      for (const l of evals) {
        assert.ok(l.val_accuracy >= 0 && l.val_accuracy <= 1, `${id}: ${l.val_accuracy}`);
      }
    }
    assert.equal(
      JSON.parse(await Deno.readTextFile(`${out}/runs/tiny_taylor_d2_w16_T8_K1/config.json`)).model.mixer
        .kind,
      "taylor",
    );
    // The shipped logs as the state-h100 report would read them (collect_state with runsDir).
    const runsDir = `${out.slice(root.length + 1)}/runs`;
    const stage = collectStateStage(stateRunInfos(TINY), runsDir);
    assert.equal(stage.inputs.length, 6);
    const collected = await Deno.makeTempDir({ dir: `${root}/.cache`, prefix: "collect-state-" });
    const ctx: StageContext<typeof stage.params> = {
      id: "collect_state",
      params: stage.params,
      outDir: collected,
      root,
      deps: {},
      progress() {},
      log() {},
      signal: new AbortController().signal,
    };
    await stage.run(ctx);
    const rows = await readStateRuns(`${collected}/state_runs.csv`);
    assert.deepEqual(rows.map((r) => [r.run_id, r.kind, r.state]), [
      ["tiny_softmax_w16_T8_K1", "softmax", 2 * 8 * 16],
      ["tiny_taylor_d2_w16_T8_K1", "taylor", 2 * (1 + 2 + 3) * (8 + 1)],
    ]);
    await Deno.remove(collected, { recursive: true });
    // A shipped run whose config disagrees with the design is named with its file.
    const wrong = `${out}/runs/tiny_taylor_d2_w16_T8_K1/config.json`;
    const cfg = JSON.parse(await Deno.readTextFile(wrong));
    await Deno.writeTextFile(wrong, JSON.stringify({ ...cfg, model: { ...cfg.model, width: 32 } }));
    await assert.rejects(
      () => stage.run({ ...ctx, outDir: out }),
      /config\.json: run tiny_taylor_d2_w16_T8_K1 should have width 16/,
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
