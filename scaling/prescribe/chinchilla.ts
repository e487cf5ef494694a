/**
 * The closed-form compute-optimal allocation of a two-term law `L = E + A·N^−α + B·D^−β` under
 * `C = 6·N·D` (Hoffmann et al. 2022, Appendix D.2; seed 001 §3.0.4.2).
 * @module
 */
import { type AdditiveLaw, evaluateLaw } from "../law.ts";

/** The compute-optimal point of a Chinchilla-form law at one FLOP budget. */
export interface ChinchillaOptimum {
  /** The FLOP budget C. */
  readonly flops: number;
  /** G = (α·A / (β·B))^(1/(α+β)) (dimensionless scale between N and D). */
  readonly G: number;
  /** Exponent a = β/(α+β) of N_opt ∝ C^a. */
  readonly a: number;
  /** Exponent b = α/(α+β) of D_opt ∝ C^b. */
  readonly b: number;
  /** N_opt = G·(C/6)^a, parameters. */
  readonly paramsOpt: number;
  /** D_opt = G^−1·(C/6)^b, tokens. */
  readonly tokensOpt: number;
  /** Predicted loss at (N_opt, D_opt), nats per token. */
  readonly lossNats: number;
}

/** Returns the `params` and `tokens` terms of `law`; throws if either is missing or another term is present. */
export function chinchillaTerms(
  law: AdditiveLaw,
): { readonly A: number; readonly alpha: number; readonly B: number; readonly beta: number } {
  const params = law.terms.find((t) => t.variable === "params");
  const tokens = law.terms.find((t) => t.variable === "tokens");
  const other = law.terms.find((t) => t.variable !== "params" && t.variable !== "tokens");
  if (!params || !tokens || other) {
    throw new Error(
      `chinchillaOptimum: the law must have exactly the terms "params" and "tokens", got [${
        law.terms.map((t) => t.variable).join(", ")
      }]`,
    );
  }
  return { A: params.A, alpha: params.alpha, B: tokens.A, beta: tokens.alpha };
}

/**
 * Returns the compute-optimal parameters, tokens and loss of a `[params, tokens]` law at `flops` FLOPs
 * under `C = 6·N·D`: `N_opt = G·(C/6)^a`, `D_opt = G^−1·(C/6)^b`, `G = (αA/(βB))^(1/(α+β))`,
 * `a = β/(α+β)`, `b = α/(α+β)`. With CHINCHILLA_LAW (scaling/laws), a ≈ 0.452 and b ≈ 0.548.
 */
export function chinchillaOptimum(law: AdditiveLaw, flops: number): ChinchillaOptimum {
  if (!(flops > 0) || !Number.isFinite(flops)) {
    throw new Error(`chinchillaOptimum: flops must be > 0, got ${flops}`);
  }
  const { A, alpha, B, beta } = chinchillaTerms(law);
  const G = Math.pow((alpha * A) / (beta * B), 1 / (alpha + beta));
  const a = beta / (alpha + beta), b = alpha / (alpha + beta);
  const paramsOpt = G * Math.pow(flops / 6, a);
  const tokensOpt = Math.pow(flops / 6, b) / G;
  const lossNats = evaluateLaw(law, { params: paramsOpt, tokens: tokensOpt });
  return { flops, G, a, b, paramsOpt, tokensOpt, lossNats };
}
