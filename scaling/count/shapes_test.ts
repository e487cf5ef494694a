import assert from "node:assert/strict";
import { gemstonesParams } from "./params.ts";
import {
  enumerateShapes,
  GEMSTONES_CONSTRAINTS,
  GEMSTONES_MODELS,
  GEMSTONES_TARGET_PARAMS,
} from "./shapes.ts";

Deno.test("the Gemstones grid holds the 16 trained models inside the constraints and none of the other 6", () => {
  const grid = enumerateShapes(GEMSTONES_CONSTRAINTS);
  const keys = new Set(grid.map((s) => `${s.width}x${s.depth}`));
  const outside = ["384x13", "384x36", "512x11", "512x14", "512x16", "1024x28"];
  for (const { width, depth } of GEMSTONES_MODELS) {
    const key = `${width}x${depth}`;
    assert.equal(keys.has(key), !outside.includes(key), key);
  }
});

Deno.test("every enumerated shape satisfies the constraints, and a plain scan finds the same set", () => {
  const grid = enumerateShapes(GEMSTONES_CONSTRAINTS);
  const scan: string[] = [];
  for (let width = 256; width <= 3072; width++) {
    if (width % 128 !== 0 || (width / 128) % 2 !== 0) continue;
    for (let depth = 3; depth <= 80; depth++) {
      const p = gemstonesParams({ width, depth });
      const target = GEMSTONES_TARGET_PARAMS.find((t) => p >= 0.95 * t && p <= 1.05 * t);
      if (target !== undefined) scan.push(`${width}x${depth}:${target}`);
    }
  }
  assert.deepEqual(grid.map((s) => `${s.width}x${s.depth}:${s.targetParams}`), scan);
  for (const s of grid) {
    assert.equal(s.heads, s.width / 128);
    assert.equal(s.params, gemstonesParams(s));
  }
  assert.ok(grid.length > 50, `only ${grid.length} shapes`);
});

Deno.test("enumerateShapes without targets is the full width x depth box", () => {
  const grid = enumerateShapes({ headSize: 64, evenHeads: false, widthMax: 320, depthMax: 4 });
  assert.deepEqual(
    grid.map((s) => [s.width, s.depth]),
    [64, 128, 192, 256, 320].flatMap((w) => [1, 2, 3, 4].map((d) => [w, d])),
  );
  assert.throws(() => enumerateShapes({ widthMin: 512, widthMax: 256, depthMax: 4 }), /empty range/);
});
