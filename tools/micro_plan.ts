/**
 * Prints the micro profile's study plan without running anything: the sweep's and the grid's runs with
 * their tokens, FLOPs and estimated seconds at the throughput measured in `MICRO_STUDY.throughputFile`
 * (the same numbers the `study_plan` stage logs). `deno run --allow-read tools/micro_plan.ts`
 * @module
 */
import { MICRO, MICRO_STUDY } from "../stages/profile_settings.ts";
import { microPlanRuns, readThroughputSamples, sweepPlanRuns } from "../stages/micro_study.ts";
import { fitThroughput, formatPlan, planStudy } from "../scaling/design/budget.ts";

if (import.meta.main) {
  const root = new URL("..", import.meta.url).pathname;
  const model = fitThroughput(await readThroughputSamples(`${root}${MICRO_STUDY.throughputFile}`));
  const runs = [...(MICRO.lrSweep ? sweepPlanRuns(MICRO.lrSweep) : []), ...microPlanRuns(MICRO_STUDY)];
  console.log(formatPlan(planStudy(runs, model, MICRO_STUDY.budgetSeconds)));
}
