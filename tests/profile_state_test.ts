/**
 * The state profile's CI tier end to end (seed 003): MQAR corpora -> lr sweep -> 38 tiny runs of every mixer
 * on the float64 reference backend -> collect_state -> state_fits -> report_state, through the engine's
 * runPipeline in the project's own `.cache`; then the report in headless Chromium (every figure drawn, the
 * heat map's slider and the width selector change what is drawn, no console error, nothing fetched).
 * About a minute here.
 */
import assert from "node:assert/strict";
import { runPipeline } from "../pipeline/mod.ts";
import { buildVariant } from "../stages/pipeline.ts";
import { STATE } from "../stages/profile_settings.ts";
import { stateRuns } from "../stages/state_design.ts";
import { readStateCurves, readStateRuns, type StateFits } from "../records/state_runs.ts";
import { stateSize } from "../scaling/count/state.ts";
import { CHROMIUM, CHROMIUM_ARGS, loadPlaywright } from "../testing/chromium.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

Deno.test("state profile (CI tier): MQAR runs of every mixer -> collect -> fits -> report, drawn in Chromium", async () => {
  const stages = buildVariant("paper", "state");
  const results = await runPipeline(stages, { root: ROOT, profile: "state", variant: "paper", jobs: 2 });
  const dir = (id: string) => results.find((r) => r.id === id)!.outDir;
  const planned = stateRuns(STATE.study);
  assert.equal(planned.length, 38);

  // Every run finished; its masked loss is finite and fell below uniform guessing over the vocabulary
  // (ln 16); averaged over runs it fell from the first checkpoint to the last.
  const runs = await readStateRuns(`${dir("collect_state")}/state_runs.csv`);
  const curves = await readStateCurves(`${dir("collect_state")}/state_curves.csv`);
  assert.deepEqual(runs.map((r) => r.run_id).sort(), planned.map((r) => r.runId).sort());
  let first = 0, last = 0;
  for (const r of runs) {
    assert.equal(r.diverged, false, r.run_id);
    assert.ok(Number.isFinite(r.loss) && r.loss < Math.log(16), `${r.run_id}: ${r.loss}`);
    assert.ok(r.accuracy >= 0 && r.accuracy <= 1, `${r.run_id}: accuracy ${r.accuracy}`);
    const c = curves.filter((x) => x.run_id === r.run_id);
    assert.deepEqual(c.map((x) => x.step), [8, 16, 24], r.run_id);
    assert.equal(c[2].loss, r.loss, `${r.run_id}: the row's loss is the last checkpoint's`);
    first += c[0].loss, last += c[2].loss;
    // The state column is the closed form at the run's context.
    const run = planned.find((p) => p.runId === r.run_id)!;
    const mixer = run.model.mixer ?? { kind: "softmax" as const };
    assert.equal(r.state, stateSize(run.model, mixer, r.context).floats, r.run_id);
  }
  assert.ok(last < first, `mean masked loss ${first / runs.length} -> ${last / runs.length}`);
  const softmax16 = runs.find((r) => r.run_id === "state_softmax_w16_T16_K3")!;
  assert.equal(softmax16.state, 2 * 16 * 16); // kv-cache 2·T·d_kv, one layer, d_kv = 16

  // The fits: a state law per linear/window mixer at width 16 (Taylor at 32 too), heat-map laws of Taylor in
  // both regimes, every one with a verdict.
  const fits = JSON.parse(await Deno.readTextFile(`${dir("state_fits")}/state_fits.json`)) as StateFits;
  assert.deepEqual(
    fits.stateLaws.map((l) => `${l.kind}_w${l.width}`).sort(),
    ["power_w16", "taylor_w16", "taylor_w32", "window_w16"],
  );
  for (const l of fits.stateLaws) assert.ok(["ok", "warn", "refused"].includes(l.loss.health.verdict));
  const taylor = fits.contextLaws.filter((c) => c.kind === "taylor" && c.width === 16).map((c) => c.regime);
  assert.deepEqual(taylor.sort(), ["fixed", "growing"]);
  for (const c of fits.contextLaws) assert.ok(Number.isFinite(c.fit.gamma), `${c.kind} ${c.regime}`);

  // The report: four figures with how-to-read lines, the tier said on the page, drawn offline in Chromium.
  const out = dir("report_state");
  const manifest = JSON.parse(await Deno.readTextFile(`${out}/figures/figures.json`)) as {
    stem: string;
    howToRead: string;
  }[];
  assert.deepEqual(manifest.map((m) => m.stem), [
    "S1-state-law",
    "S2-central",
    "S3-heat-map",
    "S4-learning-curves",
  ]);
  for (const m of manifest) assert.ok(m.howToRead.length > 40, m.stem);
  const html = await Deno.readTextFile(`${out}/index.html`);
  assert.ok(html.includes("a smoke-size run"), "the page says what the CI tier is");

  const profile = await Deno.makeTempDir({ prefix: "chromium-profile-" });
  const { chromium } = await loadPlaywright();
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  try {
    const page = context.pages()[0] ?? await context.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(new URL(`file://${out}/index.html`).href, { waitUntil: "load" });
    await page.waitForFunction(
      (n: number) => document.querySelectorAll('div.view[data-rendered="vega"]').length === n,
      manifest.length,
      { timeout: 60_000 },
    );
    for (const { stem } of manifest) {
      assert.ok(await page.locator(`#view-${stem} svg g[class^="mark-"] > *`).count() > 0, stem);
    }
    // The slider over checkpoints redraws the heat map with that checkpoint's losses.
    const fills = () =>
      page.locator("#view-S3-heat-map svg g.mark-symbol.role-mark path").evaluateAll((ps) =>
        ps.map((p) => p.getAttribute("fill"))
      );
    const atLast = await fills();
    const slider = page.locator('#view-S3-heat-map input[type="range"]');
    await slider.fill("1");
    await page.waitForFunction(
      (before: string) =>
        JSON.stringify(
          [...document.querySelectorAll("#view-S3-heat-map svg g.mark-symbol.role-mark path")].map((p) =>
            p.getAttribute("fill")
          ),
        ) !== before,
      JSON.stringify(atLast),
    );
    assert.notDeepEqual(await fills(), atLast);
    // The width selector shows the other model width's lines.
    const points = () => page.locator("#view-S2-central svg g.mark-symbol.role-mark path").count();
    const narrow = await points();
    await page.locator("#view-S2-central select").selectOption("32");
    await page.waitForFunction(
      (n: number) =>
        document.querySelectorAll("#view-S2-central svg g.mark-symbol.role-mark path").length !== n,
      narrow,
    );
    assert.equal(await points(), runs.filter((r) => r.width === 32 && r.seed === 0).length);
    assert.deepEqual(errors, []);
    assert.deepEqual(requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:")), []);
  } finally {
    await context.close();
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
});
