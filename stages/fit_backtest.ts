/**
 * The `backtest.<variant>` stage: does each law form extrapolate? Holds out the largest-compute runs
 * (every checkpoint of the `holdoutRuns` runs whose largest FLOPs are largest, at most a third of the
 * runs; none with fewer than 2 runs), fits each form on the
 * rest exactly as its Approach 3 stage does (same grid and Huber delta, no bootstrap), and records the
 * predictions on the held-out checkpoints, their relative errors, the training fit's health and which
 * form extrapolates best. Output: `backtest.json` ({@link BacktestRecord}).
 * @module
 */
import type { Params, ParamValue, Stage } from "../pipeline/stage.ts";
import { backtestApproach3, largestGroups } from "../scaling/judge/backtest.ts";
import { LAW_NAMES, lawSpec } from "../scaling/laws/registry.ts";
import { selectedRowsOf, writeJson } from "./fit_common.ts";
import {
  DEFAULT_FIT_OPTIONS,
  fitPointsOf,
  healthOptionsOf,
  searchOptions,
  type StageGrid,
} from "./fit_approach3.ts";
import { type BacktestRecord, type LawForm, type SelectedRow, stageId } from "../records/schemas.ts";

/** Parameters of a backtest stage (JSON, part of the fingerprint). */
export type BacktestParams = {
  /** Variant name. */
  variant: string;
  /** Number of largest-compute runs held out (all their checkpoints). */
  holdoutRuns: number;
  /** Huber delta of every fit (the variant's). */
  huberDelta: number;
  /** Start grid per form (default: the form's Approach 3 grid). */
  grids: Record<LawForm, StageGrid>;
};

/** Default number of held-out runs: the 3 largest by compute. */
export const DEFAULT_HOLDOUT_RUNS = 3;

/** Returns the backtest record of `rows` under `p`: every registered form, fitted without the largest runs. */
export function backtestRecord(rows: readonly SelectedRow[], p: BacktestParams): BacktestRecord {
  const flops = rows.map((r) => r.flops);
  const any = fitPointsOf(rows, "eq1");
  // Hold out at most a third of the runs (at least one), so that a small grid still leaves runs to fit.
  const runs = new Set(rows.map((r) => r.run_id)).size;
  const holdout = Math.min(p.holdoutRuns, Math.max(1, Math.floor(runs / 3)));
  if (runs < 2) {
    return { kind: "backtest", variant: p.variant, holdoutRuns: 0, heldOutRuns: [], forms: [], best: null };
  }
  const { groups, rows: held } = largestGroups(any, flops, holdout);
  const health = healthOptionsOf(rows);
  const forms = LAW_NAMES.map((form) => {
    const points = fitPointsOf(rows, form);
    const bt = backtestApproach3(points, held, {
      variables: lawSpec(form).variables,
      huberDelta: p.huberDelta,
      ...searchOptions(p.grids[form]),
    }, { health });
    return {
      form,
      trainRows: bt.trained.length,
      heldOutRows: bt.heldOut.length,
      meanAbsRelError: bt.meanAbsRelError,
      maxAbsRelError: bt.maxAbsRelError,
      E: bt.fit.law.E,
      terms: bt.fit.law.terms.map((t) => ({ variable: t.variable, A: t.A, alpha: t.alpha })),
      health: bt.health,
      heldOut: bt.heldOut.map((h) => ({
        line: h.row + 2,
        run_id: rows[h.row].run_id,
        step: rows[h.row].step,
        flops: rows[h.row].flops,
        predicted: h.predicted,
        actual: h.actual,
        relError: h.relError,
      })),
    };
  });
  const judged = forms.filter((f) => f.health.verdict !== "refused");
  const best = judged.length === 0
    ? null
    : judged.reduce((a, b) => (b.meanAbsRelError < a.meanAbsRelError ? b : a)).form;
  return {
    kind: "backtest",
    variant: p.variant,
    holdoutRuns: holdout,
    heldOutRuns: groups,
    forms,
    best,
  };
}

/** Returns the backtest stage of `variant` (id `backtest.<variant>`; depends on `select.<variant>`). */
export function backtestStage(
  variant: string,
  options: { huberDelta: number; holdoutRuns?: number; grids?: BacktestParams["grids"] },
): Stage<BacktestParams & Params> {
  const grids = options.grids ??
    Object.fromEntries(LAW_NAMES.map((f) => [f, DEFAULT_FIT_OPTIONS[f].grid])) as BacktestParams["grids"];
  const params = {
    variant,
    holdoutRuns: options.holdoutRuns ?? DEFAULT_HOLDOUT_RUNS,
    huberDelta: options.huberDelta,
    grids,
  } as BacktestParams & { [k: string]: ParamValue };
  return {
    name: "backtest",
    id: stageId("backtest", variant),
    module: import.meta.url,
    deps: [stageId("select", variant)],
    params,
    inputs: [],
    outputs: ["backtest.json"],
    async run(ctx) {
      const rows = await selectedRowsOf(ctx.deps, ctx.params.variant);
      const record = backtestRecord(rows, ctx.params);
      for (const f of record.forms) {
        ctx.log(
          `backtest ${f.form}: mean |rel. error| ${(100 * f.meanAbsRelError).toFixed(2)}% on ` +
            `${f.heldOutRows} held-out rows of ${record.heldOutRuns.join(", ")}; health ${f.health.verdict}`,
        );
      }
      await writeJson(ctx.outDir, "backtest.json", record);
    },
  };
}
