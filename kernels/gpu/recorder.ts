/**
 * The step recorder: for one (batch, sequence length) shape, allocates the activation workspace and
 * records, once, every dispatch of a training step (forward, backward, global-norm clip, AdamW) and of an
 * evaluation (forward and loss). `GpuBackend` replays these plans; only tokens and the step uniform change
 * between steps.
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
import type { ParameterStore } from "./state.ts";
import { embeddingBackward, embeddingForward } from "./embedding.ts";
import { rmsnormBackward, rmsnormForward, rmsnormScratchSize } from "./rmsnorm.ts";
import { ropeDispatch } from "./rope.ts";
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
  const dx = buf("d residual", N * w), dn = buf("d norm out", N * w), dh = buf("d geglu out", N * md);
  const dO = buf("d attn out", N * qw),
    dq = buf("dq", N * qw),
    dk = buf("dk", N * kw),
    dv = buf("dv", N * kw);
  // the attention backward's scratch: d probabilities [B, hq, T, T] (dense) or D_t = do_t · o_t (flash)
  const attScratch = dense ? buf("attn dprobs", denseScoresSize(att)) : buf("attn row dot", batch * hq * T);
  const scratch = buf("dg scratch", rmsnormScratchSize(N, w));
  const one = (bs: readonly GPUBuffer[]) => bs[0];
  const P = store.named("param"), G = store.named("grad");
  const bounds = store.bounds,
    range = (j: number) => ({ start: bounds[j], count: bounds[j + 1] - bounds[j] });
  const rq = { rows: N, seqLen: T, heads: hq, headSize: hs }, rk = { ...rq, heads: hkv };
  const rope = (x: GPUBuffer, s: typeof rq, inverse: boolean) =>
    ropeDispatch(ctx, { x, cos: shared.cos, sin: shared.sin }, { ...s, inverse });
  const norm = { rows: N, width: w, eps: cfg.normEps };

  const forward: Dispatch[] = P.embed.length === 1
    ? [embeddingForward(ctx, { table: one(P.embed), tokens, y: xs[0] }, { rows: N, width: w })]
    : P.embed.map((table, j) =>
      embeddingForward(ctx, { table, tokens, y: xs[0] }, { rows: N, width: w, range: range(j) })
    );
  for (let l = 0; l < cfg.depth; l++) {
    const L = layers[l], W = P.layers[l];
    const A = L.attn;
    forward.push(
      rmsnormForward(ctx, { x: xs[l], g: one(W.attnNorm), y: L.a, rstd: L.aRstd }, norm),
      ...mm(L.a, one(W.wq), L.q, { m: N, n: qw, k: w }),
      ...mm(L.a, one(W.wk), L.k, { m: N, n: kw, k: w }),
      ...mm(L.a, one(W.wv), L.v, { m: N, n: kw, k: w }),
      rope(L.q, rq, false),
      rope(L.k, rk, false),
      ...(A.kind === "dense"
        ? denseAttentionForward(ctx, { q: L.q, k: L.k, v: L.v, o: L.o, probs: A.probs }, att, {
          tile: opts.tile,
        })
        : [attentionForward(ctx, { q: L.q, k: L.k, v: L.v, o: L.o, lse: A.lse }, att)]),
      copyDispatch(ctx, { src: xs[l], dst: L.xMid }, N * w),
      ...mm(L.o, one(W.wo), L.xMid, { m: N, n: w, k: qw, accumulate: true }),
      rmsnormForward(ctx, { x: L.xMid, g: one(W.mlpNorm), y: L.mN, rstd: L.mRstd }, norm),
      ...mm(L.mN, one(W.wGate), L.gate, { m: N, n: md, k: w }),
      ...mm(L.mN, one(W.wUp), L.up, { m: N, n: md, k: w }),
      gegluForward(ctx, { gate: L.gate, up: L.up, h: L.h }, N * md),
      copyDispatch(ctx, { src: L.xMid, dst: xs[l + 1] }, N * w),
      ...mm(L.h, one(W.wDown), xs[l + 1], { m: N, n: w, k: md, accumulate: true }),
    );
  }
  forward.push(
    rmsnormForward(ctx, { x: xs[cfg.depth], g: one(P.finalNorm), y: xf, rstd: fRstd }, norm),
    ...blocks.flatMap((b, j) =>
      mm(xf, P.lmHead[b.parent], logits[j], {
        m: N,
        n: b.count,
        k: w,
        offsetB: b.offset,
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

  const normBack = (
    b: { x: GPUBuffer; g: GPUBuffer; rstd: GPUBuffer; dg: GPUBuffer },
    accumulate: boolean,
  ) => rmsnormBackward(ctx, { ...b, dy: dn, dx, scratch }, { rows: N, width: w, accumulate });
  const backward: Dispatch[] = [
    ...(split ? lossStats : [rows(true)]),
    meanLoss(ctx, { rowLoss, losses: shared.lossLog, step: shared.step }, N),
    // per logits block: its dlogits, dW_head block = xfᵀ·dlogits, dn (+)= dlogits·W_blockᵀ in block order
    ...blocks.flatMap((b, j) => [
      ...(split
        ? [crossEntropyBlockGrad(ctx, { logits: logits[j], targets, stats: ceStats }, {
          rows: N,
          cols: b.count,
          start: b.start,
        })]
        : []),
      ...mm(xf, logits[j], G.lmHead[b.parent], {
        m: w,
        n: b.count,
        k: N,
        transA: true,
        offsetC: b.offset,
        ldc: b.parentCount,
      }),
      ...mm(logits[j], P.lmHead[b.parent], dn, {
        m: N,
        n: w,
        k: b.count,
        transB: true,
        offsetB: b.offset,
        ldb: b.parentCount,
        accumulate: j > 0,
      }),
    ]),
    ...normBack({ x: xs[cfg.depth], g: one(P.finalNorm), rstd: fRstd, dg: one(G.finalNorm) }, false),
  ];
  for (let l = cfg.depth - 1; l >= 0; l--) {
    const L = layers[l], W = P.layers[l], GW = G.layers[l];
    const A = L.attn;
    backward.push(
      // MLP branch: xs[l+1] = xMid + h·w_down
      ...mm(L.h, dx, one(GW.wDown), { m: md, n: w, k: N, transA: true }),
      ...mm(dx, one(W.wDown), dh, { m: N, n: md, k: w, transB: true }),
      gegluBackward(ctx, { gate: L.gate, up: L.up, dh }, N * md),
      ...mm(L.mN, L.gate, one(GW.wGate), { m: w, n: md, k: N, transA: true }),
      ...mm(L.mN, L.up, one(GW.wUp), { m: w, n: md, k: N, transA: true }),
      ...mm(L.gate, one(W.wGate), dn, { m: N, n: w, k: md, transB: true }),
      ...mm(L.up, one(W.wUp), dn, { m: N, n: w, k: md, transB: true, accumulate: true }),
      ...normBack({ x: L.xMid, g: one(W.mlpNorm), rstd: L.mRstd, dg: one(GW.mlpNorm) }, true),
      // attention branch: xMid = xs[l] + o·wo
      ...mm(L.o, dx, one(GW.wo), { m: qw, n: w, k: N, transA: true }),
      ...mm(dx, one(W.wo), dO, { m: N, n: qw, k: w, transB: true }),
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
        )),
      rope(dq, rq, true),
      rope(dk, rk, true),
      ...mm(L.a, dq, one(GW.wq), { m: w, n: qw, k: N, transA: true }),
      ...mm(L.a, dk, one(GW.wk), { m: w, n: kw, k: N, transA: true }),
      ...mm(L.a, dv, one(GW.wv), { m: w, n: kw, k: N, transA: true }),
      ...mm(dq, one(W.wq), dn, { m: N, n: w, k: qw, transB: true }),
      ...mm(dk, one(W.wk), dn, { m: N, n: w, k: kw, transB: true, accumulate: true }),
      ...mm(dv, one(W.wv), dn, { m: N, n: w, k: kw, transB: true, accumulate: true }),
      ...normBack({ x: xs[l], g: one(W.attnNorm), rstd: L.aRstd, dg: one(GW.attnNorm) }, true),
    );
  }
  backward.push(
    ...G.embed.map((dtable, j) =>
      embeddingBackward(ctx, { dy: dx, offsets, positions, dtable }, {
        vocab: range(j).count,
        width: w,
        start: range(j).start,
      })
    ),
  );
  const flat = (g: "param" | "grad" | "adam_m" | "adam_v") => store.blocks[g].flat();
  const [pw, pg, pm, pv] = [flat("param"), flat("grad"), flat("adam_m"), flat("adam_v")];
  const sizes = store.blockSizes.flat();
  const decay = store.specs.flatMap((s, i) => store.blockSizes[i].map(() => s.decay));
  const optimizer = [
    ...gradNorm(ctx, {
      grads: pg,
      partial: shared.partial,
      norms: shared.normLog,
      scale: shared.scale,
      step: shared.step,
    }, sizes),
    ...pw.map((p, i) =>
      adamw(ctx, { w: p, g: pg[i], m: pm[i], v: pv[i], scale: shared.scale, step: shared.step }, {
        n: sizes[i],
        decay: decay[i],
      })
    ),
  ];
  return {
    batch,
    seqLen: T,
    tokens,
    targets,
    offsets,
    positions,
    train: [...forward, ...backward, ...optimizer],
    evalPlan,
    buffers: all,
  };
}
