/**
 * A training backend from its name: "gpu" (the WebGPU trainer, `kernels/gpu/`) or "reference" (the float64
 * CPU reference, `kernels/reference/`). The one place a name becomes a backend, for the train command, the
 * train stages and the cost estimate.
 * @module
 */
import type { Backend, ModelConfig } from "./types.ts";
import { ReferenceBackend } from "./reference/backend.ts";
import { createGpuBackend } from "./gpu/backend.ts";

/** Name of a compute backend: the WebGPU trainer or the float64 CPU reference. */
export type BackendName = "gpu" | "reference";

/** Every backend name, the default ("gpu") first. */
export const BACKEND_NAMES: readonly BackendName[] = ["gpu", "reference"];

/** Returns whether `name` is a backend name. */
export function isBackendName(name: unknown): name is BackendName {
  return BACKEND_NAMES.includes(name as BackendName);
}

/**
 * Returns a fresh backend `name` for `model`, parameters at zero: the WebGPU one on a new device of the
 * default adapter, or the float64 reference.
 */
export async function backendOf(name: BackendName, model: ModelConfig): Promise<Backend> {
  return name === "reference" ? new ReferenceBackend(model) : await createGpuBackend(model);
}
