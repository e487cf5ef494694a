/**
 * The nano profile end to end on WebGPU (llvmpipe in CI): synthetic corpus -> 3 tiny models trained
 * as cached train stages -> collect -> Approach 1/2/3 fits -> report, through the engine's runPipeline
 * in the project's own `.cache`. Takes about a minute on llvmpipe.
 */
import assert from "node:assert/strict";
import { runPipeline } from "../pipeline/mod.ts";
import { buildVariant } from "../stages/pipeline.ts";
import { NANO } from "../stages/profile_settings.ts";
import { readCsvObjects, readRecord, readRunsRows } from "../records/schemas.ts";
import type { Approach1Record, Approach3Record } from "../records/schemas.ts";
import { paperWalk } from "../testing/report_page.ts";

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

  // Every number the pipeline recovered is the one the trainer logged: runs.csv's (step, tokens, loss) of a run
  // are the val_loss lines of its log.jsonl (five checkpoints, every 24 steps of 256 tokens), its GPU-hours are
  // the line's seconds / 3600, and own_runs.csv's final loss and steps are the log's `done` event.
  const rows = await readRunsRows(`${dir("collect_trained")}/runs.csv`);
  assert.equal(rows.length, 15);
  const logged = new Set<number>();
  for (const run of ["nano_32x1", "nano_32x2", "nano_64x1"]) {
    const log = (await Deno.readTextFile(`${dir(`train.${run}`)}/log.jsonl`)).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    const evals = log.filter((l) => !("event" in l) && typeof l.val_loss === "number");
    assert.deepEqual(evals.map((l) => l.tokens), [6144, 12288, 18432, 24576, 30720], run);
    const mine = rows.filter((r) => r.run_id === run);
    assert.deepEqual(
      mine.map((r) => [r.step, r.tokens, r.loss, r.gpu_hours]),
      evals.map((l) => [l.step, l.tokens, l.val_loss, l.seconds / 3600]),
      run,
    );
    const done = log.at(-1);
    assert.equal(done.event, "done", run);
    const ownRow = own.find((r) => r.run_id === run)!;
    assert.equal(Number(ownRow.final_val_loss), done.final_val_loss, run);
    assert.equal(done.final_val_loss, evals.at(-1).val_loss, `${run}: the final loss is the last evaluation`);
    assert.equal(Number(ownRow.steps), done.step, run);
    for (const l of evals) logged.add(l.val_loss);
  }
  const selected = await readCsvObjects(`${dir("select.paper")}/rows.csv`);
  assert.equal(selected.length, 15);
  assert.deepEqual(new Set(selected.map((r) => Number(r.loss))), logged);

  // Each Approach 3 fit saw the 15 rows; Approach 1's frontier is made of logged checkpoints, in rising compute.
  for (const form of ["eq1", "eq2", "eq3"]) {
    const fit = await readRecord<Approach3Record>(`${dir(`approach3_${form}.paper`)}/fit.json`);
    assert.equal(fit.rows, 15, form);
    assert.ok(Number.isFinite(fit.E) && fit.converged > 0, `${form}: E ${fit.E}, ${fit.converged} converged`);
  }
  const a1 = await readRecord<Approach1Record>(`${dir("approach1.paper")}/approach1.json`);
  const hull = a1.flops.hull.points;
  assert.ok(hull.length >= 2);
  for (const p of hull) assert.ok(logged.has(p.loss), `hull point loss ${p.loss} is a logged loss`);
  for (let i = 1; i < hull.length; i++) {
    assert.ok(hull[i].compute > hull[i - 1].compute && hull[i].loss < hull[i - 1].loss);
  }

  // The report: the paper figures that own runs support, each as Vega-Lite, SVG and PNG named by paper
  // number (Figure 7 twice: the measured and the law view), and a section of the page for each inside the
  // walk through paper Figures 2-24. Figure 6 (the rainbow), 10-11 and 13-19 need the Gemstones subsets.
  const report = dir("report.paper");
  const figures: { paperFigure: string; stem: string; title: string }[] = JSON.parse(
    await Deno.readTextFile(`${report}/figures/figures.json`),
  );
  assert.deepEqual(
    figures.map((f) => f.paperFigure),
    ["2", "3", "4", "5", "7", "7", "8", "9", "12", "21", "22", "23", "24"],
  );
  for (const f of figures) assert.match(f.stem, new RegExp(`^fig${f.paperFigure.padStart(2, "0")}-`));
  const files = new Set([...Deno.readDirSync(`${report}/figures`)].map((e) => e.name));
  assert.equal(files.size, 3 * figures.length + 2, "three files per figure, figures.json and fits.csv");
  assert.ok(files.has("figures.json") && files.has("fits.csv"));
  const html = await Deno.readTextFile(`${report}/index.html`);
  for (const f of figures) {
    for (const ext of [".vl.json", ".svg", ".png"]) assert.ok(files.has(f.stem + ext), f.stem + ext);
    assert.ok(html.includes(`<section class="figure" id="${f.stem}">`), f.stem);
  }
  assert.equal(html.match(/<section class="figure" id=/g)?.length, figures.length);
  const { walked, missing } = paperWalk(html);
  assert.deepEqual(walked, [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 23, 24]);
  assert.deepEqual(
    missing,
    ["6", "10", "11", "13", "14", "15", "16", "17", "18", "19"],
  );
  assert.match(html, /15 rows of 3 runs/);

  // A second run restores every stage from the store.
  const again = await runPipeline(stages, { root: ROOT, profile: "nano", variant: "paper", jobs: 2 });
  assert.deepEqual(again.filter((r) => !r.cached).map((r) => r.id), []);
  assert.equal(NANO.backend, "gpu");
});
