import assert from "node:assert/strict";
import { prepareCorpus } from "./corpus.ts";
import { TokenLoader } from "./loader.ts";

const stream = Uint16Array.from({ length: 1000 }, (_, i) => i % 259);

Deno.test("TokenLoader: windows are contiguous runs of the stream at in-range offsets", () => {
  const l = new TokenLoader(stream, 1);
  for (let n = 0; n < 20; n++) {
    const b = l.nextBatch(3, 15);
    assert.equal(b.length, 48);
    for (let s = 0; s < 3; s++) {
      const w = b.subarray(s * 16, s * 16 + 16);
      const start = w[0] + 259 * Math.floor(0); // stream[i] = i mod 259: consecutive values mod 259
      for (let t = 1; t < 16; t++) {
        assert.equal(w[t], (start + t) % 259 === w[t] ? w[t] : (w[t - 1] + 1) % 259);
      }
      for (let t = 1; t < 16; t++) assert.equal(w[t], (w[t - 1] + 1) % 259);
    }
  }
  assert.equal(l.batches, 20);
});

Deno.test("TokenLoader: offsets are uniform over all windows (chi-square on 10 bins)", () => {
  // token i has value i, so a window's first token is its start offset
  const l = new TokenLoader(Uint16Array.from({ length: 1009 }, (_, i) => i), 3);
  const starts = 1009 - 9 + 1, bins = new Array(10).fill(0);
  for (let n = 0; n < 2000; n++) {
    const b = l.nextBatch(5, 8);
    for (let s = 0; s < 5; s++) {
      assert.ok(b[s * 9] < starts);
      bins[Math.floor((b[s * 9] / starts) * 10)]++;
    }
  }
  const expect = 10_000 / 10;
  const chi2 = bins.reduce((s, c) => s + (c - expect) ** 2 / expect, 0);
  // 9 degrees of freedom: 99.9th percentile 27.9
  assert.ok(chi2 < 27.9, `chi2 ${chi2} bins ${bins}`);
});

Deno.test("TokenLoader: state JSON round trip resumes the identical continuation; bad state named", () => {
  const a = new TokenLoader(stream, 9);
  for (let n = 0; n < 5; n++) a.nextBatch(2, 7);
  const saved = JSON.parse(JSON.stringify(a.state()));
  const cont = Array.from({ length: 4 }, () => Array.from(a.nextBatch(2, 7)));
  const b = new TokenLoader(stream, 12345);
  b.restore(saved);
  assert.equal(b.batches, 5);
  assert.deepEqual(Array.from({ length: 4 }, () => Array.from(b.nextBatch(2, 7))), cont);
  const c = new TokenLoader(stream.subarray(0, 999), 9, "short.bin");
  assert.throws(() => c.restore(saved), /short.bin: loader state field "count" is 1000/);
  assert.throws(
    () => new TokenLoader(stream.subarray(0, 5), 1, "tiny.bin").nextBatch(1, 8),
    /tiny.bin: 5 tokens/,
  );
});

Deno.test("TokenLoader: validation batches are fixed, evenly spaced, and leave the cursor alone", () => {
  const l = new TokenLoader(stream, 4);
  const before = l.state();
  const v = l.validationBatches(2, 2, 9);
  assert.deepEqual(l.state(), before);
  // 4 windows over last = 990: starts 0, 330, 660, 990
  assert.deepEqual([v[0][0], v[0][10], v[1][0], v[1][10]], [0, 330 % 259, 660 % 259, 990 % 259]);
  assert.deepEqual(new TokenLoader(stream, 99).validationBatches(2, 2, 9), v);
});

Deno.test("TokenLoader.open: reads a prepared corpus and names a missing file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await prepareCorpus({ source: "synthetic", tokens: 5000, seed: 2, outDir: dir });
    const { loader, header } = await TokenLoader.open(dir, "val", 1);
    assert.equal(loader.tokens.length, header.count);
    assert.ok(loader.nextBatch(2, 16).every((t) => t >= 97 && t < 97 + 16));
    await assert.rejects(() => TokenLoader.open(dir, "test", 1), new RegExp(`${dir}/test.json: cannot read`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
