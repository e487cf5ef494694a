/**
 * State-size scaling laws (seed 003): per architecture `L(S) = E + A·S^−α` and recall against S, over the
 * heat map `L(S, T) = E + A·T^κ·S^−α` with its iso-loss slope γ = κ/α, and S* ÷ N. Pure library entry point
 * (stages import the module they use, not this file).
 * @module
 */
export * from "./state_law.ts";
export * from "./context_law.ts";
export * from "./recall_law.ts";
export * from "./state_star.ts";
