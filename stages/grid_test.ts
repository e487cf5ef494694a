import assert from "node:assert/strict";
import { GEMSTONES_MODELS, gemstonesParams } from "../scaling/count/mod.ts";
import { buildGrid, feasibleShapes, gridCsv, nearestTarget, PAPER_GRID, readGridCsv } from "./grid.ts";

// The six trained Gemstones models outside the paper's stated constraints (scaling/count/shapes.ts):
// 384-wide models have 3 (odd) heads; the others are outside ±5 % of every target.
const OUTSIDE = ["384x13", "384x36", "512x11", "512x14", "512x16", "1024x28"];
// Target group of each of the 22 models: the target within ±5 %, or else the nearest one in log space.
const GROUP: Record<string, number> = {
  "256x23": 50e6,
  "256x27": 50e6,
  "384x13": 50e6,
  "256x71": 100e6,
  "256x80": 100e6,
  "384x36": 100e6,
  "512x11": 100e6,
  "512x12": 100e6,
  "512x13": 100e6,
  "512x14": 100e6,
  "512x16": 100e6,
  "768x3": 100e6,
  "768x45": 500e6,
  "1024x28": 500e6,
  "1280x15": 500e6,
  "1792x7": 500e6,
  "1280x36": 1e9,
  "1792x18": 1e9,
  "2560x8": 1e9,
  "1536x50": 2e9,
  "2048x27": 2e9,
  "3072x12": 2e9,
};

Deno.test("paper settings: 16 Gemstones shapes are feasible in their target group; all 22 appear when included", () => {
  const feasible = new Map(feasibleShapes(PAPER_GRID).map((s) => [`${s.width}x${s.depth}`, s.targetParams]));
  for (const { width, depth } of GEMSTONES_MODELS) {
    const key = `${width}x${depth}`;
    if (OUTSIDE.includes(key)) assert.equal(feasible.has(key), false, key);
    else assert.equal(feasible.get(key), GROUP[key], key);
  }
  const grid = buildGrid({ ...PAPER_GRID, perTarget: 3, include: GEMSTONES_MODELS.map((m) => ({ ...m })) });
  const byModel = new Map(grid.map((r) => [r.model, r]));
  assert.equal(Object.keys(GROUP).length, 22);
  for (const [model, target] of Object.entries(GROUP)) {
    const row = byModel.get(model);
    assert.ok(row, `${model} missing from the grid`);
    assert.equal(row.target_params, target, model);
    assert.equal(row.in_constraints, !OUTSIDE.includes(model), model);
    assert.equal(row.params, gemstonesParams({ width: row.width, depth: row.depth }));
  }
});

Deno.test("the paper grid picks per target the deepest, the widest and the shape nearest the standard aspect ratio", () => {
  const grid = buildGrid({ ...PAPER_GRID, perTarget: 3 });
  for (const target of PAPER_GRID.targetParams) {
    const group = feasibleShapes(PAPER_GRID).filter((s) => s.targetParams === target);
    const aspects = group.map((s) => s.width / s.depth);
    const picked = grid.filter((r) => r.target_params === target);
    assert.equal(picked.length, Math.min(3, group.length));
    assert.equal(picked[0].aspect, Math.min(...aspects));
    assert.equal(picked[0].role, "deep");
    assert.equal(picked[picked.length - 1].aspect, Math.max(...aspects));
    assert.equal(picked[picked.length - 1].role, "wide");
    const std = picked.find((r) => r.role === "standard")!;
    const inner = group.filter((s) => {
      const a = s.width / s.depth;
      return a !== Math.min(...aspects) && a !== Math.max(...aspects);
    });
    const dist = (a: number) => Math.abs(Math.log(a / 64));
    assert.equal(dist(std.aspect), Math.min(...inner.map((s) => dist(s.width / s.depth))));
  }
});

Deno.test("grid rows: lr by the width-depth rule, tokens per param rounded to whole steps, CSV round trip", async () => {
  const p = { ...PAPER_GRID, perTarget: 2, tokensPerParam: 20, batchSize: 4, maxTokens: 1.5e9 };
  const grid = buildGrid(p);
  for (const r of grid) {
    assert.equal(r.lr, 5 / (r.width * Math.sqrt(r.depth)));
    const perStep = 4 * 2048;
    assert.equal(r.tokens % perStep, 0);
    const want = Math.min(20 * r.params, 1.5e9);
    assert.ok(r.tokens >= want && r.tokens < want + perStep, `${r.model}: ${r.tokens}`);
    assert.equal(r.train_flops, r.flops_per_token * r.tokens);
    assert.ok(r.memory_bytes > 16 * r.params);
  }
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/grid.csv`, gridCsv(grid));
  assert.deepEqual(await readGridCsv(`${dir}/grid.csv`), grid);
  await Deno.writeTextFile(`${dir}/bad.csv`, gridCsv(grid).replace(/\n([^,]+),(\d+)/, "\n$1,abc"));
  await assert.rejects(() => readGridCsv(`${dir}/bad.csv`), /bad\.csv: line 2, field "width"/);
  await Deno.remove(dir, { recursive: true });
  assert.equal(nearestTarget(66.8e6, PAPER_GRID.targetParams), 50e6);
  assert.throws(() => buildGrid({ ...PAPER_GRID, perTarget: -1 }), /field "perTarget"/);
});
