/**
 * The `overtraining.<variant>` stage (seed 002 Figure 8): at the authors' four FLOP budgets, the loss the
 * Eq. 2 law predicts when training on √factor × the compute-optimal tokens (with the model that spends the
 * same budget), for factors 1/16 … 16, as plotters/overtrained_single_parabola.py. Points on the edge of
 * the authors' box (width ≤ 257 or depth ≤ 2) are left out, as theirs are. Beside it, `authors`: the
 * authors' stored Eq. 2 fit of the same subset and Huber δ traced the same way (their "authors' fit" line).
 * Output: `overtraining.json` ({@link OvertrainingRecord}).
 * @module
 */
import type { Params, Stage } from "../pipeline/stage.ts";
import {
  AUTHORS_OVERTRAINING_BUDGETS,
  OVERTRAINING_FACTORS,
  overtrainingCurve,
} from "../scaling/prescribe/overtraining.ts";
import type { AdditiveLaw } from "../scaling/law.ts";
import { countingOf } from "../scaling/count/conventions.ts";
import { fittedLawOf, writeJson } from "./fit_common.ts";
import { authorsLawOnOurs } from "./authors_law.ts";
import { AUTHORS_PARAMETER_DIRS } from "../records/importers/authors_parameters.ts";
import { type LawForm, type OvertrainingRecord, stageId } from "../records/schemas.ts";
import type { VariantSettings } from "./variants.ts";

/** Parameters of the overtraining stage. */
export type OvertrainingParams = {
  /** Variant name. */
  variant: string;
  /** Law form whose law is traced. */
  form: LawForm;
  /** Params convention of the variant. */
  paramsConvention: string;
  /** FLOP counter of the variant. */
  flopsCounter: string;
  /** FLOP budgets, one curve each (the authors' four: rows 2, 5, 9, 12 of their relaxed minima table). */
  budgets: number[];
  /** Overtraining factors f (tokens are √f × the optimal tokens). */
  factors: number[];
  /** Repository path of the authors' stored fit of `form` on the same subset and δ, traced beside ours ("": none). */
  authorsLaw: string;
};

/**
 * Smallest width and depth a point may have, exclusive: the authors drop points on the edge of their box
 * (`temp_df["width"] > 257`, `temp_df["depth"] > 2`).
 */
export const OVERTRAINING_EDGE = { width: 257, depth: 2 } as const;

/** Returns the overtraining record of `law` under `p`. */
export function overtrainingRecord(
  law: AdditiveLaw,
  p: Omit<OvertrainingParams, "authorsLaw">,
): OvertrainingRecord {
  const counting = countingOf(p.paramsConvention, p.flopsCounter);
  return {
    kind: "overtraining",
    variant: p.variant,
    form: p.form,
    curves: p.budgets.map((flops) => {
      const leftOut: { factor: number; reason: string }[] = [];
      // One factor at a time: a factor whose model falls outside the searched shape range is left out.
      const points = p.factors.flatMap((factor) => {
        let q;
        try {
          [q] = overtrainingCurve(law, flops, [factor], { flopsPerToken: counting.flopsPerToken });
        } catch {
          leftOut.push({ factor, reason: "no shape in the searched range spends the budget" });
          return [];
        }
        if (
          q.width !== undefined && q.depth !== undefined &&
          (q.width <= OVERTRAINING_EDGE.width || q.depth <= OVERTRAINING_EDGE.depth)
        ) {
          leftOut.push({
            factor,
            reason: `on the edge of the authors' box (width ${q.width.toFixed(0)}, depth ${
              q.depth.toFixed(2)
            })`,
          });
          return [];
        }
        return [{
          factor: q.factor,
          params: q.params,
          tokens: q.tokens,
          width: q.width ?? null,
          depth: q.depth ?? null,
          loss: q.lossNats,
          lossIncrease: q.lossIncreaseNats,
        }];
      });
      return { flops, points, leftOut };
    }),
  };
}

/**
 * Returns the overtraining stage of `variant` (id `overtraining.<variant>`, depends on its Eq. 2 fit); with
 * `authorsLaw` (a repository path) it traces the authors' stored fit beside ours.
 */
export function overtrainingStage(
  variant: string,
  v: VariantSettings,
  form: LawForm = "eq2",
  authorsLaw = "",
): Stage<OvertrainingParams & Params> {
  return {
    name: "overtraining",
    id: stageId("overtraining", variant),
    module: import.meta.url,
    deps: [stageId(`approach3_${form}`, variant)],
    params: {
      variant,
      form,
      paramsConvention: v.paramsConvention,
      flopsCounter: v.flopsCounter,
      budgets: [...AUTHORS_OVERTRAINING_BUDGETS],
      factors: [...OVERTRAINING_FACTORS],
      authorsLaw,
    },
    // The authors' stored fit it traces beside ours is read from the repository.
    inputs: authorsLaw === "" ? [] : [...AUTHORS_PARAMETER_DIRS],
    outputs: ["overtraining.json"],
    async run(ctx) {
      const { variant, form } = ctx.params;
      const record = overtrainingRecord(await fittedLawOf(ctx.deps, variant, form), ctx.params);
      const theirs = await authorsLawOnOurs(ctx.params.authorsLaw, ctx.root, ctx.deps, variant, form);
      await writeJson(
        ctx.outDir,
        "overtraining.json",
        theirs === null ? record : {
          ...record,
          authors: { ...theirs.beside, curves: overtrainingRecord(theirs.law, ctx.params).curves },
        },
      );
    },
  };
}
