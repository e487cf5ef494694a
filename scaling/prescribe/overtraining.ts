/**
 * Over- and under-training at a fixed FLOP budget (seed 002 §4, Figure 8): fix the budget, move along
 * the path of model sizes and token counts that spend exactly that budget, and record the loss against
 * the overtraining factor f. As the authors' plotters/overtrained_single_parabola.py, factor f trains on
 * √f × the compute-optimal tokens (`row["tokens"] * np.sqrt(overtrain_factor)`), so the model shrinks by
 * about √f and tokens per parameter grow by about f (exactly f under C = 6·N·D).
 * @module
 */
import { type AdditiveLaw, evaluateLaw } from "../law.ts";
import type { ShapeSpec } from "../count/shape.ts";
import { chinchillaOptimum } from "./chinchilla.ts";
import { lawLossWithoutTokens, lawTokensTerm } from "./law_parts.ts";
import { prescribeWidthDepth, type WidthDepthOptions, widthDepthSettings } from "./width_depth.ts";

/** The default overtraining factors 2^−4 … 2^4 (1/16× to 16×), the authors'. */
export const OVERTRAINING_FACTORS: readonly number[] = [-4, -3, -2, -1, 0, 1, 2, 3, 4].map((k) =>
  Math.pow(2, k)
);

/**
 * The FLOP budgets (FLOPs) of the authors' Figure 8: rows 2, 5, 9 and 12 of their relaxed minima table,
 * whose row i is the lowest-loss shape in the i-th of 13 log-spaced buckets over [1e18, 1e26] FLOPs
 * (approach_3_brute_force.py, `num_buckets = 13`). Loss falls with compute, so each bucket's minimum sits at
 * its upper edge, 10^(18 + 8·(i+1)/13): the authors' row lies within one step of their token grid below it.
 */
export const AUTHORS_OVERTRAINING_BUDGETS: readonly number[] = [2, 5, 9, 12].map((i) =>
  Math.pow(10, 18 + (8 * (i + 1)) / 13)
);

/** Returns the tokens trained on at overtraining factor `factor`: √factor × the compute-optimal tokens. */
export function overtrainedTokens(optimalTokens: number, factor: number): number {
  return Math.sqrt(factor) * optimalTokens;
}

/** One point of an overtraining curve. */
export interface OvertrainingPoint {
  /**
   * Overtraining factor f (dimensionless): tokens are √f × the compute-optimal tokens, so tokens per
   * parameter are about f × the optimum's.
   */
  readonly factor: number;
  /** Training tokens. */
  readonly tokens: number;
  /** Parameters of the model that spends the budget on these tokens. */
  readonly params: number;
  /** Width of that model (width-depth laws only). */
  readonly width?: number;
  /** Depth of that model (width-depth laws only). */
  readonly depth?: number;
  /** Predicted loss, nats per token. */
  readonly lossNats: number;
  /** Loss minus the compute-optimal loss at this budget, nats per token (≥ 0). */
  readonly lossIncreaseNats: number;
}

/**
 * Returns the loss at fixed `flops` against the overtraining factor. For a `[params, tokens]` law the
 * budget is `C = 6·N·D`, so `D = √factor · D_opt` and `N = C / (6·D)` (closed form). For a law with width
 * or depth terms the path is traced in the relaxed (continuous) shape space: for each factor the token
 * count is fixed, and among all widths (with the depth that spends the budget on those tokens under
 * `options.flopsPerToken`) the lowest loss is taken.
 */
export function overtrainingCurve(
  law: AdditiveLaw,
  flops: number,
  factors: readonly number[] = OVERTRAINING_FACTORS,
  options: WidthDepthOptions = {},
): OvertrainingPoint[] {
  for (const f of factors) {
    if (!(f > 0) || !Number.isFinite(f)) throw new Error(`overtrainingCurve: factors must be > 0, got ${f}`);
  }
  const variables = new Set(law.terms.map((t) => t.variable));
  if (!variables.has("width") && !variables.has("depth")) {
    const opt = chinchillaOptimum(law, flops);
    return factors.map((factor) => {
      const tokens = overtrainedTokens(opt.tokensOpt, factor), params = flops / (6 * tokens);
      const lossNats = evaluateLaw(law, { params, tokens });
      return { factor, tokens, params, lossNats, lossIncreaseNats: lossNats - opt.lossNats };
    });
  }
  return widthDepthCurve(law, flops, factors, { ...options, relaxed: true });
}

function widthDepthCurve(
  law: AdditiveLaw,
  flops: number,
  factors: readonly number[],
  options: WidthDepthOptions,
): OvertrainingPoint[] {
  const tokensTerm = lawTokensTerm(law);
  const s = widthDepthSettings(options);
  const optimum = prescribeWidthDepth(law, flops, options);
  const shape = (width: number, depth: number): ShapeSpec => ({ ...s.base, width, depth });
  const lnWmin = Math.log(s.widthMin), lnWmax = Math.log(s.widthMax);

  /** Depth (continuous) at which `width` spends `fptTarget` FLOPs per token; NaN if out of range. */
  const depthFor = (width: number, fptTarget: number): number => {
    let lo = s.depthMin, hi = s.depthMax;
    if (s.fpt(shape(width, lo)) > fptTarget || s.fpt(shape(width, hi)) < fptTarget) return NaN;
    for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
      const mid = 0.5 * (lo + hi);
      if (s.fpt(shape(width, mid)) < fptTarget) lo = mid;
      else hi = mid;
    }
    return 0.5 * (lo + hi);
  };
  const lossAt = (lnW: number, tokens: number) => {
    const width = Math.exp(lnW);
    const depth = depthFor(width, flops / tokens);
    if (Number.isNaN(depth)) return { lossNats: Infinity, width, depth, params: NaN };
    const params = s.params(shape(width, depth));
    const lossNats = lawLossWithoutTokens(law, width, depth, params) +
      tokensTerm.A * Math.pow(tokens, -tokensTerm.alpha);
    return { lossNats, width, depth, params };
  };

  return factors.map((factor) => {
    const tokens = overtrainedTokens(optimum.tokens, factor);
    const n = s.gridPoints;
    let bestK = -1, bestLoss = Infinity;
    for (let k = 0; k < n; k++) {
      const l = lossAt(lnWmin + (lnWmax - lnWmin) * k / (n - 1), tokens).lossNats;
      if (l < bestLoss) bestLoss = l, bestK = k;
    }
    if (bestK < 0) {
      throw new Error(`overtrainingCurve: no shape in range spends ${flops} FLOPs on ${tokens} tokens`);
    }
    // Golden-section search between the neighbours of the best grid width.
    let a = lnWmin + (lnWmax - lnWmin) * Math.max(0, bestK - 1) / (n - 1);
    let b = lnWmin + (lnWmax - lnWmin) * Math.min(n - 1, bestK + 1) / (n - 1);
    const g = (Math.sqrt(5) - 1) / 2;
    for (let i = 0; i < 100 && b - a > 1e-12; i++) {
      const c = b - g * (b - a), d = a + g * (b - a);
      if (lossAt(c, tokens).lossNats < lossAt(d, tokens).lossNats) b = d;
      else a = c;
    }
    const best = lossAt(0.5 * (a + b), tokens);
    const grid = lossAt(lnWmin + (lnWmax - lnWmin) * bestK / (n - 1), tokens);
    const pick = best.lossNats <= grid.lossNats ? best : grid;
    return {
      factor,
      tokens,
      params: pick.params,
      width: pick.width,
      depth: pick.depth,
      lossNats: pick.lossNats,
      lossIncreaseNats: pick.lossNats - optimum.lossNats,
    };
  });
}
