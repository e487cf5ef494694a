/**
 * Resource overspend of a sub-optimal shape (seed 002 §4, Figure 7): how many more FLOPs, or GPU-hours,
 * a given (width, depth) needs to reach a target loss than the best shape.
 * @module
 */
import type { AdditiveLaw } from "../law.ts";
import { lowerConvexHull } from "../fit/approach1.ts";
import type { ShapeSpec } from "../count/shape.ts";
import { lawLossWithoutTokens, lawTokensTerm, type TokensTerm } from "./law_parts.ts";
import {
  buildWidthDepthGrid,
  type WidthDepthOptions,
  type WidthDepthSettings,
  widthDepthSettings,
} from "./width_depth.ts";

/**
 * The resource to count: training FLOPs, or GPU-hours from a model of GPU-seconds per training token
 * for each shape (e.g. recorded `seconds_per_step · GPUs / tokens per step`).
 */
export type OverspendResource =
  | { readonly kind: "flops" }
  | { readonly kind: "gpuHours"; readonly gpuSecondsPerToken: (shape: ShapeSpec) => number };

/** Options of {@link overspend} and {@link overspendGrid}. */
export interface OverspendOptions extends WidthDepthOptions {
  /**
   * Shapes among which the optimal one is sought. Default: the discrete shape grid of the
   * width-depth options (plus, for {@link overspendGrid}, the given shapes).
   */
  readonly candidates?: readonly ShapeSpec[];
}

/** The overspend of one shape. Costs are FLOPs or GPU-hours according to the resource. */
export interface OverspendResult {
  /** Width of the shape. */
  readonly width: number;
  /** Depth of the shape. */
  readonly depth: number;
  /** Tokens the shape needs to reach the target loss (Infinity if it never does). */
  readonly tokens: number;
  /** Resource the shape needs (FLOPs or GPU-hours). */
  readonly cost: number;
  /** Width of the cheapest candidate. */
  readonly optimalWidth: number;
  /** Depth of the cheapest candidate. */
  readonly optimalDepth: number;
  /** Tokens the cheapest candidate needs. */
  readonly optimalTokens: number;
  /** Resource the cheapest candidate needs. */
  readonly optimalCost: number;
  /** cost / optimalCost (≥ 1 when the shape is a candidate; 1 = no overspend). */
  readonly ratio: number;
}

/**
 * Returns the training tokens a shape needs to reach `targetLossNats` under `law`: the tokens term solved
 * for D, `D = (A_D / (target − rest))^(1/α_D)`, with `rest` the law's other terms at the shape. Infinity
 * if the target is at or below what the shape can reach (or the law has no tokens term).
 */
export function tokensToReachLoss(
  law: AdditiveLaw,
  shape: ShapeSpec,
  targetLossNats: number,
  options: WidthDepthOptions = {},
): number {
  const s = widthDepthSettings(options);
  const full: ShapeSpec = { ...s.base, ...shape };
  return solveTokens(lawTokensTerm(law), full.width, full.depth, s.params(full), targetLossNats);
}

function solveTokens(term: TokensTerm, width: number, depth: number, params: number, target: number): number {
  const gap = target - lawLossWithoutTokens(term.law, width, depth, params);
  if (!(gap > 0) || term.A === 0) return Infinity;
  return Math.pow(term.A / gap, 1 / term.alpha);
}

/** Cost and tokens of one shape. */
interface Costed {
  readonly width: number;
  readonly depth: number;
  readonly tokens: number;
  readonly cost: number;
}

function costShape(
  term: TokensTerm,
  s: WidthDepthSettings,
  shape: ShapeSpec,
  target: number,
  resource: OverspendResource,
): Costed {
  const full: ShapeSpec = { ...s.base, ...shape };
  const tokens = solveTokens(term, full.width, full.depth, s.params(full), target);
  let cost = Infinity;
  if (Number.isFinite(tokens)) {
    cost = resource.kind === "flops"
      ? tokens * s.fpt(full)
      : tokens * resource.gpuSecondsPerToken(full) / 3600;
  }
  return { width: full.width, depth: full.depth, tokens, cost };
}

function cheapest(
  law: AdditiveLaw,
  target: number,
  resource: OverspendResource,
  options: OverspendOptions,
  extra: readonly ShapeSpec[],
): Costed {
  const term = lawTokensTerm(law);
  const s = widthDepthSettings(options);
  let best: Costed = { width: NaN, depth: NaN, tokens: Infinity, cost: Infinity };
  const consider = (c: Costed) => {
    if (c.cost < best.cost) best = c;
  };
  if (options.candidates) {
    for (const shape of options.candidates) consider(costShape(term, s, shape, target, resource));
  } else {
    const grid = buildWidthDepthGrid(law, { ...options, relaxed: false });
    for (let i = 0; i < grid.widths.length; i++) {
      const width = grid.widths[i], depth = grid.depths[i];
      const tokens = solveTokens(term, width, depth, grid.params[i], target);
      if (!Number.isFinite(tokens)) continue;
      if (resource.kind === "flops") consider({ width, depth, tokens, cost: tokens * grid.flopsPerToken[i] });
      else consider(costShape(term, s, { width, depth }, target, resource));
    }
    for (const shape of extra) consider(costShape(term, s, shape, target, resource));
  }
  if (!Number.isFinite(best.cost)) {
    throw new Error(`overspend: no candidate shape reaches the target loss ${target} nats`);
  }
  return best;
}

function resultFor(
  law: AdditiveLaw,
  shape: ShapeSpec,
  target: number,
  resource: OverspendResource,
  options: OverspendOptions,
  best: Costed,
): OverspendResult {
  const c = costShape(lawTokensTerm(law), widthDepthSettings(options), shape, target, resource);
  return {
    width: c.width,
    depth: c.depth,
    tokens: c.tokens,
    cost: c.cost,
    optimalWidth: best.width,
    optimalDepth: best.depth,
    optimalTokens: best.tokens,
    optimalCost: best.cost,
    ratio: c.cost / best.cost,
  };
}

/**
 * Returns how much more of `resource` (default FLOPs) `shape` needs to reach `targetLossNats` than the
 * cheapest candidate shape (default candidates: the discrete Gemstones-constrained shape grid).
 */
export function overspend(
  law: AdditiveLaw,
  shape: ShapeSpec,
  targetLossNats: number,
  resource: OverspendResource = { kind: "flops" },
  options: OverspendOptions = {},
): OverspendResult {
  const best = cheapest(law, targetLossNats, resource, options, [shape]);
  return resultFor(law, shape, targetLossNats, resource, options, best);
}

/**
 * Returns {@link overspend} for every shape of `shapes` (one row per (width, depth), same order), with the
 * cheapest candidate computed once.
 */
export function overspendGrid(
  law: AdditiveLaw,
  shapes: readonly ShapeSpec[],
  targetLossNats: number,
  resource: OverspendResource = { kind: "flops" },
  options: OverspendOptions = {},
): OverspendResult[] {
  const best = cheapest(law, targetLossNats, resource, options, shapes);
  return shapes.map((shape) => resultFor(law, shape, targetLossNats, resource, options, best));
}

/** One measured checkpoint for {@link measuredOverspend}: the resource it used and the loss it reached. */
export interface MeasuredPoint {
  /** Resource spent (FLOPs, GPU-hours, ...), > 0. */
  readonly resource: number;
  /** Validation loss reached, nats per token, > 0. */
  readonly lossNats: number;
}

/** The overspend of measured checkpoints against their own compute frontier (see {@link measuredOverspend}). */
export interface MeasuredOverspend {
  /** Indices of the frontier points (lower convex hull in ln resource, ln loss), ascending in resource. */
  readonly frontier: readonly number[];
  /** Per point: the index of the frontier point whose loss is nearest its own. */
  readonly reference: readonly number[];
  /** Per point: resource / reference resource − 1 (0 for frontier points; a fraction, not a percentage). */
  readonly overspend: readonly number[];
}

/**
 * Returns how much more resource each measured checkpoint spent than the frontier checkpoint of nearest
 * loss, the frontier being the lower convex hull of (ln resource, ln loss) — the Gemstones authors' Figure 7
 * (their plotters/approach_1_extra_plots.py compares the ~300B-token checkpoints this way). Frontier points
 * overspend exactly 0; a point above the frontier is compared at the frontier loss nearest its own, so a
 * point far below every frontier loss but one can come out slightly negative.
 */
export function measuredOverspend(points: readonly MeasuredPoint[]): MeasuredOverspend {
  points.forEach((p, i) => {
    for (const f of ["resource", "lossNats"] as const) {
      if (!(Number.isFinite(p[f]) && p[f] > 0)) {
        throw new Error(`measuredOverspend: point ${i}: ${f} must be a finite number > 0, got ${p[f]}`);
      }
    }
  });
  if (points.length === 0) throw new Error("measuredOverspend: no points");
  const frontier = lowerConvexHull(
    points.map((p) => Math.log(p.resource)),
    points.map((p) => Math.log(p.lossNats)),
  );
  const reference = points.map((p) => {
    let best = frontier[0];
    for (const j of frontier) {
      if (Math.abs(points[j].lossNats - p.lossNats) < Math.abs(points[best].lossNats - p.lossNats)) best = j;
    }
    return best;
  });
  const onFrontier = new Set(frontier);
  const overspend = points.map((
    p,
    i,
  ) => (onFrontier.has(i) ? 0 : p.resource / points[reference[i]].resource - 1));
  return { frontier, reference, overspend };
}
