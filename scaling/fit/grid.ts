/**
 * Starting points of Approach 3 in log-parameter space θ = [a_1, α_1, …, a_k, α_k, e].
 *
 * The "gemstones" grid is the full product α ∈ {0, 0.5, 1, 1.5, 2}, ln A ∈ {0, 5, 10, 15, 20, 25} per
 * variable and ln E ∈ {−1, −0.5, 0, 0.5, 1}: 30^k · 5 starts (4,500 for k = 2, 4,050,000 for k = 4).
 * Random and Latin-hypercube subsets draw from the box α ∈ [0, 2], ln A ∈ [0, 25], ln E ∈ [−1, 1].
 * The "subdivided" grid is that of the authors' grid-size study (Gemstones Figure 20): evenly spaced
 * exponents on [0, 2.5], ln A on [0, 30], ln E on [−1, 1.5], as many subdivisions as reach a target size.
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

/** Subdivisions of the "subdivided" grid: exponent, coefficient and ln E values, and the grid's size. */
export interface SubdividedShape {
  /** Number of exponent values per variable (on [0, 2.5]). */
  readonly exponents: number;
  /** Number of ln A values per variable (on [0, 30]). */
  readonly coefficients: number;
  /** Number of ln E values (on [−1, 1.5]). */
  readonly errors: number;
  /** exponents^k · coefficients^k · errors. */
  readonly size: number;
}

/**
 * Returns the subdivisions whose grid size e^k·c^k·r is nearest `target` (first found wins a tie, looping
 * e, then c, then r upward), each searched within 2 of round(target^(1/(2k+1))) and inside [3, 10]: the
 * rule of the authors' grid-size study.
 */
export function subdividedGridShape(target: number, k: number): SubdividedShape {
  if (!(Number.isInteger(target) && target >= 1)) {
    throw new Error(`subdivided grid: target must be an integer >= 1, got ${target}`);
  }
  const centre = Math.round(Math.pow(target, 1 / (2 * k + 1)));
  const lo = Math.max(3, centre - 2), hi = Math.min(10, centre + 2);
  let best: SubdividedShape | null = null, bestDiff = Infinity;
  for (let e = lo; e <= hi; e++) {
    for (let c = lo; c <= hi; c++) {
      for (let r = lo; r <= hi; r++) {
        const size = Math.pow(e, k) * Math.pow(c, k) * r;
        if (Math.abs(size - target) < bestDiff) {
          bestDiff = Math.abs(size - target);
          best = { exponents: e, coefficients: c, errors: r, size };
        }
      }
    }
  }
  if (best === null) throw new Error(`subdivided grid: no subdivisions for target ${target}`);
  return best;
}

/** n evenly spaced values from a to b inclusive (numpy's linspace). */
function linspace(a: number, b: number, n: number): number[] {
  if (n === 1) return [a];
  const step = (b - a) / (n - 1);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? b : a + i * step));
}

/** Returns the start source of `grid` for k variables (random/LHS points are drawn once, deterministically). */
export function gridStarts(grid: InitGrid, k: number): StartSource {
  const dim = 2 * k + 1;
  if (grid !== "gemstones" && grid.kind === "subdivided") {
    const shape = subdividedGridShape(grid.target, k);
    const alphas = linspace(0, 2.5, shape.exponents), logA = linspace(0, 30, shape.coefficients);
    const logE = linspace(-1, 1.5, shape.errors);
    return {
      count: shape.size,
      // The authors' product order: ln E fastest, then ln A of variable k, …, 1, then α of variable k, …, 1.
      write(index, out) {
        let s = index;
        out[2 * k] = logE[s % logE.length];
        s = Math.floor(s / logE.length);
        for (let i = k - 1; i >= 0; i--) {
          out[2 * i] = logA[s % logA.length];
          s = Math.floor(s / logA.length);
        }
        for (let i = k - 1; i >= 0; i--) {
          out[2 * i + 1] = alphas[s % alphas.length];
          s = Math.floor(s / alphas.length);
        }
      },
    };
  }
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

/**
 * Returns the starts of a fit: `extraStarts` (each of length 2k+1, e.g. a bootstrap's full-data optimum)
 * first, then the starts of `grid`. Writing an extra start of another length throws, naming its index.
 */
export function fitStarts(
  grid: InitGrid,
  k: number,
  extraStarts: readonly (readonly number[])[],
): StartSource {
  const source = gridStarts(grid, k);
  const dim = 2 * k + 1;
  return {
    count: extraStarts.length + source.count,
    write(index, out) {
      if (index >= extraStarts.length) return source.write(index - extraStarts.length, out);
      const e = extraStarts[index];
      if (e.length !== dim) {
        throw new Error(`fitApproach3: extra start ${index} has length ${e.length}, expected ${dim}`);
      }
      out.set(e);
    },
  };
}
