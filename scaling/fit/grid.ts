/**
 * Starting points of Approach 3 in log-parameter space θ = [a_1, α_1, …, a_k, α_k, e].
 *
 * The "gemstones" grid is the full product α ∈ {0, 0.5, 1, 1.5, 2}, ln A ∈ {0, 5, 10, 15, 20, 25} per
 * variable and ln E ∈ {−1, −0.5, 0, 0.5, 1}: 30^k · 5 starts (4,500 for k = 2, 4,050,000 for k = 4).
 * Random and Latin-hypercube subsets draw from the box α ∈ [0, 2], ln A ∈ [0, 25], ln E ∈ [−1, 1].
 * @module
 */

import { seededRng } from "../../util/rng.ts";
import type { InitGrid } from "./types.ts";

/** α values of the Gemstones grid. */
export const GRID_ALPHAS: readonly number[] = [0, 0.5, 1, 1.5, 2];
/** ln A values of the Gemstones grid. */
export const GRID_LOG_A: readonly number[] = [0, 5, 10, 15, 20, 25];
/** ln E values of the Gemstones grid. */
export const GRID_LOG_E: readonly number[] = [-1, -0.5, 0, 0.5, 1];

/** A source of starting points: how many, and a function writing start `index` into `out`. */
export interface StartSource {
  /** Number of starts. */
  readonly count: number;
  /** Writes start `index` (0 <= index < count) into `out` (length 2k+1). */
  readonly write: (index: number, out: Float64Array) => void;
}

/** Returns the number of starts of the full Gemstones grid for k variables (30^k · 5). */
export function gemstonesGridSize(k: number): number {
  return Math.pow(GRID_ALPHAS.length * GRID_LOG_A.length, k) * GRID_LOG_E.length;
}

/** Returns the start source of `grid` for k variables (random/LHS points are drawn once, deterministically). */
export function gridStarts(grid: InitGrid, k: number): StartSource {
  const dim = 2 * k + 1;
  if (grid === "gemstones") {
    const per = GRID_ALPHAS.length * GRID_LOG_A.length;
    return {
      count: gemstonesGridSize(k),
      // Mixed radix, ln E fastest, then variable k's (ln A, α), …, variable 1's slowest.
      write(index, out) {
        let s = index;
        out[2 * k] = GRID_LOG_E[s % GRID_LOG_E.length];
        s = Math.floor(s / GRID_LOG_E.length);
        for (let i = k - 1; i >= 0; i--) {
          const c = s % per;
          s = Math.floor(s / per);
          out[2 * i] = GRID_LOG_A[Math.floor(c / GRID_ALPHAS.length)];
          out[2 * i + 1] = GRID_ALPHAS[c % GRID_ALPHAS.length];
        }
      },
    };
  }
  const starts = grid.starts;
  if (!(Number.isInteger(starts) && starts >= 1)) {
    throw new Error(`init grid: starts must be an integer >= 1, got ${starts}`);
  }
  const rng = seededRng(grid.seed);
  const lo = new Float64Array(dim), hi = new Float64Array(dim);
  for (let i = 0; i < k; i++) {
    hi[2 * i] = 25;
    hi[2 * i + 1] = 2;
  }
  lo[2 * k] = -1;
  hi[2 * k] = 1;
  const table = new Float64Array(starts * dim);
  if (grid.kind === "random") {
    for (let s = 0; s < starts; s++) {
      for (let j = 0; j < dim; j++) table[s * dim + j] = lo[j] + (hi[j] - lo[j]) * rng.next();
    }
  } else if (grid.kind === "lhs") {
    const perm = new Int32Array(starts);
    for (let j = 0; j < dim; j++) {
      for (let s = 0; s < starts; s++) perm[s] = s;
      for (let s = starts - 1; s > 0; s--) {
        const r = rng.int(s + 1);
        const tmp = perm[s];
        perm[s] = perm[r];
        perm[r] = tmp;
      }
      for (let s = 0; s < starts; s++) {
        table[s * dim + j] = lo[j] + (hi[j] - lo[j]) * (perm[s] + rng.next()) / starts;
      }
    }
  } else {
    throw new Error(
      `init grid: kind must be "random" or "lhs", got ${JSON.stringify((grid as { kind: unknown }).kind)}`,
    );
  }
  return {
    count: starts,
    write(index, out) {
      for (let j = 0; j < dim; j++) out[j] = table[index * dim + j];
    },
  };
}
