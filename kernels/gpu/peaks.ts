/**
 * Nominal f32 (non-tensor-core) peak rates of adapters the benchmarks have met, from the vendors' data
 * sheets, for the MFU the bench reports against "the adapter's nominal f32 peak". Software rasterisers
 * (llvmpipe) have no entry: their peak depends on the host's cores and clock, so the bench reports null.
 * @module
 */

/** One adapter family: a pattern on the adapter identity and its nominal f32 peak. */
export interface NominalPeak {
  /** Matched against `GpuContext.identity` (the first match wins). */
  readonly match: RegExp;
  /** Nominal dense f32 peak, TFLOP/s (no tensor cores, no sparsity). */
  readonly tflops: number;
  /** Where the figure comes from. */
  readonly source: string;
}

/** Known nominal f32 peaks, most specific first. */
export const NOMINAL_F32_PEAKS: readonly NominalPeak[] = [
  { match: /H100 PCIe/i, tflops: 51, source: "NVIDIA H100 PCIe data sheet, FP32" },
  { match: /H100/i, tflops: 67, source: "NVIDIA H100 SXM data sheet, FP32" },
  { match: /H200/i, tflops: 67, source: "NVIDIA H200 SXM data sheet, FP32" },
  { match: /A100/i, tflops: 19.5, source: "NVIDIA A100 data sheet, FP32" },
];
