/**
 * The nano profile end to end on WebGPU (llvmpipe in CI): synthetic corpus -> 3 tiny models trained
 * as cached train stages -> collect -> Approach 1/2/3 fits -> report, through the engine's runPipeline
 * in the project's own `.cache`. Takes about a minute on llvmpipe.
 */
import assert from "node:assert/strict";
import { runPipeline } from "../pipeline/mod.ts";
import { buildVariant } from "../stages/pipeline.ts";
import { NANO } from "../stages/profile_settings.ts";
import { readCsvObjects, readRecord, readRunsRows } from "../stages/schemas.ts";
import type { Approach1Record, Approach3Record } from "../stages/schemas.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

Deno.test("nano profile: train logs -> collect -> fits -> report", async () => {
  const stages = buildVariant("paper", "nano");
  const results = await runPipeline(stages, { root: ROOT, profile: "nano", variant: "paper", jobs: 2 });
  const dir = (id: string) => results.find((r) => r.id === id)!.outDir;
  assert.deepEqual(
    results.map((r) => r.id).filter((id) => id.startsWith("train.")).sort(),
    ["train.nano_32x1", "train.nano_32x2", "train.nano_64x1"],
  );

  // The synthetic language's entropy rate bounds every model's loss from below; uniform guessing over
  // its 16 symbols (ln 16 nats) bounds a model that learned anything from above.
  const header = JSON.parse(await Deno.readTextFile(`${dir("corpus")}/val.json`));
  const entropy: number = header.source.entropyRateNats;
  assert.ok(entropy > 0 && entropy < Math.log(16));
  const own = await readCsvObjects(`${dir("collect_trained")}/own_runs.csv`);
  assert.equal(own.length, 3);
  for (const r of own) {
    assert.equal(r.diverged, "false", r.run_id);
    assert.equal(Number(r.steps), 120);
    assert.ok(r.device.startsWith("webgpu:"), r.device);
    const loss = Number(r.final_val_loss);
    assert.ok(
      loss > entropy - 0.05 && loss < Math.log(16),
      `${r.run_id}: final val loss ${loss}, entropy ${entropy}`,
    );
  }

  // Five validation checkpoints per run, every 24 steps of 256 tokens.
  const rows = await readRunsRows(`${dir("collect_trained")}/runs.csv`);
  assert.equal(rows.length, 15);
  assert.deepEqual(rows.filter((r) => r.run_id === "nano_64x1").map((r) => r.tokens), [
    6144,
    12288,
    18432,
    24576,
    30720,
  ]);
  const selected = await readCsvObjects(`${dir("select.paper")}/rows.csv`);
  assert.equal(selected.length, 15);

  for (const form of ["eq1", "eq2", "eq3"]) {
    const fit = await readRecord<Approach3Record>(`${dir(`approach3_${form}.paper`)}/fit.json`);
    assert.equal(fit.rows, 15, form);
    assert.ok(Number.isFinite(fit.E) && fit.converged > 0, `${form}: E ${fit.E}, ${fit.converged} converged`);
  }
  const a1 = await readRecord<Approach1Record>(`${dir("approach1.paper")}/approach1.json`);
  assert.ok(a1.flops.hull.points.length >= 2);
  const html = await Deno.readTextFile(`${dir("report.paper")}/index.html`);
  assert.ok(html.includes("<html"), "report index.html");
  assert.ok([...Deno.readDirSync(`${dir("report.paper")}/figures`)].some((e) => e.name.endsWith(".svg")));

  // A second run restores every stage from the store.
  const again = await runPipeline(stages, { root: ROOT, profile: "nano", variant: "paper", jobs: 2 });
  assert.deepEqual(again.filter((r) => !r.cached).map((r) => r.id), []);
  assert.equal(NANO.backend, "gpu");
});
