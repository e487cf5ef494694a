import assert from "node:assert/strict";
import { prepareSession } from "./gpu_session_prepare.ts";
import { MICRO_STUDY } from "../stages/profile_settings.ts";
import { microPlanRuns, microRuns, readThroughputSamples } from "../stages/micro_study.ts";
import { fitThroughput, planStudy } from "../scaling/design/budget.ts";
import { statePlan } from "../tools/state_plan.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

Deno.test("the device's micro units are the micro study's runs at the shipped sweep's optimum, planned as the study plans them", async () => {
  const out = await Deno.makeTempDir({ prefix: "gpu_session_" });
  try {
    const plan = await prepareSession(ROOT, out, false);
    // The shipped H100 sweep's parabola vertices are 0.53-1.35 in lr·width·√depth (docs/profiles.md).
    assert.ok(plan.microLr > 0.53 && plan.microLr < 1.35, String(plan.microLr));
    const runs = microRuns(MICRO_STUDY);
    assert.equal(plan.micro.length, runs.length);
    // Seed 0 from the smallest shape up, then the second seeds.
    const firstSeed1 = plan.micro.findIndex((r) => r.id.endsWith("_s1"));
    assert.ok(plan.micro.slice(firstSeed1).every((r) => r.id.endsWith("_s1")));
    for (let i = 1; i < firstSeed1; i++) assert.ok(plan.micro[i].params >= plan.micro[i - 1].params);
    // Same tokens and seconds as the study's own plan (tools/micro_plan.ts, the study_plan stage).
    const model = fitThroughput(await readThroughputSamples(`${ROOT}/${MICRO_STUDY.throughputFile}`));
    const study = planStudy(microPlanRuns(MICRO_STUDY), model, MICRO_STUDY.budgetSeconds);
    const total = plan.micro.reduce((a, r) => a + r.seconds, 0);
    assert.ok(Math.abs(total - study.seconds) < 1e-9 * study.seconds, `${total} vs ${study.seconds}`);
    assert.equal(plan.state.seconds, (await statePlan("state-h100", ROOT)).seconds);
    for (const r of runs) {
      const unit = JSON.parse(await Deno.readTextFile(`${out}/micro/units/${r.runId}/run.json`));
      assert.equal(unit.backend, "gpu");
      assert.equal(unit.config.lrBase, plan.microLr, r.runId);
      assert.equal(unit.config.steps, r.steps, r.runId);
      assert.deepEqual(unit.config.evalSteps, r.evalSteps, r.runId);
      assert.equal(unit.config.seed, r.seed, r.runId);
      assert.equal(unit.config.batchSize, MICRO_STUDY.grid.batchSize, r.runId);
      assert.equal(unit.config.model.width, r.model.width, r.runId);
    }
    const probe = JSON.parse(await Deno.readTextFile(`${out}/micro/probe/${plan.probe.id}/run.json`));
    assert.equal(probe.config.steps * probe.config.batchSize * probe.config.model.seqLen, plan.probe.tokens);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
