/**
 * The step recorder: for one (batch, sequence length) shape, allocates the activation workspace and
 * records, once, every dispatch of a training step (forward, backward, global-norm clip, AdamW) and of an
 * evaluation (forward and loss). `GpuBackend` replays these plans; only tokens and the step uniform change
 * between steps.
 *
 * Two plans compute the same bits. The fused plan (the default) adds each residual in the epilogue of
 * the projection matmul that produces it, applies GEGLU in the up projection's epilogue and its backward
 * in the epilogue of the down projection's input gradient, applies RoPE inside the flash attention kernels
 * (with the dense attention: rotates q and k in one dispatch), runs each RMSNorm backward as
 * one dispatch and finishes every gain gradient in one `columnSums`, takes the global norm's sum of squares and AdamW
 * as one dispatch per parameter arena (one for any model that fits a binding) and logs the mean loss in the
 * norm's dispatch. It also runs the products that share an operand as one multi-product matmul
 * (`MatmulTuner.recordMulti`): the q, k and v projections side by side, gate and up as a GEGLU pair, the
 * weight gradients of wq, wk, wv (and of wGate, wUp) side by side, and the input gradients
 * `dq·Wqᵀ + dk·Wkᵀ + dv·Wvᵀ` (and `dgate·Wgateᵀ + dup·Wupᵀ`) summed in the unfused plan's order (each
 * group falls back to separate products when one of them is split over K). The unfused plan
 * (`fused: false`, today's dispatch structure, kept as the benchmarks' baseline) copies the residual
 * before accumulating, rotates q and k separately, runs three dispatches per RMSNorm backward and one
 * sum of squares and one AdamW per tensor.
 *
 * Attention saves what its backward needs: the probabilities `[B, hq, T, T]` in dense mode, the row
 * log-sum-exp `[B, hq, T]` in flash mode. The vocabulary blocks of the LM head are refined into logits
 * blocks that fit a binding; the split cross-entropy merges each row's running maximum and sum of
 * exponentials block by block in a fixed order, and `dx` of the LM head accumulates over the blocks in order.
 * @module
 */
import { type ModelConfig, numKvHeads, numQueryHeads } from "../types.ts";
import type { Dispatch, GpuContext } from "./context.ts";
import type { MatmulTile } from "./matmul.ts";
import type { MatmulTuner } from "./tuner.ts";
import type { BoundBlock, ParameterStore } from "./state.ts";
import { embeddingBackward, embeddingForward } from "./embedding.ts";
import {
  columnSums,
  type ColumnSumSegment,
  rmsnormBackward,
  rmsnormBackwardFused,
  rmsnormForward,
  rmsnormScratchSize,
} from "./rmsnorm.ts";
import { ropeDispatch, ropeQK } from "./rope.ts";
import { attentionBackward, type AttentionDims, attentionForward } from "./attention.ts";
import { denseAttentionBackward, denseAttentionForward, denseScoresSize } from "./attention_dense.ts";
import { gegluBackward, gegluForward } from "./geglu.ts";
import {
  crossEntropyBlockGrad,
  crossEntropyBlockStats,
  crossEntropyRows,
  meanLoss,
} from "./cross_entropy.ts";
import { adamw, gradNorm } from "./optimizer.ts";
import { copyDispatch } from "./elementwise.ts";
import { refineBounds } from "./vocab_split.ts";

/** Attention kernels of a workspace (see `GpuBackendOptions.attention`). */
export type AttentionMode = "auto" | "dense" | "flash";

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
  /** RoPE cos table `[seqLen, headSize/2]`. */
  readonly cos: GPUBuffer;
  /** RoPE sin table `[seqLen, headSize/2]`. */
  readonly sin: GPUBuffer;
}

/** How to record: attention kernels, budgets and the fixed tile of the dense attention's products. */
export interface RecordOptions {
  /** Attention kernels. */
  readonly attention: AttentionMode;
  /** Memory budget of the dense attention's saved probabilities, bytes. */
  readonly denseAttentionBytes: number;
  /** Largest binding of vocabulary-sized tensors (logits blocks), bytes. */
  readonly maxBindingBytes: number;
  /** Fixed matmul tile, if any (also used by the dense attention's batched products). */
  readonly tile?: MatmulTile;
  /** Record the fused plan (true) or today's unfused one (see the module doc). */
  readonly fused: boolean;
}

/** How many dispatches a plan has, inside and outside the transformer blocks. */
export interface DispatchCounts {
  /** Dispatches of one training step. */
  readonly total: number;
  /** Dispatches of one transformer block, forward and backward (mean over the blocks). */
  readonly perLayer: number;
  /** Dispatches outside the blocks: embedding, final norm, head, loss, gain-gradient sums, clip, AdamW. */
  readonly outsideLayers: number;
}

/** Recorded plans and the buffers of one (batch, sequence length) shape. */
export interface Workspace {
  /** Sequences per batch. */
  readonly batch: number;
  /** Positions per sequence. */
  readonly seqLen: number;
  /** Input token ids `[B·T]` (u32). */
  readonly tokens: GPUBuffer;
  /** Target token ids `[B·T]` (u32). */
  readonly targets: GPUBuffer;
  /** `tokenIndex` offsets `[V+1]` (u32). */
  readonly offsets: GPUBuffer;
  /** `tokenIndex` positions `[B·T]` (u32). */
  readonly positions: GPUBuffer;
  /** Every dispatch of a training step, in order. */
  train: Dispatch[];
  /** Every dispatch of an evaluation (forward and mean loss), in order. */
  evalPlan: Dispatch[];
  /** Dispatch counts of the training step. */
  readonly counts: DispatchCounts;
  /** Every buffer of the workspace (released with it). */
  readonly buffers: GPUBuffer[];
}

/** What attention saves for its backward, and its backward's scratch, named for what they hold. */
type AttentionSaved =
  | {
    readonly kind: "dense";
    /** Causal probabilities `[B, hq, T, T]`. */
    readonly probs: GPUBuffer;
  }
  | {
    readonly kind: "flash";
    /** Row log-sum-exp of the scaled scores `[B, hq, T]`. */
    readonly lse: GPUBuffer;
  };

interface LayerBuffers {
  /** attn_norm output `[N, w]` and its rstd `[N]`. */
  a: GPUBuffer;
  aRstd: GPUBuffer;
  q: GPUBuffer;
  k: GPUBuffer;
  v: GPUBuffer;
  /** Attention output `[N, hq·hs]`. */
  o: GPUBuffer;
  attn: AttentionSaved;
  /** Residual stream after the attention branch. */
  xMid: GPUBuffer;
  /** mlp_norm output and its rstd. */
  mN: GPUBuffer;
  mRstd: GPUBuffer;
  gate: GPUBuffer;
  up: GPUBuffer;
  /** GEGLU output `[N, m]`. */
  h: GPUBuffer;
}

/** Returns whether a workspace of shape `att` uses the dense attention under `opts`. */
function useDense(ctx: GpuContext, cfg: ModelConfig, att: AttentionDims, opts: RecordOptions): boolean {
  const scoreBytes = denseScoresSize(att) * 4;
  return opts.attention === "dense" ||
    (opts.attention === "auto" && scoreBytes <= ctx.limits.maxStorageBufferBindingSize &&
      scoreBytes * (cfg.depth + 1) <= opts.denseAttentionBytes);
}

/**
 * Allocates the workspace of `batch` sequences of `T` positions and records its training and evaluation
 * plans; every matmul goes through `tuner`. Throws when one logits column does not fit a binding.
 */
export function recordWorkspace(
  ctx: GpuContext,
  cfg: ModelConfig,
  parts: { readonly store: ParameterStore; readonly tuner: MatmulTuner; readonly shared: SharedBuffers },
  shape: { readonly batch: number; readonly seqLen: number },
  opts: RecordOptions,
): Workspace {
  const { store, tuner, shared } = parts;
  const { batch, seqLen: T } = shape;
  const key = `${batch}x${T}`;
  const fused = opts.fused;
  const N = batch * T, w = cfg.width, hs = cfg.headSize, V = cfg.vocabSize;
  const hq = numQueryHeads(cfg), hkv = numKvHeads(cfg), md = cfg.mlpRatio * w;
  const qw = hq * hs, kw = hkv * hs;
  const mm = tuner.record.bind(tuner);
  const all: GPUBuffer[] = [];
  const buf = (label: string, n: number) => {
    const b = ctx.storage(`${label} [${key}]`, n);
    all.push(b);
    return b;
  };
  const tokens = buf("tokens", N), targets = buf("targets", N);
  const offsets = buf("token offsets", V + 1), positions = buf("token positions", N);
  const xs = Array.from({ length: cfg.depth + 1 }, (_, l) => buf(`residual ${l}`, N * w));
  const att: AttentionDims = { batch, seqLen: T, numQueryHeads: hq, numKvHeads: hkv, headSize: hs };
  const dense = useDense(ctx, cfg, att, opts);
  const layers: LayerBuffers[] = Array.from({ length: cfg.depth }, (_, l) => ({
    a: buf(`l${l} attn_norm out`, N * w),
    aRstd: buf(`l${l} attn_norm rstd`, N),
    q: buf(`l${l} q`, N * qw),
    k: buf(`l${l} k`, N * kw),
    v: buf(`l${l} v`, N * kw),
    o: buf(`l${l} attn out`, N * qw),
    attn: dense
      ? { kind: "dense", probs: buf(`l${l} attn probs`, denseScoresSize(att)) }
      : { kind: "flash", lse: buf(`l${l} attn lse`, batch * hq * T) },
    xMid: buf(`l${l} residual mid`, N * w),
    mN: buf(`l${l} mlp_norm out`, N * w),
    mRstd: buf(`l${l} mlp_norm rstd`, N),
    gate: buf(`l${l} gate`, N * md),
    up: buf(`l${l} up`, N * md),
    h: buf(`l${l} geglu out`, N * md),
  }));
  const xf = buf("final_norm out", N * w), fRstd = buf("final_norm rstd", N);
  // logits blocks: the LM head's vocabulary blocks, each split further until [N, cols] fits a binding
  const maxCols = Math.floor(opts.maxBindingBytes / (4 * N));
  if (maxCols < 1) {
    throw new Error(
      `GpuBackend: one logits column of ${N} rows (batch ${batch} × seqLen ${T}) needs ${
        4 * N
      } bytes, above the binding limit ${opts.maxBindingBytes}; use a smaller batch`,
    );
  }
  const blocks = refineBounds(store.bounds, maxCols);
  const split = blocks.length > 1;
  const logits = blocks.map((b) =>
    buf(split ? `logits [${b.start}:${b.start + b.count})` : "logits", N * b.count)
  );
  const rowLoss = buf("row loss", N);
  const ceStats = split ? buf("cross-entropy stats", 2 * N) : rowLoss;
  const ceTarget = split ? buf("cross-entropy target logit", N) : rowLoss;
  const dx = buf("d residual", N * w),
    dn = buf("d norm out", N * w),
    // dh is only stored by the unfused plan (the fused one applies the GEGLU backward in the epilogue)
    dh = fused ? null : buf("d geglu out", N * md);
  const dO = buf("d attn out", N * qw),
    dq = buf("dq", N * qw),
    dk = buf("dk", N * kw),
    dv = buf("dv", N * kw);
  // the attention backward's scratch: d probabilities [B, hq, T, T] (dense) or D_t = do_t · o_t (flash)
  const attScratch = dense ? buf("attn dprobs", denseScoresSize(att)) : buf("attn row dot", batch * hq * T);
  const chunks = rmsnormScratchSize(N, w) / w;
  // gain-gradient chunk partials: one region per norm in the fused plan (summed once per step), one shared
  // region in the unfused plan (summed after each norm)
  const norms = 2 * cfg.depth + 1;
  const scratch = buf("dg scratch", (fused ? norms : 1) * chunks * w);
  const dgSums: ColumnSumSegment[][] = store.arenaSizes.map(() => []);
  const one = <T>(bs: readonly T[]) => bs[0];
  const P = store.named("param"), G = store.named("grad");
  const bounds = store.bounds,
    range = (j: number) => ({ start: bounds[j], count: bounds[j + 1] - bounds[j] });
  const rq = { rows: N, seqLen: T, heads: hq, headSize: hs }, rk = { ...rq, heads: hkv };
  const rope = (inverse: boolean, q: GPUBuffer, k: GPUBuffer) => {
    const tables = { cos: shared.cos, sin: shared.sin };
    return fused
      ? [
        ropeQK(ctx, { q, k, ...tables }, {
          rows: N,
          seqLen: T,
          qHeads: hq,
          kHeads: hkv,
          headSize: hs,
          inverse,
        }),
      ]
      : [
        ropeDispatch(ctx, { x: q, ...tables }, { ...rq, inverse }),
        ropeDispatch(ctx, { x: k, ...tables }, { ...rk, inverse }),
      ];
  };
  // the fused plan rotates q and k inside the flash attention kernels (their prologue and dq/dk epilogue)
  const flashOpts = fused ? { rope: { cos: shared.cos, sin: shared.sin } } : {};
  const norm = (x: GPUBuffer, g: BoundBlock, y: GPUBuffer, rstd: GPUBuffer) =>
    rmsnormForward(ctx, { x, g: g.buffer, y, rstd }, {
      rows: N,
      width: w,
      eps: cfg.normEps,
      gOffset: g.offset,
    });
  // x_out = x_in + op(A)·op(B): a residual epilogue (fused) or a copy and an accumulating product
  const residual = (xIn: GPUBuffer, xOut: GPUBuffer, a: GPUBuffer, wt: BoundBlock, n: number, k: number) =>
    fused
      ? mm(a, wt.buffer, xOut, { m: N, n, k, offsetB: wt.offset, epilogue: { kind: "residual", r: xIn } })
      : [
        copyDispatch(ctx, { src: xIn, dst: xOut }, N * w),
        ...mm(a, wt.buffer, xOut, { m: N, n, k, offsetB: wt.offset, accumulate: true }),
      ];
  // y = x·W (NN), dW = xᵀ·dy (TN), dx (+)= dy·Wᵀ (NT) of a parameter matrix at its offset
  const fwd = (x: GPUBuffer, wt: BoundBlock, y: GPUBuffer, n: number, k: number) =>
    mm(x, wt.buffer, y, { m: N, n, k, offsetB: wt.offset });
  const wgrad = (x: GPUBuffer, dy: GPUBuffer, gw: BoundBlock, m: number, n: number) =>
    mm(x, dy, gw.buffer, { m, n, k: N, transA: true, offsetC: gw.offset });
  const dgrad = (dy: GPUBuffer, wt: BoundBlock, d: GPUBuffer, n: number, k: number, accumulate = false) =>
    mm(dy, wt.buffer, d, { m: N, n, k, transB: true, offsetB: wt.offset, accumulate });
  // the fused plan's multi-product dispatches (one dispatch each unless a product is split over K):
  // projections of one input side by side, weight gradients of one input side by side, and input
  // gradients summed over the projections in the unfused plan's order
  const multi = tuner.recordMulti.bind(tuner);
  const fwdAll = (x: GPUBuffer, ps: readonly { wt: BoundBlock; y: GPUBuffer; n: number }[], k: number) =>
    multi(ps.map((q) => ({ a: x, b: q.wt.buffer, c: q.y, n: q.n, k, offsetB: q.wt.offset })), {
      kind: "grouped",
      m: N,
    });
  const wgradAll = (x: GPUBuffer, ps: readonly { dy: GPUBuffer; gw: BoundBlock; n: number }[], m: number) =>
    multi(ps.map((q) => ({ a: x, b: q.dy, c: q.gw.buffer, n: q.n, k: N, offsetC: q.gw.offset })), {
      kind: "grouped",
      m,
      transA: true,
    });
  const dgradSum = (ps: readonly { dy: GPUBuffer; wt: BoundBlock; k: number }[], d: GPUBuffer, n: number) =>
    multi(ps.map((q) => ({ a: q.dy, b: q.wt.buffer, c: d, n, k: q.k, offsetB: q.wt.offset })), {
      kind: "summed",
      m: N,
      transB: true,
    });

  const embed = P.embed.map((t, j) =>
    embeddingForward(ctx, { table: t.buffer, tokens, y: xs[0] }, {
      rows: N,
      width: w,
      tableOffset: t.offset,
      range: P.embed.length === 1 ? undefined : range(j),
    })
  );
  const forward: Dispatch[] = [...embed];
  let layerDispatches = 0;
  for (let l = 0; l < cfg.depth; l++) {
    const L = layers[l], W = P.layers[l];
    const A = L.attn;
    const before = forward.length;
    forward.push(
      norm(xs[l], one(W.attnNorm), L.a, L.aRstd),
      ...(fused
        ? fwdAll(L.a, [
          { wt: one(W.wq), y: L.q, n: qw },
          { wt: one(W.wk), y: L.k, n: kw },
          { wt: one(W.wv), y: L.v, n: kw },
        ], w)
        : [
          ...fwd(L.a, one(W.wq), L.q, qw, w),
          ...fwd(L.a, one(W.wk), L.k, kw, w),
          ...fwd(L.a, one(W.wv), L.v, kw, w),
        ]),
      ...(A.kind === "flash" && fused ? [] : rope(false, L.q, L.k)),
      ...(A.kind === "dense"
        ? denseAttentionForward(ctx, { q: L.q, k: L.k, v: L.v, o: L.o, probs: A.probs }, att, {
          tile: opts.tile,
        })
        : [attentionForward(ctx, { q: L.q, k: L.k, v: L.v, o: L.o, lse: A.lse }, att, flashOpts)]),
      ...residual(xs[l], L.xMid, L.o, one(W.wo), w, qw),
      norm(L.xMid, one(W.mlpNorm), L.mN, L.mRstd),
      ...(fused
        ? multi([
          { a: L.mN, b: one(W.wGate).buffer, c: L.gate, n: md, k: w, offsetB: one(W.wGate).offset },
          { a: L.mN, b: one(W.wUp).buffer, c: L.up, n: md, k: w, offsetB: one(W.wUp).offset },
        ], { kind: "geglu", m: N, h: L.h })
        : [
          ...fwd(L.mN, one(W.wGate), L.gate, md, w),
          ...fwd(L.mN, one(W.wUp), L.up, md, w),
          gegluForward(ctx, { gate: L.gate, up: L.up, h: L.h }, N * md),
        ]),
      ...residual(L.xMid, xs[l + 1], L.h, one(W.wDown), w, md),
    );
    layerDispatches += forward.length - before;
  }
  const head = P.lmHead, gHead = G.lmHead;
  forward.push(
    norm(xs[cfg.depth], one(P.finalNorm), xf, fRstd),
    ...blocks.flatMap((b, j) =>
      mm(xf, head[b.parent].buffer, logits[j], {
        m: N,
        n: b.count,
        k: w,
        offsetB: head[b.parent].offset + b.offset,
        ldb: b.parentCount,
      })
    ),
  );
  // split: running (max, sum of exp) per row over the blocks in order, the last block writes the loss
  const lossStats = blocks.map((b, j) =>
    crossEntropyBlockStats(
      ctx,
      { logits: logits[j], targets, stats: ceStats, targetLogit: ceTarget, rowLoss },
      { rows: N, cols: b.count, start: b.start, first: j === 0, last: j === blocks.length - 1 },
    )
  );
  const rows = (grad: boolean) =>
    crossEntropyRows(ctx, { logits: logits[0], targets, rowLoss }, { rows: N, vocab: V, grad });
  const evalPlan = [
    ...forward,
    ...(split ? lossStats : [rows(false)]),
    meanLoss(ctx, { rowLoss, losses: shared.evalLog, step: shared.evalStep }, N),
  ];

  let normIndex = 0;
  const normBack = (
    b: { x: GPUBuffer; g: BoundBlock; rstd: GPUBuffer; dg: BoundBlock },
    accumulate: boolean,
  ): Dispatch[] => {
    const o = { rows: N, width: w, accumulate, gOffset: b.g.offset };
    const common = { x: b.x, g: b.g.buffer, rstd: b.rstd, dy: dn, dx };
    if (!fused) {
      return rmsnormBackward(ctx, { ...common, dg: b.dg.buffer, scratch }, { ...o, dgOffset: b.dg.offset });
    }
    const partialOffset = normIndex++ * chunks * w;
    dgSums[store.arenas.grad.indexOf(b.dg.buffer)].push({ partialOffset, chunks, dstOffset: b.dg.offset });
    return [rmsnormBackwardFused(ctx, { ...common, partial: scratch }, { ...o, partialOffset })];
  };
  const backward: Dispatch[] = [
    ...(split ? lossStats : [rows(true)]),
    ...(fused ? [] : [meanLoss(ctx, { rowLoss, losses: shared.lossLog, step: shared.step }, N)]),
    // per logits block: its dlogits, dW_head block = xfᵀ·dlogits, dn (+)= dlogits·W_blockᵀ in block order
    ...blocks.flatMap((b, j) => [
      ...(split
        ? [crossEntropyBlockGrad(ctx, { logits: logits[j], targets, stats: ceStats }, {
          rows: N,
          cols: b.count,
          start: b.start,
        })]
        : []),
      ...mm(xf, logits[j], gHead[b.parent].buffer, {
        m: w,
        n: b.count,
        k: N,
        transA: true,
        offsetC: gHead[b.parent].offset + b.offset,
        ldc: b.parentCount,
      }),
      ...mm(logits[j], head[b.parent].buffer, dn, {
        m: N,
        n: w,
        k: b.count,
        transB: true,
        offsetB: head[b.parent].offset + b.offset,
        ldb: b.parentCount,
        accumulate: j > 0,
      }),
    ]),
    ...normBack({ x: xs[cfg.depth], g: one(P.finalNorm), rstd: fRstd, dg: one(G.finalNorm) }, false),
  ];
  for (let l = cfg.depth - 1; l >= 0; l--) {
    const L = layers[l], W = P.layers[l], GW = G.layers[l];
    const A = L.attn;
    const before = backward.length;
    backward.push(
      // MLP branch: xs[l+1] = xMid + h·w_down
      ...wgrad(L.h, dx, one(GW.wDown), md, w),
      ...(dh === null
        ? mm(dx, one(W.wDown).buffer, L.gate, {
          m: N,
          n: md,
          k: w,
          transB: true,
          offsetB: one(W.wDown).offset,
          epilogue: { kind: "gegluBackward", up: L.up },
        })
        : [
          ...dgrad(dx, one(W.wDown), dh, md, w),
          gegluBackward(ctx, { gate: L.gate, up: L.up, dh }, N * md),
        ]),
      ...(fused
        ? [
          ...wgradAll(
            L.mN,
            [{ dy: L.gate, gw: one(GW.wGate), n: md }, { dy: L.up, gw: one(GW.wUp), n: md }],
            w,
          ),
          ...dgradSum([{ dy: L.gate, wt: one(W.wGate), k: md }, { dy: L.up, wt: one(W.wUp), k: md }], dn, w),
        ]
        : [
          ...wgrad(L.mN, L.gate, one(GW.wGate), w, md),
          ...wgrad(L.mN, L.up, one(GW.wUp), w, md),
          ...dgrad(L.gate, one(W.wGate), dn, w, md),
          ...dgrad(L.up, one(W.wUp), dn, w, md, true),
        ]),
      ...normBack({ x: L.xMid, g: one(W.mlpNorm), rstd: L.mRstd, dg: one(GW.mlpNorm) }, true),
      // attention branch: xMid = xs[l] + o·wo
      ...wgrad(L.o, dx, one(GW.wo), qw, w),
      ...dgrad(dx, one(W.wo), dO, qw, w),
      ...(A.kind === "dense"
        ? denseAttentionBackward(
          ctx,
          { q: L.q, k: L.k, v: L.v, probs: A.probs, dout: dO, dq, dk, dv, dprobs: attScratch },
          att,
          { tile: opts.tile },
        )
        : attentionBackward(
          ctx,
          { q: L.q, k: L.k, v: L.v, o: L.o, lse: A.lse, dout: dO, dq, dk, dv, dsum: attScratch },
          att,
          flashOpts,
        )),
      ...(A.kind === "flash" && fused ? [] : rope(true, dq, dk)),
      ...(fused
        ? [
          ...wgradAll(L.a, [
            { dy: dq, gw: one(GW.wq), n: qw },
            { dy: dk, gw: one(GW.wk), n: kw },
            { dy: dv, gw: one(GW.wv), n: kw },
          ], w),
          ...dgradSum(
            [
              { dy: dq, wt: one(W.wq), k: qw },
              { dy: dk, wt: one(W.wk), k: kw },
              { dy: dv, wt: one(W.wv), k: kw },
            ],
            dn,
            w,
          ),
        ]
        : [
          ...wgrad(L.a, dq, one(GW.wq), w, qw),
          ...wgrad(L.a, dk, one(GW.wk), w, kw),
          ...wgrad(L.a, dv, one(GW.wv), w, kw),
          ...dgrad(dq, one(W.wq), dn, w, qw),
          ...dgrad(dk, one(W.wk), dn, w, kw, true),
          ...dgrad(dv, one(W.wv), dn, w, kw, true),
        ]),
      ...normBack({ x: xs[l], g: one(W.attnNorm), rstd: L.aRstd, dg: one(GW.attnNorm) }, true),
    );
    layerDispatches += backward.length - before;
  }
  backward.push(
    ...G.embed.map((dt, j) =>
      embeddingBackward(ctx, { dy: dx, offsets, positions, dtable: dt.buffer }, {
        vocab: range(j).count,
        width: w,
        start: range(j).start,
        dtableOffset: dt.offset,
      })
    ),
    ...dgSums.flatMap((segs, a) =>
      segs.length === 0 ? [] : [columnSums(ctx, { partial: scratch, dst: store.arenas.grad[a] }, segs, w)]
    ),
  );
  const segments = store.segments();
  const arenas = store.arenas;
  const optimizer = [
    ...gradNorm(
      ctx,
      {
        grads: arenas.grad,
        partial: shared.partial,
        norms: shared.normLog,
        scale: shared.scale,
        step: shared.step,
      },
      segments,
      { perSegment: !fused, meanLoss: fused ? { rowLoss, losses: shared.lossLog, rows: N } : undefined },
    ),
    ...segments.flatMap((segs, a) =>
      (fused ? [segs] : segs.map((s) => [s])).map((part) =>
        adamw(ctx, {
          w: arenas.param[a],
          g: arenas.grad[a],
          m: arenas.adam_m[a],
          v: arenas.adam_v[a],
          scale: shared.scale,
          step: shared.step,
        }, part)
      )
    ),
  ];
  const train = [...forward, ...backward, ...optimizer];
  return {
    batch,
    seqLen: T,
    tokens,
    targets,
    offsets,
    positions,
    train,
    evalPlan,
    counts: {
      total: train.length,
      perLayer: layerDispatches / cfg.depth,
      outsideLayers: train.length - layerDispatches,
    },
    buffers: all,
  };
}
