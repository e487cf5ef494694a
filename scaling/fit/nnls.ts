/**
 * Non-negative least squares on the normal equations: minimise ½·cᵀGc − bᵀc subject to c ≥ 0 for a small
 * symmetric positive semi-definite Gram matrix G (m × m, m ≤ ~10) and right-hand side b (Lawson and
 * Hanson 1974, the active-set algorithm, on a Gram matrix scaled to unit diagonal). Used by the variable
 * projection search (projection.ts), where G = UᵀU and b = Uᵀy for the design U of a law's coefficients.
 * @module
 */

/** Reusable buffers of {@link nnlsGram} for systems of size m. */
export interface NnlsWorkspace {
  /** System size. */
  readonly m: number;
  /** Scaled Gram matrix (row-major m × m). */
  readonly g: Float64Array;
  /** Scaled right-hand side. */
  readonly b: Float64Array;
  /** Column scales 1/√G_ii. */
  readonly scale: Float64Array;
  /** Current solution (scaled). */
  readonly x: Float64Array;
  /** Unconstrained solution on the passive set. */
  readonly z: Float64Array;
  /** Cholesky factor of the passive block. */
  readonly chol: Float64Array;
  /** Passive set flags (1: free, 0: at zero). */
  readonly passive: Uint8Array;
  /** Indices excluded because adding them made the passive block singular. */
  readonly blocked: Uint8Array;
  /** Passive indices in order. */
  readonly order: Int32Array;
  /** Substitution buffer. */
  readonly y: Float64Array;
}

/** Returns buffers for {@link nnlsGram} on systems of size m. */
export function nnlsWorkspace(m: number): NnlsWorkspace {
  return {
    m,
    g: new Float64Array(m * m),
    b: new Float64Array(m),
    scale: new Float64Array(m),
    x: new Float64Array(m),
    z: new Float64Array(m),
    chol: new Float64Array(m * m),
    passive: new Uint8Array(m),
    blocked: new Uint8Array(m),
    order: new Int32Array(m),
    y: new Float64Array(m),
  };
}

/** Pivot below which (on the unit-diagonal scale) a passive block counts as singular. */
const SINGULAR = 1e-12;

/**
 * Solves G_PP z_P = b_P on the passive set by Cholesky (scaled system in `ws`); returns false when the
 * block is singular to SINGULAR.
 */
function solvePassive(ws: NnlsWorkspace): boolean {
  const { m, g, b, z, chol, passive, order, y } = ws;
  let p = 0;
  for (let i = 0; i < m; i++) if (passive[i]) order[p++] = i;
  for (let r = 0; r < p; r++) {
    for (let c = 0; c <= r; c++) {
      let s = g[order[r] * m + order[c]];
      for (let t = 0; t < c; t++) s -= chol[r * m + t] * chol[c * m + t];
      if (r === c) {
        if (!(s > SINGULAR)) return false;
        chol[r * m + r] = Math.sqrt(s);
      } else chol[r * m + c] = s / chol[c * m + c];
    }
  }
  z.fill(0);
  // Forward then backward substitution; z holds the passive entries in passive order first.
  for (let r = 0; r < p; r++) {
    let s = b[order[r]];
    for (let t = 0; t < r; t++) s -= chol[r * m + t] * y[t];
    y[r] = s / chol[r * m + r];
  }
  for (let r = p - 1; r >= 0; r--) {
    let s = y[r];
    for (let t = r + 1; t < p; t++) s -= chol[t * m + r] * y[t];
    y[r] = s / chol[r * m + r];
  }
  for (let r = 0; r < p; r++) z[order[r]] = y[r];
  return true;
}

/**
 * Minimises ½·cᵀGc − bᵀc over c ≥ 0 (G row-major m × m, symmetric positive semi-definite; every G_ii > 0)
 * and writes the minimiser into `out`. Columns are scaled to unit diagonal first, so the solution does not
 * depend on the columns' units. A column whose addition makes the free block singular (a copy of free
 * columns, e.g. an exponent-0 term beside the constant) stays at 0. Returns the number of free entries.
 */
export function nnlsGram(
  gram: ArrayLike<number>,
  rhs: ArrayLike<number>,
  out: Float64Array,
  ws: NnlsWorkspace = nnlsWorkspace(rhs.length),
): number {
  const { m, g, b, scale, x, z, passive, blocked } = ws;
  for (let i = 0; i < m; i++) {
    const d = gram[i * m + i];
    if (!(d > 0)) throw new Error(`nnlsGram: diagonal entry ${i} must be > 0, got ${d}`);
    scale[i] = 1 / Math.sqrt(d);
  }
  for (let i = 0; i < m; i++) {
    b[i] = rhs[i] * scale[i];
    for (let j = 0; j < m; j++) g[i * m + j] = gram[i * m + j] * scale[i] * scale[j];
  }
  x.fill(0);
  passive.fill(0);
  blocked.fill(0);
  let bMax = 1;
  for (let i = 0; i < m; i++) bMax = Math.max(bMax, Math.abs(b[i]));
  const tol = 1e-13 * bMax;
  for (let outer = 0; outer < 3 * m; outer++) {
    // Steepest descent direction w = b − Gx on the active (zero) set.
    let best = -1, bestW = tol;
    for (let i = 0; i < m; i++) {
      if (passive[i] || blocked[i]) continue;
      let w = b[i];
      for (let j = 0; j < m; j++) w -= g[i * m + j] * x[j];
      if (w > bestW) {
        bestW = w;
        best = i;
      }
    }
    if (best < 0) break;
    passive[best] = 1;
    if (!solvePassive(ws)) {
      passive[best] = 0;
      blocked[best] = 1;
      continue;
    }
    for (let inner = 0; inner < 3 * m; inner++) {
      let alpha = Infinity;
      for (let i = 0; i < m; i++) {
        if (passive[i] && z[i] <= 0) alpha = Math.min(alpha, x[i] / (x[i] - z[i]));
      }
      if (alpha === Infinity) break;
      for (let i = 0; i < m; i++) {
        if (!passive[i]) continue;
        x[i] += alpha * (z[i] - x[i]);
        if (x[i] <= 1e-300) {
          x[i] = 0;
          passive[i] = 0;
        }
      }
      if (!solvePassive(ws)) break;
    }
    for (let i = 0; i < m; i++) x[i] = passive[i] ? z[i] : 0;
  }
  let free = 0;
  for (let i = 0; i < m; i++) {
    out[i] = x[i] * scale[i];
    if (x[i] > 0) free++;
  }
  return free;
}
