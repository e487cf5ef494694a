/**
 * Recurrent state size of a decoder's sequence mixer in closed form (seed 003): the floats a model must
 * carry from one token to the next to continue a sequence, per layer and in all, for one sequence.
 *
 * With `h_kv = (width / headSize) / gqaRatio` key/value heads, value size `d_v = headSize`,
 * `d_kv = h_kv · headSize` and q/k size d' (`queryKeyDim`):
 * - softmax (kv-cache at context T): `2 · T · d_kv` per layer;
 * - window w: `2 · min(w, T) · d_kv` per layer (`2 · w · d_kv` once T ≥ w);
 * - taylor: `h_kv · (1 + d' + d'(d'+1)/2) · (d_v + 1)` per layer (S and z of each kv head);
 * - power p: `h_kv · C(d' + p − 1, p) · (d_v + 1)` per layer.
 *
 * Conventions: the symmetric terms of the linear kinds are counted once (the unique monomials, as
 * Zoology's `TaylorExp.expanded_size`, not the full d'² or d'^p its fast path materialises); the state is
 * per key/value head, because the queries of a GQA group share S and z (with `gqaRatio = 1`, h_kv is the
 * head count H of seed 003); bytes are at 4 bytes per float, the trainer's float32 (`bytesPerFloat`
 * changes it). `kernels/reference/recurrent.ts` holds exactly these floats (tested).
 * @module
 */
import { type Mixer, queryKeyDim } from "./mixer.ts";
import { blockMatrixParams } from "./params.ts";
import { resolveShape, type ShapeSpec } from "./shape.ts";

/** Bytes of one float of state in the trainer (float32). */
export const STATE_BYTES_PER_FLOAT = 4;

/** A mixer's state size for one sequence. */
export interface StateSize {
  /** Floats per layer. */
  readonly perLayerFloats: number;
  /** Floats in all layers (`depth · perLayerFloats`). */
  readonly floats: number;
  /** Bytes per layer (`perLayerFloats · bytesPerFloat`). */
  readonly perLayerBytes: number;
  /** Bytes in all layers. */
  readonly bytes: number;
}

/** Returns the binomial coefficient C(n, k) (exact for the small arguments of feature counts). */
export function binomial(n: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(k) || k < 0 || n < k) {
    throw new Error(`binomial: need integers 0 ≤ k ≤ n, got n = ${n}, k = ${k}`);
  }
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

/**
 * Returns the number of features D of a linear mixer's map φ over q/k size `keyDim`:
 * taylor `1 + d' + d'(d'+1)/2`, power `C(d' + p − 1, p)` (unique symmetric terms).
 */
export function featureCount(mixer: Mixer, keyDim: number): number {
  if (mixer.kind === "taylor") return 1 + keyDim + (keyDim * (keyDim + 1)) / 2;
  if (mixer.kind === "power") return binomial(keyDim + mixer.power - 1, mixer.power);
  throw new Error(`featureCount: mixer kind "${mixer.kind}" has no feature map`);
}

function heads(shape: ShapeSpec): { hkv: number; headSize: number } {
  const r = resolveShape(shape);
  const hq = r.width / r.headSize, hkv = hq / r.gqaRatio;
  if (!Number.isInteger(hq) || !Number.isInteger(hkv)) {
    throw new Error(
      `state size: width ${r.width} / headSize ${r.headSize} / gqaRatio ${r.gqaRatio} must give whole heads`,
    );
  }
  return { hkv, headSize: r.headSize };
}

/**
 * Returns the state size of `mixer` in a model of `shape` at context `context` tokens (default: the
 * shape's seqLen), for one sequence; see the module doc for the formulas and conventions.
 */
export function stateSize(
  shape: ShapeSpec,
  mixer: Mixer,
  context?: number,
  bytesPerFloat = STATE_BYTES_PER_FLOAT,
): StateSize {
  const r = resolveShape(shape);
  const T = context ?? r.seqLen;
  if (!Number.isInteger(T) || T <= 0) {
    throw new Error(`state size: context must be a positive integer, got ${T}`);
  }
  const { hkv, headSize } = heads(r);
  const dkv = hkv * headSize;
  let perLayerFloats: number;
  if (mixer.kind === "softmax") perLayerFloats = 2 * T * dkv;
  else if (mixer.kind === "window") perLayerFloats = 2 * Math.min(mixer.window, T) * dkv;
  else perLayerFloats = hkv * featureCount(mixer, queryKeyDim({ headSize, mixer })) * (headSize + 1);
  return {
    perLayerFloats,
    floats: r.depth * perLayerFloats,
    perLayerBytes: perLayerFloats * bytesPerFloat,
    bytes: r.depth * perLayerFloats * bytesPerFloat,
  };
}

/**
 * Returns the non-embedding parameter count (scalars) of a model with `mixer`: the Gemstones count
 * without input embedding and LM head, `depth · (block matrices + 2w) + w`, where a linear mixer's wq and
 * wk have d' instead of headSize columns per head. The N of seed 003's ratio S/N.
 */
export function mixerNonEmbeddingParams(shape: ShapeSpec, mixer: Mixer): number {
  const r = resolveShape(shape);
  return r.depth * (blockMatrixParams(r, queryKeyDim({ headSize: r.headSize, mixer })) + 2 * r.width) +
    r.width;
}
