/**
 * Fused softmax cross-entropy: one workgroup per row walks the vocabulary in chunks of 256 columns,
 * reduces the row maximum and the sum of exponentials in a fixed order, writes the row's loss
 * `logsumexp(z) − z[target]` (nats) and, when asked, overwrites the logits with
 * `dz = (softmax(z) − onehot(target)) / rows`. A second kernel reduces the row losses to their mean and
 * stores it at the step's slot of a loss log kept on the device.
 * @module
 */
import type { Dispatch, GpuContext } from "./context.ts";
import { grid1d, u32 } from "./context.ts";
import { ENTRY, GROUP_INDEX, STEP_STRUCT, TREE_SUM, WG } from "./wgsl.ts";

const ROW = `
struct Params { rows: u32, vocab: u32, grad: u32 }
@group(0) @binding(0) var<storage, read_write> z: array<f32>;
@group(0) @binding(1) var<storage, read> targets: array<u32>;
@group(0) @binding(2) var<storage, read_write> rowLoss: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
${TREE_SUM}
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
  if (li == 0u) { rowLoss[row] = log(s) + m - z[o + tgt]; }
  if (p.grad != 0u) {
    // every invocation has read z[o + tgt] through the barrier inside tree_sum above
    workgroupBarrier();
    let inv = 1.0 / (s * f32(p.rows));
    for (var i = li; i < p.vocab; i += ${WG}u) {
      var d = exp(z[o + i] - m) * inv;
      if (i == tgt) { d -= 1.0 / f32(p.rows); }
      z[o + i] = d;
    }
  }
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

/**
 * Records the row kernel: per-row loss (nats) into `rowLoss` `[rows]`; with `grad`, logits `[rows, vocab]`
 * are overwritten by the gradient of the mean loss.
 */
export function crossEntropyRows(
  ctx: GpuContext,
  logits: GPUBuffer,
  targets: GPUBuffer,
  rowLoss: GPUBuffer,
  rows: number,
  vocab: number,
  grad: boolean,
): Dispatch {
  const name = grad ? "cross_entropy_fwd_bwd" : "cross_entropy_fwd";
  const p = ctx.uniform(name, [u32(rows), u32(vocab), u32(grad ? 1 : 0)]);
  return ctx.dispatch(name, ROW, [logits, targets, rowLoss, p], grid1d(rows));
}

/** Records `losses[step.slot] = mean(rowLoss[0..rows))` (nats/token); `step` is the step uniform. */
export function meanLoss(
  ctx: GpuContext,
  rowLoss: GPUBuffer,
  losses: GPUBuffer,
  step: GPUBuffer,
  rows: number,
): Dispatch {
  const p = ctx.uniform("mean_loss", [u32(rows)]);
  return ctx.dispatch("mean_loss", MEAN, [rowLoss, losses, step, p], [1, 1, 1]);
}
