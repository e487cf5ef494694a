/**
 * The figures' DATA, checked against the library and published numbers, on the real data (fixture:
 * collect + select of the shipped data, small seeded fits).
 */
import assert from "node:assert/strict";
import { buildFixture, type Fixture } from "../testing/report_fixture.ts";
import { readReportInputs, type ReportInputs } from "./inputs.ts";
import { drawFigures } from "./figure_module.ts";
import { REPORT_FIGURES } from "./registry.ts";
import { PERCEIVER_REPORT_FIGURES } from "./perceiver_report.ts";
import { FULL_DESIGN_SPACE } from "./paper/fig22_design_space.ts";
import type { Figure } from "./specs/common.ts";
import { chinchillaClosedForm, evalPower, PF_DAY_FLOPS, referencePrescriptions } from "./specs/common.ts";
import { eq1Optimum } from "./specs/rainbow.ts";
import { ratioTo6N } from "./specs/flop_counting.ts";
import { lowerConvexHull } from "../scaling/fit/mod.ts";
import { enumerateShapes, GEMSTONES_MODELS } from "../scaling/count/shapes.ts";
import { gemstonesFlopsPerToken } from "../scaling/count/flops.ts";
import { gemstonesParams } from "../scaling/count/params.ts";
import { compileVegaLite } from "./render.ts";
import { compile, type TopLevelSpec } from "vega-lite";
import * as vega from "vega";
import { diffStage } from "../stages/diff.ts";
import { PARAM_CONVENTIONS } from "../stages/collect.ts";
import { GEMSTONES_SHAPE_DEFAULTS } from "../scaling/count/shape.ts";
import { AUTHORS_OVERTRAINING_BUDGETS } from "../scaling/prescribe/overtraining.ts";
import { AUTHORS_FIT_LABEL, EXPONENT_TOLERANCE } from "./specs/authors_fit.ts";
import { OUR_FIT_LABEL } from "./specs/overtraining.ts";

const VARIANTS = ["paper", "no_embeds", "cooldown"];
let fixture: Fixture | undefined;
let inputs: ReportInputs | undefined;
let figures: Figure[] = [];

async function setup(): Promise<{ inputs: ReportInputs; figures: Figure[] }> {
  if (!fixture || !inputs) {
    fixture = await buildFixture(VARIANTS, { starts: 12 });
    inputs = await readReportInputs("paper", fixture.reportDeps["paper"], fixture.dirs);
    figures = drawFigures(REPORT_FIGURES, inputs, { variant: inputs.variant });
  }
  return { inputs, figures };
}

/** Returns the figure reproducing paper figure `n`. */
function fig(figs: Figure[], n: string): Figure {
  const f = figs.find((x) => x.paperFigure === n);
  assert.ok(f, `paper figure ${n} present`);
  return f;
}

function dataset(f: Figure, name: string): Record<string, unknown>[] {
  const ds = (f.spec.datasets as Record<string, Record<string, unknown>[]>)[name];
  assert.ok(ds, `dataset ${name} in paper figure ${f.paperFigure}`);
  return ds;
}

Deno.test("report figures from the real data", async (t) => {
  const { inputs, figures } = await setup();
  try {
    await t.step("the paper's figures in its order, every spec compiles", () => {
      // 13-19 need the relaxed prescriptions (pipeline only); 11 is the fixture's cooldown variant.
      assert.deepEqual(
        figures.map((f) => f.paperFigure),
        ["2", "3", "4", "5", "6", "7", "7", "8", "9", "11", "12", "21", "22", "23", "24"],
      );
      for (const f of figures) compileVegaLite(f.spec, f.name);
    });

    await t.step("no figure makes Vega-Lite or Vega warn (conflicting legends, empty layers)", async () => {
      for (const f of figures) {
        const warnings: string[] = [];
        const logger = {
          level: () => logger,
          error: (...a: unknown[]) => warnings.push(a.join(" ")),
          warn: (...a: unknown[]) => warnings.push(a.join(" ")),
          info: () => logger,
          debug: () => logger,
        };
        // A copy: Vega tags the data objects it runs on, which would change the figure's datasets.
        const spec = JSON.parse(JSON.stringify(f.spec)) as TopLevelSpec;
        const vg = compile(spec, { logger: logger as never }).spec;
        const view = new vega.View(vega.parse(vg), { renderer: "none", logger: logger as never });
        await view.runAsync();
        view.finalize();
        assert.deepEqual(warnings, [], `figure ${f.paperFigure} (${f.name})`);
      }
    });

    await t.step(
      "figure 2 holds all 22 trained models, Chinchilla's and Porian's shapes; 22 the full space",
      () => {
        const rows = dataset(fig(figures, "2"), "shapes");
        const trained = rows.filter((r) => r.kind === "Gemstones (ours)").map((r) => r.label).sort();
        assert.deepEqual(trained, GEMSTONES_MODELS.map((m) => `${m.width}x${m.depth}`).sort());
        assert.equal(trained.length, 22);
        assert.equal(rows.filter((r) => r.kind === "Chinchilla").length, 50);
        assert.equal(rows.filter((r) => r.kind === "Porian et al.").length, 16);
        const m = rows.find((r) => r.label === "1024x28");
        assert.equal(m?.params, 543482880); // params_active_precise of PyGemma-1024x28 in the data
        // Every tooltip has a parameter count: Chinchilla's 512x8 is 44M in Hoffmann et al.'s Table A9.
        assert.ok(rows.every((r) => Number.isFinite(r.params)));
        assert.equal(rows.find((r) => r.kind === "Chinchilla" && r.width === 512)?.params, 44e6);
        // One legend for colour and marker: both keyed by kind, with the same legend, so each kind shows its marker.
        const layer0 =
          (fig(figures, "2").spec.layer as { encoding: Record<string, Record<string, unknown>> }[])[0];
        assert.equal(layer0.encoding.shape.field, layer0.encoding.color.field);
        assert.deepEqual(layer0.encoding.shape.legend, layer0.encoding.color.legend);
        const shapes = (layer0.encoding.shape.scale as { range: string[] }).range;
        assert.notEqual(shapes[0], shapes[shapes.length - 1]);
        // Industry labels: placed ones are in the labels dataset, the rest named in the caption; none overlap.
        const f2 = fig(figures, "2");
        const placed = dataset(f2, "labels") as { label: string }[];
        for (const r of inputs.industry) {
          const name = r.hf_name.slice(r.hf_name.lastIndexOf("/") + 1).replace(/^(Llama|Gemma|Qwen)-?/i, "");
          assert.ok(placed.some((l) => l.label.includes(name)) || f2.caption.includes(name), name);
        }
        const full = dataset(fig(figures, "22"), "shapes").filter((r) => r.kind !== "Gemstones (ours)");
        assert.equal(full.length, enumerateShapes(FULL_DESIGN_SPACE).length);
        assert.equal(Math.max(...full.map((r) => r.width as number)), 8192);
        assert.ok(full.some((r) => r.kind === "7B ± 5%"));
      },
    );

    await t.step("figure 3's optimum per shape is the CSV's lowest loss of that shape", async () => {
      const text = await Deno.readTextFile("data/gemstones/data/preflight_mup_olmo_variant.csv");
      const best = new Map<string, number>();
      for (const line of text.trim().split("\n").slice(1)) {
        const m = /"PyGemma-(\d+)x(\d+)_[^"]*","[^"]*","([^"]+)"/.exec(line);
        assert.ok(m, line);
        const key = `${m[1]} x ${m[2]}`, loss = Number(m[3]);
        best.set(key, Math.min(best.get(key) ?? Infinity, loss));
      }
      const optima = dataset(fig(figures, "3"), "optima") as { model: string; loss: number; lr: number }[];
      assert.equal(optima.length, 4);
      for (const o of optima) assert.equal(o.loss, best.get(o.model), o.model);
      // 1536 x 50: best at lr 5e-4 (3.3392860889434814), the CSV's last row.
      assert.deepEqual(optima.find((o) => o.model === "1536 x 50"), {
        model: "1536 x 50",
        lr: 5e-4,
        lrEff: 5e-4 * 1536 * Math.sqrt(50),
        loss: 3.3392860889434814,
      });
    });

    await t.step(
      "figure 4 draws curves and hull from the same rows: every hull point lies on a curve",
      () => {
        const rows = inputs.approach1Rows.rows;
        assert.ok(rows.every((r) => r.subset === "hot_477"), "Approach 1 rows are hot_477, as the authors'");
        const idx = lowerConvexHull(rows.map((r) => Math.log(r.flops)), rows.map((r) => Math.log(r.loss)));
        const expected = idx.map((i) => [rows[i].run_id, rows[i].flops, rows[i].loss]);
        const f4 = fig(figures, "4");
        const hull = dataset(f4, "hullFlops").map((p) => [p.run_id, p.compute, p.loss]);
        assert.deepEqual(hull, expected);
        assert.ok(hull.length >= 3);
        const curves = dataset(f4, "checkpoints");
        assert.equal(curves.length, rows.length);
        for (const [run, flops, loss] of hull) {
          assert.ok(
            curves.some((c) => c.run_id === run && c.flops === flops && c.loss === loss),
            `${run} ${flops}`,
          );
        }
        assert.ok(f4.caption.startsWith(`${rows.length} checkpoints`), f4.caption.slice(0, 40));
        // Row two as the authors': binning over 750 log-spaced buckets on FLOPs and on GPU-hours, both panels
        // spanning the data's range (no empty decades), the binning's points drawn beside the hull's.
        assert.equal(inputs.approach1.bins, 750);
        const bins = dataset(f4, "binningTokensPerParam");
        for (const column of ["flops", "gpu_hours"]) {
          const m = column === "flops" ? inputs.approach1.flops : inputs.approach1.gpuHours!;
          assert.equal(bins.filter((b) => b.column === column).length, m.binning.points.length, column);
        }
        assert.equal(inputs.approach1.flops.binning.points.length, 506);
        const panels = (f4.spec.vconcat as {
          hconcat: { layer: { encoding: { x: { scale: { domain: number[] } } } }[] }[];
        }[])[1].hconcat;
        assert.equal(panels.length, 2);
        const flops = rows.map((r) => r.flops);
        assert.deepEqual(panels[0].layer[0].encoding.x.scale.domain, [
          Math.min(...flops),
          Math.max(...flops),
        ]);
      },
    );

    await t.step("figure 11 is Approach 1 on the cooldown runs (cool_end), hull points on its curves", () => {
      const f = fig(figures, "11");
      const curves = dataset(f, "checkpoints");
      const cool = inputs.approach1Ablations.find((a) => a.variant === "cooldown");
      assert.ok(cool);
      assert.ok(cool.rows.every((r) => r.subset === "cool_end"));
      assert.equal(curves.length, cool.rows.length);
      for (const p of dataset(f, "hullFlops")) {
        assert.ok(curves.some((c) => c.run_id === p.run_id && c.flops === p.compute && c.loss === p.loss));
      }
      // The authors' published cooldown slope (approach_1_linear_regression_params_cooldown.json).
      assert.ok(Math.abs(cool.record.flops.hull.params.exponent - 0.5969810173757477) < 1e-12);
    });

    await t.step(
      "figure 5 draws the Eq. 2 brute-force prescriptions, ratio = width/depth, edges marked",
      () => {
        const f5 = fig(figures, "5");
        const rows = dataset(f5, "prescriptions") as {
          panel: string;
          flops: number;
          value: number;
          edge: boolean;
        }[];
        const eq2 = inputs.prescriptions.forms.find((f) => f.form === "eq2")!.prescriptions;
        for (const p of eq2) {
          const ratio = rows.find((r) => r.panel === "ratio" && r.flops === p.flops);
          const tpp = rows.find((r) => r.panel === "tokensPerParam" && r.flops === p.flops);
          assert.equal(ratio?.value, (p.width as number) / (p.depth as number));
          assert.equal(tpp?.value, p.tokens / p.params);
          assert.equal(ratio?.edge, p.atBoundary === true);
        }
        const edges = eq2.filter((p) => p.atBoundary).length;
        if (edges > 0) assert.ok(f5.caption.includes(`${edges} of ${eq2.length} budgets`), f5.caption);
        // The industry models with published token counts in every tokens-per-parameter panel (5, 12, 21 here;
        // 13-19 in specs/prescriptions_test.ts), at their tokens / params.
        for (const n of ["5", "12", "21"]) {
          const tpp = dataset(fig(figures, n), "industry").filter((r) => r.panel === "tokensPerParam");
          assert.equal(tpp.length, 15, `figure ${n}`);
          const llama = tpp.find((r) => r.name === "Llama-2-7b-hf");
          const m = inputs.industry.find((r) => r.hf_name === "meta-llama/Llama-2-7b-hf")!;
          assert.equal(llama?.value, 2e12 / m.params, `figure ${n}`);
        }
      },
    );

    await t.step("figure 8: tokens ×√f at the authors' four budgets, one panel each", () => {
      const f8 = fig(figures, "8");
      const curves =
        (dataset(f8, "curves") as { law: string; flops: number; factor: number; tokens: number }[])
          .filter((c) => c.law === OUR_FIT_LABEL);
      const budgets = [...new Set(curves.map((c) => c.flops))];
      assert.deepEqual(budgets, [...AUTHORS_OVERTRAINING_BUDGETS].filter((b) => budgets.includes(b)));
      assert.ok(budgets.length >= 3, `${budgets.length} panels`);
      for (const b of budgets) {
        const at1 = curves.find((c) => c.flops === b && c.factor === 1)!;
        for (const c of curves.filter((c) => c.flops === b)) {
          assert.ok(Math.abs(c.tokens / at1.tokens / Math.sqrt(c.factor) - 1) < 1e-9, `${b} f=${c.factor}`);
        }
      }
    });

    await t.step("figures 8 and 7 (law view) hold the authors' stored Eq. 2 law of hot beside ours", () => {
      const a8 = inputs.overtraining.authors, a7 = inputs.overspend.authors;
      assert.equal(
        a8?.path,
        "data/gemstones/parameters_delta-4/approach_3_width_depth_parameters_grid_search_0_hot.json",
      );
      assert.ok(a8.exponentGap > EXPONENT_TOLERANCE, `a fixture fit of 12 starts differs: ${a8.exponentGap}`);
      const theirs = dataset(fig(figures, "8"), "curves").filter((r) => r.law === AUTHORS_FIT_LABEL);
      assert.deepEqual(
        theirs.map((r) => [r.flops, r.factor, r.loss]),
        a8.curves.flatMap((c) => c.points.map((p) => [c.flops, p.factor, p.loss])),
      );
      const law = figures.find((f) => f.name === "overspend-law")!;
      const cells = dataset(law, "overspend").filter((r) => r.law === AUTHORS_FIT_LABEL);
      assert.equal(cells.length, a7?.rows.length);
      for (const c of dataset(law, "overspend")) {
        assert.ok(Object.values(c).every((v) => v !== null), c.model as string);
      }
      assert.match(fig(figures, "8").caption, /authors' stored fit .*grid_search_0_hot\.json/);
      assert.match(law.caption, /authors' stored fit .*grid_search_0_hot\.json/);
    });

    await t.step(
      "figure 6 has one N_opt line per law with slope beta/(alpha+beta), Approach 1 lines too",
      () => {
        const f = fig(figures, "6");
        const lines = dataset(f, "lines");
        const eq1 = [...new Set(lines.filter((l) => l.kind === "Approach 3 (Eq. 1)").map((l) => l.law))];
        assert.deepEqual(eq1, VARIANTS);
        const a1 = [...new Set(lines.filter((l) => l.kind === "Approach 1").map((l) => l.law))];
        assert.deepEqual(a1, VARIANTS.map((v) => `Approach 1 ${v}`));
        for (const v of inputs.rainbow) {
          const pts = lines.filter((l) => l.law === v.variant) as { flops: number; paramsOpt: number }[];
          const slope = Math.log(pts[pts.length - 1].paramsOpt / pts[0].paramsOpt) /
            Math.log(pts[pts.length - 1].flops / pts[0].flops);
          const alpha = v.fit.terms.find((x) => x.variable === "params")!.alpha;
          const beta = v.fit.terms.find((x) => x.variable === "tokens")!.alpha;
          assert.ok(Math.abs(slope - beta / (alpha + beta)) < 1e-9, `${v.variant}: slope ${slope}`);
          assert.ok(f.caption.includes(`${v.variant} ${(beta / (alpha + beta)).toFixed(3)}`));
        }
        for (const a of inputs.rainbowApproach1) {
          const pts = lines.filter((l) => l.law === a.label) as { flops: number; paramsOpt: number }[];
          const c = pts[5].flops;
          assert.ok(
            Math.abs(
              pts[5].paramsOpt / (a.record.flops.hull.params.k * c ** a.record.flops.hull.params.exponent) -
                1,
            ) < 1e-12,
          );
        }
      },
    );

    await t.step(
      "figure 7: the 300B-token checkpoints, 0 % on the frontier, within a few hundred percent",
      () => {
        const m = inputs.overspend.measured;
        assert.deepEqual(m.tokensRange, [299e9, 301e9]);
        assert.deepEqual(m.subsets, ["hot_100b+_477"]);
        assert.ok(m.rows.length >= 15, `${m.rows.length} checkpoints at 300B`);
        assert.ok(m.rows.every((r) => r.tokens >= 299e9 && r.tokens <= 301e9));
        const frontier = m.rows.filter((r) => r.flopsFrontier);
        assert.ok(frontier.length >= 2);
        for (const r of frontier) assert.equal(r.flopsOverspend, 0);
        for (const r of m.rows.filter((r) => r.gpuHoursFrontier)) assert.equal(r.gpuHoursOverspend, 0);
        for (const r of m.rows) {
          assert.ok(r.flopsOverspend > -0.5 && r.flopsOverspend < 5, `${r.model}: FLOPs ${r.flopsOverspend}`);
          assert.ok((r.gpuHoursOverspend ?? 0) > -0.5 && (r.gpuHoursOverspend ?? 0) < 5, `${r.model}: GPU-h`);
        }
        // The drawn colour never exceeds the scale's top (the 75th percentile), and the figure draws every row.
        const drawn =
          (fig(figures, "7").spec.data as { values: { resource: string; shown: number }[] }).values;
        assert.equal(drawn.filter((d) => d.resource === "flops").length, m.rows.length);
      },
    );

    await t.step("figure 24 ratio equals gemstonesFlopsPerToken / 6N at each shape", () => {
      const rows = dataset(fig(figures, "24"), "shapes") as { width: number; depth: number; ratio: number }[];
      for (const shape of [{ width: 1024, depth: 28 }, { width: 768, depth: 3 }, { width: 256, depth: 80 }]) {
        const r = rows.find((x) => x.width === shape.width && x.depth === shape.depth);
        assert.ok(r, `${shape.width}x${shape.depth}`);
        const direct = gemstonesFlopsPerToken(shape) / (6 * gemstonesParams(shape));
        assert.ok(Math.abs(r.ratio - direct) < 1e-12 * direct);
      }
      assert.equal(rows.filter((r) => (r as unknown as { trained: boolean }).trained).length, 22);
      // Drawn as the authors draw it: width against depth, coloured by the ratio.
      const enc =
        (fig(figures, "24").spec.layer as { encoding: Record<string, { field: string }> }[])[1].encoding;
      assert.deepEqual([enc.x.field, enc.y.field, enc.color.field], ["depth", "width", "ratio"]);
    });

    await t.step(
      "figure 23 has one curve per run to 350B tokens; Perceiver AR prints seed 000's Tables 1-4",
      () => {
        const f23 = fig(figures, "23");
        const curves = dataset(f23, "curves");
        assert.equal(new Set(curves.map((c) => c.run_id)).size, 22);
        // The authors' per-run colour and dash in one legend; whole-decade ticks on the token axis.
        const enc = f23.spec.encoding as Record<string, Record<string, unknown>>;
        assert.deepEqual(enc.strokeDash.legend, enc.color.legend);
        assert.deepEqual((enc.x.axis as { values: number[] }).values, [1e10, 1e11]);
        assert.ok(!/coloured by parameter count/.test(f23.howToRead));
        assert.ok(Math.max(...curves.map((c) => c.tokens as number)) > 349e9);
        const f9 = fig(
          drawFigures(PERCEIVER_REPORT_FIGURES, inputs, { variant: inputs.variant }),
          "tables-1-4",
        );
        const html = f9.tablesHtml ?? "";
        // Table 1, model 2 (seed 000): 624 | 11 | 31421 | 1.29e+09 | 7.27e+07 | 9.58e+05 | 7.17e+07 | 5.91e+17 ...
        for (
          const cell of ["31421", "1.29e+09", "7.27e+07", "9.58e+05", "7.17e+07", "5.91e+17", "5.54e+17"]
        ) {
          assert.ok(html.includes(`<td>${cell}</td>`), `table cell ${cell}`);
        }
        // Table 2 ratios of model 2, Table 4 of model 4; C_ref of experiment 1.
        for (const cell of ["0.0132", "0.0216", "1.0437", "0.0881", "0.1074", "1.0820"]) {
          assert.ok(html.includes(`<td>${cell}</td>`), `ratio ${cell}`);
        }
        assert.ok(html.includes("C_ref = 5.78e+17"));
        const refs = dataset(f9, "refs") as { experiment: string; cRef: number }[];
        assert.deepEqual(refs.map((r) => r.experiment), ["scaling-1", "scaling-2a", "scaling-2b"]);
      },
    );
    await t.step(
      "diff paper vs no_embeds: every row changes by the embedding params, files written",
      async () => {
        const fx = fixture as Fixture;
        const stage = diffStage({ a: "paper", b: "no_embeds" });
        const outDir = await Deno.makeTempDir({ prefix: "diff-test-" });
        try {
          await stage.run({
            id: "diff",
            params: stage.params,
            outDir,
            root: Deno.cwd(),
            deps: fx.dirs,
            progress() {},
            log() {},
            signal: new AbortController().signal,
          });
          const summary = await Deno.readTextFile(`${outDir}/summary.txt`);
          assert.match(summary, /Data rows: A 220, B 220; 0 only in A, 0 only in B, 220 changed\./);
          // Each changed row names the params under both conventions of collect (reference: PARAM_CONVENTIONS).
          const shape = { width: 1024, depth: 28 };
          const total = gemstonesParams(shape), noEmb = PARAM_CONVENTIONS["non_embedding_one"](shape);
          assert.ok(total - noEmb >= GEMSTONES_SHAPE_DEFAULTS.vocabSize * shape.width);
          assert.ok(summary.includes(`PyGemma-1024x28_pretrain step 2385: params: ${total} -> ${noEmb}`));
          for (const c of ["1e+19", "1e+21", "1e+23", "1e+25"]) assert.ok(summary.includes(`eq1   C=${c}`));
          const html = await Deno.readTextFile(`${outDir}/index.html`);
          assert.ok(html.includes("<h2>Fitted coefficients</h2>"));
          for (const f of ["D1-diff-frontiers", "D2-diff-prescriptions"]) {
            for (const ext of ["vl.json", "svg", "png"]) await Deno.stat(`${outDir}/figures/${f}.${ext}`);
          }
          const frontier = JSON.parse(await Deno.readTextFile(`${outDir}/figures/D1-diff-frontiers.vl.json`));
          const sides = new Set((frontier.datasets.hulls as { side: string }[]).map((h) => h.side));
          assert.deepEqual([...sides], ["A: paper", "B: no_embeds"]);
          // The diff figures name both sides' files and fit records.
          const manifest = JSON.parse(await Deno.readTextFile(`${outDir}/figures/figures.json`));
          assert.deepEqual(manifest[0].fits, ["approach1.paper", "approach1.no_embeds"]);
          assert.ok(manifest[0].files.some((f: { path: string }) => f.path === "select.no_embeds/rows.csv"));
        } finally {
          await Deno.remove(outDir, { recursive: true });
        }
      },
    );
  } finally {
    await fixture?.cleanup();
  }
});

Deno.test("reference prescriptions match their published coefficients", () => {
  const [hoffmann, epoch, kaplan] = referencePrescriptions();
  // Chinchilla eq. 4 with A=406.4, B=410.7, alpha=0.34, beta=0.28: a = 0.28/0.62, b = 0.34/0.62.
  assert.ok(Math.abs(hoffmann.params.exponent - 0.28 / 0.62) < 1e-12);
  assert.ok(Math.abs(hoffmann.tokens.exponent - 0.34 / 0.62) < 1e-12);
  assert.ok(Math.abs(epoch.params.exponent - 0.3658 / (0.3478 + 0.3658)) < 1e-12);
  for (const ref of [hoffmann, epoch, kaplan]) {
    for (const c of [1e19, 1e23]) {
      const n = evalPower(ref.params, c), d = evalPower(ref.tokens, c);
      assert.ok(Math.abs((6 * n * d) / c - 1) < 1e-9, `${ref.label}: 6ND = C at ${c}`);
    }
  }
  // Kaplan as plotted by Porian et al.: N_opt = 1.6e9 at one PF-day, growing as C^0.88.
  assert.ok(Math.abs(evalPower(kaplan.params, PF_DAY_FLOPS) / 1.6e9 - 1) < 1e-12);
  // G = (alpha A / (beta B))^(1/(alpha+beta)) by hand for Hoffmann: N_opt(C) = G (C/6)^a.
  const G = Math.pow((0.34 * 406.4) / (0.28 * 410.7), 1 / 0.62);
  assert.ok(Math.abs(evalPower(hoffmann.params, 6e20) / (G * Math.pow(1e20, 0.28 / 0.62)) - 1) < 1e-12);
});

Deno.test("eq1Optimum equals the closed form of the record's terms and names a broken record", () => {
  const rec = {
    variant: "v",
    terms: [{ variable: "params", A: 406.4, alpha: 0.34 }, { variable: "tokens", A: 410.7, alpha: 0.28 }],
  };
  const o = eq1Optimum(rec);
  const c = chinchillaClosedForm(406.4, 0.34, 410.7, 0.28);
  assert.deepEqual(o, c);
  assert.throws(() => eq1Optimum({ variant: "broken", terms: [rec.terms[0]] }), /variant broken/);
});

Deno.test("ratioTo6N is counted FLOPs per token over 6N", () => {
  assert.equal(ratioTo6N({ flopsPerToken: 1200, params: 100 }), 2);
});

Deno.test("approach1 panels span the data's compute range only, no empty decades", async () => {
  const { dataRange } = await import("./specs/approach1.ts");
  assert.deepEqual(dataRange([4.2e18, NaN, 2.2e21, 0, 7e19]), [4.2e18, 2.2e21]);
  assert.throws(() => dataRange([NaN]), /no positive compute values/);
});

Deno.test("approach3 caption says which starts the fit used (the default is a subset of the full grid)", async () => {
  const { gridText } = await import("./specs/approach3.ts");
  assert.equal(
    gridText({ grid: { kind: "lhs", starts: 1000, seed: 1, fullGridSize: 4050000 }, converged: 999 }),
    "1,000 seeded Latin-hypercube starts from the box of the 4,050,000-start Gemstones grid, 999 converged",
  );
  assert.equal(
    gridText({ grid: { kind: "gemstones", starts: 4500, seed: null, fullGridSize: 4500 }, converged: 4500 }),
    "the full 4,500-start Gemstones grid, 4,500 converged",
  );
  assert.equal(
    gridText({
      grid: { kind: "projection", starts: 194481, seed: null, fullGridSize: 4050000 },
      converged: 5,
    }),
    "variable projection over 194,481 exponent cells (the exponents of the 4,050,000-start Gemstones grid, " +
      "the coefficients solved in each), 5 grid minima polished",
  );
});
