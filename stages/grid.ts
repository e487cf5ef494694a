/**
 * The `grid` stage: every feasible transformer shape under the design constraints (scaling/count's
 * `enumerateShapes`), then up to K shapes per target parameter count spanning deep, standard and wide
 * aspect ratios (seed 002 §3: "one standard, one wide and one deep" at large sizes, up to 5 at small
 * ones), each with its parameter count, FLOPs per token, training-memory estimate, width-depth-rule
 * learning rate and tokens to train. Output: `grid.csv` ({@link GridRow}) and `grid.json` (summary).
 *
 * The grid is a pure function of its parameters ({@link buildGrid}), so profiles can build one
 * training stage per row at graph-build time; the stage only records the table. Which shapes span a
 * target group is scaling/design's `pickSpanning`.
 * @module
 */
import type { Params, Stage } from "../pipeline/stage.ts";
import { activationMemory, modelStateMemory } from "../scaling/count/memory.ts";
import { enumerateShapes, type GridShape } from "../scaling/count/shapes.ts";
import { gemstonesFlopsPerToken } from "../scaling/count/flops.ts";
import { gemstonesParams } from "../scaling/count/params.ts";
import type { ShapeSpec } from "../scaling/count/shape.ts";
import { pickSpanning } from "../scaling/design/spanning.ts";
import type { ModelConfig } from "../kernels/types.ts";
import { formatCsv } from "../records/importers/table.ts";
import { readCsvObjects } from "../records/schemas.ts";
import { writeFileAtomic } from "../util/fs.ts";

/** Parameters of the grid (JSON; part of the fingerprint). Units: params in parameters, tokens in tokens. */
export type GridParams = {
  /** Attention head size; width is a multiple of it. */
  headSize: number;
  /** Require an even number of query heads. */
  evenHeads: boolean;
  /** Query heads per key/value head. */
  gqaRatio: number;
  /** MLP intermediate size / width. */
  mlpRatio: number;
  /** Vocabulary size, tokens. */
  vocabSize: number;
  /** Context length, tokens. */
  seqLen: number;
  /** Smallest width (inclusive). */
  widthMin: number;
  /** Largest width (inclusive). */
  widthMax: number;
  /** Smallest depth (inclusive). */
  depthMin: number;
  /** Largest depth (inclusive). */
  depthMax: number;
  /** Target parameter counts (total, with embeddings). */
  targetParams: number[];
  /** Relative tolerance band around each target (0.05 = ±5 %). */
  tolerance: number;
  /** Shapes picked per target (K); 0 keeps every feasible shape. */
  perTarget: number;
  /** Aspect ratio width/depth counted as "standard" (the middle pick). */
  standardAspect: number;
  /** Shapes always kept (e.g. the trained Gemstones models), assigned to the nearest target in log space. */
  include: { width: number; depth: number }[];
  /** Width-depth rule constant: lr = lrBase / (width · √depth). */
  lrBase: number;
  /** Tokens to train = tokensPerParam · params, rounded up to whole steps, clamped to [minTokens, maxTokens]. */
  tokensPerParam: number;
  /** Lower clamp of tokens to train. */
  minTokens: number;
  /** Upper clamp of tokens to train (null: none). */
  maxTokens: number | null;
  /** Sequences per optimizer step (memory estimate and step rounding). */
  batchSize: number;
};

/** The paper's design space (seed 002 §3): head 128, vocab 50304, context 2048, targets 50M-2B at ±5 %. */
export const PAPER_GRID: GridParams = {
  headSize: 128,
  evenHeads: true,
  gqaRatio: 2,
  mlpRatio: 4,
  vocabSize: 50304,
  seqLen: 2048,
  widthMin: 256,
  widthMax: 3072,
  depthMin: 3,
  depthMax: 80,
  targetParams: [50e6, 100e6, 500e6, 1e9, 2e9],
  tolerance: 0.05,
  perTarget: 5,
  standardAspect: 64,
  include: [],
  lrBase: 5,
  tokensPerParam: 20,
  minTokens: 0,
  maxTokens: null,
  batchSize: 1,
};

/** One row of `grid.csv`. */
export interface GridRow {
  /** Shape "WxD". */
  readonly model: string;
  /** Width d_model. */
  readonly width: number;
  /** Blocks. */
  readonly depth: number;
  /** Query heads. */
  readonly heads: number;
  /** Target group, parameters. */
  readonly target_params: number;
  /** Total parameters (with embeddings, scaling/count `gemstonesParams`). */
  readonly params: number;
  /** width / depth. */
  readonly aspect: number;
  /** "deep", "standard", "wide", "between" or "included". */
  readonly role: string;
  /** Whether the shape satisfies every constraint (false only for `include` shapes outside them). */
  readonly in_constraints: boolean;
  /** Training FLOPs per token (scaling/count Appendix G counter). */
  readonly flops_per_token: number;
  /** fp32 AdamW training memory estimate (model states + activations at `batchSize`), bytes. */
  readonly memory_bytes: number;
  /** Peak learning rate by the width-depth rule. */
  readonly lr: number;
  /** Tokens to train. */
  readonly tokens: number;
  /** Training FLOPs = flops_per_token · tokens. */
  readonly train_flops: number;
}

/** Columns of grid.csv, in order. */
export const GRID_COLUMNS: readonly (keyof GridRow)[] = [
  "model",
  "width",
  "depth",
  "heads",
  "target_params",
  "params",
  "aspect",
  "role",
  "in_constraints",
  "flops_per_token",
  "memory_bytes",
  "lr",
  "tokens",
  "train_flops",
];

/** Returns the shape spec of the grid's architecture at (width, depth). */
export function gridShape(p: GridParams, width: number, depth: number): ShapeSpec {
  return {
    width,
    depth,
    headSize: p.headSize,
    gqaRatio: p.gqaRatio,
    mlpRatio: p.mlpRatio,
    vocabSize: p.vocabSize,
    seqLen: p.seqLen,
  };
}

/** Returns every feasible shape of the constraints of `p` (each within the tolerance of one target). */
export function feasibleShapes(p: GridParams): GridShape[] {
  return enumerateShapes({
    headSize: p.headSize,
    evenHeads: p.evenHeads,
    widthMin: p.widthMin,
    widthMax: p.widthMax,
    depthMin: p.depthMin,
    depthMax: p.depthMax,
    targetParams: p.targetParams,
    tolerance: p.tolerance,
    gqaRatio: p.gqaRatio,
    mlpRatio: p.mlpRatio,
    vocabSize: p.vocabSize,
    seqLen: p.seqLen,
  });
}

/** Returns the target of `targets` nearest to `params` in log space. */
export function nearestTarget(params: number, targets: readonly number[]): number {
  let best = targets[0];
  for (const t of targets) if (Math.abs(Math.log(params / t)) < Math.abs(Math.log(params / best))) best = t;
  return best;
}

/**
 * Returns grid parameters whose grid is exactly `shapes` (one target per shape's parameter count, zero
 * tolerance), each trained on `tokens` tokens, under the architecture of `arch`.
 */
export function exactGrid(
  arch: GridParams,
  shapes: readonly { width: number; depth: number }[],
  tokens: number,
): GridParams {
  return {
    ...arch,
    widthMin: Math.min(...shapes.map((s) => s.width)),
    widthMax: Math.max(...shapes.map((s) => s.width)),
    depthMin: Math.min(...shapes.map((s) => s.depth)),
    depthMax: Math.max(...shapes.map((s) => s.depth)),
    targetParams: shapes.map((s) => gemstonesParams(gridShape(arch, s.width, s.depth))),
    tolerance: 1e-9,
    perTarget: 1,
    include: [],
    tokensPerParam: 0,
    minTokens: tokens,
    maxTokens: tokens,
  };
}

/** Returns the trainer's model config of a grid row under the grid's architecture (RoPE θ 10000, norm ε 1e-6). */
export function modelOfRow(grid: GridParams, row: GridRow): ModelConfig {
  return {
    vocabSize: grid.vocabSize,
    width: row.width,
    depth: row.depth,
    headSize: grid.headSize,
    gqaRatio: grid.gqaRatio,
    mlpRatio: grid.mlpRatio,
    seqLen: grid.seqLen,
    ropeTheta: 10000,
    normEps: 1e-6,
  };
}

/** Returns the tokens to train a model of `params` parameters under `p` (whole steps, clamped). */
export function tokensToTrain(p: GridParams, params: number): number {
  const perStep = p.batchSize * p.seqLen;
  let tokens = Math.max(p.minTokens, p.tokensPerParam * params);
  if (p.maxTokens !== null) tokens = Math.min(tokens, p.maxTokens);
  return Math.max(1, Math.ceil(tokens / perStep)) * perStep;
}

function rowOf(
  p: GridParams,
  width: number,
  depth: number,
  target: number,
  role: string,
  ok: boolean,
): GridRow {
  const shape = gridShape(p, width, depth);
  const params = gemstonesParams(shape);
  const heads = Math.floor(width / p.headSize);
  const flopsPerToken = gemstonesFlopsPerToken(shape);
  const tokens = tokensToTrain(p, params);
  const memory = modelStateMemory(params, false).totalBytes +
    activationMemory({
      batch: p.batchSize,
      seqLen: p.seqLen,
      width,
      depth,
      heads,
      mlpRatio: p.mlpRatio,
      bytesPerElement: 4,
    }).totalBytes;
  return {
    model: `${width}x${depth}`,
    width,
    depth,
    heads,
    target_params: target,
    params,
    aspect: width / depth,
    role,
    in_constraints: ok,
    flops_per_token: flopsPerToken,
    memory_bytes: memory,
    lr: p.lrBase / (width * Math.sqrt(depth)),
    tokens,
    train_flops: flopsPerToken * tokens,
  };
}

/** Validates grid parameters; returns them, or throws naming the field and what was expected. */
export function validateGridParams(p: GridParams): GridParams {
  const positive = [
    "headSize",
    "gqaRatio",
    "mlpRatio",
    "vocabSize",
    "seqLen",
    "widthMax",
    "depthMax",
    "lrBase",
    "batchSize",
    "standardAspect",
  ] as const;
  for (const f of positive) {
    if (!(typeof p[f] === "number" && p[f] > 0 && Number.isFinite(p[f]))) {
      throw new Error(`grid: field "${f}" must be a positive number, got ${JSON.stringify(p[f])}`);
    }
  }
  if (!Array.isArray(p.targetParams) || p.targetParams.length === 0 || p.targetParams.some((t) => !(t > 0))) {
    throw new Error(`grid: field "targetParams" must be a non-empty list of positive numbers`);
  }
  if (!(p.tolerance >= 0)) throw new Error(`grid: field "tolerance" must be >= 0, got ${p.tolerance}`);
  if (!(Number.isInteger(p.perTarget) && p.perTarget >= 0)) {
    throw new Error(`grid: field "perTarget" must be a non-negative integer, got ${p.perTarget}`);
  }
  if (!(p.tokensPerParam >= 0)) {
    throw new Error(`grid: field "tokensPerParam" must be >= 0, got ${p.tokensPerParam}`);
  }
  for (const [i, s] of p.include.entries()) {
    if (!(Number.isInteger(s.width) && s.width > 0 && Number.isInteger(s.depth) && s.depth > 0)) {
      throw new Error(`grid: field "include[${i}]" must have positive integer width and depth`);
    }
  }
  return p;
}

/**
 * Returns the grid of `p`: per target, the picked shapes (deep to wide), then every `include` shape not
 * already picked (role "included", in its nearest target group; `in_constraints` says whether it is
 * feasible). Rows are ordered by target, then aspect ratio.
 */
export function buildGrid(p: GridParams): GridRow[] {
  validateGridParams(p);
  const feasible = feasibleShapes(p);
  const feasibleKeys = new Set(feasible.map((s) => `${s.width}x${s.depth}`));
  const rows: GridRow[] = [];
  for (const target of p.targetParams) {
    const group = feasible.filter((s) => s.targetParams === target);
    if (group.length === 0) continue;
    for (const { shape, role } of pickSpanning(group, p.perTarget, p.standardAspect)) {
      rows.push(rowOf(p, shape.width, shape.depth, target, role, true));
    }
  }
  const have = new Set(rows.map((r) => r.model));
  for (const s of p.include) {
    const key = `${s.width}x${s.depth}`;
    if (have.has(key)) continue;
    have.add(key);
    const params = gemstonesParams(gridShape(p, s.width, s.depth));
    const inGroup = feasible.find((f) => f.width === s.width && f.depth === s.depth);
    rows.push(
      rowOf(
        p,
        s.width,
        s.depth,
        inGroup?.targetParams ?? nearestTarget(params, p.targetParams),
        "included",
        feasibleKeys.has(key),
      ),
    );
  }
  const order = new Map(p.targetParams.map((t, i) => [t, i]));
  return rows.sort((a, b) =>
    order.get(a.target_params)! - order.get(b.target_params)! || a.aspect - b.aspect
  );
}

/** Returns grid.csv text of `rows`. */
export function gridCsv(rows: readonly GridRow[]): string {
  return formatCsv(GRID_COLUMNS, rows.map((r) => GRID_COLUMNS.map((c) => r[c])));
}

/** Returns the typed rows of a grid.csv file; throws naming the file, line and field on a bad cell. */
export async function readGridCsv(path: string): Promise<GridRow[]> {
  const raw = await readCsvObjects(path);
  return raw.map((r, i) => {
    const num = (f: keyof GridRow): number => {
      const v = Number(r[f]);
      if (r[f] === undefined || r[f] === "" || !Number.isFinite(v)) {
        throw new Error(`${path}: line ${i + 2}, field "${f}": expected a number, got "${r[f] ?? ""}"`);
      }
      return v;
    };
    return {
      model: r.model,
      width: num("width"),
      depth: num("depth"),
      heads: num("heads"),
      target_params: num("target_params"),
      params: num("params"),
      aspect: num("aspect"),
      role: r.role,
      in_constraints: r.in_constraints === "true",
      flops_per_token: num("flops_per_token"),
      memory_bytes: num("memory_bytes"),
      lr: num("lr"),
      tokens: num("tokens"),
      train_flops: num("train_flops"),
    };
  });
}

/** Returns the grid stage (id `grid` unless given): writes grid.csv and grid.json for the parameters. */
export function gridStage(params: GridParams, id = "grid"): Stage<GridParams & Params> {
  return {
    name: "grid",
    id,
    module: import.meta.url,
    deps: [],
    params: params as GridParams & Params,
    validate: (p) => validateGridParams(p as GridParams) as GridParams & Params,
    inputs: [],
    outputs: ["grid.csv", "grid.json"],
    async run(ctx) {
      const rows = buildGrid(ctx.params);
      const feasible = feasibleShapes(ctx.params).length;
      await writeFileAtomic(`${ctx.outDir}/grid.csv`, gridCsv(rows));
      const summary = {
        feasible,
        picked: rows.length,
        perTarget: Object.fromEntries(
          ctx.params.targetParams.map((t) => [String(t), rows.filter((r) => r.target_params === t).length]),
        ),
        outsideConstraints: rows.filter((r) => !r.in_constraints).map((r) => r.model),
        totalTrainFlops: rows.reduce((s, r) => s + r.train_flops, 0),
      };
      await writeFileAtomic(`${ctx.outDir}/grid.json`, JSON.stringify(summary, null, 2) + "\n");
      ctx.log(`grid: ${rows.length} shapes picked of ${feasible} feasible`);
    },
  };
}
