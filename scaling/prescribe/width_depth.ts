/**
 * Compute-optimal width, depth, parameters and tokens of a width-depth law (seed 002 Eq. 2:
 * `L = E + A_w·w^−α_w + A_d·d^−α_d + A_N·N^−α_N + A_D·D^−α_D`; Eq. 3 drops the params term) at fixed
 * training FLOPs, by brute force over model shapes with tokens = FLOPs / FLOPs-per-token(shape)
 * (seed 002 §4, "Approach 3"), optionally relaxed to continuous width and depth and refined by a local
 * search at fixed FLOPs (seed 002 Appendix D).
 * @module
 */
import type { AdditiveLaw } from "../law.ts";
import { lawLossWithoutTokens as shapeLoss, lawTokensTerm, type TokensTerm } from "./law_parts.ts";
import { gemstonesFlopsPerToken } from "../count/flops.ts";
import { gemstonesParams, gemstonesParamsContinuous } from "../count/params.ts";
import type { ShapeSpec } from "../count/shape.ts";
import { logSpace } from "../logspace.ts";

/** Options of the width-depth prescription. Omitted fields take the Gemstones defaults. */
export interface WidthDepthOptions {
  /**
   * `false` (default): widths are multiples of the head size with an even head count (seed 002 §3),
   * depths are integers. `true`: width and depth are continuous (at least one head), head counts
   * fractional, and the best grid point is refined by a local search at fixed FLOPs.
   */
  readonly relaxed?: boolean;
  /** FLOPs per token of a shape; default `gemstonesFlopsPerToken` (seed 002 Appendix G). */
  readonly flopsPerToken?: (shape: ShapeSpec) => number;
  /** Parameter count of a shape; default `gemstonesParams` (`gemstonesParamsContinuous` when relaxed). */
  readonly params?: (shape: ShapeSpec) => number;
  /** Head size; default 128. */
  readonly headSize?: number;
  /** Require an even number of heads (discrete grid only); default true. */
  readonly evenHeads?: boolean;
  /** Smallest width; default one head (two heads with `evenHeads`). */
  readonly widthMin?: number;
  /** Largest width; default 32768 (256 heads of 128). */
  readonly widthMax?: number;
  /** Smallest depth; default 1. */
  readonly depthMin?: number;
  /** Largest depth; default 512. */
  readonly depthMax?: number;
  /** Relaxed grid: log-spaced points per axis before refinement; default 96. */
  readonly gridPoints?: number;
  /** Query heads per key/value head; default 2. */
  readonly gqaRatio?: number;
  /** MLP ratio; default 4. */
  readonly mlpRatio?: number;
  /** Vocabulary size; default 50304. */
  readonly vocabSize?: number;
  /** Context length; default 2048. */
  readonly seqLen?: number;
}

/** The prescription at one FLOP budget. */
export interface WidthDepthPrescription {
  /** The FLOP budget C. */
  readonly flops: number;
  /** Optimal width (a feasible width, or continuous when relaxed). */
  readonly width: number;
  /** Optimal depth (an integer, or continuous when relaxed). */
  readonly depth: number;
  /** Parameter count of the optimal shape. */
  readonly params: number;
  /** Training tokens C / flopsPerToken. */
  readonly tokens: number;
  /** FLOPs per token of the optimal shape. */
  readonly flopsPerToken: number;
  /** width / depth (dimensionless). */
  readonly widthDepthRatio: number;
  /** tokens / params. */
  readonly tokensPerParam: number;
  /** Predicted loss, nats per token. */
  readonly lossNats: number;
  /** Whether the optimum lies on the edge of the searched width or depth range (widen it if so). */
  readonly atBoundary: boolean;
}

/** Resolved search settings of {@link WidthDepthOptions} (every default filled in). */
export interface WidthDepthSettings {
  /** Continuous width and depth (true) or the discrete grid (false). */
  readonly relaxed: boolean;
  /** FLOPs per token of a shape. */
  readonly fpt: (shape: ShapeSpec) => number;
  /** Parameter count of a shape. */
  readonly params: (shape: ShapeSpec) => number;
  /** Head size. */
  readonly headSize: number;
  /** Smallest width searched. */
  readonly widthMin: number;
  /** Largest width searched. */
  readonly widthMax: number;
  /** Smallest depth searched. */
  readonly depthMin: number;
  /** Largest depth searched. */
  readonly depthMax: number;
  /** Whether the discrete grid requires an even head count. */
  readonly evenHeads: boolean;
  /** Points per axis of the relaxed grid. */
  readonly gridPoints: number;
  /** The shape fields other than width and depth, passed to the counters. */
  readonly base: Omit<ShapeSpec, "width" | "depth">;
}

/** Returns `options` with every default filled in; throws on an empty search range. */
export function widthDepthSettings(options: WidthDepthOptions = {}): WidthDepthSettings {
  const relaxed = options.relaxed ?? false;
  const headSize = options.headSize ?? 128;
  const evenHeads = options.evenHeads ?? true;
  const s: WidthDepthSettings = {
    relaxed,
    fpt: options.flopsPerToken ?? gemstonesFlopsPerToken,
    params: options.params ?? (relaxed ? gemstonesParamsContinuous : gemstonesParams),
    headSize,
    evenHeads,
    widthMin: options.widthMin ?? headSize * (evenHeads && !relaxed ? 2 : 1),
    widthMax: options.widthMax ?? 32768,
    depthMin: options.depthMin ?? 1,
    depthMax: options.depthMax ?? 512,
    gridPoints: options.gridPoints ?? 96,
    base: {
      headSize,
      ...(options.gqaRatio !== undefined ? { gqaRatio: options.gqaRatio } : {}),
      ...(options.mlpRatio !== undefined ? { mlpRatio: options.mlpRatio } : {}),
      ...(options.vocabSize !== undefined ? { vocabSize: options.vocabSize } : {}),
      ...(options.seqLen !== undefined ? { seqLen: options.seqLen } : {}),
    },
  };
  if (!(s.widthMin > 0 && s.widthMin <= s.widthMax && s.depthMin > 0 && s.depthMin <= s.depthMax)) {
    throw new Error(
      `width-depth prescription: empty search range (width ${s.widthMin}-${s.widthMax}, depth ${s.depthMin}-${s.depthMax})`,
    );
  }
  return s;
}

/**
 * A precomputed grid of shapes for one law: per-shape width, depth, params and FLOPs per token (and,
 * hidden, the shape-only part of the loss and FLOPs-per-token^α_D), so that each budget costs one pass
 * of multiply-adds. Build it once with {@link buildWidthDepthGrid} and reuse it across budgets.
 */
export interface WidthDepthGrid {
  /** The law the grid was built for. */
  readonly law: AdditiveLaw;
  /** Widths of the grid points. */
  readonly widths: Float64Array;
  /** Depths of the grid points. */
  readonly depths: Float64Array;
  /** Parameter counts of the grid points. */
  readonly params: Float64Array;
  /** FLOPs per token of the grid points. */
  readonly flopsPerToken: Float64Array;
}

/** Returns the precomputed shape grid of `law` under `options` (see {@link WidthDepthGrid}). */
export function buildWidthDepthGrid(law: AdditiveLaw, options: WidthDepthOptions = {}): WidthDepthGrid {
  const split = lawTokensTerm(law);
  const s = widthDepthSettings(options);
  const widths: number[] = [], depths: number[] = [];
  if (s.relaxed) {
    const space = (lo: number, hi: number) =>
      s.gridPoints < 2 || lo === hi ? [lo] : logSpace(lo, hi, s.gridPoints);
    const ws = space(s.widthMin, s.widthMax), ds = space(s.depthMin, s.depthMax);
    for (const w of ws) for (const d of ds) widths.push(w), depths.push(d);
  } else {
    for (let heads = Math.ceil(s.widthMin / s.headSize); heads * s.headSize <= s.widthMax; heads++) {
      if (heads < 1 || (s.evenHeads && heads % 2 !== 0)) continue;
      for (let d = Math.ceil(s.depthMin); d <= s.depthMax; d++) {
        widths.push(heads * s.headSize), depths.push(d);
      }
    }
  }
  if (widths.length === 0) throw new Error("width-depth prescription: no feasible shape in the search range");
  const n = widths.length;
  const grid: WidthDepthGrid = {
    law,
    widths: Float64Array.from(widths),
    depths: Float64Array.from(depths),
    params: new Float64Array(n),
    flopsPerToken: new Float64Array(n),
  };
  const inner: Internals = {
    split,
    s,
    shapeLoss: new Float64Array(n),
    fptPow: new Float64Array(n),
    extent: [minOf(widths), maxOf(widths), minOf(depths), maxOf(depths)],
  };
  for (let i = 0; i < n; i++) {
    const shape: ShapeSpec = { ...s.base, width: widths[i], depth: depths[i] };
    const p = s.params(shape), f = s.fpt(shape);
    grid.params[i] = p;
    grid.flopsPerToken[i] = f;
    inner.shapeLoss[i] = shapeLoss(law, widths[i], depths[i], p);
    inner.fptPow[i] = Math.pow(f, split.alpha);
  }
  INTERNALS.set(grid, inner);
  return grid;
}

function minOf(xs: readonly number[]): number {
  let m = Infinity;
  for (const x of xs) if (x < m) m = x;
  return m;
}

function maxOf(xs: readonly number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  return m;
}

/** Per-grid precomputation that callers do not see. */
interface Internals {
  readonly split: TokensTerm;
  readonly s: WidthDepthSettings;
  /** E plus the width, depth and params terms per point, nats. */
  readonly shapeLoss: Float64Array;
  /** flopsPerToken^α_D per point. */
  readonly fptPow: Float64Array;
  /** [min width, max width, min depth, max depth] of the grid. */
  readonly extent: readonly [number, number, number, number];
}

const INTERNALS = new WeakMap<WidthDepthGrid, Internals>();

function internals(grid: WidthDepthGrid): Internals {
  const inner = INTERNALS.get(grid);
  if (!inner) throw new Error("width-depth prescription: the grid was not built by buildWidthDepthGrid");
  return inner;
}

/** Returns the loss (nats) of a continuous shape at `flops`, and its params, tokens and FLOPs per token. */
function evaluateShape(
  split: TokensTerm,
  s: WidthDepthSettings,
  width: number,
  depth: number,
  flops: number,
): { lossNats: number; params: number; tokens: number; fpt: number } {
  const shape: ShapeSpec = { ...s.base, width, depth };
  const params = s.params(shape), fpt = s.fpt(shape);
  const tokens = flops / fpt;
  const lossNats = shapeLoss(split.law, width, depth, params) +
    (split.A === 0 ? 0 : split.A * Math.pow(tokens, -split.alpha));
  return { lossNats, params, tokens, fpt };
}

/** Returns the prescription at `flops` on a prebuilt grid (relaxed grids are refined continuously). */
export function prescribeOnGrid(grid: WidthDepthGrid, flops: number): WidthDepthPrescription {
  if (!(flops > 0) || !Number.isFinite(flops)) {
    throw new Error(`prescribeWidthDepth: flops must be > 0, got ${flops}`);
  }
  const { split, s, shapeLoss: base, fptPow, extent } = internals(grid);
  const scale = split.A * Math.pow(flops, -split.alpha);
  let best = 0, bestLoss = Infinity;
  const n = grid.widths.length;
  for (let i = 0; i < n; i++) {
    const loss = base[i] + scale * fptPow[i];
    if (loss < bestLoss) bestLoss = loss, best = i;
  }
  let width = grid.widths[best], depth = grid.depths[best];
  if (s.relaxed) [width, depth] = refine(split, s, width, depth, flops);
  const e = evaluateShape(split, s, width, depth, flops);
  const near = (a: number, b: number) => Math.abs(a / b - 1) < 1e-6;
  const atBoundary = near(width, extent[0]) || near(width, extent[1]) || near(depth, extent[2]) ||
    near(depth, extent[3]);
  return {
    flops,
    width,
    depth,
    params: e.params,
    tokens: e.tokens,
    flopsPerToken: e.fpt,
    widthDepthRatio: width / depth,
    tokensPerParam: e.tokens / e.params,
    lossNats: e.lossNats,
    atBoundary,
  };
}

/** Compass search in (log width, log depth) at fixed FLOPs, within the search box. */
function refine(
  split: TokensTerm,
  s: WidthDepthSettings,
  width: number,
  depth: number,
  flops: number,
): [number, number] {
  const lo = [Math.log(s.widthMin), Math.log(s.depthMin)], hi = [Math.log(s.widthMax), Math.log(s.depthMax)];
  const f = (u: number[]) => evaluateShape(split, s, Math.exp(u[0]), Math.exp(u[1]), flops).lossNats;
  let x = [Math.log(width), Math.log(depth)];
  let fx = f(x);
  let step = Math.max(
    (hi[0] - lo[0]) / Math.max(1, s.gridPoints - 1),
    (hi[1] - lo[1]) / Math.max(1, s.gridPoints - 1),
  );
  for (let iter = 0; iter < 10000 && step > 1e-10; iter++) {
    let moved = false;
    for (let k = 0; k < 2; k++) {
      for (const dir of [1, -1]) {
        const y = [...x];
        y[k] = Math.min(hi[k], Math.max(lo[k], y[k] + dir * step));
        const fy = f(y);
        if (fy < fx) x = y, fx = fy, moved = true;
      }
    }
    if (!moved) step /= 2;
  }
  return [Math.exp(x[0]), Math.exp(x[1])];
}

/**
 * Returns the compute-optimal width, depth, params, tokens, width/depth ratio, tokens per parameter and
 * loss of a width-depth law at `flops` training FLOPs (brute force over shapes; see module doc).
 */
export function prescribeWidthDepth(
  law: AdditiveLaw,
  flops: number,
  options: WidthDepthOptions = {},
): WidthDepthPrescription {
  return prescribeOnGrid(buildWidthDepthGrid(law, options), flops);
}

/** Returns {@link prescribeWidthDepth} at each budget, building the shape grid once. */
export function prescribeWidthDepthCurve(
  law: AdditiveLaw,
  budgets: readonly number[],
  options: WidthDepthOptions = {},
): WidthDepthPrescription[] {
  const grid = buildWidthDepthGrid(law, options);
  return budgets.map((flops) => prescribeOnGrid(grid, flops));
}
