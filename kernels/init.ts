/**
 * Parameter initialisation of the Gemstones models (seed 002 §3.1, following OLMo-1's "Mitchell" scheme):
 * every matrix is drawn from a normal truncated at ±3σ, with σ depending on the tensor:
 *
 * - token embedding, wq, wk, wv, w_gate, w_up, lm_head: `σ = 1 / sqrt(width)`;
 * - attention output projection wo of layer l (0-based): `σ = 1 / sqrt(2 · width · (l + 1))`;
 * - MLP output projection w_down of layer l: `σ = 1 / sqrt(2 · (mlpRatio · width) · (l + 1))`
 *   (its fan-in is the MLP intermediate size);
 * - RMSNorm gains: 1.
 *
 * Draws come from one `Rng(seed)`, tensor by tensor in `parameterSpecs` order, element by element in
 * row-major order, so the same (config, seed) always gives bit-identical tensors.
 * @module
 */
import { Rng } from "../util/rng.ts";
import { type ModelConfig, parameterSpecs, type ParamSpec, validateModelConfig } from "./types.ts";

/** Truncation bound of the initial normal, in standard deviations. */
export const INIT_TRUNCATION_SIGMAS = 3;

/**
 * Returns the initial standard deviation σ (before truncation) of a tensor, chosen by its kind and
 * layer, or 0 for RMSNorm gains, which start at exactly 1.
 */
export function initStd(cfg: ModelConfig, spec: Pick<ParamSpec, "kind" | "layer">): number {
  const w = cfg.width;
  switch (spec.kind) {
    case "attnNorm":
    case "mlpNorm":
    case "finalNorm":
      return 0;
    case "wo":
      return 1 / Math.sqrt(2 * w * (spec.layer + 1));
    case "wDown":
      return 1 / Math.sqrt(2 * cfg.mlpRatio * w * (spec.layer + 1));
    case "embed":
    case "lmHead":
    case "wq":
    case "wk":
    case "wv":
    case "wGate":
    case "wUp":
      return 1 / Math.sqrt(w);
  }
}

/** Returns freshly initialised parameters (float32, `parameterSpecs` order) for `cfg` and an integer seed. */
export function initParams(cfg: ModelConfig, seed: number): Float32Array[] {
  validateModelConfig(cfg);
  const rng = new Rng(seed);
  return parameterSpecs(cfg).map((spec) => {
    const sigma = initStd(cfg, spec);
    const out = new Float32Array(spec.size);
    if (sigma === 0) return out.fill(1);
    for (let i = 0; i < spec.size; i++) out[i] = rng.nextTruncatedNormal(sigma, INIT_TRUNCATION_SIGMAS);
    return out;
  });
}
