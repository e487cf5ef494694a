import assert from "node:assert/strict";
import { encodeDocuments, firstInvalidUtf8, prepareCorpus, splitTrainVal } from "./corpus.ts";
import { markovChain, syntheticEntropyRate } from "./markov.ts";
import { readTokenFile, tokensToBytes, writeTokenFile } from "./tokenfile.ts";
import { sha256Hex } from "../../util/hex.ts";
import { decodeTokens } from "./tokenizer.ts";

Deno.test("splitTrainVal: evenly spaced contiguous chunks, every token kept once", () => {
  const tokens = Uint16Array.from({ length: 100 }, (_, i) => i);
  const { train, val } = splitTrainVal(tokens, 0.25, 10);
  // chunks 3 and 7 (floor((i+1)/4) steps at i = 3, 7) go to validation
  assert.deepEqual(Array.from(val), [
    ...Array.from({ length: 10 }, (_, i) => 30 + i),
    ...Array.from({ length: 10 }, (_, i) => 70 + i),
  ]);
  assert.equal(train.length, 80);
  assert.deepEqual([...train, ...val].sort((a, b) => a - b), Array.from(tokens));
  assert.throws(() => splitTrainVal(tokens, 1, 10), /valFraction/);
});

Deno.test("token file: SHA-256 known value, atomic write/read round trip, corruption named", async () => {
  // SHA-256 of the empty string (FIPS 180-2 test vector)
  assert.equal(
    sha256Hex(new Uint8Array()),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  assert.deepEqual(Array.from(tokensToBytes([258, 1])), [2, 1, 1, 0]);
  const dir = await Deno.makeTempDir();
  try {
    const source = { kind: "text", description: "test" } as const;
    const h = await writeTokenFile(dir, "train", [1, 258, 65535 % 259], {
      vocabSize: 259,
      valFraction: 0.1,
      chunkTokens: 4,
      source,
    });
    const { header, tokens } = await readTokenFile(dir, "train");
    assert.deepEqual(header, h);
    assert.deepEqual(Array.from(tokens), [1, 258, 65535 % 259]);
    assert.deepEqual(Array.from(Deno.readDirSync(dir), (e) => e.name).sort(), ["train.bin", "train.json"]);
    const bin = await Deno.readFile(`${dir}/train.bin`);
    bin[0] ^= 1;
    await Deno.writeFile(`${dir}/train.bin`, bin);
    await assert.rejects(
      () => readTokenFile(dir, "train"),
      new RegExp(`${dir}/train.bin: SHA-256 .* "sha256"`),
    );
    await Deno.writeFile(`${dir}/train.bin`, bin.subarray(0, 4));
    await assert.rejects(
      () => readTokenFile(dir, "train"),
      /train.bin: 4 bytes, but header field "count" says 3/,
    );
    await Deno.writeTextFile(`${dir}/train.json`, JSON.stringify({ ...h, vocabSize: -1 }));
    await assert.rejects(() => readTokenFile(dir, "train"), /train.json: field "vocabSize"/);
    await assert.rejects(
      () => writeTokenFile(dir, "x", [300], { vocabSize: 259, valFraction: 0.1, chunkTokens: 4, source }),
      /token 300 at position 0/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("prepareCorpus text: two UTF-8 files become <bos>…<eos> documents; bad UTF-8 names file and line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const a = `${dir}/a.txt`, b = `${dir}/b.txt`;
    await Deno.writeTextFile(a, "Grüße aus Köln.\n".repeat(40));
    await Deno.writeTextFile(b, "日本語のテキスト\n".repeat(40));
    const { train, val } = await prepareCorpus({
      source: "text",
      files: [a, b],
      outDir: `${dir}/out`,
      valFraction: 0.1,
      chunkTokens: 64,
    });
    const all = encodeDocuments([await Deno.readTextFile(a), await Deno.readTextFile(b)]);
    assert.equal(train.count + val.count, all.length);
    assert.equal(train.vocabSize, 259);
    const t = await readTokenFile(`${dir}/out`, "train"), v = await readTokenFile(`${dir}/out`, "val");
    const expected = splitTrainVal(all, 0.1, 64);
    assert.deepEqual(t.tokens, expected.train);
    assert.deepEqual(v.tokens, expected.val);
    assert.ok(decodeTokens(t.tokens).startsWith("Grüße aus Köln.\n"));
    await Deno.writeFile(`${dir}/bad.txt`, new Uint8Array([104, 105, 10, 111, 107, 10, 0xc3, 0x28]));
    await assert.rejects(
      () => prepareCorpus({ source: "text", files: [`${dir}/bad.txt`], outDir: `${dir}/o2` }),
      new RegExp(`${dir}/bad.txt: line 3, byte 6: invalid UTF-8`),
    );
    await assert.rejects(
      () => prepareCorpus({ source: "text", files: [`${dir}/none.txt`], outDir: `${dir}/o3` }),
      /none.txt: cannot read/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("firstInvalidUtf8: valid text, truncated, overlong and surrogate sequences", () => {
  assert.equal(firstInvalidUtf8(new TextEncoder().encode("a€🙂")), -1);
  assert.equal(firstInvalidUtf8(new Uint8Array([97, 0xe2, 0x82])), 1);
  assert.equal(firstInvalidUtf8(new Uint8Array([0xe0, 0x80, 0x80])), 0); // overlong
  assert.equal(firstInvalidUtf8(new Uint8Array([97, 98, 0xed, 0xa0, 0x80])), 2); // surrogate
});

Deno.test("prepareCorpus synthetic: header records the closed-form entropy rate; same seed, same bytes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const opts = { source: "synthetic", tokens: 20_000, seed: 5, outDir: `${dir}/s1` } as const;
    const { train, val } = await prepareCorpus(opts);
    assert.equal(train.source.entropyRateNats, syntheticEntropyRate(markovChain(16, 5, 2)));
    assert.equal(train.count + val.count, 20_000);
    assert.equal(val.count, 1000); // chunk = floor(20000 · 0.05) = 1000, one validation chunk in 20
    const again = await prepareCorpus({ ...opts, outDir: `${dir}/s2` });
    assert.equal(again.train.sha256, train.sha256);
    await assert.rejects(() => prepareCorpus({ ...opts, tokens: 10, outDir: `${dir}/s3` }), /too small/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
