import assert from "node:assert/strict";
import { gemstonesParams, gemstonesParamsContinuous, gemstonesParamsNoEmbeds } from "./params.ts";
import { GEMSTONES_MODELS } from "./shapes.ts";
import { resolveShape, shapeKvHeads, shapeQueryHeads } from "./shape.ts";

const WANDB_DIR = new URL("../../data/gemstones/wandb_dfs/", import.meta.url);

/** Every distinct (width, depth, params_active_precise) in the released Gemstones training logs. */
async function recordedModels(): Promise<Map<string, { width: number; depth: number; params: number }>> {
  const models = new Map<string, { width: number; depth: number; params: number }>();
  for await (const entry of Deno.readDir(WANDB_DIR)) {
    if (!entry.name.endsWith(".jsonl")) continue;
    const text = await Deno.readTextFile(new URL(entry.name, WANDB_DIR));
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      const r = JSON.parse(line);
      if (typeof r.width !== "number") continue; // the slim Chinchilla files carry no shapes
      const key = `${r.width}x${r.depth}`;
      const prev = models.get(key);
      if (prev) assert.equal(prev.params, r.params_active_precise, `${entry.name}: two counts for ${key}`);
      models.set(key, { width: r.width, depth: r.depth, params: r.params_active_precise });
    }
  }
  return models;
}

Deno.test("gemstonesParams equals params_active_precise for all 22 Gemstones models", async () => {
  const models = await recordedModels();
  assert.equal(models.size, 22);
  for (const [key, m] of models) {
    assert.equal(gemstonesParams({ width: m.width, depth: m.depth }), m.params, key);
  }
  const listed = GEMSTONES_MODELS.map((m) => `${m.width}x${m.depth}`).sort();
  assert.deepEqual(listed, [...models.keys()].sort());
});

Deno.test("gemstonesParams matches seed 002's closed form at even head counts", () => {
  // d·[w·(h + 2·(h/2))·128 + 128·h·w + 12w² + 2w] + 2Vw + w
  const V = 50304;
  for (const { width: w, depth: d } of GEMSTONES_MODELS) {
    const h = w / 128;
    if (h % 2 !== 0) continue;
    const expected = d * (w * (h + 2 * (h / 2)) * 128 + 128 * h * w + 12 * w * w + 2 * w) + 2 * V * w + w;
    assert.equal(gemstonesParams({ width: w, depth: d }), expected);
    assert.equal(gemstonesParamsContinuous({ width: w, depth: d }), expected);
  }
});

Deno.test("gemstonesParams generalises head size, GQA ratio, MLP ratio and vocabulary", () => {
  // MHA (gqa 1), head 64, MLP ratio 2 (GEGLU: 3·2·w² per layer), vocab 1000: w=256, d=3.
  const w = 256, d = 3;
  const attention = w * (4 + 2 * 4) * 64 + 64 * 4 * w; // 4 heads of 64, 4 kv heads
  const expected = d * (attention + 3 * 2 * w * w + 2 * w) + 2 * 1000 * w + w;
  assert.equal(
    gemstonesParams({ width: w, depth: d, headSize: 64, gqaRatio: 1, mlpRatio: 2, vocabSize: 1000 }),
    expected,
  );
});

Deno.test("integer head counts: width 384 has 3 query heads and 1 key/value head", () => {
  assert.equal(shapeQueryHeads({ width: 384, depth: 1 }), 3);
  assert.equal(shapeKvHeads({ width: 384, depth: 1 }), 1);
  // The continuous count (1.5 kv heads) differs from the recorded integer count by d·2·0.5·128·w.
  const diff = gemstonesParamsContinuous({ width: 384, depth: 13 }) -
    gemstonesParams({ width: 384, depth: 13 });
  assert.equal(diff, 13 * 2 * 0.5 * 128 * 384);
});

Deno.test("gemstonesParamsNoEmbeds drops both or one embedding matrix", () => {
  const shape = { width: 1024, depth: 28 };
  assert.equal(gemstonesParamsNoEmbeds(shape, "drop_both"), 543482880 - 2 * 50304 * 1024);
  assert.equal(gemstonesParamsNoEmbeds(shape, "drop_one"), 543482880 - 50304 * 1024);
  assert.throws(() => gemstonesParamsNoEmbeds(shape, "drop_three" as "drop_one"), /unknown convention/);
});

Deno.test("resolveShape fills defaults and names a bad field", () => {
  assert.deepEqual(resolveShape({ width: 512, depth: 4 }), {
    width: 512,
    depth: 4,
    headSize: 128,
    gqaRatio: 2,
    mlpRatio: 4,
    vocabSize: 50304,
    seqLen: 2048,
  });
  assert.throws(() => gemstonesParams({ width: 512, depth: 0 }), /"depth"/);
  assert.throws(() => gemstonesParams({ width: 512, depth: 4, seqLen: NaN }), /"seqLen"/);
});
