import assert from "node:assert/strict";
import { chinchillaRows } from "./select_chinchilla.ts";
import { readCsvObjects } from "../records/schemas.ts";
import { collectStage } from "./collect.ts";

Deno.test("chinchillaRows keeps one subset of chinchilla.csv as selected rows, and names bad fields", () => {
  const table = [
    { params: "2e9", tokens: "8e8", flops: "9.6e18", loss: "3.44", subset: "slim_chinchilla" },
    { params: "1e9", tokens: "1.5e9", flops: "9.1e18", loss: "3.07", subset: "lr_ablation_slim_chinchilla" },
    { params: "7e7", tokens: "3e9", flops: "1.3e18", loss: "3.40", subset: "slim_chinchilla" },
  ];
  const rows = chinchillaRows(table, "slim_chinchilla");
  assert.equal(rows.length, 2);
  assert.deepEqual(rows.map((r) => [r.run_id, r.params, r.tokens, r.loss]), [
    ["chinchilla_0", 2e9, 8e8, 3.44],
    ["chinchilla_1", 7e7, 3e9, 3.40],
  ]);
  assert.throws(
    () => chinchillaRows(table, "slim"),
    /unknown subset "slim"; subsets: lr_ablation_slim_chinchilla/,
  );
  assert.throws(
    () => chinchillaRows([{ ...table[0], loss: "" }], "slim_chinchilla", "x.csv"),
    /x\.csv: row 2: field loss must be a number > 0/,
  );
});

Deno.test("the shipped slim_chinchilla subset has Hoffmann et al.'s 28 points", async () => {
  const stage = collectStage();
  const outDir = await Deno.makeTempDir({ prefix: "select-chinchilla-test-" });
  try {
    await stage.run({
      id: "collect",
      params: stage.params,
      outDir,
      root: Deno.cwd(),
      deps: {},
      progress() {},
      log() {},
      signal: new AbortController().signal,
    });
    const rows = chinchillaRows(await readCsvObjects(`${outDir}/chinchilla.csv`), "slim_chinchilla");
    // data/gemstones/wandb_dfs/wandb_df_for_fitting_slim_chinchilla.jsonl has 28 lines; the first point:
    assert.equal(rows.length, 28);
    assert.equal(rows[0].params, 2006673381.123053);
    assert.equal(rows[0].loss, 3.4469954302);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});
