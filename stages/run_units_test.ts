import assert from "node:assert/strict";
import { prepareCorpus } from "../kernels/data/corpus.ts";
import { ReferenceBackend } from "../kernels/reference/backend.ts";
import { initParams } from "../kernels/init.ts";
import { openCorpus, readLog, resolveTrainConfig, type StepRecord, train } from "../kernels/train/mod.ts";
import { runUnits } from "./run_units.ts";
import { UNIT_TEST_MODEL as MODEL } from "../testing/units.ts";

async function setup(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "run_units_" });
  await prepareCorpus({
    source: "synthetic",
    tokens: 4000,
    seed: 3,
    alphabetSize: 8,
    outDir: `${root}/corpus`,
  });
  return root;
}

async function writeUnit(root: string, id: string, config: Record<string, unknown>): Promise<void> {
  await Deno.mkdir(`${root}/units/${id}`, { recursive: true });
  await Deno.writeTextFile(
    `${root}/units/${id}/run.json`,
    JSON.stringify({ runId: id, backend: "reference", config }),
  );
}

function withoutTiming(r: StepRecord | Record<string, unknown>): Record<string, unknown> {
  const { seconds: _s, tokens_per_s: _t, flops_per_s: _f, ...rest } = r as Record<string, unknown>;
  return rest;
}

Deno.test("run_units: each unit's log equals a direct train() of its config; no checkpoints left; timings", async () => {
  const root = await setup();
  try {
    const config = {
      model: MODEL,
      batchSize: 2,
      steps: 6,
      evalEveryTokens: 3 * 2 * 8,
      evalBatches: 2,
      logEvery: 3,
      corpus: "corpus", // relative to the root
    };
    await writeUnit(root, "b_run", config);
    await writeUnit(root, "a_run", { ...config, seed: 1 });
    const lines: string[] = [];
    const timings = await runUnits(`${root}/units`, `${root}/out`, { root, log: (l) => lines.push(l) });
    assert.equal(timings.adapter, "reference-f64");
    assert.deepEqual(timings.runs.map((r) => r.runId), ["a_run", "b_run"]);
    assert.ok(timings.runs.every((r) => r.steps === 6 && r.tokens === 96 && r.tokensPerS > 0));
    assert.deepEqual(
      [...Deno.readDirSync(`${root}/out/b_run`)].map((e) => e.name).sort(),
      ["config.json", "log.jsonl", "result.json", "run.json"],
    );
    // Reference: the trainer called directly on the same config.
    const cfg = resolveTrainConfig({ ...config, corpus: `${root}/corpus` });
    const corpus = await openCorpus(cfg.corpus, cfg.seed, MODEL.vocabSize);
    const direct = await train(cfg, {
      backend: new ReferenceBackend(MODEL),
      loader: corpus.data,
      outDir: `${root}/direct`,
      initParams: (c) => initParams(c.model, c.seed),
    });
    const got = (await readLog(`${root}/out/b_run/log.jsonl`)).map(withoutTiming);
    const want = (await readLog(`${root}/direct/log.jsonl`)).map(withoutTiming);
    assert.deepEqual(got, want);
    assert.equal(got.filter((r) => "val_loss" in r).length, 2);
    const result = JSON.parse(await Deno.readTextFile(`${root}/out/b_run/result.json`));
    assert.equal(result.finalValLoss, direct.finalValLoss);
    assert.equal(result.status, "done");
    assert.equal(JSON.parse(await Deno.readTextFile(`${root}/out/b_run/config.json`)).corpus, "corpus");
    const saved = JSON.parse(await Deno.readTextFile(`${root}/out/timings.json`));
    assert.equal(saved.runs.length, 2);
    assert.match(lines.join("\n"), /b_run: done 6 steps, 96 tokens/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("run_units: a bad run.json fails before training, naming the file and field", async () => {
  const root = await setup();
  try {
    await writeUnit(root, "ok", { model: MODEL, steps: 2, corpus: "corpus" });
    await writeUnit(root, "bad", { model: MODEL, steps: 2, corpus: "corpus", batchSize: -1 });
    await assert.rejects(
      () => runUnits(`${root}/units`, `${root}/out`, { root, log: () => {} }),
      /units\/bad\/run\.json: field "batchSize" must be a positive integer/,
    );
    await assert.rejects(() => Deno.stat(`${root}/out`), Deno.errors.NotFound);
    await assert.rejects(
      () => runUnits(`${root}/units`, `${root}/out`, { root, only: ["nope"], log: () => {} }),
      /no unit named nope/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
