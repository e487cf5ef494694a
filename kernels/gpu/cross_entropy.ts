/**
 * Fused softmax cross-entropy: one workgroup per row walks the vocabulary in chunks of 256 columns,
 * reduces the row maximum and the sum of exponentials in a fixed order, writes the row's loss
 * `logsumexp(z) − z[target]` (nats) and, when asked, overwrites the logits with
 * `dz = (softmax(z) − onehot(target)) / rows`. A second kernel reduces the row losses to their mean and
 * stores it at the step's slot of a loss log kept on the device.
 *
 * Weighted variants (the loss mask of a recall task) read per-row weights `u` normalised on the host to mean
 * 1 (`u_r = rows · w_r / Σ w`, `meanOneWeights`): the row loss becomes `u·ℓ` and the gradient
 * `u·(softmax(z) − onehot(target)) / rows`, so the unchanged mean kernels give `Σ w·ℓ / Σ w`; they also
 * write `rowCorrect = u·[z[target] ≥ max z]` (argmax = target), whose mean is the weighted accuracy. With
 * every u = 1 they compute the same bits as the unweighted kernels, which are kept as they were.
 * @module
 */
import type { Dispatch, GpuContext } from "./context.ts";
import { grid1d, u32 } from "./context.ts";
import { ENTRY, GLOBAL_INDEX, GROUP_INDEX, STEP_STRUCT, TREE_SUM, WG } from "./wgsl.ts";
import { checkWeights } from "../batch.ts";

// The bindings and statements the weighted variants add (u: the row's weight, normalised to mean 1).
const weightBindings = (first: number, correct: boolean) =>
  `@group(0) @binding(${first}) var<storage, read> weights: array<f32>;\n` +
  (correct ? `@group(0) @binding(${first + 1}) var<storage, read_write> rowCorrect: array<f32>;\n` : "");

const rowWgsl = (weighted: boolean) => `
struct Params { rows: u32, vocab: u32, grad: u32 }
@group(0) @binding(0) var<storage, read_write> z: array<f32>;
@group(0) @binding(1) var<storage, read> targets: array<u32>;
@group(0) @binding(2) var<storage, read_write> rowLoss: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
${weighted ? weightBindings(4, true) : ""}${TREE_SUM}
${ENTRY} {
  ${GROUP_INDEX}
  if (row >= p.rows) { return; }
  let o = row * p.vocab;
  var m = -3.0e38;
  for (var i = li; i < p.vocab; i += ${WG}u) { m = max(m, z[o + i]); }
  m = tree_max(li, m);
  var s = 0.0;
  for (var i = li; i < p.vocab; i += ${WG}u) { s += exp(z[o + i] - m); }
  s = tree_sum(li, s);
  let tgt = targets[row];
  ${
  weighted
    ? `let u = weights[row];
  if (li == 0u) {
    rowLoss[row] = u * (log(s) + m - z[o + tgt]);
    rowCorrect[row] = select(0.0, u, z[o + tgt] >= m);
  }`
    : `if (li == 0u) { rowLoss[row] = log(s) + m - z[o + tgt]; }`
}
  if (p.grad != 0u) {
    // every invocation has read z[o + tgt] through the barrier inside tree_sum above
    workgroupBarrier();
    let inv = ${weighted ? "u" : "1.0"} / (s * f32(p.rows));
    for (var i = li; i < p.vocab; i += ${WG}u) {
      var d = exp(z[o + i] - m) * inv;
      if (i == tgt) { d -= ${weighted ? "u" : "1.0"} / f32(p.rows); }
      z[o + i] = d;
    }
  }
}`;

// One vocabulary block of the split cross-entropy: the block's row maximum and sum of exponentials are
// merged into the running (max, sum) of the earlier blocks; the target's logit is kept when it falls in
// the block; the last block writes the row loss.
const blockStatsWgsl = (weighted: boolean) => `
struct Params { rows: u32, cols: u32, start: u32, first: u32, last: u32 }
@group(0) @binding(0) var<storage, read> z: array<f32>;
@group(0) @binding(1) var<storage, read> targets: array<u32>;
@group(0) @binding(2) var<storage, read_write> stats: array<f32>;
@group(0) @binding(3) var<storage, read_write> zt: array<f32>;
@group(0) @binding(4) var<storage, read_write> rowLoss: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;
${weighted ? weightBindings(6, true) : ""}${TREE_SUM}
${ENTRY} {
  ${GROUP_INDEX}
  if (row >= p.rows) { return; }
  let o = row * p.cols;
  var m = -3.0e38;
  for (var i = li; i < p.cols; i += ${WG}u) { m = max(m, z[o + i]); }
  m = tree_max(li, m);
  var s = 0.0;
  for (var i = li; i < p.cols; i += ${WG}u) { s += exp(z[o + i] - m); }
  s = tree_sum(li, s);
  if (li != 0u) { return; }
  var mt = m;
  var st = s;
  if (p.first == 0u) {
    let m0 = stats[2u * row];
    let s0 = stats[2u * row + 1u];
    mt = max(m0, m);
    st = s0 * exp(m0 - mt) + s * exp(m - mt);
  }
  stats[2u * row] = mt;
  stats[2u * row + 1u] = st;
  let t = targets[row] - p.start; // wraps around (large) for targets below start
  if (t < p.cols) { zt[row] = z[o + t]; }
  ${
  weighted
    ? `if (p.last != 0u) {
    let u = weights[row];
    rowLoss[row] = u * (log(st) + mt - zt[row]);
    rowCorrect[row] = select(0.0, u, zt[row] >= mt);
  }`
    : `if (p.last != 0u) { rowLoss[row] = log(st) + mt - zt[row]; }`
}
}`;

// Gradient of the mean loss in one vocabulary block, from the merged row statistics.
const blockGradWgsl = (weighted: boolean) => `
struct Params { rows: u32, cols: u32, start: u32 }
@group(0) @binding(0) var<storage, read_write> z: array<f32>;
@group(0) @binding(1) var<storage, read> targets: array<u32>;
@group(0) @binding(2) var<storage, read> stats: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
${weighted ? weightBindings(4, false) : ""}${ENTRY} {
  ${GLOBAL_INDEX}
  if (gi >= p.rows * p.cols) { return; }
  let row = gi / p.cols;
  let i = gi % p.cols;
  ${weighted ? "let u = weights[row];\n  " : ""}let inv = ${
  weighted ? "u" : "1.0"
} / (stats[2u * row + 1u] * f32(p.rows));
  var d = exp(z[gi] - stats[2u * row]) * inv;
  if (i + p.start == targets[row]) { d -= ${weighted ? "u" : "1.0"} / f32(p.rows); }
  z[gi] = d;
}`;

const MEAN = `
${STEP_STRUCT}
struct Params { rows: u32 }
@group(0) @binding(0) var<storage, read> rowLoss: array<f32>;
@group(0) @binding(1) var<storage, read_write> losses: array<f32>;
@group(0) @binding(2) var<uniform> step: Step;
@group(0) @binding(3) var<uniform> p: Params;
${TREE_SUM}
${ENTRY} {
  var s = 0.0;
  for (var i = li; i < p.rows; i += ${WG}u) { s += rowLoss[i]; }
  let t = tree_sum(li, s);
  if (li == 0u) { losses[step.slot] = t / f32(p.rows); }
}`;

/** The buffers of the weighted variants (see the module doc). */
export interface RowWeights {
  /** Per-row weights normalised to mean 1 `[rows]` (`meanOneWeights`). */
  readonly weights: GPUBuffer;
  /** Per-row `u·[argmax = target]` `[rows]`, written with the row loss; its mean is the weighted accuracy. */
  readonly rowCorrect: GPUBuffer;
}

/**
 * Returns per-target weights `w` of `rows` targets rescaled to mean 1, `u_r = rows · w_r / Σ w` (computed in
 * float64, stored as float32), what the weighted kernels read; throws as `checkWeights` does.
 */
export function meanOneWeights(weights: ArrayLike<number>, rows: number): Float32Array {
  const sum = checkWeights(weights, rows);
  return Float32Array.from(weights, (w) => (rows * w) / sum);
}

/**
 * Records the row kernel: per-row loss (nats) into `rowLoss` `[rows]`; with `grad`, logits `[rows, vocab]`
 * are overwritten by the gradient of the mean loss. With `weighted`, the weighted variant (module doc).
 */
export function crossEntropyRows(
  ctx: GpuContext,
  b: Pick<CrossEntropyBlockBuffers, "logits" | "targets" | "rowLoss"> & { readonly weighted?: RowWeights },
  o: {
    /** Rows (tokens). */
    readonly rows: number;
    /** Columns (vocabulary size). */
    readonly vocab: number;
    /** Overwrite the logits with the gradient of the mean loss. */
    readonly grad: boolean;
  },
): Dispatch {
  const { rows, vocab, grad } = o, w = b.weighted;
  const name = (grad ? "cross_entropy_fwd_bwd" : "cross_entropy_fwd") + (w ? "_weighted" : "");
  const p = ctx.uniform(name, [u32(rows), u32(vocab), u32(grad ? 1 : 0)]);
  const extra = w ? [w.weights, w.rowCorrect] : [];
  return ctx.dispatch(name, rowWgsl(!!w), [b.logits, b.targets, b.rowLoss, p, ...extra], grid1d(rows));
}

/** Buffers of the cross-entropy split over vocabulary blocks (see `crossEntropyBlockStats`). */
export interface CrossEntropyBlockBuffers {
  /** The block's logits `[rows, cols]` (columns = tokens `[start, start + cols)`). */
  readonly logits: GPUBuffer;
  /** Target token ids `[rows]` (u32). */
  readonly targets: GPUBuffer;
  /** Running row maximum and sum of exponentials `[rows, 2]`, merged block by block. */
  readonly stats: GPUBuffer;
  /** The target's logit per row `[rows]`, written by the block holding the target. */
  readonly targetLogit: GPUBuffer;
  /** Per-row loss `[rows]` (nats), written by the last block. */
  readonly rowLoss: GPUBuffer;
  /** The weighted variant's buffers (module doc); absent: the unweighted mean. */
  readonly weighted?: RowWeights;
}

/** Shape of one vocabulary block of the split cross-entropy. */
export interface CrossEntropyBlock {
  /** Rows (tokens). */
  readonly rows: number;
  /** Columns of the block (vocabulary entries). */
  readonly cols: number;
  /** Token id of the block's first column. */
  readonly start: number;
  /** Whether this is the first block (starts the running statistics). */
  readonly first: boolean;
  /** Whether this is the last block (writes the row losses, nats). */
  readonly last: boolean;
}

/**
 * Records the statistics pass of one vocabulary block: merges the block's row maximum and sum of
 * exponentials into `stats` (blocks must be recorded in a fixed order, first to last), keeps the target's
 * logit, and in the last block writes `rowLoss = logsumexp − z[target]` (nats).
 */
export function crossEntropyBlockStats(
  ctx: GpuContext,
  b: CrossEntropyBlockBuffers,
  blk: CrossEntropyBlock,
): Dispatch {
  const w = b.weighted, name = "cross_entropy_block_stats" + (w ? "_weighted" : "");
  const p = ctx.uniform(name, [
    u32(blk.rows),
    u32(blk.cols),
    u32(blk.start),
    u32(blk.first ? 1 : 0),
    u32(blk.last ? 1 : 0),
  ]);
  return ctx.dispatch(
    name,
    blockStatsWgsl(!!w),
    [b.logits, b.targets, b.stats, b.targetLogit, b.rowLoss, p, ...(w ? [w.weights, w.rowCorrect] : [])],
    grid1d(blk.rows),
  );
}

/**
 * Records the gradient pass of one vocabulary block (after every block's statistics pass): overwrites the
 * block's logits with `dz = (softmax(z) − onehot(target)) / rows`, the gradient of the mean loss.
 */
export function crossEntropyBlockGrad(
  ctx: GpuContext,
  b: Pick<CrossEntropyBlockBuffers, "logits" | "targets" | "stats" | "weighted">,
  blk: Pick<CrossEntropyBlock, "rows" | "cols" | "start">,
): Dispatch {
  const w = b.weighted, name = "cross_entropy_block_grad" + (w ? "_weighted" : "");
  const p = ctx.uniform(name, [u32(blk.rows), u32(blk.cols), u32(blk.start)]);
  return ctx.dispatch(
    name,
    blockGradWgsl(!!w),
    [b.logits, b.targets, b.stats, p, ...(w ? [w.weights] : [])],
    grid1d(Math.ceil(blk.rows * blk.cols / WG)),
  );
}

/** Records `losses[step.slot] = mean(rowLoss[0..rows))` (nats/token); `step` is the step uniform. */
export function meanLoss(
  ctx: GpuContext,
  b: { rowLoss: GPUBuffer; losses: GPUBuffer; step: GPUBuffer },
  rows: number,
): Dispatch {
  const p = ctx.uniform("mean_loss", [u32(rows)]);
  return ctx.dispatch("mean_loss", MEAN, [b.rowLoss, b.losses, b.step, p], [1, 1, 1]);
}
