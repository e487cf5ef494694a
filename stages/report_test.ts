import assert from "node:assert/strict";
import { reportStage } from "./report.ts";
import { perceiverReportStage } from "./report_perceiver.ts";
import { readProvenance } from "../figures/provenance.ts";
import type { Approach2Record } from "../records/schemas.ts";
import { buildFixture } from "../testing/report_fixture.ts";
import { paperWalk } from "../testing/report_page.ts";
import type { Params, Stage, StageContext } from "../pipeline/stage.ts";
import { PAPER_FIGURES } from "../figures/paper_figures.ts";
import { figureProvenance } from "../figures/sources.ts";
import { sha256File } from "../util/hex.ts";
import { withPaperTitle } from "../figures/write.ts";
import { escapeHtml, figureStem, inPaperOrder } from "../figures/specs/common.ts";
import { isLawNode } from "../figures/inputs.ts";

async function collectDir(summary: Record<string, unknown>, ownRuns?: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "provenance-" });
  await Deno.writeTextFile(`${dir}/collect.json`, JSON.stringify(summary));
  if (ownRuns !== undefined) await Deno.writeTextFile(`${dir}/own_runs.csv`, ownRuns);
  return dir;
}

const BASE = { rows: 1, subsets: {}, paramsColumns: [], flopsColumns: [], inputs: [] };
const HEADER = "run_id,status,diverged,reason,steps,tokens,final_val_loss,peak_lr,seconds,device\n";

Deno.test("report provenance: published data has no own-runs label and no exclusion section", async () => {
  const dir = await collectDir({ ...BASE, source: "published Gemstones runs (McLeish et al. 2025)" });
  const p = await readProvenance(dir);
  assert.equal(p.ownRuns, false);
  assert.equal(p.source, "published Gemstones runs (McLeish et al. 2025)");
  assert.deepEqual(p.excluded, []);
  assert.equal(p.excludedHtml, "");
  // Records written before `source` existed read as the published runs.
  const old = await readProvenance(await collectDir(BASE));
  assert.equal(old.ownRuns, false);
  assert.match(old.source, /^published Gemstones runs/);
});

Deno.test("report provenance: own runs are labelled and diverged runs are listed with their reason", async () => {
  const dir = await collectDir(
    { ...BASE, source: "this machine's own runs: 2 trained on webgpu:llvmpipe" },
    HEADER +
      "nano-32x1,done,false,,120,30720,3.1,0.01,40,webgpu:llvmpipe\n" +
      "nano-64x1,diverged,true,non-finite train loss NaN,11,2816,,0.01,4,webgpu:llvmpipe\n",
  );
  const p = await readProvenance(dir);
  assert.equal(p.ownRuns, true);
  assert.deepEqual(p.excluded, [{ runId: "nano-64x1", reason: "non-finite train loss NaN" }]);
  assert.match(p.excludedHtml, /1 of 2 trained runs diverged/);
  assert.match(p.excludedHtml, /<li>nano-64x1: non-finite train loss NaN<\/li>/);
  const none = await readProvenance(
    await collectDir(BASE, HEADER + "nano-32x1,done,false,,120,30720,3.1,0.01,40,webgpu:llvmpipe\n"),
  );
  assert.match(none.excludedHtml, /None: all 1 trained runs finished without diverging/);
});

// The report frame on the real data (fixture: collect + select of the shipped data, small seeded fits).

Deno.test("report frame: paper numbering, provenance, the paper walk, fits.csv and the Perceiver report", async (t) => {
  const fixture = await buildFixture(["paper", "no_embeds"], { starts: 8 });
  const outDir = await Deno.makeTempDir({ prefix: "report-frame-" });
  const perceiverDir = await Deno.makeTempDir({ prefix: "report-perceiver-" });
  const ctxOf = <P extends Params>(stage: Stage<P>, dir: string): StageContext<P> => ({
    id: stage.id ?? stage.name,
    params: stage.params,
    outDir: dir,
    root: Deno.cwd(),
    deps: fixture.dirs,
    progress() {},
    log() {},
    signal: new AbortController().signal,
  });
  try {
    const stage = reportStage({
      variant: "paper",
      deps: fixture.reportDeps["paper"],
    });
    await stage.run(ctxOf(stage, outDir));
    const manifest = JSON.parse(await Deno.readTextFile(`${outDir}/figures/figures.json`)) as {
      paperFigure: string;
      stem: string;
      title: string;
      basis: string;
      files: { path: string; sha256: string }[];
      fits: string[];
    }[];

    await t.step(
      "every figure names a paper figure of the list, in the paper's order, titled by it",
      async () => {
        const numbers = new Set(PAPER_FIGURES.map((p) => p.number));
        for (const m of manifest) {
          assert.ok(numbers.has(m.paperFigure), `${m.stem}: paper figure ${m.paperFigure}`);
          assert.ok(m.title.startsWith(`Figure ${m.paperFigure}. `), m.title);
          assert.ok(m.stem.startsWith(`fig${m.paperFigure.padStart(2, "0")}-`), m.stem);
        }
        const order = manifest.map((m) => Number(m.paperFigure));
        assert.deepEqual(order, [...order].sort((a, b) => a - b));
        assert.ok(!manifest.some((m) => m.stem.includes("perceiver")), "Perceiver AR has its own report");
        // The PNG on its own says which paper figure it is: the spec's title carries the number.
        for (const m of manifest) {
          const spec = JSON.parse(await Deno.readTextFile(`${outDir}/figures/${m.stem}.vl.json`));
          const text = typeof spec.title === "string" ? spec.title : spec.title.text;
          assert.ok(text.startsWith(`Figure ${m.paperFigure} · `), `${m.stem}: ${text}`);
        }
      },
    );

    await t.step(
      "files carry their SHA-256 (checked with sha256sum) and fit records their node ids",
      async () => {
        const approach3 = manifest.find((m) => m.paperFigure === "5")!;
        // Its own fit, the prescriptions, and the fits the prescriptions come from, each once.
        assert.deepEqual(approach3.fits, [
          "approach3_eq2.paper",
          "prescribe.paper",
          "approach3_eq1.paper",
          "approach3_eq3.paper",
        ]);
        const overtraining = manifest.find((m) => m.paperFigure === "8")!;
        assert.deepEqual(overtraining.fits, ["overtraining.paper", "approach3_eq2.paper"]);
        assert.match(approach3.basis, /Eq\. 2 \(width-depth law.*\) fitted on hot \(Huber δ = 0\.0001\)/);
        const loss = manifest.find((m) => m.paperFigure === "23")!;
        // Figure 23 draws the long runs as the authors do: hot_100b+_477, the width-depth variant's dense rows.
        const subset = loss.files.find((f) =>
          f.path === "data/gemstones/wandb_dfs/wandb_df_for_fitting_hot_100b+_477.jsonl"
        );
        assert.ok(subset, "the loss curves name the subset file they come from");
        const out = new Deno.Command("sha256sum", { args: [subset.path], stdout: "piped" }).outputSync();
        assert.equal(subset.sha256, new TextDecoder().decode(out.stdout).split(" ")[0]);
        const rows = loss.files.find((f) => f.path === "select_approach1.over_100b/rows.csv")!;
        assert.equal(
          rows.sha256,
          (await sha256File(`${fixture.dirs["select_approach1.over_100b"]}/rows.csv`)).sha256,
        );
        assert.match(loss.basis, /^subset hot_100b\+_477 \(3850 rows of 22 runs, params = params_total\)$/);
        const flops = manifest.find((m) => m.paperFigure === "24")!;
        assert.deepEqual(flops.files, []);
        assert.match(flops.basis, /counted by scaling\/count \(no data file\)$/);
        const rainbow = manifest.find((m) => m.paperFigure === "6")!;
        assert.deepEqual(rainbow.fits, [
          "approach3_eq1.paper",
          "approach3_eq1.no_embeds",
          "approach1.paper",
          "approach1.no_embeds",
        ]);
      },
    );

    await t.step(
      "the HTML walks through paper figures 2-24 in order, Figure 20 aside, each with its line",
      async () => {
        const html = await Deno.readTextFile(`${outDir}/index.html`);
        const { walked, missing } = paperWalk(html);
        assert.deepEqual(walked, [
          2,
          3,
          4,
          5,
          6,
          7,
          8,
          9,
          10,
          11,
          12,
          13,
          14,
          15,
          16,
          17,
          18,
          19,
          21,
          22,
          23,
          24,
        ]);
        assert.ok(html.includes("<b>Authors:</b> hot_100b+; Eq. 2 (width-depth law), Huber δ = 1e-4"));
        assert.ok(html.includes(`<p class="basis"><b>Ours:</b> ${escapeHtml(manifest[0].basis)}</p>`));
        // Paper figures without a figure of ours say so instead of disappearing: the fixture has no lr
        // ablation or Appendix D nodes, so Figures 10, 11 and 13-19 are not drawn here.
        assert.deepEqual(missing, ["10", "11", "13", "14", "15", "16", "17", "18", "19"]);
        const fig21 = html.slice(html.indexOf('id="paper-21"'), html.indexOf('id="paper-22"'));
        assert.match(fig21, /<section class="figure" id="fig21-approach3-eq3">/);
        assert.match(
          html,
          /<section class="paper aside" id="paper-20">[^]*?Aside: drawn by the grid_size_study stage/,
        );
        assert.ok(
          html.includes('<a href="../report_perceiver/index.html">'),
          "links the Perceiver AR report",
        );
        assert.ok(html.includes('<section id="fits">'));
      },
    );

    await t.step(
      "fits.csv: Approach 1 slopes and every Approach 3 law beside the authors' values",
      async () => {
        const csv = await Deno.readTextFile(`${outDir}/figures/fits.csv`);
        const lines = csv.trim().split("\n").map((l) => l.split(","));
        const header = lines[0];
        const col = (name: string) => header.indexOf(name);
        const row = (fit: string, quantity: string) =>
          lines.find((l) => l[col("fit")] === fit && l[col("quantity")] === quantity);
        for (const fit of ["approach3_eq1.paper", "approach3_eq2.paper", "approach3_eq3.paper"]) {
          assert.ok(row(fit, "objective"), `${fit} objective`);
          assert.ok(row(fit, "E"), `${fit} E`);
        }
        // Their Eq. 1 on hot: alpha_params 0.2989180518 (parameters_delta-4), difference = ours - theirs.
        const a = row("approach3_eq1.paper", "alpha_params")!;
        assert.equal(Number(a[col("authors")]), 0.2989180518);
        assert.ok(Math.abs(Number(a[col("difference")]) - (Number(a[col("ours")]) - 0.2989180518)) < 1e-12);
        assert.equal(a[col("subset_file")], "hot");
        assert.equal(a[col("huber_delta")], "0.0001");
        // The no_embeds rainbow fit is compared to their no-embeddings file.
        assert.match(
          row("approach3_eq1.no_embeds", "E")![col("authors_file")],
          /approach_3_parameters_grid_search_0_hot_no_embeds\.json$/,
        );
        // Approach 1's hull on hot_477 beside the authors' stored exponent (equal to rounding).
        const slope = row("approach1.paper", "slope N_opt(C)")!;
        assert.equal(slope[col("subset_file")], "hot_477");
        assert.equal(Number(slope[col("authors")]), 0.499380216082636);
        assert.ok(Math.abs(Number(slope[col("difference")])) < 1e-12, slope.join(","));
        assert.ok(Math.abs(Number(slope[col("relative_difference")])) < 1e-12, slope.join(","));
        // Every row of a fit carries both objectives: theirs is the stored `loss` of their file.
        for (const l of lines.filter((l) => l[col("fit")] === "approach3_eq1.paper")) {
          assert.equal(Number(l[col("objective_authors")]), 0.0002076018, l.join(","));
          assert.equal(l[col("objective_ours")], row("approach3_eq1.paper", "objective")![col("ours")]);
        }
        // The relative difference is ours - theirs over |theirs| (A_tokens: millions apart reads as a ratio).
        const b = row("approach3_eq1.paper", "A_tokens")!;
        const [ours, theirs] = [Number(b[col("ours")]), Number(b[col("authors")])];
        assert.ok(Math.abs(theirs - Math.exp(14.9719740349)) < 1e-9 * theirs, `their A_tokens ${theirs}`);
        assert.ok(Math.abs(Number(b[col("relative_difference")]) - (ours - theirs) / theirs) < 1e-12);
      },
    );

    await t.step("fits.csv has a row for every law a figure draws (read from figures.json)", async () => {
      const csv = await Deno.readTextFile(`${outDir}/figures/fits.csv`);
      const fits = new Set(csv.trim().split("\n").slice(1).map((l) => l.split(",")[0]));
      let laws = 0;
      for (const m of manifest) {
        for (const id of m.fits) {
          if (isLawNode(id)) {
            laws++;
            assert.ok(fits.has(id), `${m.stem} draws ${id}, which has no row in fits.csv`);
          } else {
            // A derived record (prescriptions, overtraining, overspend) names the laws it comes from.
            assert.ok(
              m.fits.some((f) => f.startsWith("approach3_") && f.endsWith(id.slice(id.indexOf(".")))),
              `${m.stem}: ${id} without its law fits in ${m.fits.join(", ")}`,
            );
          }
        }
      }
      // Approach 1 (Figures 4, 9), Eq. 1-3 (5, 12, 21), the rainbow's Eq. 1 and Approach 1 of no_embeds.
      for (
        const id of [
          "approach1.paper",
          "approach3_eq3.paper",
          "approach3_eq1.no_embeds",
          "approach1.no_embeds",
        ]
      ) {
        assert.ok(fits.has(id), id);
      }
      assert.ok(laws >= 10, `${laws} laws drawn`);
    });

    await t.step(
      "the page says Approach 2 is unavailable on the real data, with approach2.json's counts",
      async () => {
        const rec = JSON.parse(
          await Deno.readTextFile(`${fixture.dirs["approach2.paper"]}/approach2.json`),
        ) as Approach2Record;
        const count = (code: string) => rec.skipped.filter((s) => s.code === code).length;
        const budgets = rec.budgets.length, fitted = rec.bins.length;
        const enough = budgets - count("too_few_sizes") - count("no_points");
        assert.equal(rec.available, false, "the paper's rows do not cluster into enough isoFLOP bins");
        assert.ok(fitted > 0 && fitted < rec.minBins && enough > fitted, JSON.stringify(rec.skipped));
        const html = await Deno.readTextFile(`${outDir}/index.html`);
        const at = html.indexOf('<section id="approach2">');
        assert.ok(at > 0, "an Approach 2 section");
        const section = html.slice(at, html.indexOf("</section>", at));
        for (
          const words of [
            `is not available on these data: only ${fitted} of ${budgets} isoFLOP bins could be fitted`,
            `Approach 2 needs ${rec.minBins}`,
            `${enough} of the ${budgets} bins have &gt;= 3 distinct model sizes`,
            `Of those ${enough}, ${fitted} were fitted`,
            `${count("no_minimum")} have a parabola with no minimum`,
            `${count("minimum_outside")} have the parabola's minimum outside`,
          ]
        ) {
          assert.ok(section.includes(words), `"${words}" in ${section.slice(0, 900)}`);
        }
        // Not fitted: no Approach 2 row in the fits table.
        const csv = await Deno.readTextFile(`${outDir}/figures/fits.csv`);
        assert.ok(!csv.includes("approach2"), "no approach2 rows");
      },
    );

    await t.step("the Perceiver AR report is its own page with seed 000's figure", async () => {
      const p = perceiverReportStage();
      await p.run(ctxOf(p, perceiverDir));
      const m = JSON.parse(await Deno.readTextFile(`${perceiverDir}/figures/figures.json`));
      assert.deepEqual(m.map((x: { stem: string }) => x.stem), ["tables-1-4-perceiver-ar"]);
      assert.deepEqual(m[0].files.map((f: { path: string }) => f.path), [
        "collect/perceiver_val.csv",
        "collect/perceiver_estimates.csv",
      ]);
      const html = await Deno.readTextFile(`${perceiverDir}/index.html`);
      assert.ok(html.includes("<title>Perceiver AR compute-optimal scaling (seed 000)</title>"));
    });
  } finally {
    await Deno.remove(outDir, { recursive: true });
    await Deno.remove(perceiverDir, { recursive: true });
    await fixture.cleanup();
  }
});

Deno.test("a figure reading an input the report lacks, or declaring no paperFigure, is an error naming it", () => {
  const sources = { rows: { files: [], fits: [], describe: "subset hot" } };
  assert.throws(
    () => figureProvenance({ paperFigure: "5", name: "approach3", reads: ["eq9"] }, sources),
    /figure 5 \(approach3\) reads "eq9", which is not an input of this report; inputs: rows/,
  );
  assert.throws(
    () => figureProvenance({ paperFigure: "", name: "x", reads: [] }, sources),
    /figure "x" declares no paperFigure/,
  );
  assert.equal(
    figureProvenance({ paperFigure: "23", name: "l", reads: ["rows"] }, sources).basis,
    "subset hot",
  );
});

Deno.test("figure stems and order follow the paper's numbering", () => {
  assert.equal(figureStem({ paperFigure: "5", name: "approach3" }), "fig05-approach3");
  assert.equal(figureStem({ paperFigure: "23", name: "loss-curves" }), "fig23-loss-curves");
  assert.equal(figureStem({ paperFigure: "D1", name: "diff" }), "D1-diff");
  const sorted = inPaperOrder([{ paperFigure: "23" }, { paperFigure: "5" }, { paperFigure: "D1" }, {
    paperFigure: "5",
  }]);
  assert.deepEqual(sorted.map((f) => f.paperFigure), ["5", "5", "23", "D1"]);
});

Deno.test("withPaperTitle prefixes string and object titles, adds one when absent, leaves unnumbered figures", () => {
  assert.deepEqual(withPaperTitle({ title: "Rainbow" }, { paperFigure: "6" }), {
    title: "Figure 6 · Rainbow",
  });
  assert.deepEqual(withPaperTitle({ title: { text: "A", fontSize: 9 } }, { paperFigure: "D1" }), {
    title: { text: "Figure D1 · A", fontSize: 9 },
  });
  assert.deepEqual(withPaperTitle({ mark: "point" }, { paperFigure: "24" }), {
    mark: "point",
    title: "Figure 24",
  });
  const spec = { title: "Perceiver" };
  assert.equal(withPaperTitle(spec, { paperFigure: "tables-1-4" }), spec);
});
