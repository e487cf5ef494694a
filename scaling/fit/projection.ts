/**
 * Variable projection for Approach 3 (after Open-Athena's VPNLS): for fixed exponents α_1 … α_k the law
 * `L = E + Σ A_i x_i^(−α_i)` is linear in its coefficients (A_1 … A_k, E ≥ 0), so they have a cheap
 * near-optimal solution: non-negative least squares on the relative residuals (L − L̂)/L, the
 * linearisation of the log residual ln L − ln L̂ the Huber objective is taken of. An exhaustive grid over
 * the exponents (every α on [lo, hi] in steps of `step`, by default [0, 2] in 0.1 for four variables:
 * 21⁴ = 194,481 cells, the exponent range of the authors' 4,050,000-start grid, {0, 0.5, …, 2}, twenty
 * times finer; the polish is unbounded) solves the coefficients in every cell and scores the cell with
 * the fit's true objective (sum or mean of Huber_δ of ln residuals) at those coefficients. The lowest
 * grid-local minima (cells below their 2k axis neighbours) are then polished with L-BFGS on the true
 * objective in all 2k + 1 log-space parameters (screen.ts's polish), to the bottom of their basins.
 *
 * The cell objectives give the profile objective over the exponents for free (an upper bound of the
 * minimum over the coefficients, since least squares is not the Huber optimum); the report keeps its
 * minimum per exponent and per pair of exponents, the picture of how well the data identify them.
 *
 * Cost: the Gram matrix of a cell shares all entries but those of the innermost variable with its
 * neighbours, so a cell costs about k dot products of length n, a (k+1)×(k+1) NNLS and one log per point.
 * @module
 */

import type { RunRecord } from "./approach3.ts";
import { nnlsGram, nnlsWorkspace } from "./nnls.ts";
import type { LogData } from "./objective.ts";
import { polishCandidates, polishedSummary } from "./screen.ts";
import type { StartSummary } from "./approach3.ts";
import type {
  Approach3Settings,
  FitProgress,
  ProjectionOptions,
  ProjectionProfile,
  ProjectionReport,
  ProjectionSettings,
} from "./types.ts";

/** Default exponent range of the grid: [0, 2], the exponents of the authors' 4,050,000-start grid. */
export const PROJECTION_RANGE: readonly [number, number] = [0, 2];
/** Grid spacings tried, finest first, by the default step rule. */
export const PROJECTION_STEPS: readonly number[] = [0.02, 0.05, 0.1, 0.25];
/** Cells × points the default step rule allows (the finest step within it is taken). */
export const PROJECTION_BUDGET = 2e8;
/** Cells the default step rule allows whatever the points (each cell also costs a small NNLS solve). */
export const PROJECTION_MAX_CELLS = 200000;
/** Default number of grid-local minima polished. */
export const PROJECTION_CANDIDATES = 8;

/** Returns the number of exponent values of a grid on [lo, hi] with spacing `step`. */
function gridValues(lo: number, hi: number, step: number): number {
  return Math.round((hi - lo) / step) + 1;
}

/**
 * Returns the resolved projection settings of `options` for k variables and n points: the default step is
 * the finest of PROJECTION_STEPS with values^k ≤ PROJECTION_MAX_CELLS and values^k · n ≤ PROJECTION_BUDGET
 * (the coarsest if none is).
 */
export function projectionSettings(
  options: true | ProjectionOptions,
  k: number,
  n: number,
): ProjectionSettings {
  const o = options === true ? {} : options;
  const lo = o.lo ?? PROJECTION_RANGE[0], hi = o.hi ?? PROJECTION_RANGE[1];
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) {
    throw new Error(`fitApproach3: projection needs finite lo < hi, got lo ${lo}, hi ${hi}`);
  }
  let step = o.step;
  if (step === undefined) {
    step = PROJECTION_STEPS[PROJECTION_STEPS.length - 1];
    for (const s of PROJECTION_STEPS) {
      const cells = Math.pow(gridValues(lo, hi, s), k);
      if (cells <= PROJECTION_MAX_CELLS && cells * n <= PROJECTION_BUDGET) {
        step = s;
        break;
      }
    }
  }
  if (!(step > 0 && step <= hi - lo)) {
    throw new Error(`fitApproach3: projection.step must be in (0, hi − lo], got ${step}`);
  }
  const candidates = o.candidates ?? PROJECTION_CANDIDATES;
  if (!(Number.isInteger(candidates) && candidates >= 1)) {
    throw new Error(`fitApproach3: projection.candidates must be an integer >= 1, got ${candidates}`);
  }
  return {
    lo,
    hi,
    step,
    values: gridValues(lo, hi, step),
    candidates,
    polish: { rounds: 20, maxIterations: 20000, tolerance: 1e-14, relativeTolerance: 0 },
  };
}

/** Returns the exponent values of the grid (lo + i·step, the last exactly hi). */
export function projectionExponents(p: ProjectionSettings): number[] {
  // Rounded to 12 decimals, so that 0.1-steps read 0.3, not 0.30000000000000004.
  return Array.from(
    { length: p.values },
    (_, i) => (i === p.values - 1 ? p.hi : Number((p.lo + i * p.step).toFixed(12))),
  );
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let p = 0; p < a.length; p++) s += a[p] * b[p];
  return s;
}

/** The grid pass of a projection fit: every cell's objective and the columns to re-solve a cell. */
interface GridPass {
  /** Objective per cell, variable 1's exponent slowest. */
  readonly values: Float64Array;
  /** Solves cell `index`: returns its coefficients [A_1, …, A_k, E]. */
  readonly solve: (index: number) => Float64Array;
}

/** Evaluates every cell of the exponent grid (see the module doc). */
function gridPass(
  data: LogData,
  settings: Approach3Settings,
  p: ProjectionSettings,
  progress?: FitProgress,
): GridPass {
  const { k, n, lnX, lnLoss } = data;
  const G = p.values, m = k + 1;
  const alphas = projectionExponents(p);
  // Column u_i(p) = x_ip^(−α)/L_p of variable i at exponent g; the constant's column 1/L_p; target 1.
  const cols: Float64Array[] = [], self = new Float64Array(k * G), withE = new Float64Array(k * G);
  const sums = new Float64Array(k * G);
  const uE = new Float64Array(n);
  for (let q = 0; q < n; q++) uE[q] = Math.exp(-lnLoss[q]);
  for (let i = 0; i < k; i++) {
    for (let g = 0; g < G; g++) {
      const u = new Float64Array(n);
      for (let q = 0; q < n; q++) u[q] = Math.exp(-alphas[g] * lnX[q * k + i] - lnLoss[q]);
      cols.push(u);
      self[i * G + g] = dot(u, u);
      withE[i * G + g] = dot(u, uE);
      let s = 0;
      for (let q = 0; q < n; q++) s += u[q];
      sums[i * G + g] = s;
    }
  }
  const gram = new Float64Array(m * m), rhs = new Float64Array(m);
  gram[k * m + k] = dot(uE, uE);
  let sE = 0;
  for (let q = 0; q < n; q++) sE += uE[q];
  rhs[k] = sE;
  const cur: Float64Array[] = new Array(k).fill(uE);
  const c = new Float64Array(m), ws = nnlsWorkspace(m);
  const delta = settings.huberDelta, scale = settings.objective === "mean" ? 1 / n : 1;
  const cells = Math.pow(G, k);
  const values = new Float64Array(cells);
  const setColumn = (d: number, g: number) => {
    const u = cols[d * G + g];
    cur[d] = u;
    for (let j = 0; j < d; j++) gram[d * m + j] = gram[j * m + d] = dot(u, cur[j]);
    gram[d * m + d] = self[d * G + g];
    gram[d * m + k] = gram[k * m + d] = withE[d * G + g];
    rhs[d] = sums[d * G + g];
  };
  // A point outside the Huber band (|ln s| > δ, s = L̂/L) adds δ·(|ln s| − δ/2): the ratios above and
  // below 1 are multiplied into two running products, folded into logs every 64 points, so only points
  // inside the band cost a log each (as objective.ts does).
  const above = Math.exp(delta), below = Math.exp(-delta);
  const score = (): number => {
    nnlsGram(gram, rhs, c, ws);
    const cE = c[k];
    let inner = 0, logs = 0, hi = 1, lo = 1, outside = 0;
    const c0 = c[0], c1 = k > 1 ? c[1] : 0, c2 = k > 2 ? c[2] : 0, c3 = k > 3 ? c[3] : 0;
    const u0 = cur[0],
      u1 = cur[Math.min(1, k - 1)],
      u2 = cur[Math.min(2, k - 1)],
      u3 = cur[Math.min(3, k - 1)];
    for (let q = 0; q < n; q++) {
      let s: number;
      if (k === 4) s = cE * uE[q] + c0 * u0[q] + c1 * u1[q] + c2 * u2[q] + c3 * u3[q];
      else if (k === 2) s = cE * uE[q] + c0 * u0[q] + c1 * u1[q];
      else if (k === 3) s = cE * uE[q] + c0 * u0[q] + c1 * u1[q] + c2 * u2[q];
      else {
        s = cE * uE[q];
        for (let i = 0; i < k; i++) s += c[i] * cur[i][q];
      }
      if (s > above) {
        hi *= s;
        outside++;
      } else if (s < below) {
        if (!(s > 0)) return Infinity;
        lo *= s;
        outside++;
      } else if (s > 0) {
        const r = Math.log(s);
        inner += 0.5 * r * r;
      } else return Infinity;
      if ((q & 63) === 63) {
        logs += Math.log(hi) - Math.log(lo);
        hi = lo = 1;
      }
    }
    logs += Math.log(hi) - Math.log(lo);
    return (inner + delta * logs - outside * delta * 0.5 * delta) * scale;
  };
  const every = Math.max(1, Math.floor(cells / 200));
  let done = 0;
  const descend = (d: number, offset: number): void => {
    for (let g = 0; g < G; g++) {
      setColumn(d, g);
      const index = offset * G + g;
      if (d < k - 1) {
        descend(d + 1, index);
        continue;
      }
      values[index] = score();
      if (progress !== undefined && ++done % every === 0) progress("grid", done, cells);
    }
  };
  descend(0, 0);
  const solve = (index: number): Float64Array => {
    let s = index;
    const gs = new Array<number>(k);
    for (let d = k - 1; d >= 0; d--) {
      gs[d] = s % G;
      s = Math.floor(s / G);
    }
    for (let d = 0; d < k; d++) setColumn(d, gs[d]);
    const out = new Float64Array(m);
    nnlsGram(gram, rhs, out, ws);
    return out;
  };
  return { values, solve };
}

/** Returns the indices of the cells lower than each axis neighbour (ties: the lower index wins), by (value, index). */
function localMinima(values: Float64Array, G: number, k: number): number[] {
  const out: number[] = [];
  const strides = Array.from({ length: k }, (_, d) => Math.pow(G, k - 1 - d));
  for (let index = 0; index < values.length; index++) {
    const v = values[index];
    if (!Number.isFinite(v)) continue;
    let min = true;
    for (let d = 0; d < k && min; d++) {
      const g = Math.floor(index / strides[d]) % G;
      for (const step of [-1, 1]) {
        if (g + step < 0 || g + step >= G) continue;
        const nb = index + step * strides[d], w = values[nb];
        if (w < v || (w === v && nb < index)) {
          min = false;
          break;
        }
      }
    }
    if (min) out.push(index);
  }
  return out.sort((a, b) => values[a] - values[b] || a - b);
}

/** Returns the profile of the cell objectives: minima per exponent and per pair of exponents. */
function profileOf(
  values: Float64Array,
  G: number,
  variables: readonly string[],
  exponents: readonly number[],
): ProjectionProfile {
  const k = variables.length;
  const marginal = Array.from({ length: k }, () => new Array<number>(G).fill(Infinity));
  const pairs: { variables: [string, string]; values: number[] }[] = [];
  const pairIndex: [number, number][] = [];
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      pairs.push({
        variables: [variables[i], variables[j]],
        values: new Array<number>(G * G).fill(Infinity),
      });
      pairIndex.push([i, j]);
    }
  }
  const g = new Array<number>(k);
  for (let index = 0; index < values.length; index++) {
    const v = values[index];
    let s = index;
    for (let d = k - 1; d >= 0; d--) {
      g[d] = s % G;
      s = Math.floor(s / G);
    }
    for (let d = 0; d < k; d++) if (v < marginal[d][g[d]]) marginal[d][g[d]] = v;
    for (let t = 0; t < pairs.length; t++) {
      const at = g[pairIndex[t][0]] * G + g[pairIndex[t][1]];
      if (v < pairs[t].values[at]) pairs[t].values[at] = v;
    }
  }
  return { exponents: [...exponents], marginal, pairs };
}

/** What a projection search returns to `fitApproach3`: the polished summary, the report and the cell count. */
export interface ProjectionResult {
  /** Summary of the polished candidates, for `finishApproach3`. */
  readonly summary: StartSummary;
  /** The search's report. */
  readonly report: ProjectionReport;
  /** Cells of the grid (the fit's `starts`). */
  readonly cells: number;
}

/**
 * Runs the variable projection search of a fit with `settings.projection` on prepared data; returns the
 * summary of the polished candidates (for `finishApproach3`) and the report.
 */
export function runProjection(
  data: LogData,
  settings: Approach3Settings,
  variables: readonly string[],
  nearThreshold: (best: number) => number,
  progress?: FitProgress,
): ProjectionResult {
  const p = settings.projection;
  if (p === undefined) throw new Error("runProjection: the settings have no projection");
  const { k, n, lnX, lnLoss } = data;
  const G = p.values;
  const exponents = projectionExponents(p);
  const pass = gridPass(data, settings, p, progress);
  const minima = localMinima(pass.values, G, k);
  const chosen = minima.slice(0, p.candidates);
  // Log-space floors for coefficients the NNLS set to 0: the term stays below 1e-10 of the smallest loss.
  let minLnLoss = Infinity;
  for (let q = 0; q < n; q++) minLnLoss = Math.min(minLnLoss, lnLoss[q]);
  const minLnX = new Array<number>(k).fill(Infinity);
  for (let q = 0; q < n; q++) for (let i = 0; i < k; i++) minLnX[i] = Math.min(minLnX[i], lnX[q * k + i]);
  const floor = Math.log(1e-10) + minLnLoss;
  const kept: RunRecord[] = chosen.map((index) => {
    const c = pass.solve(index);
    const theta: number[] = [];
    let s = index;
    const gs = new Array<number>(k);
    for (let d = k - 1; d >= 0; d--) {
      gs[d] = s % G;
      s = Math.floor(s / G);
    }
    for (let i = 0; i < k; i++) {
      const alpha = exponents[gs[i]];
      theta.push(c[i] > 0 ? Math.log(c[i]) : floor + alpha * minLnX[i], alpha);
    }
    theta.push(c[k] > 0 ? Math.log(c[k]) : floor);
    return { objective: Infinity, index, theta, gradientNorm: NaN };
  });
  const onPolished = progress && ((done: number) => progress("polish", done, kept.length));
  const { polished, iterations } = polishCandidates(data, settings, p.polish, kept, onPolished);
  const { summary, atBest } = polishedSummary(polished, nearThreshold);
  let finite = 0;
  for (const v of pass.values) if (Number.isFinite(v)) finite++;
  const best = polished.length > 0 ? polished[0] : null;
  const bestCell = best === null ? [] : kept[best.rank].theta.filter((_, j) => j % 2 === 1 && j < 2 * k);
  const report: ProjectionReport = {
    cells: pass.values.length,
    finite,
    localMinima: minima.length,
    polished: polished.length,
    atBest,
    bestCandidateRank: best === null ? -1 : best.rank,
    bestCell,
    bestCellObjective: minima.length > 0 ? pass.values[minima[0]] : NaN,
    polishIterations: iterations,
    profile: profileOf(pass.values, G, variables, exponents),
  };
  return { summary, report, cells: pass.values.length };
}
