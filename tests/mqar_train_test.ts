// Smoke test of the associative-recall task end to end on the float64 reference backend: prepare a tiny
// MQAR set, train a tiny model on it through the training loop (whole examples, loss at the answers only),
// and check that the masked loss falls and the log carries the answer accuracy.
//
// What 200 steps (51k tokens, about 13 s) teach: that an answer is a value, one of the V/2 = 8 upper tokens,
// so the answer loss falls from about ln 16 = 2.77 to about ln 8 = 2.08 and the accuracy stays near 1/8.
// That plateau is the first stage of the task; recall itself (loss towards 0, accuracy towards 1) needs far
// more tokens (docs/training.md). A loss over every position could not get there: the filler tokens are
// uniform over all 16, so their loss stays at ln 16.
import assert from "node:assert/strict";
import { prepareMqar, resolveMqarPrepare } from "../kernels/data/mqar.ts";
import { initParams } from "../kernels/init.ts";
import { ReferenceBackend } from "../kernels/reference/backend.ts";
import {
  openCorpus,
  readLog,
  resolveTrainConfig,
  type StepRecord,
  train,
  type TrainConfig,
} from "../kernels/train/mod.ts";

const STEPS = 200;

Deno.test("mqar: a tiny reference model trained on answers only lowers its masked loss", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mqar_corpus_" });
  const out = await Deno.makeTempDir({ prefix: "mqar_run_" });
  try {
    // V 16: keys 1..7, values 8..15; T 16, K 2 pairs: 2 scored answers per 16 targets
    await prepareMqar(resolveMqarPrepare({
      outDir: dir,
      vocabSize: 16,
      seqLen: 16,
      pairs: 2,
      trainExamples: 2000,
      testExamples: 64,
      seed: 1,
    }));
    const cfg = resolveTrainConfig({
      model: { vocabSize: 16, width: 16, depth: 2, headSize: 8, seqLen: 16 },
      batchSize: 16,
      steps: STEPS,
      lrBase: 5,
      logEvery: 10,
      evalEveryTokens: 0,
      evalSteps: [1],
      evalBatches: 4,
      corpus: dir,
    });
    const { data } = await openCorpus(dir, cfg.seed, cfg.model.vocabSize);
    const res = await train(cfg, {
      backend: new ReferenceBackend(cfg.model),
      loader: data,
      outDir: out,
      initParams: (c) => initParams(c.model, c.seed),
    });
    assert.equal(res.status, "done");
    const log = await readLog(`${out}/log.jsonl`);
    const evals = log.filter((r): r is StepRecord => !("event" in r) && r.val_loss !== undefined);
    assert.deepEqual(evals.map((r) => r.step), [1, STEPS]);
    const [first, last] = evals;
    assert.ok(first.val_loss! > 2.5, `answer loss after one step ${first.val_loss}, expected near ln 16`);
    assert.ok(last.val_loss! < 2.25, `answer loss after ${STEPS} steps ${last.val_loss}, expected near ln 8`);
    for (const r of evals) assert.ok(r.val_accuracy! >= 0 && r.val_accuracy! <= 1);
    assert.equal(res.finalValAccuracy, last.val_accuracy);
    assert.deepEqual(log.at(-1), {
      event: "done",
      step: STEPS,
      tokens: STEPS * 16 * 16,
      final_val_loss: res.finalValLoss,
      final_val_accuracy: res.finalValAccuracy,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("mqar: an aborted run resumes across epochs of examples exactly as an uninterrupted run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mqar_corpus_" });
  const full = await Deno.makeTempDir(), cut = await Deno.makeTempDir();
  try {
    // 10 training examples, 3 per step: the 12 steps walk 3.6 epochs, each in a fresh order
    await prepareMqar(resolveMqarPrepare({
      outDir: dir,
      vocabSize: 16,
      seqLen: 16,
      pairs: 2,
      trainExamples: 10,
      testExamples: 6,
      seed: 2,
    }));
    const cfg = resolveTrainConfig({
      model: { vocabSize: 16, width: 8, depth: 1, headSize: 4, seqLen: 16 },
      batchSize: 3,
      steps: 12,
      lrBase: 1,
      logEvery: 2,
      evalEveryTokens: 4 * 3 * 16,
      evalBatches: 2,
      // the reference keeps float64 weights and a checkpoint rounds them: checkpoint where the other aborts
      checkpointEvery: 7,
      corpus: dir,
    });
    const run = async (c: TrainConfig, out: string, abortAt?: number) => {
      const { data } = await openCorpus(dir, c.seed, c.model.vocabSize);
      const ac = new AbortController();
      let drawn = 0;
      return await train(c, {
        backend: new ReferenceBackend(c.model),
        loader: {
          ...data,
          nextBatch: (b, t) => {
            if (++drawn === abortAt) ac.abort();
            return data.nextBatch(b, t);
          },
        },
        outDir: out,
        initParams: (x) => initParams(x.model, x.seed),
        signal: ac.signal,
      });
    };
    assert.equal((await run(cfg, full)).status, "done");
    assert.equal((await run(cfg, cut, 7)).status, "aborted");
    const second = await run(cfg, cut);
    assert.equal(second.resumedFrom, 7);
    const strip = (rs: object[]) =>
      rs.map((r) => {
        const { seconds: _s, tokens_per_s: _t, flops_per_s: _f, ...rest } = r as StepRecord;
        return rest;
      });
    const want = strip(await readLog(`${full}/log.jsonl`));
    assert.deepEqual(strip(await readLog(`${cut}/log.jsonl`)), want);
    assert.equal(want.filter((r) => "val_accuracy" in r).length, 3); // steps 4, 8, 12
  } finally {
    for (const d of [dir, full, cut]) await Deno.remove(d, { recursive: true });
  }
});
