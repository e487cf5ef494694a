/** Figure 10's DATA: its points are the lr_sweep table, the second panel's x is lr·width·√depth. */
import assert from "node:assert/strict";
import { lrGridStep, lrSweepBest, lrSweepFigure, parabolaVertex } from "./lr_sweep.ts";
import { compileVegaLite } from "../render.ts";
import {
  type LrSweepRow,
  lrSweepRow,
  readLrSweepRows,
  type SweepModel,
  writeLrSweep,
} from "../../stages/lr_sweep.ts";
import { buildFixture } from "../../testing/report_fixture.ts";
import { readReportInputs } from "../inputs.ts";
import { drawFigures } from "../figure_module.ts";
import { REPORT_FIGURES } from "../registry.ts";

const WIDE: SweepModel = { role: "wide", size: "small", width: 64, depth: 1 };
const DEEP: SweepModel = { role: "deep", size: "small", width: 16, depth: 9 };
const LRS = [1e-3, 1e-2, 1e-1];

// Losses with a known minimum per model; the deep model diverges at the highest lr.
function rows(): LrSweepRow[] {
  const wide = [2.0, 1.5, 1.8].map((l, i) => lrSweepRow(WIDE, LRS[i], { diverged: false, finalValLoss: l }));
  const deep = [
    lrSweepRow(DEEP, LRS[0], { diverged: false, finalValLoss: 1.9 }),
    lrSweepRow(DEEP, LRS[1], { diverged: false, finalValLoss: 2.2 }),
    lrSweepRow(DEEP, LRS[2], { diverged: true, finalValLoss: null }),
  ];
  return [...wide, ...deep];
}

type Point = Record<string, number | string | boolean | null>;

Deno.test("lr-sweep figure: points are the table, second panel on lr·width·√depth, diverged marked", () => {
  const table = rows();
  const f = lrSweepFigure({ rows: table, variant: "test" });
  assert.equal(f.paperFigure, "3");
  assert.equal(f.name, "lr-sweep");
  compileVegaLite(f.spec, f.name);
  const points = (f.spec.datasets as Record<string, Point[]>).sweep;
  assert.equal(points.length, table.length);
  table.forEach((r, i) => {
    assert.equal(points[i].lr, r.lr);
    assert.equal(points[i].model, r.model);
    assert.equal(points[i].diverged, r.diverged);
    assert.equal(points[i].final_loss, Number.isFinite(r.final_loss) ? r.final_loss : null);
  });
  // lr · width · √depth: 16·√9 = 48 for the deep model at lr 1e-2 -> 0.48; 64·√1 at 1e-2 -> 0.64.
  assert.ok(Math.abs((points[4].lr_width_sqrt_depth as number) - 0.48) < 1e-12);
  assert.ok(Math.abs((points[1].lr_width_sqrt_depth as number) - 0.64) < 1e-12);
  // The diverged run has no loss; its cross sits at the largest finite loss (2.2).
  assert.equal(points[5].final_loss, null);
  assert.equal(points[5].marker_loss, 2.2);
  assert.ok(points.slice(0, 5).every((p) => p.marker_loss === null));
  const panels = f.spec.hconcat as { layer: { encoding: { x: { field: string } } }[] }[];
  assert.deepEqual(panels.map((p) => p.layer[0].encoding.x.field), ["lr", "lr_width_sqrt_depth"]);
  assert.match(f.caption, /1 diverged/);
  // Wide: grid optimum lr 1e-2; the parabola through losses 2.0, 1.5, 1.8 at equal steps h = ln 10 has its
  // vertex at h·(y0 - y2)/(2(y0 - 2y1 + y2)) = h/8 to the right: lr 10^-1.875, scaled ×64 = 0.853.
  assert.match(f.caption, /small wide 64x1: 0\.64 at lr 0\.01 \(1\.5 nats; vertex 0\.853\)/);
  // Deep: best at the end of the grid, so the vertex is the grid point.
  assert.match(f.caption, /small deep 16x9: 0\.048 at lr 0\.001 \(1\.9 nats; vertex 0\.048\)/);
  // Spreads: scaled 0.853/0.048 = 17.8, raw 10^-1.875/1e-3 = 13.3; ratio 64/48 = 1.33 < grid step ×10.
  assert.match(
    f.caption,
    /×17\.8 in lr · width · √depth against ×13\.3 in raw lr: lining the curves up by the rule does not narrow the spread of their optima \(by ×1\.33, less than one step of the lr grid, ×10,/,
  );
});

Deno.test("lr-sweep helpers: best run per model and the lr grid step", () => {
  const best = lrSweepBest(rows());
  assert.deepEqual(best.map((b) => [b.label, b.lr, b.lossNats]), [
    ["small wide 64x1", 1e-2, 1.5],
    ["small deep 16x9", 1e-3, 1.9],
  ]);
  assert.ok(Math.abs(best[0].lrVertex - Math.pow(10, -1.875)) < 1e-15);
  assert.ok(Math.abs(best[0].scaledLrVertex - 64 * Math.pow(10, -1.875)) < 1e-13);
  assert.equal(best[1].lrVertex, 1e-3);
  // y = 2(x - 0.7)² + 1 through x = 0, 0.5, 2 has its vertex at 0.7; a downward parabola gives x1.
  const y = (x: number) => 2 * (x - 0.7) ** 2 + 1;
  assert.ok(Math.abs(parabolaVertex(0, y(0), 0.5, y(0.5), 2, y(2)) - 0.7) < 1e-12);
  assert.equal(parabolaVertex(0, 0, 1, 1, 2, 0), 1);
  assert.ok(Math.abs(lrGridStep([1e-3, 3e-3, 1e-2, 3e-3]) - 10 / 3) < 1e-12);
  assert.equal(lrGridStep([0.1]), 1);
  assert.throws(() => lrSweepFigure({ rows: [], variant: "x" }), /no sweep rows/);
});

Deno.test("report: no sweep figure without a sweep, paper figure 3's analogue from the lr_sweep node's table with one", async () => {
  const fixture = await buildFixture(["paper"], { starts: 4 });
  const sweepDir = await Deno.makeTempDir({ prefix: "lr_sweep_report_" });
  try {
    const without = drawFigures(
      REPORT_FIGURES,
      await readReportInputs("paper", fixture.reportDeps["paper"], fixture.dirs),
      { variant: "paper" },
    );
    const paper = ["2", "3", "4", "5", "6", "7", "7", "8", "9", "12", "21", "22", "23", "24"];
    assert.deepEqual(without.map((f) => f.paperFigure), paper);
    const table = rows();
    await writeLrSweep(sweepDir, table);
    const back = await readLrSweepRows(`${sweepDir}/lr_sweep.csv`);
    assert.equal(back.length, table.length);
    assert.ok(Number.isNaN(back[5].final_loss) && back[5].diverged);
    assert.deepEqual(back.slice(0, 5), table.slice(0, 5));
    const inputs = await readReportInputs(
      "paper",
      { ...fixture.reportDeps["paper"], lrSweep: "lr_sweep" },
      { ...fixture.dirs, lr_sweep: sweepDir },
    );
    const figs = drawFigures(REPORT_FIGURES, inputs, { variant: "paper" });
    // With a sweep of its own the report draws it as Figure 3's analogue, in place of the Gemstones sweep.
    assert.deepEqual(figs.map((f) => f.paperFigure), paper);
    const points = (figs[1].spec.datasets as Record<string, Point[]>).sweep;
    assert.deepEqual(points.map((p) => p.final_loss), [2.0, 1.5, 1.8, 1.9, 2.2, null]);
    assert.deepEqual(points.map((p) => p.lr), [...LRS, ...LRS]);
  } finally {
    await Deno.remove(sweepDir, { recursive: true });
    await fixture.cleanup();
  }
});

Deno.test("readLrSweepRows names the file, line and field of a bad cell", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lr_sweep_bad_" });
  try {
    await writeLrSweep(dir, rows());
    const path = `${dir}/lr_sweep.csv`;
    const text = await Deno.readTextFile(path);
    await Deno.writeTextFile(path, text.replace("64x1,wide,small,64,1,0.01,", "64x1,wide,small,64,1,abc,"));
    await assert.rejects(() => readLrSweepRows(path), /lr_sweep\.csv: line 3: field "lr" must be a number/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
