/**
 * The parameter-matrix products of a training step, recorded through a `MatmulTuner` for `rows` rows
 * (B·T tokens): `y = x·W`, `dW = xᵀ·dy`, `dx (+)= dy·Wᵀ` of one weight at its arena offset, and the
 * multi-product forms the fused plan uses (projections of one input side by side, weight gradients of one
 * input side by side, input gradients summed over projections in the separate products' order). Sizes are
 * in floats.
 * @module
 */
import type { Dispatch } from "./context.ts";
import type { MatmulEpilogue } from "./matmul.ts";
import type { BoundBlock } from "./state.ts";
import type { MatmulTuner } from "./tuner.ts";

/** One projection of a shared input: weight `wt`, output `y` of `n` columns. */
export interface Projection {
  /** The weight `[k, n]`. */
  readonly wt: BoundBlock;
  /** The output `[rows, n]`. */
  readonly y: GPUBuffer;
  /** Output columns. */
  readonly n: number;
}

/** One weight gradient of a shared input: `gw = xᵀ·dy`, `dy` of `n` columns. */
export interface WeightGradient {
  /** The output gradient `[rows, n]`. */
  readonly dy: GPUBuffer;
  /** The weight gradient `[m, n]`. */
  readonly gw: BoundBlock;
  /** Columns of `dy`. */
  readonly n: number;
}

/** One term of a summed input gradient: `dy·Wᵀ`, `dy` of `k` columns. */
export interface InputGradientTerm {
  /** The output gradient `[rows, k]`. */
  readonly dy: GPUBuffer;
  /** The weight `[n, k]`. */
  readonly wt: BoundBlock;
  /** Columns of `dy`. */
  readonly k: number;
}

/** The products of a step on `rows` rows; see the module doc. */
export interface StepProducts {
  /** `y = x·W` (`[rows, k]·[k, n]`), or with an epilogue (the residual add). */
  forward(
    x: GPUBuffer,
    wt: BoundBlock,
    y: GPUBuffer,
    n: number,
    k: number,
    epilogue?: MatmulEpilogue,
  ): Dispatch[];
  /** `y += x·W`. */
  forwardAccumulate(x: GPUBuffer, wt: BoundBlock, y: GPUBuffer, n: number, k: number): Dispatch[];
  /** `dW = xᵀ·dy` (`[m, rows]·[rows, n]`) into the gradient block `gw`. */
  weightGrad(x: GPUBuffer, dy: GPUBuffer, gw: BoundBlock, m: number, n: number): Dispatch[];
  /**
   * `dx = dy·Wᵀ` (`[rows, k]·[k, n]`), `dx += dy·Wᵀ` with `accumulate`, or with an epilogue (the GEGLU
   * backward) instead.
   */
  inputGrad(
    dy: GPUBuffer,
    wt: BoundBlock,
    dx: GPUBuffer,
    n: number,
    k: number,
    how?: { readonly accumulate: boolean } | { readonly epilogue: MatmulEpilogue },
  ): Dispatch[];
  /** The projections of `x` (`k` columns) side by side (`MatmulTuner.recordMulti`, "grouped"). */
  forwardAll(x: GPUBuffer, ps: readonly Projection[], k: number): Dispatch[];
  /** `h = GEGLU(x·Wgate, x·Wup)`, gate and up kept ("geglu" pair). */
  forwardGeglu(x: GPUBuffer, gate: Projection, up: Projection, h: GPUBuffer, k: number): Dispatch[];
  /** The weight gradients of one input `x` (`[rows, m]`) side by side ("grouped"). */
  weightGradAll(x: GPUBuffer, gs: readonly WeightGradient[], m: number): Dispatch[];
  /** `dx = Σ dy·Wᵀ` over `terms`, summed in their order ("summed"); `dx` has `n` columns. */
  inputGradSum(terms: readonly InputGradientTerm[], dx: GPUBuffer, n: number): Dispatch[];
}

/** Returns the products of a step on `rows` rows, each recorded through `tuner`. */
export function stepProducts(tuner: MatmulTuner, rows: number): StepProducts {
  const m = rows;
  return {
    forward: (x, wt, y, n, k, epilogue) =>
      tuner.record(x, wt.buffer, y, { m, n, k, offsetB: wt.offset, ...(epilogue ? { epilogue } : {}) }),
    forwardAccumulate: (x, wt, y, n, k) =>
      tuner.record(x, wt.buffer, y, { m, n, k, offsetB: wt.offset, accumulate: true }),
    weightGrad: (x, dy, gw, mw, n) =>
      tuner.record(x, dy, gw.buffer, { m: mw, n, k: rows, transA: true, offsetC: gw.offset }),
    inputGrad: (dy, wt, dx, n, k, how = { accumulate: false }) =>
      tuner.record(dy, wt.buffer, dx, { m, n, k, transB: true, offsetB: wt.offset, ...how }),
    forwardAll: (x, ps, k) =>
      tuner.recordMulti(ps.map((p) => ({ a: x, b: p.wt.buffer, c: p.y, n: p.n, k, offsetB: p.wt.offset })), {
        kind: "grouped",
        m,
      }),
    forwardGeglu: (x, gate, up, h, k) =>
      tuner.recordMulti([
        { a: x, b: gate.wt.buffer, c: gate.y, n: gate.n, k, offsetB: gate.wt.offset },
        { a: x, b: up.wt.buffer, c: up.y, n: up.n, k, offsetB: up.wt.offset },
      ], { kind: "geglu", m, h }),
    weightGradAll: (x, gs, mw) =>
      tuner.recordMulti(
        gs.map((g) => ({ a: x, b: g.dy, c: g.gw.buffer, n: g.n, k: rows, offsetC: g.gw.offset })),
        { kind: "grouped", m: mw, transA: true },
      ),
    inputGradSum: (terms, dx, n) =>
      tuner.recordMulti(
        terms.map((t) => ({ a: t.dy, b: t.wt.buffer, c: dx, n, k: t.k, offsetB: t.wt.offset })),
        { kind: "summed", m, transB: true },
      ),
  };
}
