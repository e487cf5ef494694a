import assert from "node:assert/strict";
import { InputError } from "./validate.ts";
import { parseChinchillaPoints, parseGemstonesRuns } from "./gemstones.ts";
import { parseIndustryModels } from "./industry.ts";
import { parseMappedTable } from "./generic.ts";
import { parseOwnRun } from "./own.ts";
import { parsePerceiverEstimates, parsePerceiverValidation } from "./perceiver.ts";

const GEM_FILE = "data/gemstones/wandb_dfs/wandb_df_for_fitting_hot.jsonl";
const good = {
  run_name: "PyGemma-1024x28_pretrain",
  params_active_precise: 543482880,
  width: 1024,
  depth: 28,
  tokens: 10003415040,
  step: 2385,
  num_nodes: 32,
  seconds_per_step: 1.3941352542,
  final_loss: 3.1010556221,
};
const jsonl = (...recs: Record<string, unknown>[]) => recs.map((r) => JSON.stringify(r)).join("\n") + "\n";

/** Asserts that `fn` throws an InputError naming file, line and field (in the message and as properties). */
function assertInputError(
  fn: () => unknown,
  file: string,
  line: number,
  field: string,
  pattern?: RegExp,
): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InputError, `expected InputError, got ${e}`);
    assert.equal(e.file, file);
    assert.equal(e.line, line);
    assert.equal(e.field, field);
    assert.ok(e.message.includes(`${file}:${line}`), e.message);
    assert.ok(e.message.includes(`"${field}"`), e.message);
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}

Deno.test("gemstones: a good record becomes a row with GPU-hours = s/step · step · nodes · 8 / 3600", () => {
  const rows = parseGemstonesRuns(jsonl(good, { ...good, step: 4770, tokens: 2 * good.tokens }), GEM_FILE);
  assert.equal(rows.length, 2);
  assert.equal(rows[0].subset, "hot");
  assert.equal(rows[0].run_id, "PyGemma-1024x28_pretrain");
  assert.equal(rows[0].loss, 3.1010556221);
  assert.equal(rows[0].line, 1);
  assert.equal(rows[1].line, 2);
  assert.ok(Math.abs(rows[0].gpu_hours - 1.3941352542 * 2385 * 32 * 8 / 3600) < 1e-9);
  assert.equal(rows[0].cooldown, false);
  assert.equal(rows[0].lr_ablation, false);
});

Deno.test("gemstones: subset flags for cooldown and lr-ablation files", () => {
  const cool = parseGemstonesRuns(jsonl(good), "x/wandb_df_for_fitting_cool_end.jsonl");
  assert.equal(cool[0].cooldown, true);
  const lr = parseGemstonesRuns(
    jsonl({ ...good, run_name: "cooler_PyGemma-1024x28_pretrain" }),
    "x/wandb_df_for_fitting_lr_ablation_hot.jsonl",
  );
  assert.equal(lr[0].lr_ablation, true);
});

Deno.test("gemstones: each kind of bad record names file, line and field", () => {
  const { final_loss: _drop, ...noLoss } = good;
  assertInputError(
    () => parseGemstonesRuns(jsonl(good, { ...noLoss, step: 4770 }), GEM_FILE),
    GEM_FILE,
    2,
    "final_loss",
    /missing/,
  );
  assertInputError(
    () => parseGemstonesRuns(jsonl(good, { ...good, step: 4770, tokens: "many" }), GEM_FILE),
    GEM_FILE,
    2,
    "tokens",
    /expected a number/,
  );
  // 1e999 parses to Infinity in JSON.
  assertInputError(
    () =>
      parseGemstonesRuns(
        jsonl(good, { ...good, step: 4770 }).replace(
          /"tokens":10003415040(?=.*"step":4770)/,
          '"tokens":1e999',
        ),
        GEM_FILE,
      ),
    GEM_FILE,
    2,
    "tokens",
    /finite/,
  );
  assertInputError(
    () => parseGemstonesRuns(jsonl({ ...good, width: 0 }), GEM_FILE),
    GEM_FILE,
    1,
    "width",
    /> 0/,
  );
  assertInputError(
    () => parseGemstonesRuns(jsonl({ ...good, tokens: -5 }), GEM_FILE),
    GEM_FILE,
    1,
    "tokens",
    /> 0/,
  );
  assertInputError(
    () => parseGemstonesRuns(jsonl(good, good), GEM_FILE),
    GEM_FILE,
    2,
    "step",
    /duplicate.*line 1/,
  );
  assertInputError(
    () => parseGemstonesRuns(jsonl({ ...good, final_loss: 25 }), GEM_FILE),
    GEM_FILE,
    1,
    "final_loss",
    /\(0, 20\)/,
  );
  assertInputError(
    () => parseGemstonesRuns(jsonl({ ...good, final_loss: 0 }), GEM_FILE),
    GEM_FILE,
    1,
    "final_loss",
  );
  assertInputError(
    () => parseGemstonesRuns(jsonl({ ...good, width: 512 }), GEM_FILE),
    GEM_FILE,
    1,
    "run_name",
    /1024x28/,
  );
});

Deno.test("gemstones: a column absent from every record names the column", () => {
  const { seconds_per_step: _s, ...rest } = good;
  assertInputError(
    () => parseGemstonesRuns(jsonl(rest), GEM_FILE),
    GEM_FILE,
    1,
    "seconds_per_step",
    /missing column/,
  );
});

Deno.test("gemstones: invalid JSON names the line", () => {
  assert.throws(
    () => parseGemstonesRuns(jsonl(good) + "{oops\n", GEM_FILE),
    /wandb_df_for_fitting_hot\.jsonl:2: invalid JSON/,
  );
});

Deno.test("chinchilla points: values and bad loss", () => {
  const f = "x/wandb_df_for_fitting_slim_chinchilla.jsonl";
  const rec = { params_active_precise: 2e9, tokens: 8e8, FLOPs: 9.77e18, final_loss: 3.44 };
  assert.deepEqual(parseChinchillaPoints(jsonl(rec), f), [{
    params: 2e9,
    tokens: 8e8,
    flops: 9.77e18,
    loss: 3.44,
    subset: "slim_chinchilla",
  }]);
  assertInputError(
    () => parseChinchillaPoints(jsonl(rec, { ...rec, final_loss: -1 }), f),
    f,
    2,
    "final_loss",
  );
});

const PV = "data/krasserm-perceiver-ar/data/validation/run-logs-0.8.0_scaling-2a_version_3-tag-val_loss.csv";

Deno.test("perceiver: validation CSV rows carry experiment, version and step", () => {
  const rows = parsePerceiverValidation(
    "Wall time,Step,Value\n1673350199.27,999,4.47\n1673350588.41,1999,4.09\n",
    PV,
  );
  assert.deepEqual(rows[1], {
    experiment: "scaling-2a",
    version: 3,
    step: 1999,
    wall_time: 1673350588.41,
    loss: 4.09,
  });
  const wip = parsePerceiverValidation(
    "Wall time,Step,Value\n1,999,4.4\n",
    "data/krasserm-perceiver-ar/wip-scaling-branch/data/validation/run-logs-0.8.0_scaling-1_version_1-tag-val_loss.csv",
  );
  assert.equal(wip[0].experiment, "scaling-1-wip");
});

Deno.test("perceiver: bad validation rows name file, CSV line and field", () => {
  assertInputError(
    () => parsePerceiverValidation("Wall time,Step,Value\n1,999,4.4\n2,1999,nan\n", PV),
    PV,
    3,
    "Value",
  );
  assertInputError(
    () => parsePerceiverValidation("Wall time,Step,Value\n1,999,4.4\n2,999,4.3\n", PV),
    PV,
    3,
    "Step",
    /duplicate/,
  );
  assertInputError(
    () => parsePerceiverValidation("Wall time,Step\n1,999\n", PV),
    PV,
    1,
    "Value",
    /missing column/,
  );
  assertInputError(
    () => parsePerceiverValidation("Wall time,Step,Value\n1,-3,4.4\n", PV),
    PV,
    2,
    "Step",
    />= 0/,
  );
});

Deno.test("perceiver: estimates CSV", () => {
  const f = "data/krasserm-perceiver-ar/data/estimates/approach_2.csv";
  const rows = parsePerceiverEstimates("FLOPs,Parameters,Tokens\n1.840e+19,4.000e+08,7.700e+09\n", f);
  assert.deepEqual(rows, [{ approach: 2, flops: 1.84e19, params: 4e8, tokens: 7.7e9 }]);
  assertInputError(
    () => parsePerceiverEstimates("FLOPs,Parameters,Tokens\n1e19,0,7e9\n", f),
    f,
    2,
    "Parameters",
  );
});

Deno.test("industry models: column-oriented JSON, records named by index", () => {
  const f = "data/gemstones/data/our_val_loss_data.json";
  const cols = {
    hf_name: ["a/x", "b/y"],
    loss: [2.35, 1.97],
    params: [8537680896, 100],
    non_emb_params: [7751248896, 90],
    width: [3072, 8],
    depth: [28, 2],
    vocab_size: [256000, 5],
  };
  const rows = parseIndustryModels(JSON.stringify(cols), f);
  assert.equal(rows.length, 2);
  assert.equal(rows[0].params - rows[0].non_emb_params, 256000 * 3072);
  assertInputError(
    () => parseIndustryModels(JSON.stringify({ ...cols, loss: [2.3, "x"] }), f),
    f,
    1,
    "loss[1]",
  );
  assertInputError(
    () => parseIndustryModels(JSON.stringify({ ...cols, depth: [1] }), f),
    f,
    1,
    "depth",
    /entries/,
  );
});

Deno.test("own runs: config.json + log.jsonl, only lines with val_loss become rows", () => {
  const cfg = JSON.stringify({
    model: { width: 64, depth: 2, headSize: 16, vocabSize: 259, seqLen: 64 },
    cooldownFraction: 0.1,
  });
  const log = jsonl(
    { step: 10, tokens: 640, train_loss: 5, seconds: 36 },
    { step: 20, tokens: 1280, train_loss: 4, val_loss: 4.2, seconds: 72 },
    { event: "done", step: 20, tokens: 1280, final_val_loss: 4.2 },
  );
  const rows = parseOwnRun("r1", cfg, "runs/r1/config.json", log, "runs/r1/log.jsonl");
  assert.equal(rows.length, 1);
  assert.equal(rows[0].loss, 4.2);
  assert.equal(rows[0].gpu_hours, 72 / 3600);
  assert.equal(rows[0].cooldown, true);
  assert.deepEqual(rows[0].shape, { headSize: 16, vocabSize: 259, seqLen: 64 });
  assertInputError(
    () =>
      parseOwnRun(
        "r1",
        cfg,
        "c",
        jsonl({ step: 1, tokens: 64, val_loss: 4 }, { step: 1, tokens: 64, val_loss: 4 }),
        "l",
      ),
    "l",
    2,
    "step",
    /duplicate/,
  );
  assertInputError(
    () => parseOwnRun("r1", cfg, "c", jsonl({ step: 1, tokens: 64, val_loss: 40 }), "l"),
    "l",
    1,
    "val_loss",
  );
  assertInputError(() => parseOwnRun("r1", cfg, "c", jsonl({ step: 1, val_loss: 4 }), "l"), "l", 1, "tokens");
  assert.throws(
    () => parseOwnRun("r1", "{}", "runs/r1/config.json", log, "l"),
    /config\.json:1: field "model"/,
  );
});

Deno.test("generic table: a column mapping imports a user's CSV and JSONL; bad cells are located", () => {
  const mapping = { run_id: "name", width: "d", depth: "L", step: "it", tokens: "toks", loss: "val" };
  const csv = "name,d,L,it,toks,val\nm1,256,4,100,1e6,3.5\nm1,256,4,200,2e6,3.2\n";
  const rows = parseMappedTable(csv, "mine.csv", mapping);
  assert.deepEqual(
    rows.map((r) => [r.run_id, r.width, r.depth, r.step, r.tokens, r.loss, r.subset, r.source]),
    [
      ["m1", 256, 4, 100, 1e6, 3.5, "user", "user"],
      ["m1", 256, 4, 200, 2e6, 3.2, "user", "user"],
    ],
  );
  const j = parseMappedTable(
    jsonl({ name: "m", d: 8, L: 1, it: 0, toks: 5, val: 1 }),
    "mine.jsonl",
    mapping,
    "mine",
  );
  assert.equal(j[0].subset, "mine");
  assertInputError(
    () => parseMappedTable("name,d,L,it,toks\nm,1,1,1,1\n", "mine.csv", mapping),
    "mine.csv",
    1,
    "val",
  );
  assertInputError(
    () => parseMappedTable(csv + "m1,256,4,200,3e6,3.1\n", "mine.csv", mapping),
    "mine.csv",
    4,
    "it",
  );
  assertInputError(
    () => parseMappedTable("name,d,L,it,toks,val\nm,1,1,1,1,inf\n", "mine.csv", mapping),
    "mine.csv",
    2,
    "val",
    /finite/,
  );
  assertInputError(
    () => parseMappedTable("name,d,L,it,toks,val\nm,1,-2,1,1,3\n", "mine.csv", mapping),
    "mine.csv",
    2,
    "L",
  );
});
