import assert from "node:assert/strict";
import type { Stage } from "../pipeline/stage.ts";
import { buildProfile, MICRO_GRID, NANO_GRID, PROFILES, SIMULATE_GRID } from "./profiles.ts";
import { buildGrid } from "./grid.ts";

function assertWellFormed(stages: readonly Stage[]): Map<string, Stage> {
  const byId = new Map<string, Stage>();
  for (const s of stages) {
    const id = s.id ?? s.name;
    assert.ok(!byId.has(id), `duplicate stage id ${id}`);
    byId.set(id, s);
  }
  for (const s of stages) for (const d of s.deps) assert.ok(byId.has(d), `${s.id}: unknown dependency ${d}`);
  return byId;
}

Deno.test("micro profile: ~15 models of 0.1M-10M params, each its own train stage on the jargon-text corpus", () => {
  const stages = assertWellFormed(buildProfile("micro", "paper"));
  const grid = buildGrid(MICRO_GRID);
  assert.equal(grid.length, 15);
  assert.ok(grid.every((r) => r.params >= 0.9e5 && r.params <= 1.1e7), "params within 0.1M-10M ±10 %");
  assert.ok(grid.every((r) => r.tokens >= 1e6 && r.tokens <= 5e7 + 2048));
  for (const r of grid) {
    const s = stages.get(`train.micro_${r.model}`)!;
    assert.deepEqual(s.deps, ["corpus"]);
    const p = s.params as {
      model: { width: number; vocabSize: number; seqLen: number };
      train: { steps: number };
    };
    assert.equal(p.model.vocabSize, 259);
    assert.equal(p.train.steps * 16 * 128, r.tokens);
  }
  assert.deepEqual(stages.get("corpus")!.params, { source: "debian", package: "jargon-text" });
  assert.equal(stages.get("lr_sweep")!.deps.length, 4 * 7);
  for (
    const id of [
      "collect",
      "select.paper",
      "approach1.paper",
      "approach3_eq1.paper",
      "approach3_eq2.paper",
      "report.paper",
    ]
  ) {
    assert.ok(stages.has(id), id);
  }
  assert.equal(stages.get("collect")!.deps.filter((d) => d.startsWith("train.micro_")).length, 15);
  assert.ok(stages.get("report.paper")!.deps.includes("lr_sweep"), "the micro report draws the lr sweep");
  const nano = assertWellFormed(buildProfile("nano", "paper"));
  assert.ok(!nano.get("report.paper")!.deps.includes("lr_sweep"), "nano has no sweep");
});

Deno.test("nano profile: exactly three tiny models; simulate profile: the paper grid through simulate", () => {
  const nano = assertWellFormed(buildProfile("nano", "paper"));
  assert.deepEqual(buildGrid(NANO_GRID).map((r) => r.model), ["32x1", "32x2", "64x1"]);
  assert.equal([...nano.keys()].filter((id) => id.startsWith("train.")).length, 3);
  assert.equal(nano.get("corpus")!.params.source, "synthetic");
  const sim = assertWellFormed(buildProfile("simulate", "paper"));
  assert.deepEqual(sim.get("simulate")!.deps, ["grid", "paper_law"]);
  assert.equal(buildGrid(SIMULATE_GRID).length, 15);
  assert.ok(buildGrid(SIMULATE_GRID).every((r) => r.tokens === 1e11 - (1e11 % (1024 * 2048)) + 1024 * 2048));
  assert.deepEqual(sim.get("paper_law")!.deps, ["paper_collect"]);
  assert.deepEqual(sim.get("collect")!.deps, ["simulate"]);
  assert.equal([...sim.keys()].filter((id) => id.startsWith("train.")).length, 0);
  assert.deepEqual(sim.get("select.cooldown") ?? null, null);
  const cool = assertWellFormed(buildProfile("simulate", "cooldown"));
  assert.deepEqual((cool.get("select.cooldown")!.params as { subsets: string[] }).subsets, [
    "simulated_cool",
  ]);
});

Deno.test("unknown profile or variant names are errors listing the valid ones", () => {
  assert.deepEqual(PROFILES, ["micro", "nano", "simulate"]);
  assert.throws(
    () => buildProfile("mini", "paper"),
    /unknown profile "mini"; valid profiles: paper, micro, nano, simulate/,
  );
  assert.throws(() => buildProfile("nano", "papr"), /unknown variant "papr"/);
});
