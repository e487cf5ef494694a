/**
 * Whether a WebGPU adapter is a software rasteriser (Mesa llvmpipe and lavapipe, SwiftShader, a browser's
 * fallback adapter) rather than a GPU: such an adapter runs at about a GFLOP/s, so tuning is skipped, the
 * benchmark picks its small shapes and a long training asks before it starts.
 * @module
 */

/** Words that name a software adapter in an adapter identity (matched case-insensitively). */
export const SOFTWARE_ADAPTER_WORDS: readonly string[] = [
  "llvmpipe",
  "lavapipe",
  "swiftshader",
  "software",
  "fallback",
];

const SOFTWARE = new RegExp(SOFTWARE_ADAPTER_WORDS.join("|"), "i");

/** Returns true when an adapter identity (`GpuContext.identity`) names a software rasteriser, not a GPU. */
export function isSoftwareAdapter(identity: string): boolean {
  return SOFTWARE.test(identity);
}
