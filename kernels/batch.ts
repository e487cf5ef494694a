/**
 * A training batch as the backends receive it: `batchSize` sequences of `seqLen + 1` tokens each, split
 * into inputs (positions `[0, seqLen)`) and targets (positions `[1, seqLen]`), token index `b · seqLen + t`.
 * @module
 */

/** Splits `batchSize · (T+1)` tokens into inputs and targets `[batchSize · T]`; returns them with T. */
export function splitTokens(
  tokens: ArrayLike<number>,
  batchSize: number,
): { inputs: Int32Array; targets: Int32Array; seqLen: number } {
  if (!Number.isInteger(batchSize) || batchSize <= 0) {
    throw new Error(`tokens: batchSize must be a positive integer, got ${batchSize}`);
  }
  if (tokens.length % batchSize !== 0 || tokens.length / batchSize < 2) {
    throw new Error(
      `tokens: length ${tokens.length} is not batchSize ${batchSize} × (seqLen + 1) with seqLen ≥ 1`,
    );
  }
  const T = tokens.length / batchSize - 1;
  const inputs = new Int32Array(batchSize * T);
  const targets = new Int32Array(batchSize * T);
  for (let b = 0; b < batchSize; b++) {
    for (let t = 0; t < T; t++) {
      inputs[b * T + t] = tokens[b * (T + 1) + t];
      targets[b * T + t] = tokens[b * (T + 1) + t + 1];
    }
  }
  return { inputs, targets, seqLen: T };
}

/**
 * A batch as the training loop hands it to a backend: `tokens` as above and, for a task scored at some
 * positions only (the associative-recall set, `kernels/data/mqar.ts`), per-target loss weights.
 */
export interface TokenBatch {
  /** `batchSize` sequences of `seqLen + 1` tokens, concatenated. */
  readonly tokens: Int32Array;
  /**
   * Weight of each target `[batchSize · seqLen]`, index `b · seqLen + t` (the target is token t + 1 of
   * sequence b): the loss is `Σ w·ℓ / Σ w` and the accuracy `Σ w·[argmax = target] / Σ w`. Absent: the
   * plain mean over every target.
   */
  readonly weights?: Float32Array;
}

/**
 * Checks per-target weights for `rows` targets (finite, ≥ 0, not all zero); returns their sum `Σ w`.
 * Throws naming the first bad entry and its value.
 */
export function checkWeights(weights: ArrayLike<number>, rows: number): number {
  if (weights.length !== rows) {
    throw new Error(
      `weights: ${weights.length} entries, expected one per target (batchSize · seqLen = ${rows})`,
    );
  }
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    const w = weights[r];
    if (!(Number.isFinite(w) && w >= 0)) {
      throw new Error(`weights: entry ${r} is ${w}; weights must be finite and ≥ 0`);
    }
    sum += w;
  }
  if (sum === 0) throw new Error("weights: all zero; at least one target must count");
  return sum;
}
