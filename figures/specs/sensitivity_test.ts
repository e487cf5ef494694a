import assert from "node:assert/strict";
import { FIGURE20_DELTAS, FIGURE20_GRID_SIZES } from "../../scaling/fit/sensitivity.ts";
import type { GridSizeStudyRecord, SensitivityRecord } from "../../records/sensitivity.ts";
import { gridSizeData, gridSizeFigure, pythonFloat, tornadoBars, tornadoFigure } from "./sensitivity.ts";

/** A study record over the authors' 20 sizes and three deltas (ratios made up: the drawing is under test). */
function study(sizes: readonly number[] = FIGURE20_GRID_SIZES): GridSizeStudyRecord {
  return {
    kind: "grid_size_study",
    subset: "hot",
    rows: 220,
    optimiser: { tolerance: 1e-5, relativeTolerance: 2.2e-9, relativeFloor: 1, maxIterations: 15000 },
    points: FIGURE20_DELTAS.flatMap((delta) =>
      sizes.map((gridSize, i) => ({
        delta,
        gridSize,
        starts: gridSize,
        converged: gridSize,
        objective: delta * 2 + i * 1e-9,
        alpha: 0.29,
        beta: 0.71 + i * 1e-3,
        ratio: 0.29 / (0.29 + 0.71 + i * 1e-3),
      }))
    ),
    published: [{
      delta: 1e-3,
      objective: 0.0019816129,
      alpha: 0.2928686863,
      beta: 0.712872206,
      ratio: 0.2912,
    }],
  };
}

Deno.test("Figure 20 figure: the authors' title, axis labels, one series per delta labelled as Python prints it", () => {
  assert.deepEqual([1e-3, 1e-4, 1e-5, 0.5].map(pythonFloat), ["0.001", "0.0001", "1e-05", "0.5"]);
  const rec = study();
  const data = gridSizeData(rec);
  assert.deepEqual([...new Set(data.map((d) => d.delta))], ["0.001", "0.0001", "1e-05"]);
  for (const label of ["0.001", "0.0001", "1e-05"]) {
    assert.deepEqual(data.filter((d) => d.delta === label).map((d) => d.gridSize), FIGURE20_GRID_SIZES);
  }
  const fig = gridSizeFigure(rec);
  const spec = fig.spec as Record<string, unknown> & {
    layer: { mark: { type: string }; encoding: Record<string, { title?: string; format?: string }> }[];
  };
  assert.deepEqual(spec.title, { text: "Scaling Law vs Fitted Tokens vs Grid Size" });
  assert.equal(spec.layer[0].mark.type, "line");
  assert.equal(spec.layer[0].encoding.x.title, "Grid Size");
  assert.equal(spec.layer[0].encoding.y.title, "Params Exp / (Params Exp + Tokens Exp)");
  assert.equal(spec.layer[1].mark.type, "text");
  assert.equal(spec.layer[1].encoding.text.format, ".2e");
  assert.match(fig.caption, /20 target sizes, 3000-90000 starts/);
  assert.match(
    fig.caption,
    /δ 0\.001: 0\.2912 \(objective 1\.98e-3\) \(they store none for the other deltas\)\./,
  );
  assert.doesNotMatch(fig.caption, /leaves out/, "all 20 sizes: nothing left out");
  // Fewer sizes than the authors' 20: the figure says which are left out and what they would cost.
  const eight = gridSizeFigure(study(FIGURE20_GRID_SIZES.slice(0, 8)));
  assert.match(
    eight.caption,
    /The authors' figure has all 20 sizes to 90000; this run leaves out 12 \(15000-90000\)/,
  );
  // 12 sizes, 555,752 starts per δ (the authors' subdivision rule), three deltas: 1.7M fits.
  assert.match(eight.caption, /about 1\.7M more L-BFGS fits/);
  assert.deepEqual((eight.spec as { title: unknown }).title, {
    text: "Scaling Law vs Fitted Tokens vs Grid Size",
    subtitle: "8 of the authors' 20 grid sizes (3000-10000; 15000-90000 left out for time)",
  });
});

Deno.test("tornado: bars span each choice's alternatives and the baseline, relative to the baseline, widest first", () => {
  const law = { E: 1.7, terms: [] };
  const r = (choice: string, option: string, n: number, d: number) => ({
    choice,
    option,
    law,
    objective: 1,
    points: 10,
    starts: 10,
    paramsOpt: n,
    tokensOpt: d,
  });
  const rec: SensitivityRecord = {
    kind: "sensitivity",
    variant: "paper",
    form: "eq1",
    flops: 1e23,
    results: [
      r("baseline", "the variant", 100, 1000),
      r("Huber δ", "δ = 0.001", 110, 900),
      r("Huber δ", "δ = 0.00001", 95, 1000),
      r("FLOP counter", "6N", 200, 500),
    ],
  };
  const bars = tornadoBars(rec);
  assert.deepEqual(bars.filter((b) => b.quantity === "N_opt"), [
    { choice: "FLOP counter", quantity: "N_opt", lo: 1, hi: 2, loOption: "", hiOption: "6N" },
    {
      choice: "Huber δ",
      quantity: "N_opt",
      lo: 0.95,
      hi: 1.1,
      loOption: "δ = 0.00001",
      hiOption: "δ = 0.001",
    },
  ]);
  assert.deepEqual(bars.filter((b) => b.quantity === "D_opt"), [
    { choice: "FLOP counter", quantity: "D_opt", lo: 0.5, hi: 1, loOption: "6N", hiOption: "" },
    { choice: "Huber δ", quantity: "D_opt", lo: 0.9, hi: 1, loOption: "δ = 0.001", hiOption: "" },
  ]);
  const fig = tornadoFigure(rec);
  assert.match(
    fig.caption,
    /Widest bars: N_opt FLOP counter \(×1 to ×2\), D_opt FLOP counter \(×0\.5 to ×1\)/,
  );
  assert.throws(() => tornadoBars({ ...rec, results: rec.results.slice(1) }), /no baseline result/);
});
