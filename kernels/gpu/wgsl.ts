/**
 * WGSL fragments shared by the elementwise and per-row kernels.
 * @module
 */

/** Invocations per workgroup of the elementwise and per-row kernels. */
export const WG = 256;

/** WGSL entry-point signature with the builtins the kernels use (`wid`, `nwg`, `li`). */
export const ENTRY = `@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) li: u32)`;

/** WGSL statement defining `gi`, the global invocation index over a 2-D grid of 1-D workgroups. */
export const GLOBAL_INDEX = `let gi = (wid.y * nwg.x + wid.x) * ${WG}u + li;`;

/** WGSL statement defining `row`, the flat workgroup index over a 2-D grid. */
export const GROUP_INDEX = `let row = wid.y * nwg.x + wid.x;`;

/**
 * WGSL declarations and a function `tree_sum(li, v)` that returns the sum of `v` over the workgroup,
 * reduced in a fixed pairwise order (deterministic). Every invocation must call it.
 */
export const TREE_SUM = `
var<workgroup> red: array<f32, ${WG}>;
fn tree_sum(li: u32, v: f32) -> f32 {
  red[li] = v;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (li < s) { red[li] = red[li] + red[li + s]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}
var<workgroup> redm: array<f32, ${WG}>;
fn tree_max(li: u32, v: f32) -> f32 {
  redm[li] = v;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (li < s) { redm[li] = max(redm[li], redm[li + s]); }
    workgroupBarrier();
  }
  let r = redm[0];
  workgroupBarrier();
  return r;
}
`;

/** Per-step optimizer scalars as laid out in the step uniform buffer (see `StepParams`). */
export const STEP_STRUCT = `struct Step { lr: f32, beta1: f32, beta2: f32, eps: f32, wd: f32, clip: f32,
  bc1: f32, bc2: f32, slot: u32, p0: u32, p1: u32, p2: u32 }`;
