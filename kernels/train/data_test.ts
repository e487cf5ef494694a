import assert from "node:assert/strict";
import { prepareCorpus } from "../data/corpus.ts";
import { openCorpus } from "./data.ts";
import { prepareMqar, resolveMqarPrepare } from "../data/mqar.ts";
import { readTokenFile } from "../data/tokenfile.ts";

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

Deno.test("openCorpus on an MQAR set: whole examples with answer weights; the manifest is checked", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { manifest } = await prepareMqar(
      resolveMqarPrepare({
        outDir: dir,
        vocabSize: 16,
        seqLen: 16,
        pairs: 2,
        trainExamples: 20,
        testExamples: 6,
        seed: 1,
      }),
    );
    const c = await openCorpus(dir, 5, 16);
    assert.equal(c.mqar?.exampleTokens, 17);
    const { tokens, weights } = c.data.nextBatch(3, 16);
    assert.equal(tokens.length, 3 * 17);
    // every example has K = 2 answers, and a scored target is the value paired with the key before it
    for (let s = 0; s < 3; s++) {
      const ex = tokens.subarray(s * 17, s * 17 + 17), w = weights!.subarray(s * 16, s * 16 + 16);
      assert.equal(w.reduce((a, b) => a + b, 0), 2);
      w.forEach((x, t) => {
        if (x === 1) assert.equal(ex[t + 1], ex[ex.subarray(0, 4).indexOf(ex[t]) + 1]);
      });
    }
    const val = c.data.validationBatches(2, 3, 16);
    assert.deepEqual(
      val[0].tokens,
      Int32Array.from((await readTokenFile(dir, "val")).tokens.subarray(0, 3 * 17)),
    );
    assert.equal(manifest.val.examples, 6);
    await assert.rejects(
      openCorpus(dir, 5, 8),
      /train\.json: field "vocabSize" is 16, larger than the model's vocabSize 8/,
    );
    const m = JSON.parse(await Deno.readTextFile(`${dir}/mqar.json`));
    await Deno.writeTextFile(`${dir}/mqar.json`, JSON.stringify({ ...m, exampleTokens: 16 }));
    await assert.rejects(
      openCorpus(dir, 5, 16),
      /mqar\.json: field "exampleTokens" must be options\.seqLen \+ 1 = 17, got 16/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
