/**
 * The `report_state` stage: seed 003's report from the state study (figures/state_report.ts), a thin adapter
 * in its own module so that an edit of the state report reruns this stage alone.
 * @module
 */
import type { Params, Stage } from "../pipeline/stage.ts";
import { FONT_PATH } from "../figures/font.ts";
import { writeStateReport } from "../figures/state_report.ts";

/** Parameters of the state report: the contexts of the two regimes and the tier line. */
export type StateReportParams = { growing: string[]; fixed: string[]; tier: string };

/** Returns the `report_state` stage reading `collect_state` and `state_fits`. */
export function stateReportStage(p: StateReportParams): Stage<StateReportParams & Params> {
  return {
    name: "report_state",
    id: "report_state",
    module: import.meta.url,
    deps: ["collect_state", "state_fits"],
    params: p as StateReportParams & Params,
    inputs: [FONT_PATH],
    outputs: ["index.html", "figures/"],
    run: (ctx) =>
      writeStateReport({
        outDir: ctx.outDir,
        collectDir: ctx.deps["collect_state"],
        fitsDir: ctx.deps["state_fits"],
        growing: ctx.params.growing,
        fixed: ctx.params.fixed,
        tier: ctx.params.tier,
        log: (line) => ctx.log(line),
      }),
  };
}
