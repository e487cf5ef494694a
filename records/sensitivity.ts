/**
 * The records of the two sensitivity stages (stages/sensitivity.ts): `grid_size_study.json` (Gemstones
 * Figure 20) and `sensitivity.<variant>/sensitivity.json` (the tornado), read by the report.
 * @module
 */
import type { AUTHORS_OPTIMISER, GridSizePoint, SensitivityResult } from "../scaling/fit/sensitivity.ts";

/** The authors' stored Eq. 1 fit of one delta (their main 4,500-start grid, scipy). */
export interface PublishedGridFit {
  /** Huber delta. */
  readonly delta: number;
  /** Their objective. */
  readonly objective: number;
  /** α (params) and β (tokens). */
  readonly alpha: number;
  readonly beta: number;
  /** α / (α + β). */
  readonly ratio: number;
}

/** `grid_size_study/grid_size_study.json`. */
export interface GridSizeStudyRecord {
  readonly kind: "grid_size_study";
  /** Subset fitted and its number of rows. */
  readonly subset: string;
  readonly rows: number;
  /** The optimiser settings every fit used (the authors'). */
  readonly optimiser: typeof AUTHORS_OPTIMISER;
  /** One point per (delta, grid size), delta-major in the order of the parameters. */
  readonly points: readonly GridSizePoint[];
  /** The authors' stored fits of the same subset, one per delta (empty for a delta they did not store). */
  readonly published: readonly PublishedGridFit[];
}

/** An alternative of the tornado left out because it does not apply to the variant's data. */
export interface SkippedCase {
  /** The choice ("token cut-off"). */
  readonly choice: string;
  /** The alternative, in words (e.g. "tokens ≤ 6.0e+10"). */
  readonly option: string;
  /** Why it was left out. */
  readonly reason: string;
}

/** `sensitivity.<variant>/sensitivity.json`. */
export interface SensitivityRecord {
  readonly kind: "sensitivity";
  readonly variant: string;
  /** The law refitted. */
  readonly form: "eq1";
  /** Budget, FLOPs. */
  readonly flops: number;
  /** The baseline first, then one result per alternative. */
  readonly results: readonly SensitivityResult[];
  /** Alternatives left out (present only when any was: e.g. a token cut-off no checkpoint of the variant passes). */
  readonly skipped?: readonly SkippedCase[];
}
