/**
 * The `approach2.<variant>` stage: Chinchilla's Approach 2 (isoFLOP profiles) where the data allows
 * it. Checkpoints join a FLOP budget when within ±`tolerance` in ln FLOPs; a budget needs >= 3 distinct
 * model sizes and a parabola (in ln params) with an interior minimum. The record says which budgets were
 * skipped and why; it is `available` only with >= 3 fitted budgets (seed 002 §3.2 explains why the
 * Gemstones grid seldom allows it). Output: `approach2.json` ({@link Approach2Record}).
 * @module
 */
import type { Params, Stage } from "../pipeline/stage.ts";
import { isoFlopBins, isoFlopLaws } from "../scaling/fit/approach2.ts";
import { powerLawOf } from "../scaling/laws/power.ts";
import { type FitHealth, judgePowerLaws } from "../scaling/judge/health.ts";
import { selectedRowsOf, writeJson } from "./fit_common.ts";
import { type Approach2Record, type SelectedRow, stageId } from "../records/schemas.ts";
import { logSpace } from "../scaling/logspace.ts";

/** Parameters of an Approach 2 stage. */
export type Approach2Params = {
  /** Variant name. */
  variant: string;
  /** Budgets per decade of FLOPs, log-spaced over the data's range. */
  budgetsPerDecade: number;
  /** Max |ln flops − ln budget| for a checkpoint to join a budget. */
  tolerance: number;
  /** Fitted budgets needed to call Approach 2 available. */
  minBins: number;
};

/** Default Approach 2 parameters. */
export const DEFAULT_APPROACH2: Omit<Approach2Params, "variant"> = {
  budgetsPerDecade: 4,
  tolerance: 0.05,
  minBins: 3,
};

/** Returns the Approach 2 record of `rows`. */
export function approach2Record(rows: readonly SelectedRow[], p: Approach2Params): Approach2Record {
  const flops = rows.map((r) => r.flops);
  const lo = Math.min(...flops), hi = Math.max(...flops);
  const count = Math.max(2, Math.round(Math.log10(hi / lo) * p.budgetsPerDecade) + 1);
  const budgets = logSpace(lo, hi, count);
  const points = rows.map((r) => ({
    flops: r.flops,
    params: r.params,
    tokens: r.tokens,
    lossNats: r.loss,
    group: r.run_id,
  }));
  const base = {
    kind: "approach2" as const,
    variant: p.variant,
    budgets,
    tolerance: p.tolerance,
    minBins: p.minBins,
  };
  let result;
  try {
    result = isoFlopBins(points, { budgets, tolerance: p.tolerance });
  } catch (e) {
    return {
      ...base,
      available: false,
      reason: `isoFLOP fit failed: ${(e as Error).message}`,
      bins: [],
      skipped: [],
      params: null,
      tokens: null,
      health: refusedHealth(`isoFLOP fit failed: ${(e as Error).message}`),
    };
  }
  const bins = result.bins.map((b) => ({
    flops: b.flops,
    points: b.points.length,
    paramsOpt: b.paramsOpt,
    tokensOpt: b.tokensOpt,
    lossOpt: b.lossOpt,
  }));
  const skipped = result.skipped.map((s) => ({ ...s }));
  const available = bins.length >= p.minBins;
  // Identical reasons are counted together; each keeps its real numbers.
  const reasons = new Map<string, number>();
  for (const s of skipped) reasons.set(s.reason, (reasons.get(s.reason) ?? 0) + 1);
  const summary = [...reasons].map(([r, n]) => `${n}× ${r}`).join("; ");
  const fits = available ? isoFlopLaws(result.bins, "approach2") : null;
  return {
    ...base,
    available,
    reason: available
      ? `${bins.length} of ${budgets.length} budgets fitted`
      : `only ${bins.length} of ${budgets.length} isoFLOP budgets (±${p.tolerance} in ln FLOPs) could be fitted ` +
        `(need ${p.minBins}): the model grid does not cluster into isoFLOP bands; skipped: ${summary}`,
    bins,
    skipped,
    params: fits === null ? null : powerLawOf(fits.params),
    tokens: fits === null ? null : powerLawOf(fits.tokens),
    health: fits !== null
      ? judgePowerLaws(fits)
      : refusedHealth(`only ${bins.length} isoFLOP budgets could be fitted (need ${p.minBins}).`),
  };
}

function refusedHealth(message: string): FitHealth {
  return { verdict: "refused", findings: [{ code: "too_few_points", message }] };
}

/** Returns the Approach 2 stage of `variant` (id `approach2.<variant>`, depends on `select.<variant>`). */
export function approach2Stage(
  variant: string,
  overrides: Partial<Omit<Approach2Params, "variant">> = {},
): Stage<Approach2Params & Params> {
  return {
    name: "approach2",
    id: stageId("approach2", variant),
    module: import.meta.url,
    deps: [stageId("select", variant)],
    params: { variant, ...DEFAULT_APPROACH2, ...overrides },
    inputs: [],
    outputs: ["approach2.json"],
    async run(ctx) {
      const rows = await selectedRowsOf(ctx.deps, ctx.params.variant);
      await writeJson(ctx.outDir, "approach2.json", approach2Record(rows, ctx.params));
    },
  };
}
