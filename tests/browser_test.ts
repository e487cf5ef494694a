/**
 * Opens a report generated from the real data in headless Chromium from disk (file://) and checks that
 * every figure is drawn by the inlined Vega runtime (an SVG with marks; paper Figure 2 with one symbol
 * per shape of its data), that clicking a legend entry highlights its line, that no console error
 * occurs, and that no request leaves file:// or data:.
 */
import assert from "node:assert/strict";
import { buildFixture } from "../testing/report_fixture.ts";
import { reportStage } from "../stages/report.ts";
import type { StageContext } from "../pipeline/stage.ts";
import { CHROMIUM, CHROMIUM_ARGS, loadPlaywright } from "../testing/chromium.ts";

Deno.test("the HTML report renders every figure offline in Chromium", async () => {
  const fixture = await buildFixture(["paper", "cooldown"], { starts: 12 });
  const outDir = await Deno.makeTempDir({ prefix: "report-browser-" });
  const profile = await Deno.makeTempDir({ prefix: "chromium-profile-" });
  try {
    const stage = reportStage({ variant: "paper", deps: fixture.reportDeps["paper"] });
    const ctx: StageContext<typeof stage.params> = {
      id: stage.id ?? stage.name,
      params: stage.params,
      outDir,
      root: Deno.cwd(),
      deps: fixture.dirs,
      progress() {},
      log() {},
      signal: new AbortController().signal,
    };
    await stage.run(ctx);
    const manifest = JSON.parse(await Deno.readTextFile(`${outDir}/figures/figures.json`)) as {
      stem: string;
    }[];
    // The paper's figures the fixture can draw (13-19 need the pipeline's relaxed prescriptions; 11 is the
    // fixture's cooldown variant), Perceiver AR in its own report.
    assert.equal(manifest.length, 15);
    const fig1 = JSON.parse(await Deno.readTextFile(`${outDir}/figures/fig02-width-depth.vl.json`));
    const shapes = (fig1.datasets.shapes as unknown[]).length;

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
      const url = new URL(`file://${outDir}/index.html`).href;
      await page.goto(url, { waitUntil: "load" });
      await page.waitForFunction(
        (n: number) => document.querySelectorAll('div.view[data-rendered="vega"]').length === n,
        manifest.length,
        { timeout: 60_000 },
      );
      for (const { stem } of manifest) {
        const marks = await page.locator(`#view-${stem} svg g[class^="mark-"] > *`).count();
        assert.ok(marks > 0, `figure ${stem} has ${marks} marks`);
      }
      // Paper Figure 2's point layers (one per kind of shape): one symbol per shape of its data.
      const symbols = await page.locator(`#view-fig02-width-depth svg g.mark-symbol.role-mark > path`)
        .count();
      assert.equal(symbols, shapes);
      // Legend-click highlighting (rainbow): clicking a law's legend entry dims every other law's line.
      const lines = page.locator(`#view-fig06-rainbow svg g.mark-line.role-mark path`);
      const opacities = () =>
        lines.evaluateAll((ps) => ps.map((p) => Number(p.getAttribute("opacity") ?? "1")));
      const before = await opacities();
      assert.ok(before.length >= 2 && before.every((o) => o === 1), `before: ${before}`);
      await page.locator(`#view-fig06-rainbow svg g.law_legend_entries g.role-legend-label text`).first()
        .click();
      await page.waitForFunction(() =>
        [...document.querySelectorAll("#view-fig06-rainbow svg g.mark-line.role-mark path")]
          .some((p) => Number(p.getAttribute("opacity")) < 0.5)
      );
      const after = await opacities();
      assert.ok(after.some((o) => o === 1), `after: ${after}`);
      assert.ok(after.some((o) => o < 0.5), `after: ${after}`);
      assert.deepEqual(errors, []);
      const external = requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:"));
      assert.deepEqual(external, []);
      assert.ok(requests.includes(url), "the page itself was requested from file://");
    } finally {
      await context.close();
    }
  } finally {
    await fixture.cleanup();
    await Deno.remove(outDir, { recursive: true });
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
});
