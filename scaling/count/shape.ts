/**
 * The transformer shape that every counter in `scaling/count` reads, with the Gemstones defaults
 * (seed 002 §3: head size 128, 2 query heads per key/value head, GEGLU MLP of 4× width, the Pythia
 * vocabulary of 50304 tokens, context of 2048 tokens).
 * @module
 */

/** A decoder-only transformer shape. Omitted fields take the Gemstones values (seed 002 §3). */
export interface ShapeSpec {
  /** Model width d_model (embedding dimension). */
  width: number;
  /** Number of transformer blocks. */
  depth: number;
  /** Size of one attention head; default 128. */
  headSize?: number;
  /** Query heads per key/value head (grouped-query attention); default 2. */
  gqaRatio?: number;
  /** MLP intermediate size divided by width; default 4. */
  mlpRatio?: number;
  /** Vocabulary size in tokens; default 50304. */
  vocabSize?: number;
  /** Context length in tokens; default 2048. */
  seqLen?: number;
}

/** A shape with every field filled in. */
export type ResolvedShape = Required<ShapeSpec>;

/** The Gemstones defaults (seed 002 §3 and Appendix G constants). */
export const GEMSTONES_SHAPE_DEFAULTS: Readonly<Omit<ResolvedShape, "width" | "depth">> = {
  headSize: 128,
  gqaRatio: 2,
  mlpRatio: 4,
  vocabSize: 50304,
  seqLen: 2048,
};

/** Returns `shape` with the Gemstones defaults filled in; throws on a non-positive or non-finite field. */
export function resolveShape(shape: ShapeSpec): ResolvedShape {
  const d = GEMSTONES_SHAPE_DEFAULTS;
  const r: ResolvedShape = {
    width: shape.width,
    depth: shape.depth,
    headSize: shape.headSize ?? d.headSize,
    gqaRatio: shape.gqaRatio ?? d.gqaRatio,
    mlpRatio: shape.mlpRatio ?? d.mlpRatio,
    vocabSize: shape.vocabSize ?? d.vocabSize,
    seqLen: shape.seqLen ?? d.seqLen,
  };
  if (
    !(r.width > 0 && r.depth > 0 && r.headSize > 0 && r.gqaRatio > 0 && r.mlpRatio > 0 && r.vocabSize > 0 &&
      r.seqLen > 0 && r.width < Infinity && r.depth < Infinity && r.vocabSize < Infinity &&
      r.seqLen < Infinity)
  ) {
    const bad = Object.entries(r).find(([, v]) => !(typeof v === "number" && v > 0 && v < Infinity));
    throw new Error(
      `ShapeSpec: field "${bad?.[0]}" must be a positive finite number, got ${String(bad?.[1])}`,
    );
  }
  return r;
}

/** Returns the integer number of query heads, `floor(width / headSize)` (at least 1). */
export function shapeQueryHeads(shape: ShapeSpec): number {
  const r = resolveShape(shape);
  return Math.max(1, Math.floor(r.width / r.headSize));
}

/**
 * Returns the integer number of key/value heads, `floor(queryHeads / gqaRatio)` (at least 1).
 * A Gemstones model with 3 query heads (width 384) has 1 key/value head, which reproduces its
 * recorded `params_active_precise`.
 */
export function shapeKvHeads(shape: ShapeSpec): number {
  const r = resolveShape(shape);
  return Math.max(1, Math.floor(Math.max(1, Math.floor(r.width / r.headSize)) / r.gqaRatio));
}
