/**
 * The figures' DATA, checked against the library and published numbers, on the real data (fixture:
 * collect + select of the shipped data, small seeded fits).
 */
import assert from "node:assert/strict";
import { buildFixture, type Fixture } from "../../testing/report_fixture.ts";
import { readReportInputs } from "../report.ts";
import { perceiverFigures, type ReportInputs, variantFigures } from "./figures_of_variant.ts";
import type { Figure } from "./figures/common.ts";
import { chinchillaClosedForm, evalPower, PF_DAY_FLOPS, referencePrescriptions } from "./figures/common.ts";
import { eq1Optimum } from "./figures/rainbow.ts";
import { ratioTo6N } from "./figures/flop_counting.ts";
import { lowerConvexHull } from "../../scaling/fit/mod.ts";
import { enumerateShapes, GEMSTONES_CONSTRAINTS, GEMSTONES_MODELS } from "../../scaling/count/shapes.ts";
import { gemstonesFlopsPerToken } from "../../scaling/count/flops.ts";
import { gemstonesParams } from "../../scaling/count/params.ts";
import { compileVegaLite } from "./render.ts";
import { diffStage } from "../diff.ts";
import { PARAM_CONVENTIONS } from "../collect.ts";
import { GEMSTONES_SHAPE_DEFAULTS } from "../../scaling/count/shape.ts";

const VARIANTS = ["paper", "no_embeds"];
let fixture: Fixture | undefined;
let inputs: ReportInputs | undefined;
let figures: Figure[] = [];

async function setup(): Promise<{ inputs: ReportInputs; figures: Figure[] }> {
  if (!fixture || !inputs) {
    fixture = await buildFixture(VARIANTS, { starts: 12 });
    inputs = await readReportInputs("paper", fixture.reportDeps["paper"], fixture.dirs);
    figures = variantFigures(inputs);
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
    await t.step("the paper's figures in the paper's order, every spec compiles", () => {
      assert.deepEqual(figures.map((f) => f.paperFigure), ["2", "4", "5", "6", "7", "8", "23", "24"]);
      for (const f of figures) compileVegaLite(f.spec, f.name);
    });

    await t.step("figure 1 holds all 22 trained models and every feasible shape", () => {
      const rows = dataset(fig(figures, "2"), "shapes");
      const trained = rows.filter((r) => r.kind === "Gemstones (trained)").map((r) => r.label).sort();
      assert.deepEqual(trained, GEMSTONES_MODELS.map((m) => `${m.width}x${m.depth}`).sort());
      assert.equal(trained.length, 22);
      const feasible = rows.filter((r) => r.kind === "feasible shape");
      assert.equal(feasible.length, enumerateShapes(GEMSTONES_CONSTRAINTS).length);
      const m = rows.find((r) => r.label === "1024x28");
      assert.equal(m?.params, 543482880); // params_active_precise of PyGemma-1024x28 in the data
    });

    await t.step("figure 2 hull points are exactly lowerConvexHull of (ln FLOPs, ln loss)", () => {
      const rows = inputs.rows;
      const idx = lowerConvexHull(rows.map((r) => Math.log(r.flops)), rows.map((r) => Math.log(r.loss)));
      const expected = idx.map((i) => [rows[i].run_id, rows[i].flops, rows[i].loss]);
      const hull = dataset(fig(figures, "4"), "hullFlops").map((p) => [p.run_id, p.compute, p.loss]);
      assert.deepEqual(hull, expected);
      assert.ok(hull.length >= 3);
      assert.equal(dataset(fig(figures, "4"), "checkpoints").length, 220); // hot subset: 22 runs x 10
    });

    await t.step("figure 4 has one N_opt line per variant with slope beta/(alpha+beta)", () => {
      const f = fig(figures, "6");
      const lines = dataset(f, "lines");
      const variants = [...new Set(lines.filter((l) => l.kind === "variant").map((l) => l.law))];
      assert.deepEqual(variants, VARIANTS);
      for (const v of inputs.rainbow) {
        const pts = lines.filter((l) => l.law === v.variant) as { flops: number; paramsOpt: number }[];
        const slope = Math.log(pts[pts.length - 1].paramsOpt / pts[0].paramsOpt) /
          Math.log(pts[pts.length - 1].flops / pts[0].flops);
        const alpha = v.fit.terms.find((x) => x.variable === "params")!.alpha;
        const beta = v.fit.terms.find((x) => x.variable === "tokens")!.alpha;
        assert.ok(Math.abs(slope - beta / (alpha + beta)) < 1e-9, `${v.variant}: slope ${slope}`);
        assert.ok(f.caption.includes(`${v.variant} ${(beta / (alpha + beta)).toFixed(3)}`));
      }
    });

    await t.step("figure 7 ratio equals gemstonesFlopsPerToken / 6N at each shape", () => {
      const rows = dataset(fig(figures, "24"), "shapes") as { width: number; depth: number; ratio: number }[];
      for (const shape of [{ width: 1024, depth: 28 }, { width: 768, depth: 3 }, { width: 256, depth: 80 }]) {
        const r = rows.find((x) => x.width === shape.width && x.depth === shape.depth);
        assert.ok(r, `${shape.width}x${shape.depth}`);
        const direct = gemstonesFlopsPerToken(shape) / (6 * gemstonesParams(shape));
        assert.ok(Math.abs(r.ratio - direct) < 1e-12 * direct);
      }
      assert.equal(rows.filter((r) => (r as unknown as { trained: boolean }).trained).length, 22);
    });

    await t.step("figure 23 has one curve per run; the Perceiver report prints seed 000's Tables 1-4", () => {
      const curves = dataset(fig(figures, "23"), "curves");
      assert.equal(new Set(curves.map((c) => c.run_id)).size, 22);
      const f9 = fig(perceiverFigures(inputs.perceiverValidation), "tables-1-4");
      const html = f9.tablesHtml ?? "";
      // Table 1, model 2 (seed 000): 624 | 11 | 31421 | 1.29e+09 | 7.27e+07 | 9.58e+05 | 7.17e+07 | 5.91e+17 ...
      for (const cell of ["31421", "1.29e+09", "7.27e+07", "9.58e+05", "7.17e+07", "5.91e+17", "5.54e+17"]) {
        assert.ok(html.includes(`<td>${cell}</td>`), `table cell ${cell}`);
      }
      // Table 2 ratios of model 2, Table 4 of model 4; C_ref of experiment 1.
      for (const cell of ["0.0132", "0.0216", "1.0437", "0.0881", "0.1074", "1.0820"]) {
        assert.ok(html.includes(`<td>${cell}</td>`), `ratio ${cell}`);
      }
      assert.ok(html.includes("C_ref = 5.78e+17"));
      const refs = dataset(f9, "refs") as { experiment: string; cRef: number }[];
      assert.deepEqual(refs.map((r) => r.experiment), ["scaling-1", "scaling-2a", "scaling-2b"]);
    });
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

Deno.test("approach1 prescription panel spans the data's FLOPs: a decade below to four decades above", async () => {
  const { defaultFlopsRange } = await import("./figures/approach1.ts");
  assert.deepEqual(defaultFlopsRange([4.2e18, 2.2e21]), [1e17, 1e26]); // the Gemstones runs
  assert.deepEqual(defaultFlopsRange([2.3e11, 5.1e14]), [1e10, 1e19]); // the micro study
  assert.deepEqual(defaultFlopsRange([]), [1e17, 1e25]);
});

Deno.test("approach3 caption says which starts the fit used (the default is a subset of the full grid)", async () => {
  const { gridText } = await import("./figures/approach3.ts");
  assert.equal(
    gridText({ grid: { kind: "lhs", starts: 1000, seed: 1, fullGridSize: 4050000 }, converged: 999 }),
    "1,000 seeded Latin-hypercube starts from the box of the 4,050,000-start Gemstones grid, 999 converged",
  );
  assert.equal(
    gridText({ grid: { kind: "gemstones", starts: 4500, seed: null, fullGridSize: 4500 }, converged: 4500 }),
    "the full 4,500-start Gemstones grid, 4,500 converged",
  );
});
