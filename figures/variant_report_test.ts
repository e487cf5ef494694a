/**
 * Law forms come from the law registry: a form registered in this test only (a copy of Eq. 1 under
 * another name) is read by the report stage, appears in the fits table, fits.csv and the fit-health
 * section, and its node is among the stage's deps, with no other edit.
 */
import assert from "node:assert/strict";
import type { Params, Stage, StageContext } from "../pipeline/stage.ts";
import { EQ1, LAW_NAMES, registerLaw, unregisterLaw } from "../scaling/laws/mod.ts";
import { buildFixture } from "../testing/report_fixture.ts";
import { reportStage } from "../stages/report.ts";
import { defaultReportDeps } from "./inputs.ts";

const TOY = { ...EQ1, name: "toy", equation: "L(N, D) = E + A·N^−α + B·D^−β (toy copy of Eq. 1)" };

Deno.test("a law form registered at run time appears in the report's fits table and its health section", async () => {
  registerLaw(TOY);
  const fixture = await buildFixture(["paper"], { starts: 4 });
  const outDir = await Deno.makeTempDir({ prefix: "report-toy-form-" });
  const toyDir = await Deno.makeTempDir({ prefix: "fixture-approach3_toy-" });
  try {
    assert.deepEqual(LAW_NAMES, ["eq1", "eq2", "eq3", "toy"]);
    const deps = fixture.reportDeps["paper"];
    assert.equal(deps.approach3.toy, "approach3_toy.paper");
    assert.equal(defaultReportDeps("x").approach3.toy, "approach3_toy.x");
    // The toy fit: Eq. 1's record under the toy form's name.
    const eq1 = JSON.parse(await Deno.readTextFile(`${fixture.dirs["approach3_eq1.paper"]}/fit.json`));
    const toy = { ...eq1, form: "toy", starts: 4321 };
    await Deno.writeTextFile(`${toyDir}/fit.json`, JSON.stringify(toy));
    const stage = reportStage({ variant: "paper", deps });
    assert.ok(stage.deps.includes("approach3_toy.paper"), "the toy form's fit is a dep of the report");
    const ctx: StageContext<Params> = {
      id: stage.id!,
      params: stage.params,
      outDir,
      root: Deno.cwd(),
      deps: { ...fixture.dirs, "approach3_toy.paper": toyDir },
      progress() {},
      log() {},
      signal: new AbortController().signal,
    };
    await (stage as unknown as Stage<Params>).run(ctx);
    const html = await Deno.readTextFile(`${outDir}/index.html`);
    const fits = html.slice(html.indexOf('<section id="fits">'), html.indexOf('<section id="fit-health">'));
    assert.match(fits, /<td style="text-align:left">approach3_toy\.paper<\/td>/);
    assert.match(
      fits,
      new RegExp(`<td style="text-align:left">toy</td><td>[^<]*</td><td>${eq1.converged}/4321</td>`),
    );
    const health = html.slice(html.indexOf('<section id="fit-health">'));
    assert.ok(
      health.includes("<tr><td>toy (L(N, D) = E + A·N^−α + B·D^−β (toy copy of Eq. 1))</td>"),
      "the toy form has its row in the fit-health table",
    );
    const csv = await Deno.readTextFile(`${outDir}/figures/fits.csv`);
    const toyRows = csv.split("\n").filter((l) => l.startsWith("approach3_toy.paper,"));
    assert.equal(toyRows.length, 1 + 2 * eq1.terms.length + 1, "E, A and alpha per term, objective");
  } finally {
    unregisterLaw("toy");
    await Deno.remove(outDir, { recursive: true });
    await Deno.remove(toyDir, { recursive: true });
    await fixture.cleanup();
  }
  assert.deepEqual(LAW_NAMES, ["eq1", "eq2", "eq3"]);
});
