/**
 * Seed 000's Perceiver AR page: the article's x axis (training FLOPs over the self-attention budget,
 * cross-attention included, as its plot_experiment draws it), its laws beside ours fitted the same way,
 * and its printed N_opt predictions beside ours.
 */
import assert from "node:assert/strict";
import { parsePerceiverEstimates } from "../../records/importers/perceiver.ts";
import type { PerceiverValRow } from "../../records/schemas.ts";
import { PERCEIVER_TABLES, perceiverExperiments, perceiverLaws } from "../paper/perceiver_tables.ts";
import { perceiverComputeFractions, perceiverFigure, perceiverLawsHtml } from "./perceiver.ts";
import { SEED000_PREDICTIONS } from "../../scaling/count/perceiver.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const estimates = (await Promise.all([1, 2].map(async (n) => {
  const file = `data/krasserm-perceiver-ar/data/estimates/approach_${n}.csv`;
  return parsePerceiverEstimates(await Deno.readTextFile(`${ROOT}/${file}`), file);
}))).flat();

Deno.test("Perceiver AR x axis: each run's losses evenly spaced to (C_cross + C_self) / C_self, as the article", () => {
  const [exp1] = perceiverExperiments();
  const model1 = exp1.models[0].row;
  // Table 2, model 1: C_cross / C = 0.0245, so the run ends at C / C_self = 1 / (1 − 0.0245) = 1.025.
  assert.equal(model1.crossFlopFraction.toFixed(4), "0.0245");
  const x = perceiverComputeFractions(model1, 50);
  assert.equal(x.length, 50);
  assert.equal(x.at(-1)!.toFixed(3), "1.025");
  assert.ok(Math.abs(x.at(-1)! - 1 / (1 - model1.crossFlopFraction)) < 1e-12);
  // np.linspace(0, end, 51)[1:]: the first loss at end / 50.
  assert.ok(Math.abs(x[0] - x.at(-1)! / 50) < 1e-15);
  assert.deepEqual(exp1.xlim, [0.1, 1.1]);
  assert.deepEqual(exp1.ylim, [3.2, 3.6]);
});

Deno.test("Perceiver AR laws: ours fitted as the article fits them equal its printed 0.0877, 1.8960, 0.1448, 1.1519", () => {
  const laws = perceiverLaws(estimates);
  assert.deepEqual(laws.map((l) => l.approach), [1, 2]);
  for (const l of laws) {
    assert.ok(l.ours !== null);
    assert.equal(l.ours.kN.toFixed(4), l.article.kN.toFixed(4));
    assert.equal(l.ours.kD.toFixed(4), l.article.kD.toFixed(4));
    assert.deepEqual([l.ours.a, l.ours.b], [l.article.a, l.article.b]);
  }
  assert.deepEqual(laws.map((l) => [l.article.kN, l.article.a, l.article.kD, l.article.b]), [
    [0.0877, 0.5, 1.896, 0.5],
    [0.1448, 0.49, 1.1519, 0.51],
  ]);
  assert.ok(perceiverLaws([]).every((l) => l.ours === null), "no estimates: no law of ours");
});

Deno.test("Perceiver AR page: the article's N_opt predictions beside ours (7.32e+07; 3.90e+07 and 4.33e+07)", () => {
  const experiments = perceiverExperiments();
  const data = { experiments, validation: [], laws: perceiverLaws(estimates), printed: SEED000_PREDICTIONS };
  const html = perceiverLawsHtml(data);
  const row = (ex: string) => html.slice(html.indexOf(`<tr><td>${ex}</td>`)).split("</tr>")[0];
  // Experiment 1: C_ref 5.78e+17; Approach 2 printed 7.32e+07 and ours the same to 3 digits.
  assert.match(
    row("scaling-1"),
    /<td>5\.78e\+17<\/td><td>\(not printed\)<\/td><td>[^<]+<\/td><td>7\.32e\+07<\/td><td>7\.32e\+07<\/td>/,
  );
  assert.match(
    row("scaling-2a"),
    /<td>3\.90e\+07<\/td><td>3\.90e\+07<\/td><td>4\.33e\+07<\/td><td>4\.33e\+07<\/td>/,
  );
  assert.match(row("scaling-1"), /Model 2 \(opt\) 7\.17e\+07/);
  assert.match(html, /<td>Approach 1<\/td><td>0\.50, 0\.50<\/td><td>0\.0877<\/td><td>0\.0877<\/td>/);
});

Deno.test("Perceiver AR figure: the article's legend and x axis, the budget at 1", () => {
  const experiments = perceiverExperiments().slice(0, 1);
  const validation: PerceiverValRow[] = experiments[0].models.flatMap((m) =>
    [999, 1999, 2999].map((step, i) => ({
      experiment: "scaling-1",
      version: m.version,
      step,
      wall_time: 0,
      loss: 3.5 - i * 0.1,
    }))
  );
  const fig = perceiverFigure({
    experiments,
    validation,
    laws: perceiverLaws(estimates),
    printed: SEED000_PREDICTIONS,
  });
  const spec = fig.spec as {
    datasets: { points: { model: string; compute: number }[]; refs: { budget: number }[] };
  };
  const models = [...new Set(spec.datasets.points.map((p) => p.model))];
  assert.equal(models[0], "Model 1 (ref): N_self = 45.0M, final loss = 3.300");
  assert.equal(models[1], "Model 2 (opt): N_self = 71.7M, final loss = 3.300");
  assert.deepEqual(spec.datasets.refs.map((r) => r.budget), [1]);
  assert.ok(Math.abs(spec.datasets.points[2].compute - 1 / (1 - 0.0245)) < 1e-3);
  assert.deepEqual(PERCEIVER_TABLES.reads, ["perceiverValidation", "perceiverEstimates"]);
});
