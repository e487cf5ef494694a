/**
 * The `prescribe.<variant>` stage: what the fitted laws prescribe at each FLOP budget, each by its
 * law form's prescription (scaling/laws). Eq. 1 by the closed form under C = 6ND (Hoffmann et al. Appendix D.2); Eq. 2 and Eq. 3 by brute force over model
 * shapes (integer, even head counts) with tokens = C / FLOPs-per-token(shape) under the variant's FLOP
 * counter and params counted by the variant's convention (seed 002 §4). Output: `prescriptions.json`.
 * @module
 */
import type { Params, Stage } from "../pipeline/stage.ts";
import { LAW_NAMES, LAW_SPECS } from "../scaling/laws/mod.ts";
import { countingOf, fittedLawOf, writeJson } from "./fit_common.ts";
import type { AdditiveLaw } from "../scaling/law.ts";
import { type LawForm, type PrescriptionsRecord, stageId } from "./schemas.ts";
import type { VariantSettings } from "./variants.ts";
import { logSpace } from "../scaling/logspace.ts";

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

/** Returns the prescriptions of the three laws at the budgets of `p` (each by its registry form's method). */
export function prescriptionsRecord(
  laws: Readonly<Record<LawForm, AdditiveLaw>>,
  p: PrescribeParams,
): PrescriptionsRecord {
  const budgets = prescribeBudgets(p);
  const counting = countingOf(p.paramsConvention, p.flopsCounter);
  const shapeCounting = {
    flopsCounter: p.flopsCounter,
    flopsPerToken: counting.flopsPerToken,
    params: p.relaxed && p.paramsConvention === "total" ? undefined : counting.params,
    relaxed: p.relaxed,
  };
  return {
    kind: "prescriptions",
    variant: p.variant,
    forms: LAW_NAMES.map((form) => {
      const r = LAW_SPECS[form].prescribe(laws[form], budgets, shapeCounting);
      return {
        form,
        method: r.method,
        flopsCounting: r.flopsCounting,
        prescriptions: r.optima.map((o) => ({
          flops: o.flops,
          params: o.params,
          tokens: o.tokens,
          width: o.width,
          depth: o.depth,
          loss: o.lossNats,
          atBoundary: o.atBoundary,
        })),
      };
    }),
  };
}

/** Returns the prescribe stage of `variant` (id `prescribe.<variant>`, depends on its three Approach 3 fits). */
export function prescribeStage(
  variant: string,
  v: VariantSettings,
  overrides: Partial<typeof DEFAULT_PRESCRIBE> = {},
): Stage<PrescribeParams & Params> {
  const forms = LAW_NAMES;
  return {
    name: "prescribe",
    id: stageId("prescribe", variant),
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
      const laws = {} as Record<LawForm, AdditiveLaw>;
      for (const form of forms) laws[form] = await fittedLawOf(ctx.deps, variant, form);
      await writeJson(ctx.outDir, "prescriptions.json", prescriptionsRecord(laws, ctx.params));
    },
  };
}
