/**
 * What a law form declares: its variables, its fit defaults (Huber delta, start grid, bootstrap),
 * its compute-optimal prescription, and how its prediction is evaluated. One file per form in this
 * folder implements {@link LawSpec}; stages, figures and `deno task fit` look a form up by name.
 * @module
 */
import type { AdditiveLaw } from "../law.ts";
import type { InitGrid, OptimumAllocation } from "../fit/types.ts";
import type { ShapeSpec } from "../count/shape.ts";

/** A column of a checkpoint that a law may use as a variable (params and tokens are counts, width/depth sizes). */
export type CheckpointVariable = "params" | "tokens" | "width" | "depth";

/** The numbers of one checkpoint a law form reads its variables from. */
export type Checkpoint = Readonly<Record<CheckpointVariable, number>>;

/** Default Approach 3 settings of a form: how the pipeline fits it unless told otherwise. */
export interface LawFitDefaults {
  /** Huber delta on ln-loss residuals (the variant's delta replaces it in the pipeline). */
  readonly huberDelta: number;
  /**
   * Start grid: the full Gemstones grid or a seeded random/LHS subset of its box; or "projection", the
   * variable projection search (scaling/fit/projection.ts: an exponent grid with the coefficients solved,
   * its best minima polished), which covers the exponents of the full grid without its starts.
   */
  readonly grid: InitGrid | "projection";
  /** Bootstrap resamples over runs (0 disables). */
  readonly bootstrapSamples: number;
  /** Bootstrap seed (any integer). */
  readonly bootstrapSeed: number;
  /** Random (LHS) starts per bootstrap resample besides the full-data optimum. */
  readonly bootstrapStarts: number;
  /** FLOP budgets of the N_opt/D_opt bootstrap intervals (empty unless the form has a closed-form `optimum`). */
  readonly budgets: readonly number[];
}

/** How a prescription counts a shape (the variant's conventions). */
export interface PrescribeCounting {
  /** Name of the FLOP counter (recorded in the prescription). */
  readonly flopsCounter: string;
  /** FLOPs per training token of a shape. */
  readonly flopsPerToken: (shape: ShapeSpec) => number;
  /** Parameter count of a shape (undefined: the library's default for the search). */
  readonly params?: (shape: ShapeSpec) => number;
  /** Continuous width and depth instead of integer head counts (seed 002 Appendix D). */
  readonly relaxed: boolean;
}

/** The compute-optimal configuration a law prescribes at one budget. */
export interface LawOptimum {
  /** Budget, FLOPs. */
  readonly flops: number;
  /** Optimal parameters. */
  readonly params: number;
  /** Optimal training tokens. */
  readonly tokens: number;
  /** Optimal width, or null for a law without shape variables. */
  readonly width: number | null;
  /** Optimal depth, or null. */
  readonly depth: number | null;
  /** Predicted loss, nats per token. */
  readonly lossNats: number;
  /** Whether a brute-force optimum lies on the edge of the searched shapes (null: closed form). */
  readonly atBoundary: boolean | null;
}

/** A form's prescription over budgets, with how it was computed. */
export interface LawPrescription {
  /** "closed_form" (an equation) or "brute_force" (a search over shapes). */
  readonly method: "closed_form" | "brute_force";
  /** How FLOPs were counted: "C = 6ND" or the FLOP counter's name. */
  readonly flopsCounting: string;
  /** One optimum per budget, in budget order. */
  readonly optima: readonly LawOptimum[];
}

/** One law form of the registry. */
export interface LawSpec {
  /** Registry name, e.g. "eq1" (used in stage ids `approach3_<name>.<variant>` and `deno task fit --law`). */
  readonly name: string;
  /** The law written out, e.g. "L(N, D) = E + A·N^−α + B·D^−β". */
  readonly equation: string;
  /** Where the form comes from (paper and equation). */
  readonly source: string;
  /** The variables, in term order (θ layout and record order). */
  readonly variables: readonly CheckpointVariable[];
  /** How the pipeline fits it by default. */
  readonly fit: LawFitDefaults;
  /** Closed-form compute optimum at a budget in FLOPs, when the form has one (used for bootstrap intervals). */
  readonly optimum?: (law: AdditiveLaw, flops: number) => OptimumAllocation;
  /** Returns the compute-optimal configurations of a fitted law at `budgets` (FLOPs). */
  readonly prescribe: (
    law: AdditiveLaw,
    budgets: readonly number[],
    counting: PrescribeCounting,
  ) => LawPrescription;
}
