/**
 * Fixed-exponent compute-optimal laws `N_opt = k_N · C^a`, `D_opt = k_D · C^b` (seed 000 eq. 2) with the
 * exponents given (Chinchilla Approach 1: a = b = 0.50; Approach 2: a = 0.49, b = 0.51) and the
 * coefficients fitted by least squares in linear space.
 * @module
 */

/**
 * Returns the least-squares coefficient k of `y ≈ k · x^m` in linear space (closed form
 * `k = Σ y·x^m / Σ x^(2m)`). Throws if the arrays differ in length, are empty or hold a non-finite value.
 */
export function fitPowerCoefficient(x: readonly number[], y: readonly number[], exponent: number): number {
  if (x.length !== y.length) {
    throw new Error(`fitPowerCoefficient: ${x.length} x values but ${y.length} y values`);
  }
  if (x.length === 0) throw new Error("fitPowerCoefficient: no data");
  let num = 0, den = 0;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) {
      throw new Error(`fitPowerCoefficient: non-finite value at index ${i} (x=${x[i]}, y=${y[i]})`);
    }
    const xm = Math.pow(x[i], exponent);
    num += y[i] * xm;
    den += xm * xm;
  }
  return num / den;
}

/** A fixed-exponent compute-optimal law. */
export interface FixedExponentLaw {
  /** Coefficient k_N (parameters per FLOP^a). */
  readonly kN: number;
  /** Exponent a of the optimal parameter count. */
  readonly a: number;
  /** Coefficient k_D (tokens per FLOP^b). */
  readonly kD: number;
  /** Exponent b of the optimal token count. */
  readonly b: number;
}

/**
 * Returns the law fitted to compute-optimal estimates (FLOPs, parameters, tokens) with exponents a and b
 * given (seed 000 `fit_scaling_law`).
 */
export function fitFixedExponentLaw(
  flops: readonly number[],
  params: readonly number[],
  tokens: readonly number[],
  a: number,
  b: number,
): FixedExponentLaw {
  return { kN: fitPowerCoefficient(flops, params, a), a, kD: fitPowerCoefficient(flops, tokens, b), b };
}

/** Returns the compute-optimal parameter count `k_N · C^a` at `flops` FLOPs. */
export function fixedExponentParams(law: FixedExponentLaw, flops: number): number {
  return law.kN * Math.pow(flops, law.a);
}

/** Returns the compute-optimal number of training tokens `k_D · C^b` at `flops` FLOPs. */
export function fixedExponentTokens(law: FixedExponentLaw, flops: number): number {
  return law.kD * Math.pow(flops, law.b);
}

/**
 * Returns the law as seed 000 prints it, two lines:
 * `N_opt = 0.0877 * C ** 0.50` and `D_opt = 1.8960 * C ** 0.50`.
 */
export function formatFixedExponentLaw(law: FixedExponentLaw): string {
  return `N_opt = ${law.kN.toFixed(4)} * C ** ${law.a.toFixed(2)}\nD_opt = ${law.kD.toFixed(4)} * C ** ${
    law.b.toFixed(2)
  }`;
}

/** One of seed 000's laws as it prints them: which Chinchilla approach, and the law rounded as printed. */
export interface PublishedFixedExponentLaw {
  /** Chinchilla approach whose estimates and exponents it uses (1: Table 3, a = b = 0.50; 2: Table A3). */
  readonly approach: 1 | 2;
  /** The law, coefficients to the 4 decimals seed 000 prints. */
  readonly law: FixedExponentLaw;
}

/**
 * The laws seed 000 prints (`print(scaling_law_1)`, `print(scaling_law_2)`): N_opt = 0.0877·C^0.50,
 * D_opt = 1.8960·C^0.50 (Approach 1) and N_opt = 0.1448·C^0.49, D_opt = 1.1519·C^0.51 (Approach 2),
 * N in parameters, D in tokens, C in FLOPs. Their exponents are the ones a fit of our own must use.
 */
export const SEED000_LAWS: readonly PublishedFixedExponentLaw[] = [
  { approach: 1, law: { kN: 0.0877, a: 0.5, kD: 1.896, b: 0.5 } },
  { approach: 2, law: { kN: 0.1448, a: 0.49, kD: 1.1519, b: 0.51 } },
];
