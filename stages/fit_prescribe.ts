/**
 * The `prescribe.<variant>` stage: what the fitted laws prescribe at each FLOP budget, each by its
 * law form's prescription (scaling/laws). Eq. 1 by the closed form under C = 6ND (Hoffmann et al. Appendix D.2); Eq. 2 and Eq. 3 by brute force over model
 * shapes (integer, even head counts) with tokens = C / FLOPs-per-token(shape) under the variant's FLOP
 * counter and params counted by the variant's convention (seed 002 §4). Output: `prescriptions.json`.
 * @module
 */
import type { Params, Stage } from "../pipeline/stage.ts";
import { LAW_NAMES, LAW_SPECS } from "../scaling/laws/registry.ts";
import { countingOf } from "../scaling/count/conventions.ts";
import { fittedLawOf, writeJson } from "./fit_common.ts";
import type { AdditiveLaw } from "../scaling/law.ts";
import {
  type AuthorsPrescriptions,
  type LawForm,
  type PrescriptionsRecord,
  stageId,
} from "../records/schemas.ts";
import { AUTHORS_PARAMETER_DIRS } from "../records/importers/authors_parameters.ts";
import { authorsLawOnOurs } from "./authors_law.ts";
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
  /** The law forms prescribed (the stage depends on exactly these fits). */
  forms: LawForm[];
  /** Form -> repository path of the authors' stored fit of the same subset, prescribed beside ours. */
  authorsLaws: { [form: string]: string };
};

/** Default prescription budgets: 1e18 to 1e26 FLOPs, 2 per decade, integer heads. */
export const DEFAULT_PRESCRIBE: Omit<PrescribeParams, "variant" | "paramsConvention" | "flopsCounter"> = {
  minFlops: 1e18,
  maxFlops: 1e26,
  perDecade: 2,
  relaxed: false,
  forms: [...LAW_NAMES],
  authorsLaws: {},
};

/** Returns the budgets (FLOPs) of prescribe parameters. */
export function prescribeBudgets(p: Pick<PrescribeParams, "minFlops" | "maxFlops" | "perDecade">): number[] {
  const n = Math.round(Math.log10(p.maxFlops / p.minFlops) * p.perDecade) + 1;
  return logSpace(p.minFlops, p.maxFlops, Math.max(2, n));
}

/** Returns the prescriptions of the laws of `p.forms` at the budgets of `p`; throws naming a missing law. */
export function prescriptionsRecord(
  laws: Readonly<Partial<Record<LawForm, AdditiveLaw>>>,
  p: Omit<PrescribeParams, "authorsLaws">,
): PrescriptionsRecord {
  const law = (form: LawForm): AdditiveLaw => {
    const l = laws[form];
    if (l === undefined) throw new Error(`prescribe ${p.variant}: no ${form} law given`);
    return l;
  };
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
    forms: p.forms.map((form) => {
      const r = LAW_SPECS[form].prescribe(law(form), budgets, shapeCounting);
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

/**
 * Returns the prescriptions of the authors' stored fits named in `p.authorsLaws` (those whose file exists
 * under `root`), each prescribed exactly as our law of that form, with both objectives and the largest
 * exponent difference.
 */
async function authorsPrescriptions(
  p: PrescribeParams,
  root: string,
  deps: Readonly<Record<string, string>>,
): Promise<AuthorsPrescriptions[]> {
  const out: AuthorsPrescriptions[] = [];
  for (const [form, path] of Object.entries(p.authorsLaws) as [LawForm, string][]) {
    if (!p.forms.includes(form)) continue;
    const theirs = await authorsLawOnOurs(path, root, deps, p.variant, form);
    if (theirs === null) continue;
    const prescribed = prescriptionsRecord({ [form]: theirs.law }, { ...p, forms: [form] }).forms[0];
    out.push({ form, ...theirs.beside, prescriptions: prescribed.prescriptions });
  }
  return out;
}

/**
 * Returns the prescribe stage of `variant` (id `prescribe.<variant>`, or `prescribe_relaxed.<variant>` with
 * `relaxed: true`: the integer constraints removed, as the paper's Appendix D figures; depends on the
 * Approach 3 fits of its `forms`, default all three).
 */
export function prescribeStage(
  variant: string,
  v: VariantSettings,
  overrides: Partial<typeof DEFAULT_PRESCRIBE> = {},
): Stage<PrescribeParams & Params> {
  const params = {
    variant,
    paramsConvention: v.paramsConvention,
    flopsCounter: v.flopsCounter,
    ...DEFAULT_PRESCRIBE,
    ...overrides,
  };
  return {
    name: "prescribe",
    id: stageId(overrides.relaxed ? "prescribe_relaxed" : "prescribe", variant),
    module: import.meta.url,
    deps: params.forms.map((f) => stageId(`approach3_${f}`, variant)),
    params: { ...params, forms: [...params.forms] },
    // The authors' stored fits it prescribes beside ours are read from the repository.
    inputs: Object.keys(params.authorsLaws).length > 0 ? [...AUTHORS_PARAMETER_DIRS] : [],
    outputs: ["prescriptions.json"],
    async run(ctx) {
      const laws: Partial<Record<LawForm, AdditiveLaw>> = {};
      for (const f of ctx.params.forms) laws[f] = await fittedLawOf(ctx.deps, variant, f);
      const record = prescriptionsRecord(laws, ctx.params);
      const authors = await authorsPrescriptions(ctx.params, ctx.root, ctx.deps);
      await writeJson(ctx.outDir, "prescriptions.json", authors.length > 0 ? { ...record, authors } : record);
    },
  };
}
