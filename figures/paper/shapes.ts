/**
 * The shapes the width-depth figures draw (paper Figures 2 and 22): feasible shapes of a design space and
 * the 22 trained Gemstones models, counted by scaling/count.
 * @module
 */
import { enumerateShapes, GEMSTONES_CONSTRAINTS, GEMSTONES_MODELS } from "../../scaling/count/shapes.ts";
import { gemstonesParams } from "../../scaling/count/params.ts";

/** Returns the feasible shapes of design space `c` (width, depth, params, target params). */
export function feasibleShapes(c: typeof GEMSTONES_CONSTRAINTS) {
  return enumerateShapes(c).map((s) => ({
    width: s.width,
    depth: s.depth,
    params: s.params,
    target: s.targetParams,
  }));
}

/** Returns the 22 trained Gemstones models with their "WxD" name and parameter count. */
export function trainedShapes() {
  return GEMSTONES_MODELS.map((m) => ({ ...m, model: `${m.width}x${m.depth}`, params: gemstonesParams(m) }));
}
