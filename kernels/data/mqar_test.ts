import assert from "node:assert/strict";
import {
  mqarExamples,
  type MqarOptions,
  prepareMqar,
  readMqarManifest,
  readMqarMask,
  resolveMqarPrepare,
} from "./mqar.ts";
import { parsePrepareArgs } from "./prepare.ts";
import { readTokenFile } from "./tokenfile.ts";

const TASK: MqarOptions = { vocabSize: 32, seqLen: 24, pairs: 3, powerA: 0.01, randomNonQueries: true };

Deno.test("mqarExamples: pairs, then each key queried once with its value as the scored answer", () => {
  const { vocabSize: V, seqLen: T, pairs: K } = TASK, L = T + 1, n = 500;
  const { tokens, mask } = mqarExamples(TASK, n, 5);
  assert.equal(tokens.length, n * L);
  for (let e = 0; e < n; e++) {
    const ex = tokens.subarray(e * L, (e + 1) * L), m = mask.subarray(e * L, (e + 1) * L);
    const pairs = new Map<number, number>();
    for (let i = 0; i < K; i++) {
      const k = ex[2 * i], v = ex[2 * i + 1];
      assert.ok(k >= 1 && k < V / 2, `key ${k}`);
      assert.ok(v >= V / 2 && v < V, `value ${v}`);
      assert.ok(!pairs.has(k) && ![...pairs.values()].includes(v), "keys and values distinct");
      pairs.set(k, v);
    }
    const queried: number[] = [];
    for (let p = 0; p < L; p++) {
      if (m[p] === 0) continue;
      // an answer follows a query at an even offset after the 2K context tokens
      assert.ok(p - 1 >= 2 * K && (p - 1 - 2 * K) % 2 === 0, `answer at ${p}`);
      assert.equal(ex[p], pairs.get(ex[p - 1]));
      queried.push(ex[p - 1]);
    }
    assert.deepEqual(queried.toSorted(), [...pairs.keys()].toSorted(), "each key queried exactly once");
  }
});

Deno.test("mqarExamples: gaps follow p(g) ∝ g^(a−1); filler is 0 without randomNonQueries", () => {
  // one pair: the query's slot s = g − 1 is drawn with probability ∝ g^(a−1), g = 1..space
  const check = (powerA: number) => {
    const o = { vocabSize: 8, seqLen: 20, pairs: 1, powerA, randomNonQueries: false }, L = 21, n = 20_000;
    const space = (20 - 2) / 2;
    const { tokens, mask } = mqarExamples(o, n, 11);
    const counts = new Array(space).fill(0);
    for (let e = 0; e < n; e++) {
      const p = mask.subarray(e * L, (e + 1) * L).indexOf(1);
      counts[(p - 1 - 2) / 2]++;
      for (let t = 2; t < L; t++) if (t !== p && t !== p - 1) assert.equal(tokens[e * L + t], 0);
    }
    const w = counts.map((_, s) => (s + 1) ** (powerA - 1)), z = w.reduce((a, b) => a + b, 0);
    counts.forEach((c, s) => {
      const p = w[s] / z, sd = Math.sqrt(n * p * (1 - p));
      assert.ok(Math.abs(c - n * p) < 4.5 * sd + 1, `a ${powerA} slot ${s}: ${c} vs ${n * p}`);
    });
  };
  check(0.01);
  check(1);
});

Deno.test("prepareMqar: same options give the same bytes; manifest, masks and headers agree", async () => {
  const dirs = [await Deno.makeTempDir(), await Deno.makeTempDir(), await Deno.makeTempDir()];
  try {
    const base = { vocabSize: 16, seqLen: 16, pairs: 2, trainExamples: 40, testExamples: 8, seed: 3 };
    for (const [i, dir] of dirs.entries()) {
      await prepareMqar(resolveMqarPrepare({ ...base, outDir: dir, seed: i === 2 ? 4 : 3 }));
    }
    for (const f of ["train.bin", "train.json", "val.bin", "train.mask.bin", "val.mask.bin", "mqar.json"]) {
      assert.deepEqual(await Deno.readFile(`${dirs[0]}/${f}`), await Deno.readFile(`${dirs[1]}/${f}`), f);
    }
    assert.notDeepEqual(
      await Deno.readFile(`${dirs[0]}/train.bin`),
      await Deno.readFile(`${dirs[2]}/train.bin`),
    );
    // the test set has its own seed: the same whatever the training seed
    assert.deepEqual(await Deno.readFile(`${dirs[0]}/val.bin`), await Deno.readFile(`${dirs[2]}/val.bin`));
    const m = (await readMqarManifest(dirs[0]))!;
    assert.equal(m.exampleTokens, 17);
    assert.equal(m.train.examples, 40);
    assert.equal(m.val.answers, 16);
    const { header } = await readTokenFile(dirs[0], "train");
    assert.equal(header.count, 40 * 17);
    assert.equal(header.source.kind, "mqar");
    const mask = await readMqarMask(dirs[0], "val", m);
    assert.equal(mask.reduce((a, b) => a + b, 0), 16);
    assert.equal(await readMqarManifest(`${dirs[0]}/none`), null);
    await Deno.writeFile(`${dirs[0]}/val.mask.bin`, mask.map((v, i) => (i === 3 ? 1 - v : v)));
    await assert.rejects(readMqarMask(dirs[0], "val", m), /val\.mask\.bin: SHA-256 .* "val\.maskSha256"/);
  } finally {
    for (const d of dirs) await Deno.remove(d, { recursive: true });
  }
});

Deno.test("mqar options: impossible tasks and bad flags are named", () => {
  const o = { outDir: "d", vocabSize: 16, seqLen: 16, pairs: 2, trainExamples: 4, testExamples: 2, seed: 0 };
  assert.throws(() => resolveMqarPrepare({ ...o, seqLen: 15 }), /seqLen must be even, got 15/);
  assert.throws(() => resolveMqarPrepare({ ...o, pairs: 5 }), /4·pairs ≤ seqLen/);
  assert.throws(() => resolveMqarPrepare({ ...o, vocabSize: 5 }), /pairs 2 exceed the 1 keys of vocabSize 5/);
  assert.throws(() => resolveMqarPrepare({ ...o, powerA: 0 }), /powerA must be a positive number, got 0/);
  const args = ["--source", "mqar", "--vocab-size", "16", "--seq-len", "16", "--pairs", "2", "--out", "d"];
  assert.deepEqual(
    parsePrepareArgs([
      ...args,
      "--train-examples",
      "4",
      "--test-examples",
      "2",
      "--seed",
      "1",
      "--zero-filler",
    ]),
    {
      source: "mqar",
      outDir: "d",
      vocabSize: 16,
      seqLen: 16,
      pairs: 2,
      powerA: 0.01,
      randomNonQueries: false,
      trainExamples: 4,
      testExamples: 2,
      seed: 1,
      testSeed: 1_000_003,
    },
  );
  assert.throws(
    () => parsePrepareArgs([...args, "--seed", "1"]),
    /--train-examples: required with --source mqar/,
  );
  assert.throws(
    () =>
      parsePrepareArgs([
        ...args,
        "--train-examples",
        "4",
        "--test-examples",
        "2",
        "--seed",
        "1",
        "--val-fraction",
        "0.1",
      ]),
    /--val-fraction: not used with --source mqar/,
  );
});
