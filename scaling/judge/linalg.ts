/**
 * Small dense symmetric linear algebra for judging fits (matrices of at most ~10 × 10): the cyclic
 * Jacobi eigen-decomposition, and the inverse through it.
 * @module
 */

/** Eigen-decomposition of a symmetric matrix: values ascending, vectors as columns (row-major n × n). */
export interface SymmetricEigen {
  /** Eigenvalues, ascending. */
  readonly values: Float64Array;
  /** Eigenvectors as columns: vectors[r·n + c] is component r of eigenvector c. */
  readonly vectors: Float64Array;
}

/** Returns the eigenvalues and eigenvectors of the symmetric n × n matrix `a` (row-major) by cyclic Jacobi. */
export function symmetricEigen(a: ArrayLike<number>, n: number): SymmetricEigen {
  if (a.length !== n * n) throw new Error(`symmetricEigen: expected ${n * n} entries, got ${a.length}`);
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, scale = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) i === j ? (scale += m[i * n + j] ** 2) : (off += m[i * n + j] ** 2);
    }
    if (off <= 1e-30 * scale || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (apq === 0) continue;
        const theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = m[k * n + p], akq = m[k * n + q];
          m[k * n + p] = c * akp - s * akq;
          m[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p * n + k], aqk = m[q * n + k];
          m[p * n + k] = c * apk - s * aqk;
          m[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p], vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => m[x * n + x] - m[y * n + y]);
  const values = Float64Array.from(order, (i) => m[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    for (let r = 0; r < n; r++) vectors[r * n + dst] = v[r * n + src];
  });
  return { values, vectors };
}

/** Returns the inverse of a symmetric positive-definite matrix from its eigen-decomposition (row-major n × n). */
export function inverseFromEigen(e: SymmetricEigen, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    const inv = 1 / e.values[c];
    for (let i = 0; i < n; i++) {
      const vi = e.vectors[i * n + c] * inv;
      for (let j = 0; j < n; j++) out[i * n + j] += vi * e.vectors[j * n + c];
    }
  }
  return out;
}
