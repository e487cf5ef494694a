/**
 * The two plans of a training step, one object each, chosen once per workspace (`stepPlan`): the parts of
 * a transformer block, the loss log, the gain gradients and the optimizer that the fused and the unfused
 * plan record differently. Everything else the step records the same way in both (`recorder.ts`).
 *
 * Both compute the same bits. The fused plan (the default) adds each residual in the epilogue of the
 * projection matmul that produces it, applies GEGLU in the up projection's epilogue and its backward in the
 * epilogue of the down projection's input gradient, applies RoPE inside the flash attention kernels (with
 * the dense attention: rotates q and k in one dispatch), runs each RMSNorm backward as one dispatch and
 * finishes every gain gradient in one `columnSums`, takes the global norm's sum of squares and AdamW as one
 * dispatch per parameter arena (one for any model that fits a binding) and logs the mean loss in the norm's
 * dispatch. It also runs the products that share an operand as one multi-product matmul
 * (`MatmulTuner.recordMulti`): the q, k and v projections side by side, gate and up as a GEGLU pair, the
 * weight gradients of wq, wk, wv (and of wGate, wUp) side by side, and the input gradients
 * `dq·Wqᵀ + dk·Wkᵀ + dv·Wvᵀ` (and `dgate·Wgateᵀ + dup·Wupᵀ`) summed in the unfused plan's order (each group
 * falls back to separate products when one of them is split over K).
 *
 * The unfused plan (`fused: false`, the benchmarks' baseline) records one kernel per operation: it copies
 * the residual before accumulating the projection into it, runs gate, up and GEGLU (and their backward)
 * separately, rotates q and k in two dispatches, runs three dispatches per RMSNorm backward, logs the mean
 * loss in its own dispatch and takes one sum of squares and one AdamW per tensor.
 * @module
 */
import type { LayerTensors } from "../types.ts";
import type { Dispatch, GpuContext } from "./context.ts";
import type { BoundBlock, ParameterStore } from "./state.ts";
import type { StepProducts } from "./products.ts";
import type { AttentionOptions } from "./attention.ts";
import {
  columnSums,
  type ColumnSumSegment,
  rmsnormBackward,
  rmsnormBackwardFused,
  rmsnormScratchSize,
} from "./rmsnorm.ts";
import { ropeDispatch, ropeQK } from "./rope.ts";
import { gegluBackward, gegluForward } from "./geglu.ts";
import { meanLoss } from "./cross_entropy.ts";
import { adamw, gradNorm } from "./optimizer.ts";
import { copyDispatch } from "./elementwise.ts";

/** Buffers shared by every workspace: the step uniforms, the device-side logs, clip state and RoPE tables. */
export interface SharedBuffers {
  /** Step uniform of training steps (`packStep`). */
  readonly step: GPUBuffer;
  /** Step uniform of evaluations (slot 0). */
  readonly evalStep: GPUBuffer;
  /** Mean train loss per pending step, nats/token. */
  readonly lossLog: GPUBuffer;
  /** Pre-clip global gradient norm per pending step. */
  readonly normLog: GPUBuffer;
  /** Mean loss of the last evaluation, nats/token. */
  readonly evalLog: GPUBuffer;
  /** Clip factor of the current step (1 value). */
  readonly scale: GPUBuffer;
  /** Per-workgroup partial sums of squares of the gradient norm. */
  readonly partial: GPUBuffer;
  /** RoPE cos table `[seqLen, keyDim/2]`. */
  readonly cos: GPUBuffer;
  /** RoPE sin table `[seqLen, keyDim/2]`. */
  readonly sin: GPUBuffer;
}

/** Sizes of a step, in rows (B·T tokens) and floats per row. */
export interface StepDims {
  /** Transformer blocks. */
  readonly depth: number;
  /** Rows of every activation (batch × sequence length). */
  readonly rows: number;
  /** Positions per sequence. */
  readonly seqLen: number;
  /** Residual width. */
  readonly width: number;
  /** Query heads. */
  readonly qHeads: number;
  /** Key/value heads. */
  readonly kvHeads: number;
  /** Floats per value head. */
  readonly headSize: number;
  /** Floats per q/k head, RoPE's dimension: `headSize`, or a linear mixer's feature dimension d'. */
  readonly keyDim: number;
  /** Width of q (`qHeads · keyDim`). */
  readonly qWidth: number;
  /** Width of k (`kvHeads · keyDim`). */
  readonly keyWidth: number;
  /** Width of v (`kvHeads · headSize`). */
  readonly kvWidth: number;
  /** Width of the MLP's hidden layer (`mlpRatio · width`). */
  readonly mlpWidth: number;
}

/** The activations of one transformer block that its backward reads (each `[rows, ·]`). */
export interface BlockActivations {
  /** attn_norm output `[rows, width]`. */
  readonly a: GPUBuffer;
  /** q `[rows, qWidth]`. */
  readonly q: GPUBuffer;
  /** k `[rows, keyWidth]`. */
  readonly k: GPUBuffer;
  /** v `[rows, kvWidth]`. */
  readonly v: GPUBuffer;
  /** mlp_norm output `[rows, width]`. */
  readonly mN: GPUBuffer;
  /** Gate projection `[rows, mlpWidth]` (holds d gate after the backward). */
  readonly gate: GPUBuffer;
  /** Up projection `[rows, mlpWidth]` (holds d up after the backward). */
  readonly up: GPUBuffer;
  /** GEGLU output `[rows, mlpWidth]`. */
  readonly h: GPUBuffer;
}

/** The weights of one transformer block (parameters, or their gradients), one bound block each. */
export type BlockWeights = LayerTensors<BoundBlock>;

/** An RMSNorm's backward: input, gain, saved rstd and the gain's gradient block. */
export interface NormBackward {
  /** The norm's input `[rows, width]`. */
  readonly x: GPUBuffer;
  /** The gain. */
  readonly g: BoundBlock;
  /** Saved `1/rms` per row. */
  readonly rstd: GPUBuffer;
  /** The gain's gradient. */
  readonly dg: BoundBlock;
}

/** The step's backward buffers a plan reads and writes. */
export interface BackwardBuffers {
  /** Gradient of the residual stream `[rows, width]`. */
  readonly dx: GPUBuffer;
  /** Gradient of a norm's output `[rows, width]`. */
  readonly dn: GPUBuffer;
  /** dq `[rows, qWidth]` (an output of the attention backward). */
  readonly dq: GPUBuffer;
  /** dk `[rows, keyWidth]`. */
  readonly dk: GPUBuffer;
  /** dv `[rows, kvWidth]`. */
  readonly dv: GPUBuffer;
  /** Per-row loss `[rows]`. */
  readonly rowLoss: GPUBuffer;
}

/** What a plan is recorded with. */
export interface PlanEnv {
  /** The device. */
  readonly ctx: GpuContext;
  /** Sizes of the step. */
  readonly dims: StepDims;
  /** Parameters, gradients and AdamW moments. */
  readonly store: ParameterStore;
  /** Buffers shared by every workspace. */
  readonly shared: SharedBuffers;
  /** The step's products (through the tuner). */
  readonly mm: StepProducts;
  /** The backward buffers. */
  readonly grads: BackwardBuffers;
  /** Allocates a workspace buffer of `n` floats, released with the workspace. */
  readonly alloc: (label: string, n: number) => GPUBuffer;
}

/** The operations the fused and unfused plans record differently; see the module doc. */
export interface StepPlan {
  /** Options of the flash attention kernels (the fused plan applies RoPE inside them). */
  readonly flash: AttentionOptions;
  /** q, k, v = a·Wq, a·Wk, a·Wv. */
  qkvForward(L: BlockActivations, W: BlockWeights): Dispatch[];
  /**
   * RoPE of q and k (`inverse`: of dq and dk) in dispatches of their own, for an attention kernel that
   * does not apply it (the dense one; the flash one when `flash.rope` is unset).
   */
  rope(inverse: boolean, q: GPUBuffer, k: GPUBuffer): Dispatch[];
  /** `xOut = xIn + a·W` (`a` of `k` columns, `W` `[k, width]`). */
  residual(xIn: GPUBuffer, xOut: GPUBuffer, a: GPUBuffer, wt: BoundBlock, k: number): Dispatch[];
  /** gate = mN·Wgate, up = mN·Wup, h = GEGLU(gate, up). */
  mlpForward(L: BlockActivations, W: BlockWeights): Dispatch[];
  /**
   * From `dx`: d gate and d up (in place of gate and up) through W_down and the GEGLU, their weight
   * gradients and `dn = dgate·Wgateᵀ + dup·Wupᵀ`.
   */
  mlpBackward(L: BlockActivations, W: BlockWeights, GW: BlockWeights): Dispatch[];
  /** From dq, dk, dv: the weight gradients of wq, wk, wv and `dn = dq·Wqᵀ + dk·Wkᵀ + dv·Wvᵀ`. */
  qkvBackward(L: BlockActivations, W: BlockWeights, GW: BlockWeights): Dispatch[];
  /** An RMSNorm's backward from `dn`: dx (`accumulate`: added into it) and the gain's gradient. */
  normBackward(b: NormBackward, accumulate: boolean): Dispatch[];
  /** After the loss and its gradient: the train step's mean loss into the loss log (or `[]`). */
  lossLog(): Dispatch[];
  /** After the embedding backward: what finishes the gain gradients (or `[]`). */
  gainGradients(): Dispatch[];
  /** The global-norm clip and the AdamW updates (the mean loss too in the fused plan). */
  optimizerStep(): Dispatch[];
}

/** Returns the fused (`fused`) or the unfused plan of a workspace. */
export function stepPlan(env: PlanEnv, fused: boolean): StepPlan {
  return fused ? fusedPlan(env) : unfusedPlan(env);
}

/** `norms` RMSNorm backward scratch regions of `chunks · width` floats. */
function normScratch(env: PlanEnv, norms: number): { scratch: GPUBuffer; chunks: number } {
  const { rows, width } = env.dims;
  const chunks = rmsnormScratchSize(rows, width) / width;
  return { scratch: env.alloc("dg scratch", norms * chunks * width), chunks };
}

/** The RoPE tables `[seqLen, keyDim/2]`. */
function ropeTables(env: PlanEnv): { cos: GPUBuffer; sin: GPUBuffer } {
  return { cos: env.shared.cos, sin: env.shared.sin };
}

/** The buffers of the global-norm dispatches. */
function normBuffers(env: PlanEnv) {
  const { shared, store } = env;
  return {
    grads: store.arenas.grad,
    partial: shared.partial,
    norms: shared.normLog,
    scale: shared.scale,
    step: shared.step,
  };
}

/** The buffers of the AdamW update of arena `a`. */
function adamBuffers(env: PlanEnv, a: number) {
  const { shared, store: { arenas } } = env;
  return {
    w: arenas.param[a],
    g: arenas.grad[a],
    m: arenas.adam_m[a],
    v: arenas.adam_v[a],
    scale: shared.scale,
    step: shared.step,
  };
}

function fusedPlan(env: PlanEnv): StepPlan {
  const { ctx, dims: d, mm, store, shared, grads: { dn, dx, dq, dk, dv, rowLoss } } = env;
  const w = d.width, md = d.mlpWidth;
  // one region of gain-gradient chunk partials per norm, summed once per step per arena
  const { scratch, chunks } = normScratch(env, 2 * d.depth + 1);
  const dgSums: ColumnSumSegment[][] = store.arenaSizes.map(() => []);
  let normIndex = 0;
  const segments = store.segments();
  return {
    flash: { rope: ropeTables(env) },
    qkvForward: (L, W) =>
      mm.forwardAll(L.a, [
        { wt: W.wq, y: L.q, n: d.qWidth },
        { wt: W.wk, y: L.k, n: d.keyWidth },
        { wt: W.wv, y: L.v, n: d.kvWidth },
      ], w),
    rope: (inverse, q, k) => [
      ropeQK(ctx, { q, k, ...ropeTables(env) }, {
        rows: d.rows,
        seqLen: d.seqLen,
        qHeads: d.qHeads,
        kHeads: d.kvHeads,
        headSize: d.keyDim,
        inverse,
      }),
    ],
    residual: (xIn, xOut, a, wt, k) => mm.forward(a, wt, xOut, w, k, { kind: "residual", r: xIn }),
    mlpForward: (L, W) =>
      mm.forwardGeglu(L.mN, { wt: W.wGate, y: L.gate, n: md }, { wt: W.wUp, y: L.up, n: md }, L.h, w),
    mlpBackward: (L, W, GW) => [
      ...mm.inputGrad(dx, W.wDown, L.gate, md, w, { epilogue: { kind: "gegluBackward", up: L.up } }),
      ...mm.weightGradAll(L.mN, [{ dy: L.gate, gw: GW.wGate, n: md }, { dy: L.up, gw: GW.wUp, n: md }], w),
      ...mm.inputGradSum([{ dy: L.gate, wt: W.wGate, k: md }, { dy: L.up, wt: W.wUp, k: md }], dn, w),
    ],
    qkvBackward: (L, W, GW) => [
      ...mm.weightGradAll(L.a, [
        { dy: dq, gw: GW.wq, n: d.qWidth },
        { dy: dk, gw: GW.wk, n: d.keyWidth },
        { dy: dv, gw: GW.wv, n: d.kvWidth },
      ], w),
      ...mm.inputGradSum(
        [
          { dy: dq, wt: W.wq, k: d.qWidth },
          { dy: dk, wt: W.wk, k: d.keyWidth },
          { dy: dv, wt: W.wv, k: d.kvWidth },
        ],
        dn,
        w,
      ),
    ],
    normBackward: (b, accumulate) => {
      const partialOffset = normIndex++ * chunks * w;
      dgSums[store.arenas.grad.indexOf(b.dg.buffer)].push({ partialOffset, chunks, dstOffset: b.dg.offset });
      return [
        rmsnormBackwardFused(ctx, { x: b.x, g: b.g.buffer, rstd: b.rstd, dy: dn, dx, partial: scratch }, {
          rows: d.rows,
          width: w,
          accumulate,
          gOffset: b.g.offset,
          partialOffset,
        }),
      ];
    },
    lossLog: () => [],
    gainGradients: () =>
      dgSums.flatMap((segs, a) =>
        segs.length === 0 ? [] : [columnSums(ctx, { partial: scratch, dst: store.arenas.grad[a] }, segs, w)]
      ),
    optimizerStep: () => [
      ...gradNorm(ctx, normBuffers(env), segments, {
        perSegment: false,
        meanLoss: { rowLoss, losses: shared.lossLog, rows: d.rows },
      }),
      ...segments.map((segs, a) => adamw(ctx, adamBuffers(env, a), segs)),
    ],
  };
}

function unfusedPlan(env: PlanEnv): StepPlan {
  const { ctx, dims: d, mm, store, shared, grads: { dn, dx, dq, dk, dv, rowLoss } } = env;
  const w = d.width, md = d.mlpWidth;
  // d GEGLU output, stored between the down projection's input gradient and the GEGLU backward
  const dh = env.alloc("d geglu out", d.rows * md);
  // one shared region of gain-gradient chunk partials, summed after each norm
  const { scratch } = normScratch(env, 1);
  const segments = store.segments();
  const rq = { rows: d.rows, seqLen: d.seqLen, heads: d.qHeads, headSize: d.keyDim };
  const rk = { ...rq, heads: d.kvHeads };
  return {
    flash: {},
    qkvForward: (L, W) => [
      ...mm.forward(L.a, W.wq, L.q, d.qWidth, w),
      ...mm.forward(L.a, W.wk, L.k, d.keyWidth, w),
      ...mm.forward(L.a, W.wv, L.v, d.kvWidth, w),
    ],
    rope: (inverse, q, k) => [
      ropeDispatch(ctx, { x: q, ...ropeTables(env) }, { ...rq, inverse }),
      ropeDispatch(ctx, { x: k, ...ropeTables(env) }, { ...rk, inverse }),
    ],
    residual: (xIn, xOut, a, wt, k) => [
      copyDispatch(ctx, { src: xIn, dst: xOut }, d.rows * w),
      ...mm.forwardAccumulate(a, wt, xOut, w, k),
    ],
    mlpForward: (L, W) => [
      ...mm.forward(L.mN, W.wGate, L.gate, md, w),
      ...mm.forward(L.mN, W.wUp, L.up, md, w),
      gegluForward(ctx, { gate: L.gate, up: L.up, h: L.h }, d.rows * md),
    ],
    mlpBackward: (L, W, GW) => [
      ...mm.inputGrad(dx, W.wDown, dh, md, w),
      gegluBackward(ctx, { gate: L.gate, up: L.up, dh }, d.rows * md),
      ...mm.weightGrad(L.mN, L.gate, GW.wGate, w, md),
      ...mm.weightGrad(L.mN, L.up, GW.wUp, w, md),
      ...mm.inputGrad(L.gate, W.wGate, dn, w, md),
      ...mm.inputGrad(L.up, W.wUp, dn, w, md, { accumulate: true }),
    ],
    qkvBackward: (L, W, GW) => [
      ...mm.weightGrad(L.a, dq, GW.wq, w, d.qWidth),
      ...mm.weightGrad(L.a, dk, GW.wk, w, d.keyWidth),
      ...mm.weightGrad(L.a, dv, GW.wv, w, d.kvWidth),
      ...mm.inputGrad(dq, W.wq, dn, w, d.qWidth),
      ...mm.inputGrad(dk, W.wk, dn, w, d.keyWidth, { accumulate: true }),
      ...mm.inputGrad(dv, W.wv, dn, w, d.kvWidth, { accumulate: true }),
    ],
    normBackward: (b, accumulate) =>
      rmsnormBackward(ctx, { x: b.x, g: b.g.buffer, rstd: b.rstd, dy: dn, dx, dg: b.dg.buffer, scratch }, {
        rows: d.rows,
        width: w,
        accumulate,
        gOffset: b.g.offset,
        dgOffset: b.dg.offset,
      }),
    lossLog: () => [meanLoss(ctx, { rowLoss, losses: shared.lossLog, step: shared.step }, d.rows)],
    gainGradients: () => [],
    optimizerStep: () => [
      ...gradNorm(ctx, normBuffers(env), segments, { perSegment: true, meanLoss: undefined }),
      ...segments.flatMap((segs, a) => segs.map((s) => adamw(ctx, adamBuffers(env, a), [s]))),
    ],
  };
}
