/**
 * The step recorder: for one (batch, sequence length) shape, allocates the activation workspace and
 * records, once, every dispatch of a training step (forward, backward, global-norm clip, AdamW) and of an
 * evaluation (forward and loss). `GpuBackend` replays these plans; only tokens and the step uniform change
 * between steps.
 *
 * The step reads like the float64 reference (`kernels/reference/model.ts`): `embeddingForwardStep`,
 * `layerForward(l)` per block, `headForward` and the loss, then `headBackward`, `layerBackward(l)` from the
 * last block down, `embeddingBackwardStep` and the plan's `optimizerStep`. What the fused plan (the
 * default) and the unfused one (the benchmarks' baseline) record differently is chosen once, as a
 * `StepPlan` (`step_plan.ts`); the attention kernels are chosen once too (`denseAttention` or
 * `flashAttention`). Both plans and both attentions give the same bits.
 *
 * Attention saves what its backward needs: the probabilities `[B, hq, T, T]` in dense mode, the row
 * log-sum-exp `[B, hq, T]` in flash mode. The vocabulary blocks of the LM head are refined into logits
 * blocks that fit a binding; the split cross-entropy merges each row's running maximum and sum of
 * exponentials block by block in a fixed order, and `dx` of the LM head accumulates over the blocks in order.
 *
 * A weighted workspace (per-target loss weights, the mask of a recall task) records the weighted variants of
 * the cross-entropy kernels (`cross_entropy.ts`): the same plan otherwise, plus the evaluation's accuracy.
 * @module
 */
import { type LayerTensors, type ModelConfig, numKvHeads, numQueryHeads } from "../types.ts";
import type { Dispatch, GpuContext } from "./context.ts";
import type { MatmulTile } from "./matmul.ts";
import type { MatmulTuner } from "./tuner.ts";
import type { BoundBlock, ParameterStore } from "./state.ts";
import { embeddingBackward, embeddingForward } from "./embedding.ts";
import { rmsnormForward } from "./rmsnorm.ts";
import { attentionBackward, type AttentionDims, attentionForward } from "./attention.ts";
import {
  denseAttentionBackward,
  type DenseAttentionDims,
  denseAttentionForward,
  denseKeepsScores,
  denseScoresSize,
} from "./attention_dense.ts";
import { mixerOf, queryKeyDim } from "../../scaling/count/mixer.ts";
import {
  crossEntropyBlockGrad,
  crossEntropyBlockStats,
  crossEntropyRows,
  meanLoss,
  type RowWeights,
} from "./cross_entropy.ts";
import { refineBounds } from "./vocab_split.ts";
import { stepProducts } from "./products.ts";
import {
  type BlockActivations,
  type BlockWeights,
  type SharedBuffers,
  type StepDims,
  type StepPlan,
  stepPlan,
} from "./step_plan.ts";

/** Attention kernels of a workspace (see `GpuBackendOptions.attention`). */
export type AttentionMode = "auto" | "dense" | "flash";

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
  /** Records the fused plan (true, the default) or the unfused baseline (`step_plan.ts`). */
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
  /** Weighted workspaces only: per-target weights normalised to mean 1 `[B·T]` (`meanOneWeights`). */
  readonly weights?: GPUBuffer;
  /** Weighted workspaces only: the evaluation's weighted accuracy `[1]`, written by `evalPlan`. */
  readonly accuracy?: GPUBuffer;
  /** Every dispatch of a training step, in order. */
  train: Dispatch[];
  /** Every dispatch of an evaluation (forward and mean loss), in order. */
  evalPlan: Dispatch[];
  /** Dispatch counts of the training step. */
  readonly counts: DispatchCounts;
  /** Every buffer of the workspace (released with it). */
  readonly buffers: GPUBuffer[];
}

/** The buffers of one transformer block: its activations, what attention saved, and the norms' rstd. */
interface LayerBuffers extends BlockActivations {
  /** attn_norm's `1/rms` per row `[N]`. */
  readonly aRstd: GPUBuffer;
  /** Attention output `[N, hq·hs]`. */
  readonly o: GPUBuffer;
  /**
   * What attention saves for its backward: the causal probabilities `[B, hq, T, T]` (dense) or the row
   * log-sum-exp of the scaled scores `[B, hq, T]` (flash).
   */
  readonly saved: GPUBuffer;
  /** Raw scores `[B, hq, T, T]` and row sums `[B, hq, T]` a linear mixer's dense backward reads. */
  readonly linear?: { readonly scores: GPUBuffer; readonly rowSum: GPUBuffer };
  /** Residual stream after the attention branch `[N, w]`. */
  readonly xMid: GPUBuffer;
  /** mlp_norm's `1/rms` per row `[N]`. */
  readonly mRstd: GPUBuffer;
}

/** Returns the one block of each tensor of a transformer block (only the vocabulary tensors are split). */
function blockOf(t: LayerTensors<readonly BoundBlock[]>): BlockWeights {
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v[0]])) as unknown as BlockWeights;
}

/** Returns whether a workspace of shape `att` uses the dense attention under `opts`. */
function useDense(ctx: GpuContext, cfg: ModelConfig, att: AttentionDims, opts: RecordOptions): boolean {
  const scoreBytes = denseScoresSize(att) * 4;
  const mixer = mixerOf(cfg);
  if (mixer.kind !== "softmax") {
    // only the dense attention has the other mixers
    if (opts.attention === "flash") {
      throw new Error(`GpuBackend: attention "flash" has no ${mixer.kind} mixer; use "dense" or "auto"`);
    }
    if (scoreBytes > ctx.limits.maxStorageBufferBindingSize) {
      throw new Error(
        `GpuBackend: the ${mixer.kind} mixer needs dense attention scores of ${scoreBytes} bytes per layer ` +
          `(batch ${att.batch} × ${att.numQueryHeads} heads × seqLen ${att.seqLen}²), above the binding limit ` +
          `${ctx.limits.maxStorageBufferBindingSize}; use a smaller batch or context`,
      );
    }
    return true;
  }
  return opts.attention === "dense" ||
    (opts.attention === "auto" && scoreBytes <= ctx.limits.maxStorageBufferBindingSize &&
      scoreBytes * (cfg.depth + 1) <= opts.denseAttentionBytes);
}

/** The attention of a block, forward and backward, with RoPE where the plan puts it. */
interface AttentionOps {
  /** RoPE of q and k, then `o = attention(q, k, v)`, saving what the backward needs. */
  forward(L: LayerBuffers): Dispatch[];
  /** From `dO`: dq, dk, dv, then the inverse RoPE of dq and dk. */
  backward(L: LayerBuffers): Dispatch[];
}

/** The buffers of the attention backward: dO (its input), dq, dk, dv (its outputs) and its scratch. */
interface AttentionGrads {
  readonly dO: GPUBuffer;
  readonly dq: GPUBuffer;
  readonly dk: GPUBuffer;
  readonly dv: GPUBuffer;
  /** d probabilities `[B, hq, T, T]` (dense) or `D_t = do_t · o_t` `[B, hq, T]` (flash). */
  readonly scratch: GPUBuffer;
}

/** The dense attention: batched products over the saved probabilities, RoPE recorded by the plan around it. */
function denseAttention(
  ctx: GpuContext,
  plan: StepPlan,
  att: DenseAttentionDims,
  { dO, dq, dk, dv, scratch }: AttentionGrads,
  tile: MatmulTile | undefined,
): AttentionOps {
  return {
    forward: (L) => [
      ...plan.rope(false, L.q, L.k),
      ...denseAttentionForward(ctx, { q: L.q, k: L.k, v: L.v, o: L.o, probs: L.saved, ...L.linear }, att, {
        tile,
      }),
    ],
    backward: (L) => [
      ...denseAttentionBackward(
        ctx,
        { q: L.q, k: L.k, v: L.v, probs: L.saved, dout: dO, dq, dk, dv, dprobs: scratch, ...L.linear },
        att,
        { tile },
      ),
      ...plan.rope(true, dq, dk),
    ],
  };
}

/** The flash attention: recomputation from the saved log-sum-exp, RoPE inside it when the plan says so. */
function flashAttention(
  ctx: GpuContext,
  plan: StepPlan,
  att: AttentionDims,
  { dO, dq, dk, dv, scratch }: AttentionGrads,
): AttentionOps {
  const rope = (inverse: boolean, q: GPUBuffer, k: GPUBuffer) =>
    plan.flash.rope ? [] : plan.rope(inverse, q, k);
  return {
    forward: (L) => [
      ...rope(false, L.q, L.k),
      attentionForward(ctx, { q: L.q, k: L.k, v: L.v, o: L.o, lse: L.saved }, att, plan.flash),
    ],
    backward: (L) => [
      ...attentionBackward(
        ctx,
        { q: L.q, k: L.k, v: L.v, o: L.o, lse: L.saved, dout: dO, dq, dk, dv, dsum: scratch },
        att,
        plan.flash,
      ),
      ...rope(true, dq, dk),
    ],
  };
}

/**
 * Allocates the workspace of `batch` sequences of `T` positions and records its training and evaluation
 * plans; every matmul goes through `tuner`. Throws when one logits column does not fit a binding.
 */
export function recordWorkspace(
  ctx: GpuContext,
  cfg: ModelConfig,
  parts: { readonly store: ParameterStore; readonly tuner: MatmulTuner; readonly shared: SharedBuffers },
  shape: { readonly batch: number; readonly seqLen: number; readonly weighted?: boolean },
  opts: RecordOptions,
): Workspace {
  const { store, tuner, shared } = parts;
  const { batch, seqLen: T } = shape;
  const key = `${batch}x${T}${shape.weighted ? " weighted" : ""}`;
  const N = batch * T, w = cfg.width, hs = cfg.headSize, V = cfg.vocabSize;
  const hq = numQueryHeads(cfg), hkv = numKvHeads(cfg), md = cfg.mlpRatio * w;
  // q and k have dqk per head (a linear mixer's d'), v and o headSize
  const dqk = queryKeyDim(cfg), mixer = mixerOf(cfg);
  const qw = hq * hs, kw = hkv * hs, qkw = hq * dqk, kkw = hkv * dqk;
  const dims: StepDims = {
    depth: cfg.depth,
    rows: N,
    seqLen: T,
    width: w,
    qHeads: hq,
    kvHeads: hkv,
    headSize: hs,
    keyDim: dqk,
    qWidth: qkw,
    keyWidth: kkw,
    kvWidth: kw,
    mlpWidth: md,
  };
  const all: GPUBuffer[] = [];
  const buf = (label: string, n: number) => {
    const b = ctx.storage(`${label} [${key}]`, n);
    all.push(b);
    return b;
  };

  // ---- buffers
  const tokens = buf("tokens", N), targets = buf("targets", N);
  const offsets = buf("token offsets", V + 1), positions = buf("token positions", N);
  const xs = Array.from({ length: cfg.depth + 1 }, (_, l) => buf(`residual ${l}`, N * w));
  const att: DenseAttentionDims = {
    batch,
    seqLen: T,
    numQueryHeads: hq,
    numKvHeads: hkv,
    headSize: hs,
    ...(mixer.kind === "softmax" ? {} : { keyDim: dqk, mixer }),
  };
  const dense = useDense(ctx, cfg, att, opts);
  const layers: LayerBuffers[] = Array.from({ length: cfg.depth }, (_, l) => ({
    a: buf(`l${l} attn_norm out`, N * w),
    aRstd: buf(`l${l} attn_norm rstd`, N),
    q: buf(`l${l} q`, N * qkw),
    k: buf(`l${l} k`, N * kkw),
    v: buf(`l${l} v`, N * kw),
    o: buf(`l${l} attn out`, N * qw),
    saved: dense ? buf(`l${l} attn probs`, denseScoresSize(att)) : buf(`l${l} attn lse`, batch * hq * T),
    ...(denseKeepsScores(att)
      ? {
        linear: {
          scores: buf(`l${l} attn scores`, denseScoresSize(att)),
          rowSum: buf(`l${l} attn row sums`, batch * hq * T),
        },
      }
      : {}),
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
  const weighted: RowWeights | undefined = shape.weighted
    ? { weights: buf("loss weights", N), rowCorrect: buf("row correct", N) }
    : undefined;
  const accuracy = weighted ? buf("eval accuracy", 1) : undefined;
  const ceStats = split ? buf("cross-entropy stats", 2 * N) : rowLoss;
  const ceTarget = split ? buf("cross-entropy target logit", N) : rowLoss;
  const dx = buf("d residual", N * w), dn = buf("d norm out", N * w);
  const dO = buf("d attn out", N * qw),
    dq = buf("dq", N * qkw),
    dk = buf("dk", N * kkw),
    dv = buf("dv", N * kw);
  // the attention backward's scratch: d probabilities [B, hq, T, T] (dense) or D_t = do_t · o_t (flash)
  const attScratch = dense ? buf("attn dprobs", denseScoresSize(att)) : buf("attn row dot", batch * hq * T);

  // ---- the plan (fused or unfused) and the attention (dense or flash), each chosen here once
  const mm = stepProducts(tuner, N);
  const plan = stepPlan(
    { ctx, dims, store, shared, mm, grads: { dx, dn, dq, dk, dv, rowLoss }, alloc: buf },
    opts.fused,
  );
  const attGrads = { dO, dq, dk, dv, scratch: attScratch };
  const attention = dense
    ? denseAttention(ctx, plan, att, attGrads, opts.tile)
    : flashAttention(ctx, plan, att, attGrads);
  const one = <B>(bs: readonly B[]) => bs[0];
  const P = store.named("param"), G = store.named("grad");
  const range = (j: number) => ({ start: store.bounds[j], count: store.bounds[j + 1] - store.bounds[j] });
  const norm = (x: GPUBuffer, g: BoundBlock, y: GPUBuffer, rstd: GPUBuffer) =>
    rmsnormForward(ctx, { x, g: g.buffer, y, rstd }, {
      rows: N,
      width: w,
      eps: cfg.normEps,
      gOffset: g.offset,
    });

  // ---- forward
  const embeddingForwardStep = (): Dispatch[] =>
    P.embed.map((t, j) =>
      embeddingForward(ctx, { table: t.buffer, tokens, y: xs[0] }, {
        rows: N,
        width: w,
        tableOffset: t.offset,
        range: P.embed.length === 1 ? undefined : range(j),
      })
    );
  const layerForward = (l: number): Dispatch[] => {
    const L = layers[l], W = blockOf(P.layers[l]);
    return [
      // attention branch: xMid = xs[l] + attention(rope(a·Wq), rope(a·Wk), a·Wv)·wo, a = attn_norm(xs[l])
      norm(xs[l], W.attnNorm, L.a, L.aRstd),
      ...plan.qkvForward(L, W),
      ...attention.forward(L),
      ...plan.residual(xs[l], L.xMid, L.o, W.wo, qw),
      // MLP branch: xs[l+1] = xMid + GEGLU(m·wGate, m·wUp)·wDown, m = mlp_norm(xMid)
      norm(L.xMid, W.mlpNorm, L.mN, L.mRstd),
      ...plan.mlpForward(L, W),
      ...plan.residual(L.xMid, xs[l + 1], L.h, W.wDown, md),
    ];
  };
  const head = P.lmHead, gHead = G.lmHead;
  const headForward = (): Dispatch[] => [
    norm(xs[cfg.depth], one(P.finalNorm), xf, fRstd),
    ...blocks.flatMap((b, j) =>
      tuner.record(xf, head[b.parent].buffer, logits[j], {
        m: N,
        n: b.count,
        k: w,
        offsetB: head[b.parent].offset + b.offset,
        ldb: b.parentCount,
      })
    ),
  ];
  // ---- loss: split, a running (max, sum of exp) per row over the blocks in order, the last writing the loss
  const lossStats = (): Dispatch[] =>
    blocks.map((b, j) =>
      crossEntropyBlockStats(
        ctx,
        { logits: logits[j], targets, stats: ceStats, targetLogit: ceTarget, rowLoss, weighted },
        { rows: N, cols: b.count, start: b.start, first: j === 0, last: j === blocks.length - 1 },
      )
    );
  const rows = (grad: boolean) =>
    crossEntropyRows(ctx, { logits: logits[0], targets, rowLoss, weighted }, { rows: N, vocab: V, grad });

  // ---- backward
  // per logits block: its dlogits, dW_head block = xfᵀ·dlogits, dn (+)= dlogits·W_blockᵀ in block order
  const headBackward = (): Dispatch[] => [
    ...blocks.flatMap((b, j) => [
      ...(split
        ? [crossEntropyBlockGrad(ctx, { logits: logits[j], targets, stats: ceStats, weighted }, {
          rows: N,
          cols: b.count,
          start: b.start,
        })]
        : []),
      ...tuner.record(xf, logits[j], gHead[b.parent].buffer, {
        m: w,
        n: b.count,
        k: N,
        transA: true,
        offsetC: gHead[b.parent].offset + b.offset,
        ldc: b.parentCount,
      }),
      ...tuner.record(logits[j], head[b.parent].buffer, dn, {
        m: N,
        n: w,
        k: b.count,
        transB: true,
        offsetB: head[b.parent].offset + b.offset,
        ldb: b.parentCount,
        accumulate: j > 0,
      }),
    ]),
    ...plan.normBackward({ x: xs[cfg.depth], g: one(P.finalNorm), rstd: fRstd, dg: one(G.finalNorm) }, false),
  ];
  const layerBackward = (l: number): Dispatch[] => {
    const L = layers[l], W = blockOf(P.layers[l]), GW = blockOf(G.layers[l]);
    return [
      // MLP branch: xs[l+1] = xMid + h·wDown
      ...mm.weightGrad(L.h, dx, GW.wDown, md, w),
      ...plan.mlpBackward(L, W, GW),
      ...plan.normBackward({ x: L.xMid, g: W.mlpNorm, rstd: L.mRstd, dg: GW.mlpNorm }, true),
      // attention branch: xMid = xs[l] + o·wo
      ...mm.weightGrad(L.o, dx, GW.wo, qw, w),
      ...mm.inputGrad(dx, W.wo, dO, qw, w),
      ...attention.backward(L),
      ...plan.qkvBackward(L, W, GW),
      ...plan.normBackward({ x: xs[l], g: W.attnNorm, rstd: L.aRstd, dg: GW.attnNorm }, true),
    ];
  };
  const embeddingBackwardStep = (): Dispatch[] =>
    G.embed.map((dt, j) =>
      embeddingBackward(ctx, { dy: dx, offsets, positions, dtable: dt.buffer }, {
        vocab: range(j).count,
        width: w,
        start: range(j).start,
        dtableOffset: dt.offset,
      })
    );

  // ---- the plans: the order of these calls is the order of the recorded products (and tuning)
  const forward = embeddingForwardStep();
  let layerDispatches = 0;
  for (let l = 0; l < cfg.depth; l++) {
    const f = layerForward(l);
    forward.push(...f);
    layerDispatches += f.length;
  }
  forward.push(...headForward());
  const stats = split ? lossStats() : [];
  const evalPlan = [
    ...forward,
    ...(split ? stats : [rows(false)]),
    meanLoss(ctx, { rowLoss, losses: shared.evalLog, step: shared.evalStep }, N),
    ...(weighted && accuracy
      ? [meanLoss(ctx, { rowLoss: weighted.rowCorrect, losses: accuracy, step: shared.evalStep }, N)]
      : []),
  ];
  const backward = [...(split ? stats : [rows(true)]), ...plan.lossLog(), ...headBackward()];
  for (let l = cfg.depth - 1; l >= 0; l--) {
    const b = layerBackward(l);
    backward.push(...b);
    layerDispatches += b.length;
  }
  backward.push(...embeddingBackwardStep(), ...plan.gainGradients());
  const train = [...forward, ...backward, ...plan.optimizerStep()];
  return {
    batch,
    seqLen: T,
    tokens,
    targets,
    offsets,
    positions,
    weights: weighted?.weights,
    accuracy,
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
