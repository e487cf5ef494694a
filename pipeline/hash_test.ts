import assert from "node:assert/strict";
import { canonicalJson, hashFields, sha256File, sha256Hex } from "./hash.ts";
import { explainChanges, fingerprintDigest, type FingerprintFields } from "./fingerprint.ts";
import { parseSize } from "./gc.ts";

Deno.test("sha256 matches the FIPS 180-2 test vector, for strings and files", async () => {
  const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  assert.equal(sha256Hex("abc"), abc);
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/f`, "abc");
  assert.deepEqual(await sha256File(`${dir}/f`), { sha256: abc, size: 3 });
});

Deno.test("length-prefixed fields never collide across splits; canonical JSON sorts keys", () => {
  assert.notEqual(hashFields(["ab", "c"]), hashFields(["a", "bc"]));
  assert.equal(hashFields(["ab", "c"]), sha256Hex("2:ab1:c"));
  assert.equal(canonicalJson({ b: [1, { d: 2, c: null }], a: "x" }), '{"a":"x","b":[1,{"c":null,"d":2}]}');
  assert.throws(
    () => canonicalJson({ a: { b: Number.NaN } }, "params"),
    /params\.a\.b: expected a finite number/,
  );
});

Deno.test("fingerprints change with each field except dep ids; changes are explained in words", () => {
  const base: FingerprintFields = {
    name: "fit",
    code: { "stages/fit.ts": "aa" },
    packages: ["npm:csv-parse@7.0.3"],
    params: '{"delta":0.001}',
    inputs: { "data/x.csv": "bb" },
    deps: [{ id: "collect", fingerprint: "cc" }],
    runtime: "deno 2.9.6 linux/x86_64",
    env: "",
  };
  const fp = fingerprintDigest(base);
  assert.equal(fingerprintDigest({ ...base, deps: [{ id: "renamed", fingerprint: "cc" }] }), fp);
  const variants: [Partial<FingerprintFields>, string][] = [
    [{ name: "fit2" }, "stage name changed from fit to fit2"],
    [{ code: { "stages/fit.ts": "ab" } }, "code file changed: stages/fit.ts"],
    [{ packages: ["npm:csv-parse@7.0.4"] }, "packages changed: npm:csv-parse@7.0.3 -> npm:csv-parse@7.0.4"],
    [{ params: '{"delta":0.01}' }, "parameter delta changed from 0.001 to 0.01"],
    [{ inputs: { "data/x.csv": "bc" } }, "input file changed: data/x.csv"],
    [{ deps: [{ id: "collect", fingerprint: "cd" }] }, "upstream stage collect changed"],
    [
      { runtime: "deno 2.9.7 linux/x86_64" },
      "runtime changed from deno 2.9.6 linux/x86_64 to deno 2.9.7 linux/x86_64",
    ],
    [{ env: "gpu:A" }, "environment changed from none to gpu:A"],
  ];
  for (const [change, words] of variants) {
    const next = { ...base, ...change };
    assert.notEqual(fingerprintDigest(next), fp, words);
    assert.deepEqual(explainChanges(base, next), [words]);
  }
});

Deno.test("sizes parse with binary suffixes", () => {
  assert.equal(parseSize("123"), 123);
  assert.equal(parseSize("2G"), 2 * 1024 ** 3);
  assert.equal(parseSize("1.5M"), 1.5 * 1024 ** 2);
  assert.equal(parseSize("10kb"), 10240);
  assert.throws(() => parseSize("lots"), /invalid size "lots"/);
});
