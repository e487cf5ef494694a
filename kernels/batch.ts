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
