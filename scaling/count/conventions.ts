/**
 * The counting conventions a law variant can name: parameter conventions (collect's `params_<name>`
 * columns) and, through {@link FLOP_COUNTERS}, FLOP counters (collect's `flops_<name>` columns).
 * @module
 */
import { gemstonesParams, gemstonesParamsContinuous, gemstonesParamsNoEmbeds } from "./params.ts";
import { FLOP_COUNTERS } from "./flops.ts";
import type { ShapeSpec } from "./shape.ts";

/**
 * Parameter-counting conventions by name; each returns a parameter count. `non_embedding` removes both
 * the input embedding and the untied LM head (2·V·w; the no_embeds variant's Approach 1, as the
 * authors' Approach 1 counts it), `non_embedding_one` removes one V·w matrix (the no_embeds variant's
 * Approach 3, as the authors' Approach 3 counts it, and the industry table's `non_emb_params`),
 * `continuous` uses fractional head counts.
 */
export const PARAM_CONVENTIONS: Readonly<Record<string, (shape: ShapeSpec) => number>> = {
  total: gemstonesParams,
  non_embedding: (shape) => gemstonesParamsNoEmbeds(shape, "drop_both"),
  non_embedding_one: (shape) => gemstonesParamsNoEmbeds(shape, "drop_one"),
  continuous: gemstonesParamsContinuous,
};

/**
 * Returns the shape-counting functions named by a variant: `params` (parameters) and `flopsPerToken`
 * (training FLOPs per token); throws listing the valid names.
 */
export function countingOf(paramsConvention: string, flopsCounter: string): {
  params: (shape: ShapeSpec) => number;
  flopsPerToken: (shape: ShapeSpec) => number;
} {
  const params = PARAM_CONVENTIONS[paramsConvention];
  if (!params) {
    throw new Error(
      `unknown params convention "${paramsConvention}"; valid: ${Object.keys(PARAM_CONVENTIONS).join(", ")}`,
    );
  }
  const flopsPerToken = FLOP_COUNTERS[flopsCounter];
  if (!flopsPerToken) {
    throw new Error(
      `unknown FLOP counter "${flopsCounter}"; valid: ${Object.keys(FLOP_COUNTERS).join(", ")}`,
    );
  }
  return { params, flopsPerToken };
}
