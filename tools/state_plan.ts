/**
 * Prints the plan of a state profile's study (default the GPU tier, `state-h100`) without running anything:
 * the sweep's and the study's runs with their tokens, FLOPs and estimated seconds at the H100 throughput
 * measured in data/micro-h100/timings.json (scaling/design/budget.ts's model), against an 8-minute budget.
 * `deno run --allow-read tools/state_plan.ts [state-h100|state]`
 * @module
 */
import { STATE_STUDIES } from "../stages/state_profiles.ts";
import { statePlanRuns } from "../stages/state_design.ts";
import { readThroughputSamples } from "../stages/micro_study.ts";
import { fitThroughput, formatPlan, planStudy, type StudyPlan } from "../scaling/design/budget.ts";

/** The measured throughputs the GPU tier is sized from (one H100, this project's trainer). */
export const STATE_THROUGHPUT_FILE = "data/micro-h100/timings.json";

/** The GPU tier's budget: one command of at most 8 minutes, s. */
export const STATE_BUDGET_SECONDS = 480;

/** Returns the plan of profile `name`'s study at the measured H100 throughput (`root`: the repository root). */
export async function statePlan(name: string, root: string): Promise<StudyPlan> {
  const study = STATE_STUDIES[name];
  if (study === undefined) {
    throw new Error(`unknown state profile "${name}"; valid: ${Object.keys(STATE_STUDIES).join(", ")}`);
  }
  const model = fitThroughput(await readThroughputSamples(`${root}/${STATE_THROUGHPUT_FILE}`));
  return planStudy(statePlanRuns(study), model, STATE_BUDGET_SECONDS);
}

if (import.meta.main) {
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  console.log(formatPlan(await statePlan(Deno.args[0] ?? "state-h100", root)));
}
