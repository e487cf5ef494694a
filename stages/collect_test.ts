import assert from "node:assert/strict";
import { type CollectedTables, collectStage, collectTables, DEFAULT_COLLECT_PARAMS } from "./collect.ts";
import { gemstonesFlopsPerToken, sixNFlopsPerToken } from "../scaling/count/mod.ts";
import { readRunsRows } from "../records/schemas.ts";
import type { StageContext } from "../pipeline/stage.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
let tablesOnce: Promise<CollectedTables> | undefined;
/**
 * Returns collect's tables of the real data, with the index of a runs.csv column and the rows of one run of
 * one subset. Built on first use inside a test (a failure shows in that test, not as a load error), once.
 */
async function real() {
  const tables = await (tablesOnce ??= collectTables(ROOT));
  const col = (name: string) => tables.runColumns.indexOf(name);
  const rowsOf = (subset: string, run: string) =>
    tables.runs.filter((r) => r[col("subset")] === subset && r[col("run_id")] === run);
  return { tables, col, rowsOf };
}

Deno.test("collect: subset row counts match data/gemstones/SOURCE.md", async () => {
  const { tables } = await real();
  assert.deepEqual(tables.summary.subsets, {
    cool_begin: 199,
    cool_end: 199,
    hot: 220,
    "hot_100b+": 770,
    "hot_100b+_477": 3850,
    "hot_100b+_512x": 175,
    "hot_120b+_only": 528,
    "hot_120b+_only_477": 2552,
    hot_477: 1100,
    hot_sampled_like_chinchilla: 24,
    lr_ablation_hot: 200,
    lr_ablation_hot_477: 1000,
    lr_ablation_hot_sampled_like_chinchilla: 23,
  });
  assert.equal(tables.chinchilla.length, 28 + 27);
  assert.equal(tables.industry.length, 21);
  assert.equal(tables.perceiverEstimates.length, 18);
  assert.equal(new Set(tables.perceiverVal.map((r) => `${r.experiment}/${r.version}`)).size, 11);
});

Deno.test("collect: params of 1024x28 (every convention) match params_active_precise and the closed forms", async () => {
  const { tables, col, rowsOf } = await real();
  const r = rowsOf("hot", "PyGemma-1024x28_pretrain")[0];
  assert.equal(r[col("params_published")], 543482880);
  assert.equal(r[col("params_total")], 543482880);
  // Non-embedding: both V·w matrices removed (the paper's no_embeds), or one (the industry table's).
  assert.equal(r[col("params_non_embedding")], 543482880 - 2 * 50304 * 1024);
  assert.equal(r[col("params_non_embedding_one")], 543482880 - 50304 * 1024);
  // Every Gemstones row: published params equal the count of its shape (collect checks this, too).
  const i = col("params_published"), j = col("params_total");
  for (const row of tables.runs) assert.equal(row[i], row[j]);
});

Deno.test("collect: FLOPs = flops/token · tokens for every counter; GPU-hours = s/step · step · nodes · 8 / 3600", async () => {
  const { col, rowsOf } = await real();
  const rows = rowsOf("hot", "PyGemma-1024x28_pretrain");
  const r = rows.find((x) => x[col("step")] === 4770)!;
  const tokens = 20006830080;
  assert.equal(r[col("tokens")], tokens);
  const fg = r[col("flops_gemstones")] as number;
  assert.ok(Math.abs(fg / (gemstonesFlopsPerToken({ width: 1024, depth: 28 }) * tokens) - 1) < 1e-12);
  const f6 = r[col("flops_6N")] as number;
  assert.ok(Math.abs(f6 / (sixNFlopsPerToken({ width: 1024, depth: 28 }) * tokens) - 1) < 1e-12);
  // The raw record of that checkpoint gives seconds_per_step and num_nodes.
  const text = await Deno.readTextFile(`${ROOT}/data/gemstones/wandb_dfs/wandb_df_for_fitting_hot.jsonl`);
  const raw = text.split("\n").filter((l) => l).map((l) => JSON.parse(l)).find((x) =>
    x.run_name === "PyGemma-1024x28_pretrain" && x.step === 4770
  );
  assert.equal(raw.num_nodes, 32);
  const expected = raw.seconds_per_step * 4770 * 32 * 8 / 3600;
  assert.ok(Math.abs((r[col("gpu_hours")] as number) - expected) < 1e-9);
  assert.ok(Math.abs(expected - 472.8906782246) < 1e-6);
  assert.equal(r[col("loss")], 2.950905323);
});

Deno.test("collect: flags of cooldown and lr-ablation rows", async () => {
  const { col, rowsOf } = await real();
  const cool = rowsOf("cool_end", "PyGemma-1024x28_pretrain");
  assert.ok(
    cool.length > 0 && cool.every((r) => r[col("cooldown")] === true && r[col("lr_ablation")] === false),
  );
  const lr = rowsOf("lr_ablation_hot", "cooler_PyGemma-1024x28_pretrain");
  assert.ok(lr.length > 0 && lr.every((r) => r[col("lr_ablation")] === true));
});

Deno.test("collect stage: writes every declared output; runs.csv reads back typed", async () => {
  const { tables } = await real();
  const outDir = await Deno.makeTempDir();
  try {
    const stage = collectStage();
    assert.deepEqual(stage.inputs.slice(0, 2), [
      DEFAULT_COLLECT_PARAMS.gemstonesDir,
      DEFAULT_COLLECT_PARAMS.industryFile,
    ]);
    const ctx: StageContext<typeof stage.params> = {
      id: "collect",
      params: stage.params,
      outDir,
      root: ROOT,
      deps: {},
      progress() {},
      log() {},
      signal: new AbortController().signal,
    };
    await stage.run(ctx);
    for (const f of stage.outputs) await Deno.stat(`${outDir}/${f}`);
    const rows = await readRunsRows(`${outDir}/runs.csv`);
    assert.equal(rows.length, tables.summary.rows);
    const hot = rows.filter((r) => r.subset === "hot" && r.run_id === "PyGemma-512x11_pretrain");
    assert.equal(hot.length, 10);
    assert.equal(hot[0].counts.params_total, 94776832);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("collect: a bad record fails the whole collect, naming file, line and field", async () => {
  const root = await Deno.makeTempDir();
  try {
    const dir = `${root}/g`;
    await Deno.mkdir(dir);
    const good = await Deno.readTextFile(`${ROOT}/data/gemstones/wandb_dfs/wandb_df_for_fitting_hot.jsonl`);
    const lines = good.split("\n");
    lines[4] = lines[4].replace(/"final_loss":[\d.]+/, '"final_loss":"NaN"');
    await Deno.writeTextFile(`${dir}/wandb_df_for_fitting_hot.jsonl`, lines.join("\n"));
    await Deno.mkdir(`${root}/e`);
    await Deno.copyFile(`${ROOT}/${DEFAULT_COLLECT_PARAMS.industryFile}`, `${root}/i.json`);
    await assert.rejects(
      collectTables(root, {
        ...DEFAULT_COLLECT_PARAMS,
        gemstonesDir: "g",
        industryFile: "i.json",
        perceiverEstimatesDir: "e",
        perceiverValidationDirs: [],
      }),
      /g\/wandb_df_for_fitting_hot\.jsonl:5: field "final_loss": expected a finite number/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
