/**
 * The brute-force prescription shared by the width-depth forms (Eq. 2, Eq. 3): the best shape at each
 * budget over integer depths and widths with an even head count (scaling/prescribe/width_depth.ts).
 * @module
 */
import type { AdditiveLaw } from "../law.ts";
import { prescribeWidthDepthCurve } from "../prescribe/width_depth.ts";
import type { LawPrescription, PrescribeCounting } from "./types.ts";

/** Returns the brute-force width-depth prescription of `law` at `budgets` (FLOPs) under `counting`. */
export function prescribeByShape(
  law: AdditiveLaw,
  budgets: readonly number[],
  counting: PrescribeCounting,
): LawPrescription {
  const optima = prescribeWidthDepthCurve(law, budgets, {
    relaxed: counting.relaxed,
    flopsPerToken: counting.flopsPerToken,
    params: counting.params,
  }).map((o) => ({
    flops: o.flops,
    params: o.params,
    tokens: o.tokens,
    width: o.width,
    depth: o.depth,
    lossNats: o.lossNats,
    atBoundary: o.atBoundary,
  }));
  return { method: "brute_force", flopsCounting: counting.flopsCounter, optima };
}
