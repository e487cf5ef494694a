/**
 * The grid of feasible transformer shapes under the Gemstones design constraints (seed 002 §3): head
 * size 128, width a multiple of the head size, an even number of heads (for grouped-query attention
 * with 2 queries per key/value head), and parameter counts within ±5% of the target groups 50M, 100M,
 * 500M, 1B and 2B.
 * @module
 */
import { gemstonesParams } from "./params.ts";
import type { ShapeSpec } from "./shape.ts";

/** Constraints on the (width, depth) grid. Omitted fields: no constraint / Gemstones default. */
export interface ShapeConstraints {
  /** Head size; width must be a positive multiple of it. Default 128. */
  readonly headSize?: number;
  /** Require an even number of heads. Default true. */
  readonly evenHeads?: boolean;
  /** Smallest width (inclusive). Default one head. */
  readonly widthMin?: number;
  /** Largest width (inclusive). Required. */
  readonly widthMax: number;
  /** Smallest depth (inclusive). Default 1. */
  readonly depthMin?: number;
  /** Largest depth (inclusive). Required. */
  readonly depthMax: number;
  /** Keep only shapes whose parameter count is within `tolerance` of one of these targets. */
  readonly targetParams?: readonly number[];
  /** Relative tolerance around each target (0.05 = ±5%). Default 0.05. */
  readonly tolerance?: number;
  /** Query heads per key/value head, passed to the parameter count. Default 2. */
  readonly gqaRatio?: number;
  /** MLP ratio, passed to the parameter count. Default 4. */
  readonly mlpRatio?: number;
  /** Vocabulary size, passed to the parameter count. Default 50304. */
  readonly vocabSize?: number;
  /** Context length carried into the returned shapes. Default 2048. */
  readonly seqLen?: number;
}

/** One feasible shape of the grid. */
export interface GridShape extends ShapeSpec {
  /** Model width. */
  width: number;
  /** Number of blocks. */
  depth: number;
  /** Number of query heads, width / headSize. */
  readonly heads: number;
  /** Total parameter count (with embeddings) by `gemstonesParams`. */
  readonly params: number;
  /** The parameter target the shape falls within, when targets were given. */
  readonly targetParams?: number;
}

/** The Gemstones target parameter counts (seed 002 §3): 50M, 100M, 500M, 1B, 2B. */
export const GEMSTONES_TARGET_PARAMS: readonly number[] = [50e6, 100e6, 500e6, 1e9, 2e9];

/** The Gemstones design space (seed 002 §3 and Figure 22): widths 256-3072, depths 3-80, ±5% of targets. */
export const GEMSTONES_CONSTRAINTS: ShapeConstraints = {
  headSize: 128,
  evenHeads: true,
  widthMin: 256,
  widthMax: 3072,
  depthMin: 3,
  depthMax: 80,
  targetParams: GEMSTONES_TARGET_PARAMS,
  tolerance: 0.05,
};

/**
 * The 22 trained Gemstones models as (width, depth), from the released training logs
 * (`data/gemstones/wandb_dfs`). Six lie outside the constraints: 384-wide models have 3 heads, and
 * 512×11, 512×14, 512×16 and 1024×28 fall outside ±5% of a target.
 */
export const GEMSTONES_MODELS: readonly { readonly width: number; readonly depth: number }[] = [
  { width: 256, depth: 23 },
  { width: 256, depth: 27 },
  { width: 256, depth: 71 },
  { width: 256, depth: 80 },
  { width: 384, depth: 13 },
  { width: 384, depth: 36 },
  { width: 512, depth: 11 },
  { width: 512, depth: 12 },
  { width: 512, depth: 13 },
  { width: 512, depth: 14 },
  { width: 512, depth: 16 },
  { width: 768, depth: 3 },
  { width: 768, depth: 45 },
  { width: 1024, depth: 28 },
  { width: 1280, depth: 15 },
  { width: 1280, depth: 36 },
  { width: 1536, depth: 50 },
  { width: 1792, depth: 7 },
  { width: 1792, depth: 18 },
  { width: 2048, depth: 27 },
  { width: 2560, depth: 8 },
  { width: 3072, depth: 12 },
];

/**
 * Returns every feasible (width, depth) under `constraints`, ordered by width then depth, with its
 * head count and parameter count. Throws on an empty or invalid range.
 */
export function enumerateShapes(constraints: ShapeConstraints): GridShape[] {
  const headSize = constraints.headSize ?? 128;
  const evenHeads = constraints.evenHeads ?? true;
  const widthMin = constraints.widthMin ?? headSize;
  const depthMin = constraints.depthMin ?? 1;
  const tolerance = constraints.tolerance ?? 0.05;
  const { widthMax, depthMax } = constraints;
  for (const [name, v] of Object.entries({ headSize, widthMin, widthMax, depthMin, depthMax, tolerance })) {
    if (!Number.isFinite(v) || v < 0) {
      throw new Error(`enumerateShapes: "${name}" must be finite and >= 0, got ${v}`);
    }
  }
  if (widthMin > widthMax || depthMin > depthMax) {
    throw new Error(
      `enumerateShapes: empty range (width ${widthMin}-${widthMax}, depth ${depthMin}-${depthMax})`,
    );
  }
  const out: GridShape[] = [];
  const firstHeads = Math.max(1, Math.ceil(widthMin / headSize));
  for (let heads = firstHeads; heads * headSize <= widthMax; heads++) {
    if (evenHeads && heads % 2 !== 0) continue;
    const width = heads * headSize;
    for (let depth = Math.max(1, Math.ceil(depthMin)); depth <= depthMax; depth++) {
      const shape: ShapeSpec = {
        width,
        depth,
        headSize,
        gqaRatio: constraints.gqaRatio,
        mlpRatio: constraints.mlpRatio,
        vocabSize: constraints.vocabSize,
        seqLen: constraints.seqLen,
      };
      const params = gemstonesParams(shape);
      let targetParams: number | undefined;
      if (constraints.targetParams) {
        targetParams = constraints.targetParams.find((t) => Math.abs(params - t) <= tolerance * t);
        if (targetParams === undefined) continue;
      }
      const row: GridShape = { ...withoutUndefined(shape), width, depth, heads, params };
      out.push(targetParams === undefined ? row : { ...row, targetParams });
    }
  }
  return out;
}

function withoutUndefined(shape: ShapeSpec): ShapeSpec {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(shape)) if (v !== undefined) out[k] = v as number;
  return out as unknown as ShapeSpec;
}
