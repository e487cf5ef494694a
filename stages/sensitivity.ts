/**
 * Two stages that judge how much the fitted laws depend on choices made around them
 * (scaling/fit/sensitivity.ts does the science):
 *
 * - `grid_size_study`: Gemstones Figure 20. The Eq. 1 law of the authors' subset (`hot`) fitted from each
 *   of their subdivided start grids (3,000-90,000 starts) with Huber δ 1e-3, 1e-4 and 1e-5 and their optimiser
 *   settings; output `grid_size_study.json` with the authors' stored full-grid fits beside it. One stage
 *   for every variant (it does not depend on one). The heaviest stage of `reproduce`.
 * - `sensitivity.<variant>`: the tornado. The variant's Eq. 1 law refitted once per alternative choice
 *   (Huber δ, start grid, mean instead of summed Huber loss, embeddings counted or not, token cut-off)
 *   and N_opt, D_opt at one budget (default 1e23 FLOPs) of every refit and of every alternative FLOP
 *   counter, by the width-depth brute force over continuous shapes (scaling/prescribe) under the case's
 *   FLOP counter and params convention; output `sensitivity.json`.
 * @module
 */
import type { Params, ParamValue, Stage } from "../pipeline/stage.ts";
import {
  AUTHORS_OPTIMISER,
  FIGURE20_DELTAS,
  FIGURE20_GRID_SIZES,
  gridSizeStudy,
  type SensitivityCase,
  sensitivityStudy,
} from "../scaling/fit/sensitivity.ts";
import { EQ1_VARIABLES } from "../scaling/fit/approach3.ts";
import type { FitPoint, InitGrid } from "../scaling/fit/types.ts";
import { prescribeWidthDepth } from "../scaling/prescribe/width_depth.ts";
import { countingOf } from "../scaling/count/conventions.ts";
import { writeJson } from "./fit_common.ts";
import { fitPointsOf } from "./fit_approach3.ts";
import { type SelectParams, selectRows } from "./select.ts";
import { readRunsRows, type SelectedRow, stageId } from "../records/schemas.ts";
import type {
  GridSizeStudyRecord,
  PublishedGridFit,
  SensitivityRecord,
  SkippedCase,
} from "../records/sensitivity.ts";
import { authorsApproach3Path, readAuthorsApproach3 } from "../records/importers/authors_parameters.ts";

/** The subset of the authors' grid-size study (plotters/slope_analysis.py reads `hot` by default). */
export const GRID_SIZE_SUBSET = "hot";

/**
 * Grid sizes the paper profile runs (its `figure20GridSizes` in stages/profile_settings.ts): the authors'
 * eight smallest (3,000-10,000 starts, 156,000 Eq. 1 fits over the three deltas, about 15-30 s on two
 * idle cores), so that a cold `reproduce` stays under 3 minutes. FIGURE20_GRID_SIZES there runs all
 * twenty (1,823,000 fits, about 0.17 ms each on two idle cores: 5 minutes or more); the record and the
 * caption name the sizes run.
 */
export const DEFAULT_GRID_SIZES: readonly number[] = FIGURE20_GRID_SIZES.slice(0, 8);

/** Parameters of the grid_size_study stage. */
export type GridSizeStudyParams = {
  /** Subset fitted. */
  subset: string;
  /** Target grid sizes (the authors': FIGURE20_GRID_SIZES). */
  gridSizes: number[];
  /** Huber deltas (the authors': 1e-3, 1e-4). */
  deltas: number[];
};

/** Repository path of the authors' stored Eq. 1 fit of `subset` at Huber `delta`, or null when they store none. */
function publishedPath(delta: number, subset: string): string | null {
  return authorsApproach3Path("eq1", subset, { huberDelta: delta, noEmbeds: false });
}

/** Reads one of the authors' stored Eq. 1 fits ([α, β]); errors name the file and field. */
export async function readPublishedGridFit(path: string, delta: number): Promise<PublishedGridFit> {
  const fit = await readAuthorsApproach3(path);
  if (fit.alpha.length !== 2) throw new Error(`${path}: field "exponents": expected [α, β]`);
  const [alpha, beta] = fit.alpha;
  return { delta, objective: fit.objective, alpha, beta, ratio: alpha / (alpha + beta) };
}

/** Returns the Eq. 1 fit points of the rows of `subset` in collect's runs.csv (params incl. embeddings). */
async function subsetPoints(collectDir: string, subset: string): Promise<FitPoint[]> {
  const runs = await readRunsRows(`${collectDir}/runs.csv`);
  const rows = selectRows(runs, {
    variant: `grid_size_study (${subset})`,
    subsets: [subset],
    paramsColumn: "params_total",
    flopsColumn: "flops_gemstones",
    excludeRuns: [],
    widths: [],
    minTokens: 0,
    maxTokens: null,
  });
  return fitPointsOf(rows, "eq1");
}

/** Returns the grid_size_study stage (id `grid_size_study`; default: the authors' deltas, DEFAULT_GRID_SIZES). */
export function gridSizeStudyStage(
  params: GridSizeStudyParams = {
    subset: GRID_SIZE_SUBSET,
    gridSizes: [...DEFAULT_GRID_SIZES],
    deltas: [...FIGURE20_DELTAS],
  },
): Stage<GridSizeStudyParams & Params> {
  const published = params.deltas.map((d) => publishedPath(d, params.subset)).filter((p) => p !== null);
  return {
    name: "grid_size_study",
    id: "grid_size_study",
    module: import.meta.url,
    deps: ["collect"],
    params: params as GridSizeStudyParams & Params,
    inputs: published,
    outputs: ["grid_size_study.json"],
    async run(ctx) {
      const p = ctx.params;
      const points = await subsetPoints(ctx.deps["collect"], p.subset);
      const t0 = performance.now();
      const study = await gridSizeStudy(points, { gridSizes: p.gridSizes, deltas: p.deltas });
      const starts = study.reduce((a, q) => a + q.starts, 0);
      ctx.log(
        `grid_size_study: ${study.length} fits, ${starts} starts in ${
          ((performance.now() - t0) / 1000).toFixed(1)
        } s`,
      );
      const refs: PublishedGridFit[] = [];
      for (const d of p.deltas) {
        const path = publishedPath(d, p.subset);
        if (path !== null) refs.push(await readPublishedGridFit(path, d));
      }
      const record: GridSizeStudyRecord = {
        kind: "grid_size_study",
        subset: p.subset,
        rows: points.length,
        optimiser: AUTHORS_OPTIMISER,
        points: study,
        published: refs,
      };
      await writeJson(ctx.outDir, "grid_size_study.json", record);
    },
  };
}

/** Parameters of a sensitivity stage. */
export type SensitivityParams = {
  /** Variant name. */
  variant: string;
  /** The variant's row selection (the baseline). */
  select: SelectParams;
  /** The variant's params convention and FLOP counter. */
  paramsConvention: string;
  flopsCounter: string;
  /** The variant's Huber delta. */
  huberDelta: number;
  /** Budget of N_opt and D_opt, FLOPs. */
  flops: number;
  /** Alternative Huber deltas. */
  deltas: number[];
  /** Alternative start grids (JSON InitGrid); the baseline is the full Gemstones grid. */
  grids:
    ({ kind: "lhs" | "random"; starts: number; seed: number } | { kind: "subdivided"; target: number })[];
  /** Alternative params conventions (embeddings counted or not). */
  paramsConventions: string[];
  /** Alternative FLOP counters. */
  flopsCounters: string[];
  /** Alternative token cut-offs: drop rows below each (tokens). */
  minTokens: number[];
  /** Alternative token cut-offs: drop rows above each (tokens). */
  maxTokens: number[];
};

/** Default budget of the tornado: 1e23 FLOPs. */
const SENSITIVITY_FLOPS = 1e23;

/** Returns the default sensitivity parameters of a variant (alternatives sized for a quick `reproduce`). */
export function sensitivityParams(
  variant: string,
  select: SelectParams,
  v: { paramsConvention: string; flopsCounter: string; huberDelta: number },
): SensitivityParams {
  return {
    variant,
    select,
    paramsConvention: v.paramsConvention,
    flopsCounter: v.flopsCounter,
    huberDelta: v.huberDelta,
    flops: SENSITIVITY_FLOPS,
    deltas: [v.huberDelta * 10, v.huberDelta / 10],
    grids: [{ kind: "lhs", starts: 100, seed: 1 }, { kind: "subdivided", target: 10000 }],
    paramsConventions: [v.paramsConvention === "total" ? "non_embedding" : "total"],
    flopsCounters: ["6N", "kaplan", "chinchilla"].filter((c) => c !== v.flopsCounter),
    minTokens: [3e10],
    maxTokens: [6e10],
  };
}

const gridLabel = (g: SensitivityParams["grids"][number]): string =>
  g.kind === "subdivided"
    ? `authors' ${g.target}-start study grid`
    : `${g.starts} ${g.kind.toUpperCase()} starts`;

/** Returns the cases of the tornado (baseline first) from the collected runs and the parameters. */
export function sensitivityCases(
  runs: Parameters<typeof selectRows>[0],
  p: SensitivityParams,
): {
  cases: SensitivityCase[];
  counting: { paramsConvention: string; flopsCounter: string }[];
  skipped: SkippedCase[];
} {
  const skipped: SkippedCase[] = [];
  const noRows = "the variant has no checkpoint on that side of the cut-off";
  const counting: { paramsConvention: string; flopsCounter: string }[] = [];
  const countingIndex = (paramsConvention: string, flopsCounter: string) => {
    countingOf(paramsConvention, flopsCounter); // validates the names
    let i = counting.findIndex((c) =>
      c.paramsConvention === paramsConvention && c.flopsCounter === flopsCounter
    );
    if (i < 0) i = counting.push({ paramsConvention, flopsCounter }) - 1;
    return i;
  };
  const pointsOf = (s: SelectParams): FitPoint[] => fitPointsOf(selectRows(runs, s) as SelectedRow[], "eq1");
  const base = pointsOf(p.select);
  const fit = { variables: EQ1_VARIABLES, huberDelta: p.huberDelta, grid: "gemstones" as InitGrid };
  const home = countingIndex(p.paramsConvention, p.flopsCounter);
  const cases: SensitivityCase[] = [{
    choice: "baseline",
    option: "the variant",
    points: base,
    fit,
    counting: home,
  }];
  for (const d of p.deltas) {
    cases.push({
      choice: "Huber δ",
      option: `δ = ${d}`,
      points: base,
      fit: { ...fit, huberDelta: d },
      counting: home,
    });
  }
  for (const g of p.grids) {
    cases.push({
      choice: "start grid",
      option: gridLabel(g),
      points: base,
      fit: { ...fit, grid: g },
      counting: home,
    });
  }
  cases.push({
    choice: "Huber sum or mean",
    option: "mean",
    points: base,
    fit: { ...fit, objective: "mean" },
    counting: home,
  });
  for (const c of p.paramsConventions) {
    cases.push({
      choice: "params counted",
      option: c,
      points: pointsOf({ ...p.select, paramsColumn: `params_${c}` }),
      fit,
      counting: countingIndex(c, p.flopsCounter),
    });
  }
  for (const t of p.minTokens) {
    if (!base.some((pt) => pt.x.tokens >= t)) {
      skipped.push({ choice: "token cut-off", option: `tokens ≥ ${t.toExponential(1)}`, reason: noRows });
      continue;
    }
    cases.push({
      choice: "token cut-off",
      option: `tokens ≥ ${t.toExponential(1)}`,
      points: pointsOf({ ...p.select, minTokens: Math.max(p.select.minTokens, t) }),
      fit,
      counting: home,
    });
  }
  for (const t of p.maxTokens) {
    if (!base.some((pt) => pt.x.tokens <= t)) {
      skipped.push({ choice: "token cut-off", option: `tokens ≤ ${t.toExponential(1)}`, reason: noRows });
      continue;
    }
    cases.push({
      choice: "token cut-off",
      option: `tokens ≤ ${t.toExponential(1)}`,
      points: pointsOf({
        ...p.select,
        maxTokens: p.select.maxTokens === null ? t : Math.min(p.select.maxTokens, t),
      }),
      fit,
      counting: home,
    });
  }
  for (const c of p.flopsCounters) {
    cases.push({
      choice: "FLOP counter",
      option: c,
      points: base,
      fit,
      counting: countingIndex(p.paramsConvention, c),
    });
  }
  return { cases, counting, skipped };
}

/** Returns N_opt and D_opt of `law` at `flops` over continuous shapes under a params convention and FLOP counter. */
export function shapeOptimum(paramsConvention: string, flopsCounter: string) {
  const c = countingOf(paramsConvention, flopsCounter);
  return (law: Parameters<typeof prescribeWidthDepth>[0], flops: number) => {
    // The Eq. 1 law sees a shape only through its params and FLOPs, so along a curve of equal params the
    // loss is nearly flat; the refinement converges (to <1 % of the closed form under 6N) in this box
    // (widths to 32768, depths to 512, no aspect bound), and stalls 3 % away in the authors' much wider
    // brute-force box of Figures 5 and 13-19.
    const o = prescribeWidthDepth(law, flops, {
      relaxed: true,
      widthMax: 32768,
      depthMax: 512,
      minAspect: 1e-6,
      maxAspect: 1e6,
      flopsPerToken: c.flopsPerToken,
      params: paramsConvention === "total" ? undefined : c.params,
    });
    return { paramsOpt: o.params, tokensOpt: o.tokens };
  };
}

/** Returns the sensitivity stage of a variant (id `sensitivity.<variant>`; depends on collect). */
export function sensitivityStage(params: SensitivityParams): Stage<SensitivityParams & Params> {
  return {
    name: "sensitivity",
    id: stageId("sensitivity", params.variant),
    module: import.meta.url,
    deps: ["collect"],
    params: params as SensitivityParams & { [k: string]: ParamValue },
    inputs: [],
    outputs: ["sensitivity.json"],
    async run(ctx) {
      const p = ctx.params;
      const runs = await readRunsRows(`${ctx.deps["collect"]}/runs.csv`);
      const { cases, counting, skipped } = sensitivityCases(runs, p);
      const optimum = counting.map((c) => shapeOptimum(c.paramsConvention, c.flopsCounter));
      const results = await sensitivityStudy(cases, p.flops, optimum);
      const record: SensitivityRecord = {
        kind: "sensitivity",
        variant: p.variant,
        form: "eq1",
        flops: p.flops,
        results,
        ...(skipped.length > 0 ? { skipped } : {}),
      };
      for (const k of skipped) {
        ctx.log(`sensitivity ${p.variant}: left out ${k.choice} ${k.option}: ${k.reason}`);
      }
      ctx.log(`sensitivity ${p.variant}: ${results.length} cases at ${p.flops.toExponential(0)} FLOPs`);
      await writeJson(ctx.outDir, "sensitivity.json", record);
    },
  };
}
