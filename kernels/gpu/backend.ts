/**
 * `GpuBackend`: the `Backend` interface on WebGPU. Parameters, gradients and AdamW moments live in
 * one storage buffer per tensor; activations in a workspace per (batch, sequence length) shape. Every
 * dispatch (pipeline, bind group, shape uniforms) is recorded once per workspace; `trainStep` writes
 * the tokens and the step uniform with `queue.writeBuffer` and submits ONE command buffer holding
 * forward, backward, global-norm clip and AdamW. Losses and gradient norms stay on the device until
 * `readTrainLosses`.
 *
 * Vocabulary-sized tensors larger than a storage binding (`maxBindingBytes`, default the adapter's
 * `maxStorageBufferBindingSize`) are split along the vocabulary: the token embedding into row blocks, the
 * LM head (with its gradient and AdamW moments) into column blocks, the logits into column blocks inside
 * those. The cross-entropy merges each row's running maximum and sum of exponentials block by block in a
 * fixed order; `dx` of the LM head accumulates over the blocks in order; `setState`, `getState` and
 * `readGradients` convert blocks to and from the canonical tensors of `parameterSpecs`.
 * @module
 */
import {
  type Backend,
  type ModelConfig,
  numKvHeads,
  numQueryHeads,
  type OptimizerStep,
  parameterSpecs,
  type ParamSpec,
  type TrainState,
  validateModelConfig,
} from "../types.ts";
import { type Dispatch, GpuContext } from "./context.ts";
import {
  chooseSplitK,
  DEFAULT_TILE,
  matmulDispatch,
  matmulSharedBytes,
  type MatmulSpec,
  type MatmulTile,
  matmulWgsl,
  TUNE_TILES,
  WIDE_TILE,
} from "./matmul.ts";
import { embeddingBackward, embeddingForward, tokenIndex } from "./embedding.ts";
import { rmsnormBackward, rmsnormForward, rmsnormScratchSize } from "./rmsnorm.ts";
import { ropeDispatch, ropeTablesF32 } from "./rope.ts";
import { attentionBackward, type AttentionDims, attentionForward } from "./attention.ts";
import { gegluBackward, gegluForward } from "./geglu.ts";
import {
  crossEntropyBlockGrad,
  crossEntropyBlockStats,
  crossEntropyRows,
  meanLoss,
} from "./cross_entropy.ts";
import { adamw, gradNorm, packStep, STEP_BYTES, sumsqGroups } from "./optimizer.ts";
import { copyDispatch } from "./elementwise.ts";
import { denseAttentionBackward, denseAttentionForward, denseScoresSize } from "./attention_dense.ts";
import { joinColumns, refineBounds, splitColumns, vocabBounds } from "./vocab_split.ts";

/** Options of `createGpuBackend`. */
export interface GpuBackendOptions {
  /** Validation error scopes around every submission, reported with kernel names (default false). */
  readonly debug?: boolean;
  /** Matmul tile for every product (default: chosen per product by `chooseTile`). */
  readonly tile?: MatmulTile;
  /** Steps that may be taken between two `readTrainLosses` calls (default 65536). */
  readonly maxPendingSteps?: number;
  /** Split the K dimension of products with few output tiles over more workgroups (default true). */
  readonly splitK?: boolean;
  /**
   * Attention kernels: "dense" (materialised probabilities, batched matmuls; fast for short sequences),
   * "flash" (recomputation, O(T) memory) or "auto" (default: dense while the saved probabilities of all
   * layers fit in `denseAttentionBytes` and one layer's fit in a storage binding).
   */
  readonly attention?: "auto" | "dense" | "flash";
  /** Memory budget of the dense attention's saved probabilities, bytes (default 4 GiB). */
  readonly denseAttentionBytes?: number;
  /** An existing context to use (not destroyed by `destroy`); default: a new one. */
  readonly context?: GpuContext;
  /**
   * Time every tile of `TUNE_TILES` on each distinct product (its real operands, a scratch output) the
   * first time `readTrainLosses`, `evalLoss` or `profileStep` runs after it was recorded, and use the
   * fastest. Results are bit-identical whichever tile runs. Default: on for a hardware adapter without
   * a fixed `tile`, off on software rasterisers (llvmpipe, lavapipe, SwiftShader).
   */
  readonly tune?: boolean;
  /**
   * Largest storage binding, bytes, for the vocabulary-sized tensors: the token embedding `[V, w]`, the
   * LM head `[w, V]` (with their gradients and AdamW moments) and the logits `[B·T, V]`. Each is split
   * along the vocabulary into near-equal blocks of at most this size (default and upper bound: the
   * adapter's `maxStorageBufferBindingSize`; smaller values force splitting, e.g. in tests). Other tensors
   * are checked against the adapter's limit only.
   */
  readonly maxBindingBytes?: number;
}

/** One recorded matmul of a plan: operands, the full spec it was recorded with and its dispatches. */
interface Product {
  readonly a: GPUBuffer;
  readonly b: GPUBuffer;
  readonly c: GPUBuffer;
  readonly spec: MatmulSpec;
  readonly key: string;
  readonly dispatches: Dispatch[];
  tuned: boolean;
}

const PER_LAYER = 9;

interface LayerBuffers {
  a: GPUBuffer;
  aRstd: GPUBuffer;
  q: GPUBuffer;
  k: GPUBuffer;
  v: GPUBuffer;
  o: GPUBuffer;
  /** Row log-sum-exp (flash) or the probabilities `[B, hq, T, T]` (dense). */
  lse: GPUBuffer;
  xMid: GPUBuffer;
  mN: GPUBuffer;
  mRstd: GPUBuffer;
  gate: GPUBuffer;
  up: GPUBuffer;
  h: GPUBuffer;
}

interface Workspace {
  readonly batch: number;
  readonly seqLen: number;
  readonly tokens: GPUBuffer;
  readonly targets: GPUBuffer;
  readonly offsets: GPUBuffer;
  readonly positions: GPUBuffer;
  train: Dispatch[];
  evalPlan: Dispatch[];
  readonly buffers: GPUBuffer[];
}

/** A WebGPU implementation of {@link Backend}; see the module doc. Create with `createGpuBackend`. */
export class GpuBackend implements Backend {
  /** `"webgpu:"` + adapter vendor, architecture, device and description. */
  readonly identity: string;
  readonly #ctx: GpuContext;
  readonly #ownsCtx: boolean;
  readonly #cfg: ModelConfig;
  readonly #specs: ParamSpec[];
  readonly #sizes: number[];
  readonly #tile?: MatmulTile;
  /** Per tensor of `#specs`, its blocks (one buffer, or the vocabulary blocks of embed and lm_head). */
  readonly #params: GPUBuffer[][];
  readonly #grads: GPUBuffer[][];
  readonly #m: GPUBuffer[][];
  readonly #v: GPUBuffer[][];
  /** Floats of each block of each tensor. */
  readonly #blockSizes: number[][];
  /** Vocabulary partition of the embedding and LM head blocks (`vocabBounds`). */
  readonly #bounds: number[];
  /** Binding budget of vocabulary-sized tensors, bytes. */
  readonly #maxBytes: number;
  readonly #stepBuf: GPUBuffer;
  readonly #evalStep: GPUBuffer;
  readonly #lossLog: GPUBuffer;
  readonly #normLog: GPUBuffer;
  readonly #evalLog: GPUBuffer;
  readonly #scale: GPUBuffer;
  readonly #partial: GPUBuffer;
  readonly #cos: GPUBuffer;
  readonly #sin: GPUBuffer;
  readonly #capacity: number;
  readonly #workspaces = new Map<string, Workspace>();
  readonly #splitK: boolean;
  readonly #attention: "auto" | "dense" | "flash";
  readonly #denseBytes: number;
  #scratch?: GPUBuffer;
  readonly #extra: GPUBuffer[] = [];
  readonly #tune: boolean;
  readonly #products: Product[] = [];
  readonly #tuned = new Map<string, MatmulTile>();
  readonly #buildable = new Map<string, boolean>();
  #step = 0;
  #pending = 0;
  #destroyed = false;

  /** Use `createGpuBackend`; this constructor allocates every buffer of the model state. */
  constructor(ctx: GpuContext, ownsCtx: boolean, cfg: ModelConfig, options: GpuBackendOptions) {
    this.#ctx = ctx;
    this.#ownsCtx = ownsCtx;
    this.#cfg = validateModelConfig(cfg);
    this.identity = ctx.identity;
    this.#tile = options.tile;
    this.#splitK = options.splitK ?? true;
    this.#attention = options.attention ?? "auto";
    this.#denseBytes = options.denseAttentionBytes ?? 4 * 2 ** 30;
    this.#tune = options.tune ??
      (options.tile === undefined && !/llvmpipe|lavapipe|swiftshader|fallback/i.test(ctx.identity));
    this.#specs = parameterSpecs(cfg);
    this.#sizes = this.#specs.map((s) => s.shape.reduce((a, b) => a * b, 1));
    const adapterMax = Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
    const maxBytes = options.maxBindingBytes ?? adapterMax;
    if (!Number.isInteger(maxBytes) || maxBytes < 4 * cfg.width) {
      throw new Error(
        `GpuBackend: maxBindingBytes must be an integer of at least one embedding row (4 · width = ${
          4 * cfg.width
        } bytes), got ${maxBytes}`,
      );
    }
    this.#maxBytes = Math.min(maxBytes, adapterMax);
    this.#bounds = vocabBounds(cfg.vocabSize, Math.floor(this.#maxBytes / (4 * cfg.width)));
    const iHead = this.#specs.length - 1;
    this.#blockSizes = this.#specs.map((_, i) =>
      i === 0 || i === iHead
        ? this.#bounds.slice(1).map((b, j) => (b - this.#bounds[j]) * cfg.width)
        : [this.#sizes[i]]
    );
    const alloc = (kind: string) =>
      this.#specs.map((s, i) =>
        this.#blockSizes[i].map((n, j) =>
          ctx.storage(
            this.#blockSizes[i].length === 1
              ? `${kind} ${s.name}`
              : `${kind} ${s.name} [${this.#bounds[j]}:${this.#bounds[j + 1]})`,
            n,
          )
        )
      );
    this.#params = alloc("param");
    this.#grads = alloc("grad");
    this.#m = alloc("adam_m");
    this.#v = alloc("adam_v");
    const uni = GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
    this.#stepBuf = ctx.device.createBuffer({ label: "step", size: STEP_BYTES, usage: uni });
    this.#evalStep = ctx.device.createBuffer({ label: "eval step", size: STEP_BYTES, usage: uni });
    const zeroOpt = { lr: 0, beta1: 0, beta2: 0, eps: 0, weightDecay: 0, gradClip: 0 };
    ctx.device.queue.writeBuffer(this.#evalStep, 0, packStep(zeroOpt, 0, 0));
    this.#capacity = options.maxPendingSteps ?? 65536;
    this.#lossLog = ctx.storage("loss log", this.#capacity);
    this.#normLog = ctx.storage("grad-norm log", this.#capacity);
    this.#evalLog = ctx.storage("eval loss", 1);
    this.#scale = ctx.storage("clip scale", 1);
    this.#partial = ctx.storage(
      "grad-norm partials",
      this.#blockSizes.flat().reduce((s, n) => s + sumsqGroups(n), 0),
    );
    const { cos, sin } = ropeTablesF32(cfg.seqLen, cfg.headSize, cfg.ropeTheta);
    this.#cos = ctx.upload("rope cos", cos);
    this.#sin = ctx.upload("rope sin", sin);
  }

  #mm(a: GPUBuffer, b: GPUBuffer, c: GPUBuffer, spec: MatmulSpec): Dispatch[] {
    const base = spec.tile ?? this.#tile ?? chooseTile(spec);
    // the K split follows the default tile, so that a tuned tile (same depth) gives the same bits
    const splitK = this.#splitK ? chooseSplitK(spec, base) : 1;
    const key = `${spec.transA ? "T" : "N"}${
      spec.transB ? "T" : "N"
    } ${spec.m}x${spec.n}x${spec.k}/${splitK}`;
    const tile = this.#tuned.get(key) ?? base;
    let scratch = this.#scratch;
    if (splitK > 1 && (!scratch || scratch.size < splitK * spec.m * spec.n * 4)) {
      scratch = this.#ctx.storage("split-K scratch", splitK * spec.m * spec.n);
      this.#scratch = scratch;
      this.#extra.push(scratch);
    }
    const full = { ...spec, tile, splitK, scratch };
    const dispatches = matmulDispatch(this.#ctx, a, b, c, full);
    this.#products.push({
      a,
      b,
      c,
      spec: full,
      key,
      dispatches,
      tuned: !this.#tune || spec.tile !== undefined,
    });
    return dispatches;
  }

  /** Returns whether a tuning candidate's kernel builds on this device (validation errors captured). */
  async #candidateBuilds(code: string): Promise<boolean> {
    const hit = this.#buildable.get(code);
    if (hit !== undefined) return hit;
    const dev = this.#ctx.device;
    dev.pushErrorScope("validation");
    let ok = true;
    try {
      const module = dev.createShaderModule({ label: "tune candidate", code });
      await dev.createComputePipelineAsync({ layout: "auto", compute: { module, entryPoint: "main" } });
    } catch {
      ok = false;
    }
    if (await dev.popErrorScope()) ok = false;
    this.#buildable.set(code, ok);
    return ok;
  }

  /** Returns the mean time (ms) of `ds` submitted alone, after one warm-up run. */
  async #time(ds: Dispatch[]): Promise<number> {
    const q = this.#ctx.device.queue;
    this.#ctx.run("tune", ds);
    await q.onSubmittedWorkDone();
    let t0 = performance.now();
    this.#ctx.run("tune", ds);
    await q.onSubmittedWorkDone();
    const reps = Math.max(1, Math.min(32, Math.ceil(2 / Math.max(performance.now() - t0, 1e-3))));
    let best = Infinity;
    for (let trial = 0; trial < 2; trial++) {
      t0 = performance.now();
      this.#ctx.run("tune", Array.from({ length: reps }, () => ds).flat());
      await q.onSubmittedWorkDone();
      best = Math.min(best, (performance.now() - t0) / reps);
    }
    return best;
  }

  /**
   * Times the candidate tiles of every product recorded since the last call (once per distinct
   * layout, shape and K split; outputs go to a scratch buffer, so no state changes) and re-records
   * the plans with the fastest. A no-op when tuning is off.
   */
  async #tuneProducts(): Promise<void> {
    const todo = this.#products.filter((p) => !p.tuned);
    if (todo.length === 0) return;
    const ctx = this.#ctx;
    const out = ctx.storage(
      "tune output",
      Math.max(
        ...todo.map((p) =>
          Math.max(p.spec.m * p.spec.n, (p.spec.offsetC ?? 0) + p.spec.m * (p.spec.ldc ?? 0))
        ),
      ),
    );
    const swap = new Map<Dispatch, Dispatch>();
    try {
      for (const p of todo) {
        const ta = p.spec.transA ?? false, tb = p.spec.transB ?? false;
        let best = this.#tuned.get(p.key);
        if (!best) {
          let bestMs = Infinity;
          for (const tile of TUNE_TILES) {
            if (matmulSharedBytes(tile, ta, tb) > ctx.limits.maxComputeWorkgroupStorageSize) continue;
            if (tile !== p.spec.tile && !(await this.#candidateBuilds(matmulWgsl(ta, tb, tile)))) continue;
            const ms = await this.#time(matmulDispatch(ctx, p.a, p.b, out, { ...p.spec, tile }));
            if (ms < bestMs) [bestMs, best] = [ms, tile];
          }
          best ??= p.spec.tile ?? DEFAULT_TILE;
          this.#tuned.set(p.key, best);
        }
        if (best !== p.spec.tile) {
          const fresh = matmulDispatch(ctx, p.a, p.b, p.c, { ...p.spec, tile: best });
          p.dispatches.forEach((d, i) => swap.set(d, fresh[i]));
        }
        p.tuned = true;
      }
    } finally {
      await ctx.device.queue.onSubmittedWorkDone();
      out.destroy();
    }
    for (const ws of this.#workspaces.values()) {
      ws.train = ws.train.map((d) => swap.get(d) ?? d);
      ws.evalPlan = ws.evalPlan.map((d) => swap.get(d) ?? d);
    }
    await ctx.check();
  }

  /**
   * Returns the vocabulary partition of the token embedding and LM head blocks: bounds `[0, …, V]`
   * (token ids), one block per consecutive pair; `[0, V]` when nothing is split.
   */
  vocabBlocks(): number[] {
    return this.#bounds.slice();
  }

  /** Returns the tile chosen by tuning for each product key (`"NT MxNxK/splitK"`); empty when tuning is off. */
  tunedTiles(): Map<string, MatmulTile> {
    return new Map(this.#tuned);
  }

  #workspace(batch: number, T: number): Workspace {
    const key = `${batch}x${T}`;
    const hit = this.#workspaces.get(key);
    if (hit) return hit;
    const ctx = this.#ctx, cfg = this.#cfg;
    const N = batch * T, w = cfg.width, hs = cfg.headSize, V = cfg.vocabSize;
    const hq = numQueryHeads(cfg), hkv = numKvHeads(cfg), md = cfg.mlpRatio * w;
    const qw = hq * hs, kw = hkv * hs;
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
    const scoreBytes = denseScoresSize(att) * 4;
    const dense = this.#attention === "dense" ||
      (this.#attention === "auto" && scoreBytes <= ctx.limits.maxStorageBufferBindingSize &&
        scoreBytes * (cfg.depth + 1) <= this.#denseBytes);
    const layers: LayerBuffers[] = Array.from({ length: cfg.depth }, (_, l) => ({
      a: buf(`l${l} attn_norm out`, N * w),
      aRstd: buf(`l${l} attn_norm rstd`, N),
      q: buf(`l${l} q`, N * qw),
      k: buf(`l${l} k`, N * kw),
      v: buf(`l${l} v`, N * kw),
      o: buf(`l${l} attn out`, N * qw),
      lse: dense ? buf(`l${l} attn probs`, denseScoresSize(att)) : buf(`l${l} attn lse`, batch * hq * T),
      xMid: buf(`l${l} residual mid`, N * w),
      mN: buf(`l${l} mlp_norm out`, N * w),
      mRstd: buf(`l${l} mlp_norm rstd`, N),
      gate: buf(`l${l} gate`, N * md),
      up: buf(`l${l} up`, N * md),
      h: buf(`l${l} geglu out`, N * md),
    }));
    const xf = buf("final_norm out", N * w), fRstd = buf("final_norm rstd", N);
    // logits blocks: the LM head's vocabulary blocks, each split further until [N, cols] fits a binding
    const maxCols = Math.floor(this.#maxBytes / (4 * N));
    if (maxCols < 1) {
      throw new Error(
        `GpuBackend: one logits column of ${N} rows (batch ${batch} × seqLen ${T}) needs ${
          4 * N
        } bytes, above the binding limit ${this.#maxBytes}; use a smaller batch`,
      );
    }
    const blocks = refineBounds(this.#bounds, maxCols);
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
    const dsum = dense ? buf("attn dprobs", denseScoresSize(att)) : buf("attn dsum", batch * hq * T);
    const scratch = buf("dg scratch", rmsnormScratchSize(N, w));
    const P = this.#params.map((bs) => bs[0]), G = this.#grads.map((bs) => bs[0]);
    const bounds = this.#bounds,
      range = (j: number) => ({ start: bounds[j], count: bounds[j + 1] - bounds[j] });
    const li = (l: number, j: number) => 1 + l * PER_LAYER + j;
    const iFinal = 1 + cfg.depth * PER_LAYER, iHead = iFinal + 1;
    const rq = { rows: N, seqLen: T, heads: hq, headSize: hs }, rk = { ...rq, heads: hkv };

    const PH = this.#params[iHead], GH = this.#grads[iHead];
    const forward: Dispatch[] = this.#params[0].length === 1
      ? [embeddingForward(ctx, P[0], tokens, xs[0], N, w)]
      : this.#params[0].map((t, j) => embeddingForward(ctx, t, tokens, xs[0], N, w, range(j)));
    for (let l = 0; l < cfg.depth; l++) {
      const L = layers[l];
      forward.push(
        rmsnormForward(ctx, xs[l], P[li(l, 0)], L.a, L.aRstd, N, w, cfg.normEps),
        ...this.#mm(L.a, P[li(l, 1)], L.q, { m: N, n: qw, k: w }),
        ...this.#mm(L.a, P[li(l, 2)], L.k, { m: N, n: kw, k: w }),
        ...this.#mm(L.a, P[li(l, 3)], L.v, { m: N, n: kw, k: w }),
        ropeDispatch(ctx, L.q, this.#cos, this.#sin, rq, false),
        ropeDispatch(ctx, L.k, this.#cos, this.#sin, rk, false),
        ...(dense
          ? denseAttentionForward(ctx, { q: L.q, k: L.k, v: L.v, o: L.o, probs: L.lse }, att, this.#tile)
          : [attentionForward(ctx, { q: L.q, k: L.k, v: L.v, o: L.o, lse: L.lse }, att)]),
        copyDispatch(ctx, xs[l], L.xMid, N * w),
        ...this.#mm(L.o, P[li(l, 4)], L.xMid, { m: N, n: w, k: qw, accumulate: true }),
        rmsnormForward(ctx, L.xMid, P[li(l, 5)], L.mN, L.mRstd, N, w, cfg.normEps),
        ...this.#mm(L.mN, P[li(l, 6)], L.gate, { m: N, n: md, k: w }),
        ...this.#mm(L.mN, P[li(l, 7)], L.up, { m: N, n: md, k: w }),
        gegluForward(ctx, L.gate, L.up, L.h, N * md),
        copyDispatch(ctx, L.xMid, xs[l + 1], N * w),
        ...this.#mm(L.h, P[li(l, 8)], xs[l + 1], { m: N, n: w, k: md, accumulate: true }),
      );
    }
    forward.push(
      rmsnormForward(ctx, xs[cfg.depth], P[iFinal], xf, fRstd, N, w, cfg.normEps),
      ...blocks.flatMap((b, j) =>
        this.#mm(xf, PH[b.parent], logits[j], {
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
    const evalPlan = [
      ...forward,
      ...(split ? lossStats : [crossEntropyRows(ctx, logits[0], targets, rowLoss, N, V, false)]),
      meanLoss(ctx, rowLoss, this.#evalLog, this.#evalStep, N),
    ];

    const backward: Dispatch[] = [
      ...(split ? lossStats : [crossEntropyRows(ctx, logits[0], targets, rowLoss, N, V, true)]),
      meanLoss(ctx, rowLoss, this.#lossLog, this.#stepBuf, N),
      // per logits block: its dlogits, dW_head block = xfᵀ·dlogits, dn (+)= dlogits·W_blockᵀ in block order
      ...blocks.flatMap((b, j) => [
        ...(split
          ? [crossEntropyBlockGrad(ctx, { logits: logits[j], targets, stats: ceStats }, {
            rows: N,
            cols: b.count,
            start: b.start,
          })]
          : []),
        ...this.#mm(xf, logits[j], GH[b.parent], {
          m: w,
          n: b.count,
          k: N,
          transA: true,
          offsetC: b.offset,
          ldc: b.parentCount,
        }),
        ...this.#mm(logits[j], PH[b.parent], dn, {
          m: N,
          n: w,
          k: b.count,
          transB: true,
          offsetB: b.offset,
          ldb: b.parentCount,
          accumulate: j > 0,
        }),
      ]),
      ...rmsnormBackward(
        ctx,
        { x: xs[cfg.depth], g: P[iFinal], rstd: fRstd, dy: dn, dx, dg: G[iFinal], scratch },
        N,
        w,
        false,
      ),
    ];
    for (let l = cfg.depth - 1; l >= 0; l--) {
      const L = layers[l];
      backward.push(
        // MLP branch: xs[l+1] = xMid + h·w_down
        ...this.#mm(L.h, dx, G[li(l, 8)], { m: md, n: w, k: N, transA: true }),
        ...this.#mm(dx, P[li(l, 8)], dh, { m: N, n: md, k: w, transB: true }),
        gegluBackward(ctx, L.gate, L.up, dh, N * md),
        ...this.#mm(L.mN, L.gate, G[li(l, 6)], { m: w, n: md, k: N, transA: true }),
        ...this.#mm(L.mN, L.up, G[li(l, 7)], { m: w, n: md, k: N, transA: true }),
        ...this.#mm(L.gate, P[li(l, 6)], dn, { m: N, n: w, k: md, transB: true }),
        ...this.#mm(L.up, P[li(l, 7)], dn, { m: N, n: w, k: md, transB: true, accumulate: true }),
        ...rmsnormBackward(
          ctx,
          { x: L.xMid, g: P[li(l, 5)], rstd: L.mRstd, dy: dn, dx, dg: G[li(l, 5)], scratch },
          N,
          w,
          true,
        ),
        // attention branch: xMid = xs[l] + o·wo
        ...this.#mm(L.o, dx, G[li(l, 4)], { m: qw, n: w, k: N, transA: true }),
        ...this.#mm(dx, P[li(l, 4)], dO, { m: N, n: qw, k: w, transB: true }),
        ...(dense
          ? denseAttentionBackward(
            ctx,
            { q: L.q, k: L.k, v: L.v, probs: L.lse, dout: dO, dq, dk, dv, dprobs: dsum },
            att,
            this.#tile,
          )
          : attentionBackward(
            ctx,
            { q: L.q, k: L.k, v: L.v, o: L.o, lse: L.lse, dout: dO, dq, dk, dv, dsum },
            att,
          )),
        ropeDispatch(ctx, dq, this.#cos, this.#sin, rq, true),
        ropeDispatch(ctx, dk, this.#cos, this.#sin, rk, true),
        ...this.#mm(L.a, dq, G[li(l, 1)], { m: w, n: qw, k: N, transA: true }),
        ...this.#mm(L.a, dk, G[li(l, 2)], { m: w, n: kw, k: N, transA: true }),
        ...this.#mm(L.a, dv, G[li(l, 3)], { m: w, n: kw, k: N, transA: true }),
        ...this.#mm(dq, P[li(l, 1)], dn, { m: N, n: w, k: qw, transB: true }),
        ...this.#mm(dk, P[li(l, 2)], dn, { m: N, n: w, k: kw, transB: true, accumulate: true }),
        ...this.#mm(dv, P[li(l, 3)], dn, { m: N, n: w, k: kw, transB: true, accumulate: true }),
        ...rmsnormBackward(
          ctx,
          { x: xs[l], g: P[li(l, 0)], rstd: L.aRstd, dy: dn, dx, dg: G[li(l, 0)], scratch },
          N,
          w,
          true,
        ),
      );
    }
    backward.push(
      ...this.#grads[0].map((g, j) =>
        embeddingBackward(ctx, dx, offsets, positions, g, range(j).count, w, range(j).start)
      ),
    );
    const optimizer = [
      ...gradNorm(
        ctx,
        this.#grads.flat(),
        this.#blockSizes.flat(),
        this.#partial,
        this.#normLog,
        this.#scale,
        this.#stepBuf,
      ),
      ...this.#specs.flatMap((s, i) =>
        this.#params[i].map((p, j) =>
          adamw(
            ctx,
            {
              w: p,
              g: this.#grads[i][j],
              m: this.#m[i][j],
              v: this.#v[i][j],
              scale: this.#scale,
              step: this.#stepBuf,
            },
            this.#blockSizes[i][j],
            s.decay,
          )
        )
      ),
    ];
    const ws: Workspace = {
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
    this.#workspaces.set(key, ws);
    return ws;
  }

  #load(tokens: Int32Array, batchSize: number, what: string): Workspace {
    if (this.#destroyed) throw new Error(`GpuBackend.${what}: backend was destroyed`);
    if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new Error(`GpuBackend.${what}: batchSize must be a positive integer, got ${batchSize}`);
    }
    if (tokens.length % batchSize !== 0 || tokens.length / batchSize < 2) {
      throw new Error(
        `GpuBackend.${what}: ${tokens.length} tokens is not batchSize ${batchSize} × (seqLen + 1), seqLen ≥ 1`,
      );
    }
    const T = tokens.length / batchSize - 1;
    if (T > this.#cfg.seqLen) {
      throw new Error(
        `GpuBackend.${what}: sequence length ${T} exceeds the model's seqLen ${this.#cfg.seqLen}`,
      );
    }
    const N = batchSize * T;
    const inputs = new Uint32Array(N), targets = new Uint32Array(N);
    for (let b = 0; b < batchSize; b++) {
      for (let t = 0; t < T; t++) {
        inputs[b * T + t] = tokens[b * (T + 1) + t];
        targets[b * T + t] = tokens[b * (T + 1) + t + 1];
      }
    }
    const V = this.#cfg.vocabSize;
    for (let i = 0; i < tokens.length; i++) {
      if (!(tokens[i] >= 0 && tokens[i] < V)) {
        throw new Error(
          `GpuBackend.${what}: token ${tokens[i]} at index ${i} is outside the vocabulary [0, ${V})`,
        );
      }
    }
    const ws = this.#workspace(batchSize, T);
    const { offsets, positions } = tokenIndex(new Int32Array(inputs.buffer), V);
    const q = this.#ctx.device.queue;
    q.writeBuffer(ws.tokens, 0, inputs);
    q.writeBuffer(ws.targets, 0, targets);
    q.writeBuffer(ws.offsets, 0, offsets);
    q.writeBuffer(ws.positions, 0, positions);
    return ws;
  }

  /** Records and submits one optimizer step (one command buffer); loss and norm are logged on the device. */
  trainStep(tokens: Int32Array, batchSize: number, opt: OptimizerStep): void {
    if (this.#pending >= this.#capacity) {
      throw new Error(
        `GpuBackend.trainStep: ${this.#pending} steps since the last readTrainLosses (capacity ${this.#capacity})`,
      );
    }
    const ws = this.#load(tokens, batchSize, "trainStep");
    this.#ctx.device.queue.writeBuffer(this.#stepBuf, 0, packStep(opt, this.#step, this.#pending));
    this.#ctx.run("trainStep", ws.train);
    this.#step++;
    this.#pending++;
  }

  /** Returns the mean train losses (nats/token) and pre-clip gradient norms since the last call. */
  async readTrainLosses(): Promise<{ loss: Float32Array; gradNorm: Float32Array }> {
    await this.#tuneProducts();
    const n = this.#pending;
    this.#pending = 0;
    const loss = await this.#ctx.read(this.#lossLog, n);
    const gradNorm = await this.#ctx.read(this.#normLog, n);
    return { loss, gradNorm };
  }

  /** Returns the mean loss (nats/token) of a batch, forward only; the state is unchanged. */
  async evalLoss(tokens: Int32Array, batchSize: number): Promise<number> {
    const ws = this.#load(tokens, batchSize, "evalLoss");
    await this.#tuneProducts();
    this.#ctx.run("evalLoss", ws.evalPlan);
    return (await this.#ctx.read(this.#evalLog, 1))[0];
  }

  /** Replaces parameters, AdamW moments and the step count; throws naming a tensor of the wrong size. */
  setState(state: TrainState): Promise<void> {
    if (!Number.isInteger(state.step) || state.step < 0) {
      return Promise.reject(new Error(`setState: step must be a non-negative integer, got ${state.step}`));
    }
    const groups: [string, readonly Float32Array[], GPUBuffer[][]][] = [
      ["params", state.params, this.#params],
      ["m", state.m, this.#m],
      ["v", state.v, this.#v],
    ];
    for (const [name, ts] of groups) {
      if (ts.length !== this.#specs.length) {
        return Promise.reject(
          new Error(`setState: ${name} has ${ts.length} tensors, expected ${this.#specs.length}`),
        );
      }
      for (let i = 0; i < ts.length; i++) {
        if (ts[i].length !== this.#sizes[i]) {
          return Promise.reject(
            new Error(
              `setState: ${name}[${i}] "${this.#specs[i].name}" has ${ts[i].length} values, expected ${
                this.#sizes[i]
              }`,
            ),
          );
        }
      }
    }
    const q = this.#ctx.device.queue;
    for (const [, ts, bufs] of groups) {
      ts.forEach((t, i) =>
        this.#toBlocks(i, t).forEach((b, j) =>
          q.writeBuffer(bufs[i][j], 0, b.buffer, b.byteOffset, b.byteLength)
        )
      );
    }
    this.#step = state.step;
    return this.#ctx.check();
  }

  /** Reads back parameters, moments (float32, canonical order) and the step count. */
  async getState(): Promise<TrainState> {
    const params = await this.#readAll(this.#params);
    const m = await this.#readAll(this.#m);
    const v = await this.#readAll(this.#v);
    return { params, m, v, step: this.#step };
  }

  /** Returns the blocks of tensor `i` stored on the device, cut from its canonical flat form. */
  #toBlocks(i: number, t: Float32Array): Float32Array[] {
    if (this.#blockSizes[i].length === 1) return [t];
    const w = this.#cfg.width, V = this.#cfg.vocabSize, b = this.#bounds;
    if (i === 0) return this.#blockSizes[i].map((_, j) => t.subarray(b[j] * w, b[j + 1] * w));
    return splitColumns(t, w, V, b);
  }

  /** Reads every tensor's blocks and returns the canonical flat tensors (float32, canonical order). */
  #readAll(bufs: GPUBuffer[][]): Promise<Float32Array[]> {
    const w = this.#cfg.width, V = this.#cfg.vocabSize;
    return Promise.all(bufs.map(async (bs, i) => {
      const blocks = await Promise.all(bs.map((b, j) => this.#ctx.read(b, this.#blockSizes[i][j])));
      if (blocks.length === 1) return blocks[0];
      if (i !== 0) return joinColumns(blocks, w, V, this.#bounds);
      const full = new Float32Array(this.#sizes[0]);
      blocks.forEach((blk, j) => full.set(blk, this.#bounds[j] * w));
      return full;
    }));
  }

  /**
   * Diagnostic: times each kernel of one training step separately (all dispatches sharing a name,
   * submitted alone `reps` times) and returns milliseconds per step by kernel name, slowest first.
   * It runs the optimizer repeatedly, so the state is changed afterwards.
   */
  async profileStep(
    tokens: Int32Array,
    batchSize: number,
    opt: OptimizerStep,
    reps = 5,
  ): Promise<{ name: string; ms: number; dispatches: number }[]> {
    const ws = this.#load(tokens, batchSize, "profileStep");
    await this.#tuneProducts();
    this.#ctx.device.queue.writeBuffer(this.#stepBuf, 0, packStep(opt, this.#step, 0));
    const names = [...new Set(ws.train.map((d) => d.name))];
    const out: { name: string; ms: number; dispatches: number }[] = [];
    for (const name of names) {
      const ds = ws.train.filter((d) => d.name === name);
      this.#ctx.run(`profile ${name}`, ds);
      await this.#ctx.device.queue.onSubmittedWorkDone();
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) this.#ctx.run(`profile ${name}`, ds);
      await this.#ctx.device.queue.onSubmittedWorkDone();
      out.push({ name, ms: (performance.now() - t0) / reps, dispatches: ds.length });
    }
    await this.#ctx.check();
    return out.sort((a, b) => b.ms - a.ms);
  }

  /** Reads back the gradients of the last `trainStep` (before clipping), canonical order (for tests). */
  readGradients(): Promise<Float32Array[]> {
    return this.#readAll(this.#grads);
  }

  /** Releases all buffers (and the device when the backend created it). */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    for (const ws of this.#workspaces.values()) ws.buffers.forEach((b) => b.destroy());
    for (const bs of [this.#params, this.#grads, this.#m, this.#v, this.#extra]) {
      bs.flat().forEach((b) => b.destroy());
    }
    if (this.#ownsCtx) this.#ctx.destroy();
  }
}

/**
 * Returns the wide tile (64×128) for outputs of at least 1024×1024, where it measured fastest on an
 * H100 (kernels/gpu/BENCHMARKS.md); the default 64×64 tile otherwise.
 */
export function chooseTile(spec: { m: number; n: number }): MatmulTile {
  return spec.m >= 1024 && spec.n >= 1024 ? WIDE_TILE : DEFAULT_TILE;
}

/** Creates a `GpuBackend` for `cfg` on a new (or the given) WebGPU context; parameters start at zero. */
export async function createGpuBackend(
  cfg: ModelConfig,
  options: GpuBackendOptions = {},
): Promise<GpuBackend> {
  const ctx = options.context ?? await GpuContext.create({ debug: options.debug });
  const backend = new GpuBackend(ctx, options.context === undefined, cfg, options);
  await ctx.check();
  return backend;
}
