/**
 * Bootstraps over runs: resample whole groups (runs) with replacement, refit, and report percentile
 * confidence intervals. Seeded and deterministic.
 * @module
 */

import type { AdditiveLaw } from "../law.ts";
import { approach1Binning, approach1Hull } from "./approach1.ts";
import { fitApproach3, lawParameters } from "./approach3.ts";
import { seededRng } from "../../util/rng.ts";
import type {
  Approach1Point,
  Approach1Result,
  Approach3Options,
  BootstrapApproach1Result,
  BootstrapApproach3Result,
  BootstrapOptions,
  FitPoint,
  FrontierMethod,
  Interval,
} from "./types.ts";

/** Returns the q-quantile (0 <= q <= 1) of ascending-sorted values by linear interpolation (numpy's default). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error("quantileSorted: no values");
  if (!(q >= 0 && q <= 1)) throw new Error(`quantileSorted: q must be in [0, 1], got ${q}`);
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h), hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function interval(estimate: number, values: readonly number[], confidence: number): Interval {
  const sorted = [...values].sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  return { estimate, lower: quantileSorted(sorted, tail), upper: quantileSorted(sorted, 1 - tail) };
}

function checkBoot(boot: BootstrapOptions, who: string): number {
  if (!(Number.isInteger(boot.samples) && boot.samples >= 1)) {
    throw new Error(`${who}: samples must be an integer >= 1, got ${boot.samples}`);
  }
  const confidence = boot.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) {
    throw new Error(`${who}: confidence must be in (0, 1), got ${confidence}`);
  }
  return confidence;
}

/** Groups point indices by `group` (first-appearance order); a point without a group is its own group. */
function groupIndices(points: readonly { readonly group?: string }[]): number[][] {
  const byName = new Map<string, number[]>();
  const out: number[][] = [];
  points.forEach((p, i) => {
    if (p.group === undefined) {
      out.push([i]);
      return;
    }
    let g = byName.get(p.group);
    if (g === undefined) {
      g = [];
      byName.set(p.group, g);
      out.push(g);
    }
    g.push(i);
  });
  return out;
}

/** Draws one resample: as many groups as there are, with replacement; returns point indices. */
function resample(groups: readonly number[][], next: (n: number) => number): number[] {
  const out: number[] = [];
  for (let j = 0; j < groups.length; j++) out.push(...groups[next(groups.length)]);
  return out;
}

/**
 * Returns the Approach 3 fit of `points` and percentile intervals (over `boot.samples` resamples of
 * whole runs) of every parameter (E, A_<var>, alpha_<var>) and, when `optimum` and `budgets` are given,
 * of N_opt and D_opt at each budget. Each resample is refitted from the full-data optimum plus
 * `localStarts` seeded Latin-hypercube starts.
 */
export function bootstrapApproach3(
  points: readonly FitPoint[],
  options: Approach3Options,
  boot: BootstrapOptions,
): BootstrapApproach3Result {
  const confidence = checkBoot(boot, "bootstrapApproach3");
  const fit = fitApproach3(points, options);
  const groups = groupIndices(points);
  const rng = seededRng(boot.seed);
  const localStarts = boot.localStarts ?? 8;
  const laws: AdditiveLaw[] = [];
  for (let s = 0; s < boot.samples; s++) {
    const idx = resample(groups, rng.int);
    const sample = idx.map((i) => points[i]);
    const seed = rng.int(0x7fffffff);
    const refit = fitApproach3(sample, {
      ...options,
      grid: { kind: "lhs", starts: Math.max(1, localStarts), seed },
      projection: undefined, // a resample starts from the full-data optimum: local starts suffice
      progress: undefined,
      extraStarts: [fit.theta],
    });
    laws.push(refit.law);
  }
  const full = lawParameters(fit.law);
  const draws = laws.map(lawParameters);
  const parameters: Record<string, Interval> = {};
  for (const name of Object.keys(full)) {
    parameters[name] = interval(
      full[name],
      draws.map((d) => d[name]),
      confidence,
    );
  }
  const optima: BootstrapApproach3Result["optima"][number][] = [];
  if (boot.optimum !== undefined) {
    for (const flops of boot.budgets ?? []) {
      const est = boot.optimum(fit.law, flops);
      const each = laws.map((l) => boot.optimum!(l, flops));
      optima.push({
        flops,
        paramsOpt: interval(est.paramsOpt, each.map((e) => e.paramsOpt), confidence),
        tokensOpt: interval(est.tokensOpt, each.map((e) => e.tokensOpt), confidence),
      });
    }
  }
  return {
    fit,
    samples: boot.samples,
    seed: boot.seed,
    confidence,
    groups: groups.length,
    parameters,
    optima,
    laws,
  };
}

function runApproach1(points: readonly Approach1Point[], method: FrontierMethod): Approach1Result {
  return method.method === "hull" ? approach1Hull(points) : approach1Binning(points, { bins: method.bins });
}

/**
 * Returns the Approach 1 fit of `points` and percentile intervals of the slope and intercept of each
 * power law over resamples of whole runs; resamples with fewer than 2 frontier points count as failed.
 */
export function bootstrapApproach1(
  points: readonly Approach1Point[],
  method: FrontierMethod,
  boot: BootstrapOptions,
): BootstrapApproach1Result {
  const confidence = checkBoot(boot, "bootstrapApproach1");
  const fit = runApproach1(points, method);
  const groups = groupIndices(points);
  const rng = seededRng(boot.seed);
  const results: Approach1Result[] = [];
  let failed = 0;
  for (let s = 0; s < boot.samples; s++) {
    const sample = resample(groups, rng.int).map((i) => points[i]);
    try {
      results.push(runApproach1(sample, method));
    } catch (e) {
      if (e instanceof Error && /frontier point|distinct x/.test(e.message)) failed++;
      else throw e;
    }
  }
  if (results.length === 0) {
    throw new Error(`bootstrapApproach1: all ${boot.samples} resamples failed to fit`);
  }
  const keys = ["params", "tokens", "tokensPerParam"] as const;
  const fits = {} as Record<(typeof keys)[number], { slope: Interval; intercept: Interval }>;
  for (const key of keys) {
    fits[key] = {
      slope: interval(fit.fits[key].slope, results.map((r) => r.fits[key].slope), confidence),
      intercept: interval(fit.fits[key].intercept, results.map((r) => r.fits[key].intercept), confidence),
    };
  }
  return { fit, samples: results.length, failed, seed: boot.seed, confidence, fits };
}
