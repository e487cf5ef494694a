/**
 * Training memory of a decoder-only transformer without sharding (seed 001 eqs. 46-54), in bytes.
 * @module
 */

/** Memory of the model states, in bytes. */
export interface ModelStateMemory {
  /** Weights used for the forward/backward passes (4N, or 2N in mixed precision). */
  readonly modelBytes: number;
  /** Optimizer states (8N for Adam's two moments; 12N in mixed precision, counting the fp32 master copy). */
  readonly optimizerBytes: number;
  /** Gradients (4N, both with and without mixed precision). */
  readonly gradientBytes: number;
  /** Sum of the three. */
  readonly totalBytes: number;
}

/**
 * Returns parameter, optimizer and gradient memory in bytes for `params` parameters trained with Adam
 * (seed 001 eq. 46 without and eq. 48 with mixed precision; eq. 49 for gradients).
 */
export function modelStateMemory(params: number, mixedPrecision: boolean): ModelStateMemory {
  const modelBytes = (mixedPrecision ? 2 : 4) * params;
  const optimizerBytes = (mixedPrecision ? 12 : 8) * params;
  const gradientBytes = 4 * params;
  return {
    modelBytes,
    optimizerBytes,
    gradientBytes,
    totalBytes: modelBytes + optimizerBytes + gradientBytes,
  };
}

/** The dimensions that activation memory depends on (seed 001 notation in brackets). */
export interface ActivationDims {
  /** Batch size in sequences [B]. */
  readonly batch: number;
  /** Sequence length in tokens [S]. */
  readonly seqLen: number;
  /** Model width [D]. */
  readonly width: number;
  /** Number of blocks [L]. */
  readonly depth: number;
  /** Number of attention heads [A]. */
  readonly heads: number;
  /** MLP expansion factor [E]; default 4. */
  readonly mlpRatio?: number;
  /** Bytes per stored element [p]: 4 for fp32, 2 in mixed precision. */
  readonly bytesPerElement: number;
}

/** Activation memory by component, in bytes. */
export interface ActivationMemory {
  /** Attention: `B·L·S·((5p+1)·D + (2p+1)·A·S)` (eq. 50). */
  readonly attentionBytes: number;
  /** MLP: `(2Ep + p + 1)·B·D·L·S` (eq. 51). */
  readonly mlpBytes: number;
  /** Norms: `2p·B·D·L·S` (two per block; the final one is neglected as in the seed). */
  readonly normBytes: number;
  /** Sum: `2·B·D·L·S·(p(E+4) + 1) + A·B·L·S²·(2p+1)` (eq. 52). */
  readonly totalBytes: number;
}

/**
 * Returns activation memory in bytes (seed 001 eqs. 50-52; one byte per dropout-mask element). At
 * E = 4 the total is `B·L·S·(66D + 9AS)` for p = 4 and `B·L·S·(34D + 5AS)` for p = 2; eq. 53 prints
 * 15AS for p = 4, which contradicts eq. 52 and the B_min of eq. 54 (both give 9AS).
 */
export function activationMemory(dims: ActivationDims): ActivationMemory {
  const { batch: b, seqLen: s, width: d, depth: l, heads: a, bytesPerElement: p } = dims;
  const e = dims.mlpRatio ?? 4;
  const attentionBytes = b * l * s * ((5 * p + 1) * d + (2 * p + 1) * a * s);
  const mlpBytes = (2 * e * p + p + 1) * b * d * l * s;
  const normBytes = 2 * p * b * d * l * s;
  return { attentionBytes, mlpBytes, normBytes, totalBytes: attentionBytes + mlpBytes + normBytes };
}

/**
 * Returns the minimum batch size (sequences) above which mixed precision uses less memory than fp32
 * training, `B_min = 6·D² / (8·D·S + A·S²)` (seed 001 eq. 54; E = 4, N ≈ 12·L·D²).
 */
export function mixedPrecisionMinBatch(width: number, seqLen: number, heads: number): number {
  return 6 * width * width / (8 * width * seqLen + heads * seqLen * seqLen);
}
