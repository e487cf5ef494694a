import assert from "node:assert/strict";
import {
  estimateTokensPerSecond,
  MICRO_PLAN_DEFAULTS,
  planMicroStudy,
  planSeconds,
  probeConfigs,
  readRates,
  unitConfig,
  writeUnits,
} from "./micro_units.ts";
import { buildGrid } from "../stages/grid.ts";
import { MICRO_GRID } from "../stages/profile_settings.ts";

const PER_STEP = 64 * 128;

Deno.test("micro plan: 20 tokens/param clamped to [2e6, 2e7], whole steps in multiples of the 8 evals", () => {
  const plan = planMicroStudy({ budgetSeconds: 1e9 });
  const grid = buildGrid(MICRO_GRID);
  assert.equal(plan.length, grid.length);
  for (const r of plan) {
    const want = Math.min(2e7, Math.max(2e6, 20 * r.row.params));
    assert.equal(r.steps % 8, 0);
    assert.equal(r.tokens, r.steps * PER_STEP);
    assert.ok(r.tokens >= want && r.tokens < want + 8 * PER_STEP, `${r.runId}: ${r.tokens} for ${want}`);
    assert.equal(r.evalSteps * 8, r.steps);
  }
  // The 10M models reach the 2e7 cap: ceil(2e7 / 8192 / 8) · 8 = 2448 steps.
  assert.equal(plan.find((r) => r.runId === "micro_160x28")!.steps, 2448);
});

Deno.test("micro plan: with measured rates the cap is the largest that fits the budget", () => {
  const rates: Record<string, number> = {};
  for (const r of buildGrid(MICRO_GRID)) rates[r.model] = 1e5; // 100k tokens/s everywhere
  const plan = planMicroStudy({ budgetSeconds: 600, rates });
  const total = planSeconds(plan);
  assert.ok(total <= 600, `total ${total}`);
  // Seconds are (tokens + evaluation tokens) / rate; evaluation: 8 evals × 8 batches × 8192 / 3.
  for (const r of plan) assert.ok(Math.abs(r.seconds - (r.tokens + 8 * 8 * PER_STEP / 3) / 1e5) < 1e-9);
  // One more eval interval on the capped runs would break the budget.
  const capped = plan.filter((r) => r.tokens === Math.max(...plan.map((p) => p.tokens)));
  assert.ok(capped.length >= 3);
  assert.ok(total + capped.length * 8 * PER_STEP / 1e5 > 600);
  assert.throws(() => planMicroStudy({ budgetSeconds: 10, rates }), /over the budget of 10 s/);
});

Deno.test("estimateTokensPerSecond: tokens per step over (1.5 ms + 0.35 ms/block + FLOPs at 8 TFLOP/s)", () => {
  assert.equal(estimateTokensPerSecond(0, 0, 8192), 8192 / 1.5e-3);
  const s = 1.5e-3 + 0.35e-3 * 4 + 1e6 * 8192 / 8e12;
  assert.ok(Math.abs(estimateTokensPerSecond(1e6, 4, 8192) - 8192 / s) < 1e-6);
});

Deno.test("micro units: run.json files with the relative corpus; probes; rates read back with errors", async () => {
  const dir = await Deno.makeTempDir({ prefix: "micro_units_" });
  try {
    const plan = planMicroStudy({ budgetSeconds: 1e9 });
    const o = MICRO_PLAN_DEFAULTS;
    const ids = await writeUnits(
      `${dir}/u`,
      new Map(plan.map((r) => [r.runId, unitConfig(r, o, ".micro/corpus")])),
    );
    assert.equal(ids.length, 15);
    const unit = JSON.parse(await Deno.readTextFile(`${dir}/u/micro_96x7/run.json`));
    assert.equal(unit.backend, "gpu");
    assert.equal(unit.config.corpus, ".micro/corpus");
    assert.equal(unit.config.model.width, 96);
    assert.equal(unit.config.model.depth, 7);
    assert.equal(unit.config.batchSize, 64);
    assert.equal(unit.config.evalEveryTokens * 8, unit.config.totalTokens);
    assert.equal(unit.config.checkpointEvery, 0);
    const probes = probeConfigs(40, 64, "c");
    assert.equal(probes.size, 15);
    assert.equal(probes.get("probe_832x1")!.steps, 40);
    await Deno.writeTextFile(
      `${dir}/t.json`,
      JSON.stringify({ runs: [{ runId: "probe_96x7", steadyTokensPerS: 5e5 }] }),
    );
    assert.deepEqual(await readRates(`${dir}/t.json`), { "96x7": 5e5 });
    await Deno.writeTextFile(
      `${dir}/bad.json`,
      JSON.stringify({ runs: [{ runId: "x", steadyTokensPerS: 1 }] }),
    );
    await assert.rejects(() => readRates(`${dir}/bad.json`), /bad\.json: runs\[0\] field "runId"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
