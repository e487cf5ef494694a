/**
 * The published laws the paper compares against: Hoffmann et al.'s Chinchilla fit (Approach 3), the
 * Epoch AI replication of it (Besiroglu et al. 2024), and Kaplan et al.'s prescription as plotted by
 * Porian et al. 2024; each as a law and as compute-optimal power laws N_opt(C), D_opt(C).
 * @module
 */
import type { AdditiveLaw } from "../law.ts";
import { chinchillaOptimum } from "../prescribe/chinchilla.ts";
import type { PowerLaw } from "./power.ts";

/** Chinchilla's published Approach 3 fit (Hoffmann et al. 2022; seed 001 eq. 63): E=1.69, A=406.4, B=410.7, α=0.34, β=0.28. */
export const CHINCHILLA_LAW: AdditiveLaw = {
  E: 1.69,
  terms: [
    { variable: "params", A: 406.4, alpha: 0.34 },
    { variable: "tokens", A: 410.7, alpha: 0.28 },
  ],
};

/** The Epoch AI replication of Chinchilla's Approach 3 (Besiroglu et al. 2024): E=1.8172, A=482.01, B=2085.43, α=0.3478, β=0.3658. */
export const EPOCH_LAW: AdditiveLaw = {
  E: 1.8172,
  terms: [
    { variable: "params", A: 482.00572, alpha: 0.3478 },
    { variable: "tokens", A: 2085.4342, alpha: 0.3658 },
  ],
};

/** FLOPs in one petaFLOP/s-day: 1e15 · 86400 = 8.64e19. */
export const PF_DAY_FLOPS = 1e15 * 24 * 3600;

/** Kaplan et al. 2020's N_opt(C) as plotted by Porian et al. 2024: 1.6e9 parameters · (C / 1 PF-day)^0.88. */
export const KAPLAN_PARAMS: PowerLaw = { k: 1.6e9 * Math.pow(PF_DAY_FLOPS, -0.88), exponent: 0.88 };

/** A published compute-optimal prescription: N_opt(C) and D_opt(C) as power laws of FLOPs. */
export interface ReferencePrescription {
  /** Label in legends. */
  readonly label: string;
  /** Where the coefficients come from. */
  readonly source: string;
  /** N_opt(C), parameters per FLOPs^exponent. */
  readonly params: PowerLaw;
  /** D_opt(C), tokens per FLOPs^exponent. */
  readonly tokens: PowerLaw;
}

/**
 * Returns N_opt(C) and D_opt(C) as power laws of FLOPs for the Chinchilla-form law `E + A N^-α + B D^-β`
 * under C = 6ND (Hoffmann et al. eq. 4, via scaling/prescribe `chinchillaOptimum`): exponents
 * a = β/(α+β) and b = α/(α+β), coefficients the optimum at C = 1 FLOP (E plays no part).
 */
export function chinchillaClosedForm(
  A: number,
  alpha: number,
  B: number,
  beta: number,
): { params: PowerLaw; tokens: PowerLaw } {
  const law: AdditiveLaw = {
    E: 0,
    terms: [{ variable: "params", A, alpha }, { variable: "tokens", A: B, alpha: beta }],
  };
  const o = chinchillaOptimum(law, 1);
  return { params: { k: o.paramsOpt, exponent: o.a }, tokens: { k: o.tokensOpt, exponent: o.b } };
}

/** Returns N_opt(C), D_opt(C) of a `[params, tokens]` law under C = 6ND (see {@link chinchillaClosedForm}). */
export function closedFormOf(law: AdditiveLaw): { params: PowerLaw; tokens: PowerLaw } {
  const [p, t] = ["params", "tokens"].map((v) => {
    const term = law.terms.find((x) => x.variable === v);
    if (term === undefined) throw new Error(`closedFormOf: the law has no "${v}" term`);
    return term;
  });
  return chinchillaClosedForm(p.A, p.alpha, t.A, t.alpha);
}

/** Returns the prescriptions the paper overlays: Hoffmann (Chinchilla Approach 3), Epoch, Kaplan (D = C / 6N). */
export function referencePrescriptions(): ReferencePrescription[] {
  return [
    {
      label: "Chinchilla (Hoffmann)",
      source: "Hoffmann et al. 2022, Approach 3",
      ...closedFormOf(CHINCHILLA_LAW),
    },
    { label: "Chinchilla (Epoch replication)", source: "Besiroglu et al. 2024", ...closedFormOf(EPOCH_LAW) },
    {
      label: "Kaplan",
      source: "Kaplan et al. 2020 via Porian et al. 2024",
      params: KAPLAN_PARAMS,
      tokens: { k: 1 / (6 * KAPLAN_PARAMS.k), exponent: 1 - KAPLAN_PARAMS.exponent },
    },
  ];
}
