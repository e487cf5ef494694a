/**
 * Splitting vocabulary-sized tensors into blocks that each fit a storage binding: a partition of the
 * vocabulary into near-equal blocks, its refinement (the logits' blocks inside the parameters' blocks),
 * and the host-side conversion between a canonical `[rows, vocab]` matrix and its column blocks.
 * @module
 */

/**
 * Returns the bounds `[0, b1, …, vocab]` of the fewest near-equal blocks of at most `maxPerBlock` entries
 * (block j covers `[bounds[j], bounds[j+1])`; sizes differ by at most one). Throws when `maxPerBlock < 1`.
 */
export function vocabBounds(vocab: number, maxPerBlock: number): number[] {
  if (!Number.isInteger(vocab) || vocab <= 0) {
    throw new Error(`vocabBounds: vocab must be positive, got ${vocab}`);
  }
  const max = Math.floor(maxPerBlock);
  if (!(max >= 1)) throw new Error(`vocabBounds: at most ${maxPerBlock} entries per block leaves no room`);
  const k = Math.ceil(vocab / max);
  return Array.from({ length: k + 1 }, (_, j) => Math.floor((j * vocab) / k));
}

/** One block of a refined partition, located inside a block of the coarse partition. */
export interface SubBlock {
  /** First vocabulary entry of the block. */
  readonly start: number;
  /** Number of entries. */
  readonly count: number;
  /** Index of the coarse block holding it. */
  readonly parent: number;
  /** Offset of `start` inside the coarse block (entries). */
  readonly offset: number;
  /** Size of the coarse block (entries; the row stride of a column block of a matrix). */
  readonly parentCount: number;
}

/**
 * Returns the refinement of the partition `bounds` into blocks of at most `maxPerBlock` entries: each
 * coarse block is split into its own fewest near-equal sub-blocks, in order.
 */
export function refineBounds(bounds: readonly number[], maxPerBlock: number): SubBlock[] {
  const out: SubBlock[] = [];
  for (let j = 0; j + 1 < bounds.length; j++) {
    const n = bounds[j + 1] - bounds[j];
    const sub = vocabBounds(n, maxPerBlock);
    for (let i = 0; i + 1 < sub.length; i++) {
      out.push({
        start: bounds[j] + sub[i],
        count: sub[i + 1] - sub[i],
        parent: j,
        offset: sub[i],
        parentCount: n,
      });
    }
  }
  return out;
}

/** Returns the column blocks `[rows, bounds[j+1] − bounds[j]]` of a row-major `[rows, cols]` matrix. */
export function splitColumns(
  full: Float32Array,
  rows: number,
  cols: number,
  bounds: readonly number[],
): Float32Array[] {
  if (full.length !== rows * cols) {
    throw new Error(`splitColumns: ${full.length} values is not ${rows} × ${cols}`);
  }
  const out: Float32Array[] = [];
  for (let j = 0; j + 1 < bounds.length; j++) {
    const c0 = bounds[j], n = bounds[j + 1] - c0;
    const blk = new Float32Array(rows * n);
    for (let r = 0; r < rows; r++) blk.set(full.subarray(r * cols + c0, r * cols + c0 + n), r * n);
    out.push(blk);
  }
  return out;
}

/** Returns the row-major `[rows, cols]` matrix whose column blocks (at `bounds`) are `blocks`. */
export function joinColumns(
  blocks: readonly Float32Array[],
  rows: number,
  cols: number,
  bounds: readonly number[],
): Float32Array {
  const full = new Float32Array(rows * cols);
  blocks.forEach((blk, j) => {
    const c0 = bounds[j], n = bounds[j + 1] - c0;
    if (blk.length !== rows * n) {
      throw new Error(`joinColumns: block ${j} has ${blk.length} values, not ${rows} × ${n}`);
    }
    for (let r = 0; r < rows; r++) full.set(blk.subarray(r * n, (r + 1) * n), r * cols + c0);
  });
  return full;
}
