/**
 * The one reader of `run.json` (parseRunFile / readRunFile): every bad file is refused naming the file and
 * the field, the same way for the train stage (executeRunFile) and the worker (stages/run_units.ts).
 */
import assert from "node:assert/strict";
import { executeRunFile, parseRunFile, readRunFile, unitProgress } from "./unit.ts";
import { readUnit } from "./run_units.ts";
import { UNIT_TEST_MODEL as MODEL } from "../testing/units.ts";

const GOOD = {
  runId: "nano_16x1",
  backend: "reference",
  config: { model: MODEL, steps: 2, corpus: "corpus" },
};

Deno.test("parseRunFile: names the file and the field of every bad run.json", () => {
  const cases: [unknown, RegExp][] = [
    [[1], /^u\/run\.json: expected a JSON object$/],
    [{ ...GOOD, runId: "a/b" }, /^u\/run\.json: field "runId" must be a name of letters.*got "a\/b"$/],
    [{ ...GOOD, runId: undefined }, /^u\/run\.json: field "runId" must be .*got undefined$/],
    [
      { ...GOOD, backend: "cuda" },
      /^u\/run\.json: field "backend" must be "gpu" or "reference", got "cuda"$/,
    ],
    [{ ...GOOD, config: "x" }, /^u\/run\.json: field "config" must be an object$/],
    [
      { ...GOOD, config: { ...GOOD.config, batchSize: -1 } },
      /u\/run\.json: field "batchSize" must be a positive integer/,
    ],
  ];
  for (const [raw, want] of cases) {
    assert.throws(() => parseRunFile(raw, "u/run.json"), (e: Error) => {
      assert.match(e.message, want);
      return true;
    });
  }
});

Deno.test("parseRunFile: a relative corpus is taken from root only when one is given; defaults filled", () => {
  const run = parseRunFile(GOOD, "u/run.json", "/r");
  assert.equal(run.runId, "nano_16x1");
  assert.equal(run.backend, "reference");
  assert.equal(run.config.corpus, "/r/corpus");
  assert.equal(run.config.steps, 2);
  assert.equal(parseRunFile(GOOD, "u/run.json").config.corpus, "corpus");
  const abs = { ...GOOD, config: { ...GOOD.config, corpus: "/data/c" } };
  assert.equal(parseRunFile(abs, "u/run.json", "/r").config.corpus, "/data/c");
});

Deno.test("run.json: the train stage and the worker refuse a bad file with the same message", async () => {
  const dir = await Deno.makeTempDir({ prefix: "unit_" });
  try {
    await Deno.writeTextFile(`${dir}/run.json`, JSON.stringify({ ...GOOD, backend: "tpu" }));
    const want = `${dir}/run.json: field "backend" must be "gpu" or "reference", got "tpu"`;
    await assert.rejects(() => readRunFile(dir), { message: want });
    await assert.rejects(() => executeRunFile(dir), { message: want });
    await assert.rejects(() => readUnit(dir, "/r"), { message: want });
    await Deno.writeTextFile(`${dir}/run.json`, "{ not json");
    await assert.rejects(
      () => readRunFile(dir),
      new RegExp(`${dir}/run\\.json: cannot read the run file: `),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("unitProgress: the last logged step of the run's steps; null before the first (a torn line skipped)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "unit_" });
  try {
    assert.equal(await unitProgress(dir), null, "no run.json yet");
    await Deno.writeTextFile(
      `${dir}/run.json`,
      JSON.stringify({ ...GOOD, config: { ...GOOD.config, steps: 120 } }),
    );
    assert.equal(await unitProgress(dir), null, "no log yet");
    await Deno.writeTextFile(`${dir}/log.jsonl`, '{"event":"start"}\n');
    assert.equal(await unitProgress(dir), null, "no step line yet");
    await Deno.writeTextFile(`${dir}/log.jsonl`, '{"step":10,"loss":2}\n{"step":20,"loss":1}\n{"step":3', {
      append: true,
    });
    assert.deepEqual(await unitProgress(dir), { done: 20, total: 120 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
