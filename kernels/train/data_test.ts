import assert from "node:assert/strict";
import { prepareCorpus } from "../data/corpus.ts";
import { openCorpus } from "./data.ts";

Deno.test("openCorpus: train batches resume from a saved cursor; val batches are fixed; vocab checked", async () => {
  const dir = await Deno.makeTempDir();
  await prepareCorpus({ outDir: dir, source: "synthetic", tokens: 5000, seed: 2 });
  const a = await openCorpus(dir, 11, 259);
  a.data.nextBatch(2, 8);
  const saved = a.data.state();
  const next = a.data.nextBatch(2, 8);
  const b = await openCorpus(dir, 99, 259);
  b.data.restore(saved);
  assert.deepEqual(b.data.nextBatch(2, 8), next);
  assert.deepEqual(a.data.validationBatches(2, 2, 8), b.data.validationBatches(2, 2, 8));
  assert.equal(a.train.count + a.val.count, 5000);
  await assert.rejects(
    openCorpus(dir, 0, 100),
    /train\.json: field "vocabSize" is 259, larger than the model's vocabSize 100/,
  );
  await assert.rejects(openCorpus(`${dir}/missing`, 0, 259), /missing\/train\.json/);
  await Deno.remove(dir, { recursive: true });
});
