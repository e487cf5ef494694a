/**
 * The `approach1.<variant>` stage: the compute-efficient frontier of the selected checkpoints by the
 * Gemstones lower convex hull and by log-spaced bins (the authors' 750 over the range), on training FLOPs and on GPU-hours,
 * with power laws N_opt(C), D_opt(C), (D/N)_opt(C) and a bootstrap over runs of the hull fit.
 * Output: `approach1.json` ({@link Approach1Record}).
 * @module
 */
import type { Params, Stage } from "../pipeline/stage.ts";
import { approach1Binning, approach1Hull, AUTHORS_BINNING_BUCKETS } from "../scaling/fit/approach1.ts";
import type { Approach1Point, Approach1Result } from "../scaling/fit/types.ts";
import { bootstrapApproach1 } from "../scaling/fit/bootstrap.ts";
import { powerLawOf } from "../scaling/laws/power.ts";
import { judgePowerLaws } from "../scaling/judge/health.ts";
import { selectedRowsOf, writeJson } from "./fit_common.ts";
import { type Approach1Method, type Approach1Record, type SelectedRow, stageId } from "../records/schemas.ts";

/** Parameters of an Approach 1 stage. */
export type Approach1Params = {
  /** Variant name. */
  variant: string;
  /** Log-spaced buckets over the whole compute range for the binning method (the authors': 750). */
  bins: number;
  /** Bootstrap resamples of the hull fit (0 disables). */
  bootstrapSamples: number;
  /** Bootstrap seed. */
  seed: number;
};

/** Default Approach 1 parameters. */
export const DEFAULT_APPROACH1: Omit<Approach1Params, "variant"> = {
  bins: AUTHORS_BINNING_BUCKETS,
  bootstrapSamples: 200,
  seed: 1,
};

function methodRecord(
  rows: readonly SelectedRow[],
  points: readonly Approach1Point[],
  result: Approach1Result,
  boot: Approach1Method["bootstrap"],
): Approach1Method {
  return {
    method: result.method,
    points: result.selected.map((i) => ({
      compute: points[i].resource,
      loss: points[i].lossNats,
      params: points[i].params,
      tokens: points[i].tokens,
      run_id: rows[i].run_id,
      model: rows[i].model,
    })),
    params: powerLawOf(result.fits.params),
    tokens: powerLawOf(result.fits.tokens),
    tokensPerParam: powerLawOf(result.fits.tokensPerParam),
    bootstrap: boot,
    // N_opt and D_opt are judged; D/N is their ratio, whose r² means nothing when its exponent is ~0.
    health: judgePowerLaws({ params: result.fits.params, tokens: result.fits.tokens }),
  };
}

/** Returns the hull and binning results of `rows` on the resource `compute(row)`. */
export function approach1On(
  rows: readonly SelectedRow[],
  compute: (r: SelectedRow) => number,
  p: Omit<Approach1Params, "variant">,
): { hull: Approach1Method; binning: Approach1Method } {
  const points: Approach1Point[] = rows.map((r) => ({
    resource: compute(r),
    lossNats: r.loss,
    params: r.params,
    tokens: r.tokens,
    group: r.run_id,
  }));
  const hull = approach1Hull(points);
  let boot: Approach1Method["bootstrap"] = null;
  if (p.bootstrapSamples > 0) {
    const b = bootstrapApproach1(points, { method: "hull" }, { samples: p.bootstrapSamples, seed: p.seed });
    const k = (i: { estimate: number; lower: number; upper: number }) => ({
      estimate: Math.exp(i.estimate),
      lower: Math.exp(i.lower),
      upper: Math.exp(i.upper),
    });
    boot = {
      samples: b.samples,
      failed: b.failed,
      seed: b.seed,
      confidence: b.confidence,
      exponents: {
        params: b.fits.params.slope,
        tokens: b.fits.tokens.slope,
        tokensPerParam: b.fits.tokensPerParam.slope,
      },
      coefficients: {
        params: k(b.fits.params.intercept),
        tokens: k(b.fits.tokens.intercept),
        tokensPerParam: k(b.fits.tokensPerParam.intercept),
      },
    };
  }
  return {
    hull: methodRecord(rows, points, hull, boot),
    binning: methodRecord(rows, points, approach1Binning(points, { bins: p.bins }), null),
  };
}

/** Returns the Approach 1 record of `rows` (GPU-hours only when every row has them). */
export function approach1Record(rows: readonly SelectedRow[], p: Approach1Params): Approach1Record {
  const haveHours = rows.every((r) => Number.isFinite(r.gpu_hours) && r.gpu_hours > 0);
  return {
    kind: "approach1",
    variant: p.variant,
    flops: approach1On(rows, (r) => r.flops, p),
    gpuHours: haveHours ? approach1On(rows, (r) => r.gpu_hours, p) : null,
    bins: p.bins,
  };
}

/**
 * Returns the Approach 1 stage of `variant` (id `approach1.<variant>`), reading the rows of the select
 * stage `selectId` (default `select.<variant>`; the paper pipeline passes `select_approach1.<variant>`).
 */
export function approach1Stage(
  variant: string,
  overrides: Partial<Omit<Approach1Params, "variant">> = {},
  selectId: string = stageId("select", variant),
): Stage<Approach1Params & Params> {
  return {
    name: "approach1",
    id: stageId("approach1", variant),
    module: import.meta.url,
    deps: [selectId],
    params: { variant, ...DEFAULT_APPROACH1, ...overrides },
    inputs: [],
    outputs: ["approach1.json"],
    async run(ctx) {
      const rows = await selectedRowsOf(ctx.deps, ctx.params.variant, selectId);
      await writeJson(ctx.outDir, "approach1.json", approach1Record(rows, ctx.params));
    },
  };
}
