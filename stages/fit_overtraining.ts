/**
 * The `overtraining.<variant>` stage (seed 002 Figure 8): at fixed FLOP budgets, the loss the Eq. 2
 * law predicts when training on `factor` × the compute-optimal tokens (with the model that spends the
 * same budget), for factors 1/16 … 16. Output: `overtraining.json` ({@link OvertrainingRecord}).
 * @module
 */
import type { Params, Stage } from "../pipeline/stage.ts";
import { OVERTRAINING_FACTORS, overtrainingCurve } from "../scaling/prescribe/overtraining.ts";
import type { AdditiveLaw } from "../scaling/law.ts";
import { countingOf } from "../scaling/count/conventions.ts";
import { fittedLawOf, writeJson } from "./fit_common.ts";
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
  /** FLOP budgets, one curve each. */
  budgets: number[];
  /** Overtraining factors (tokens / optimal tokens). */
  factors: number[];
};

/** Default budgets (FLOPs) of the overtraining curves. */
export const DEFAULT_OVERTRAINING_BUDGETS: readonly number[] = [1e19, 1e20, 1e21, 1e22, 1e23];

/** Returns the overtraining record of `law` under `p`. */
export function overtrainingRecord(law: AdditiveLaw, p: OvertrainingParams): OvertrainingRecord {
  const counting = countingOf(p.paramsConvention, p.flopsCounter);
  return {
    kind: "overtraining",
    variant: p.variant,
    form: p.form,
    curves: p.budgets.map((flops) => ({
      flops,
      // One factor at a time: a factor whose model falls outside the searched shape range is left out.
      points: p.factors.flatMap((factor) => {
        let q;
        try {
          [q] = overtrainingCurve(law, flops, [factor], { flopsPerToken: counting.flopsPerToken });
        } catch {
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
      }),
    })),
  };
}

/** Returns the overtraining stage of `variant` (id `overtraining.<variant>`, depends on its Eq. 2 fit). */
export function overtrainingStage(
  variant: string,
  v: VariantSettings,
  form: LawForm = "eq2",
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
      budgets: [...DEFAULT_OVERTRAINING_BUDGETS],
      factors: [...OVERTRAINING_FACTORS],
    },
    inputs: [],
    outputs: ["overtraining.json"],
    async run(ctx) {
      const law = await fittedLawOf(ctx.deps, ctx.params.variant, ctx.params.form);
      await writeJson(ctx.outDir, "overtraining.json", overtrainingRecord(law, ctx.params));
    },
  };
}
