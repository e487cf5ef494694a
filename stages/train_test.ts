import assert from "node:assert/strict";
import { prepareCorpus } from "../kernels/data/corpus.ts";
import { resolveTrainConfig } from "../kernels/train/config.ts";
import { executeRunFile, runConfig, type RunFile, type RunSpec, trainStage } from "./train.ts";

const MODEL = {
  vocabSize: 259,
  width: 16,
  depth: 2,
  headSize: 8,
  gqaRatio: 2,
  mlpRatio: 4,
  seqLen: 16,
  ropeTheta: 10000,
  normEps: 1e-6,
};

async function withCorpus(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "train_stage_" });
  try {
    await prepareCorpus({
      source: "synthetic",
      tokens: 20_000,
      seed: 5,
      alphabetSize: 8,
      outDir: `${dir}/corpus`,
    });
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function writeRun(dir: string, corpus: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const config = resolveTrainConfig({
    model: MODEL,
    steps: 20,
    batchSize: 4,
    evalEveryTokens: 4 * 16 * 5,
    logEvery: 2,
    checkpointEvery: 1, // every step round-trips through float32, so the resumed run matches bit for bit
    corpus,
  });
  const run: RunFile = { runId: "r", backend: "reference", config };
  await Deno.writeTextFile(`${dir}/run.json`, JSON.stringify(run));
}

Deno.test("a run interrupted mid-way resumes from its checkpoint and ends where an uninterrupted run ends", async () => {
  await withCorpus(async (dir) => {
    await writeRun(`${dir}/a`, `${dir}/corpus`);
    const whole = await executeRunFile(`${dir}/a`);
    assert.equal(whole.status, "done");
    assert.equal(whole.steps, 20);
    assert.equal(whole.resumedFrom, 0);

    await writeRun(`${dir}/b`, `${dir}/corpus`);
    const ac = new AbortController();
    const cut = await executeRunFile(`${dir}/b`, {
      signal: ac.signal,
      onProgress: (r) => {
        if (r.step >= 10) ac.abort();
      },
    });
    assert.equal(cut.status, "aborted");
    assert.ok(cut.steps < 20);
    const resumed = await executeRunFile(`${dir}/b`);
    assert.equal(resumed.status, "done");
    assert.ok(
      resumed.resumedFrom > 0 && resumed.resumedFrom <= cut.steps,
      `resumed at ${resumed.resumedFrom}`,
    );
    assert.equal(resumed.finalValLoss, whole.finalValLoss);
    assert.equal(resumed.finalTrainLoss, whole.finalTrainLoss);
    const result = JSON.parse(await Deno.readTextFile(`${dir}/b/result.json`));
    assert.equal(result.finalValLoss, whole.finalValLoss);
    const config = JSON.parse(await Deno.readTextFile(`${dir}/b/config.json`));
    assert.equal(config.model.width, 16);
  });
});

Deno.test("bad run specs and run files are errors naming the run, file and field", async () => {
  const spec: RunSpec = {
    runId: "x",
    model: MODEL,
    train: { steps: 5 },
    corpus: "corpus",
    backend: "reference",
  };
  assert.throws(() => trainStage({ ...spec, train: { steps: -1 } }), /run\.json of x.*"steps"/);
  assert.throws(() => trainStage({ ...spec, model: { ...MODEL, width: 20 } }), /width/);
  assert.equal(runConfig(spec, "/c").corpus, "/c");
  assert.equal(trainStage(spec).id, "train.x");
  assert.deepEqual(trainStage(spec).deps, ["corpus"]);
  assert.equal(await trainStage(spec).envIdentity!(), "reference-f64");
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/run.json`, JSON.stringify({ runId: "x", backend: "tpu", config: {} }));
    await assert.rejects(() => executeRunFile(dir), /run\.json: field "backend"/);
    await assert.rejects(() => executeRunFile(`${dir}/missing`), /missing\/run\.json: cannot read/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
