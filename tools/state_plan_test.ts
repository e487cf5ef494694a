import assert from "node:assert/strict";
import { STATE_BUDGET_SECONDS, statePlan } from "./state_plan.ts";
import { statePlanRuns } from "../stages/state_design.ts";
import { STATE_H100_STUDY } from "../stages/state_profiles.ts";

Deno.test("the state GPU tier fits one 8-minute H100 command at the measured throughput, with room for set-up", async () => {
  const plan = await statePlan("state-h100", Deno.cwd());
  // 3 sweep runs + 50 study runs; about 10M tokens for the runs at T = 128 (the learnable MQAR).
  assert.equal(plan.runs.length, 53);
  assert.ok(plan.seconds < 0.6 * STATE_BUDGET_SECONDS, `planned ${plan.seconds} s`);
  const t128 = statePlanRuns(STATE_H100_STUDY).filter((r) => r.id.includes("_T128_"));
  for (const r of t128) assert.equal(r.tokens, 1200 * 64 * 128, r.id);
});
