/**
 * The `prescribe.<variant>` stage: what the fitted laws prescribe at each FLOP budget. Eq. 1 by the
 * closed form under C = 6ND (Hoffmann et al. Appendix D.2); Eq. 2 and Eq. 3 by brute force over model
 * shapes (integer, even head counts) with tokens = C / FLOPs-per-token(shape) under the variant's FLOP
 * counter and params counted by the variant's convention (seed 002 §4). Output: `prescriptions.json`.
 * @module
 */
import type { Params, Stage } from "../pipeline/stage.ts";
import { chinchillaOptimum, prescribeWidthDepthCurve } from "../scaling/prescribe/mod.ts";
import { countingOf, fittedLawOf, logSpace, writeJson } from "./fit_common.ts";
import type { AdditiveLaw } from "../scaling/law.ts";
import { type LawForm, type PrescriptionsRecord, stageId } from "./schemas.ts";
import type { VariantSettings } from "./variants.ts";

/** Parameters of the prescribe stage. */
export type PrescribeParams = {
  /** Variant name. */
  variant: string;
  /** Params convention of the variant (matches the laws' params variable). */
  paramsConvention: string;
  /** FLOP counter of the variant. */
  flopsCounter: string;
  /** Smallest budget, FLOPs. */
  minFlops: number;
  /** Largest budget, FLOPs. */
  maxFlops: number;
  /** Budgets per decade. */
  perDecade: number;
  /** Relax the integer head constraint (continuous width and depth, seed 002 Appendix D). */
  relaxed: boolean;
};

/** Default prescription budgets: 1e18 to 1e26 FLOPs, 2 per decade, integer heads. */
export const DEFAULT_PRESCRIBE: Omit<PrescribeParams, "variant" | "paramsConvention" | "flopsCounter"> = {
  minFlops: 1e18,
  maxFlops: 1e26,
  perDecade: 2,
  relaxed: false,
};

/** Returns the budgets (FLOPs) of prescribe parameters. */
export function prescribeBudgets(p: Pick<PrescribeParams, "minFlops" | "maxFlops" | "perDecade">): number[] {
  const n = Math.round(Math.log10(p.maxFlops / p.minFlops) * p.perDecade) + 1;
  return logSpace(p.minFlops, p.maxFlops, Math.max(2, n));
}

/** Returns the prescriptions of the three laws at the budgets of `p`. */
export function prescriptionsRecord(
  laws: Readonly<Record<LawForm, AdditiveLaw>>,
  p: PrescribeParams,
): PrescriptionsRecord {
  const budgets = prescribeBudgets(p);
  const counting = countingOf(p.paramsConvention, p.flopsCounter);
  const eq1 = budgets.map((flops) => {
    const o = chinchillaOptimum(laws.eq1, flops);
    return {
      flops,
      params: o.paramsOpt,
      tokens: o.tokensOpt,
      width: null,
      depth: null,
      loss: o.lossNats,
      atBoundary: null,
    };
  });
  const brute = (form: LawForm) =>
    prescribeWidthDepthCurve(laws[form], budgets, {
      relaxed: p.relaxed,
      flopsPerToken: counting.flopsPerToken,
      params: p.relaxed && p.paramsConvention === "total" ? undefined : counting.params,
    }).map((o) => ({
      flops: o.flops,
      params: o.params,
      tokens: o.tokens,
      width: o.width,
      depth: o.depth,
      loss: o.lossNats,
      atBoundary: o.atBoundary,
    }));
  return {
    kind: "prescriptions",
    variant: p.variant,
    forms: [
      { form: "eq1", method: "closed_form", flopsCounting: "C = 6ND", prescriptions: eq1 },
      { form: "eq2", method: "brute_force", flopsCounting: p.flopsCounter, prescriptions: brute("eq2") },
      { form: "eq3", method: "brute_force", flopsCounting: p.flopsCounter, prescriptions: brute("eq3") },
    ],
  };
}

/**
 * Returns the prescribe stage of `variant` (id `prescribe.<variant>`, or `prescribe_relaxed.<variant>` with
 * `relaxed: true`: the integer constraints removed, as the paper's Appendix D figures; depends on its three
 * Approach 3 fits).
 */
export function prescribeStage(
  variant: string,
  v: VariantSettings,
  overrides: Partial<typeof DEFAULT_PRESCRIBE> = {},
): Stage<PrescribeParams & Params> {
  const forms: LawForm[] = ["eq1", "eq2", "eq3"];
  return {
    name: "prescribe",
    id: stageId(overrides.relaxed ? "prescribe_relaxed" : "prescribe", variant),
    module: import.meta.url,
    deps: forms.map((f) => stageId(`approach3_${f}`, variant)),
    params: {
      variant,
      paramsConvention: v.paramsConvention,
      flopsCounter: v.flopsCounter,
      ...DEFAULT_PRESCRIBE,
      ...overrides,
    },
    inputs: [],
    outputs: ["prescriptions.json"],
    async run(ctx) {
      const laws = {
        eq1: await fittedLawOf(ctx.deps, variant, "eq1"),
        eq2: await fittedLawOf(ctx.deps, variant, "eq2"),
        eq3: await fittedLawOf(ctx.deps, variant, "eq3"),
      };
      await writeJson(ctx.outDir, "prescriptions.json", prescriptionsRecord(laws, ctx.params));
    },
  };
}
