/**
 * GEGLU activation `h = gelu_tanh(gate) ⊙ up` and its backward. The backward works in place: it
 * overwrites `gate` with dgate and `up` with dup (both are dead after the backward).
 * @module
 */
import type { Dispatch, GpuContext } from "./context.ts";
import { grid1d, u32 } from "./context.ts";
import { ENTRY, GLOBAL_INDEX, WG } from "./wgsl.ts";

/** WGSL declarations of the tanh-approximated GELU's constants and a clamped tanh (used by the epilogues too). */
export const GELU_WGSL = `
const GELU_C: f32 = 0.7978845608028654;
const GELU_A: f32 = 0.044715;
fn tanh_safe(z: f32) -> f32 { return tanh(clamp(z, -15.0, 15.0)); }`;

/** WGSL expression of `gelu_tanh(x) · u` (x, u: f32 expressions without side effects). */
export function gegluWgsl(x: string, u: string): string {
  return `0.5 * ${x} * (1.0 + tanh_safe(GELU_C * (${x} + GELU_A * ${x} * ${x} * ${x}))) * ${u}`;
}

/**
 * WGSL statements of the GEGLU backward at one element: from \`x\` (gate), \`u\` (up) and \`d\` (dh), all
 * f32 names in scope, assigns dup to \`dupOut\` and dgate to \`dgateOut\` (lvalues, in that order).
 */
export function gegluBackwardWgsl(dgateOut: string, dupOut: string): string {
  return `let th = tanh_safe(GELU_C * (x + GELU_A * x * x * x));
  let dth = (1.0 - th * th) * GELU_C * (1.0 + 3.0 * GELU_A * x * x);
  ${dupOut} = d * 0.5 * x * (1.0 + th);
  ${dgateOut} = d * u * (0.5 * (1.0 + th) + 0.5 * x * dth);`;
}

const GELU = GELU_WGSL;

const FORWARD = `
struct Params { n: u32 }
@group(0) @binding(0) var<storage, read> gate: array<f32>;
@group(0) @binding(1) var<storage, read> up: array<f32>;
@group(0) @binding(2) var<storage, read_write> h: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
${GELU}
${ENTRY} {
  ${GLOBAL_INDEX}
  if (gi >= p.n) { return; }
  let x = gate[gi];
  h[gi] = ${gegluWgsl("x", "up[gi]")};
}`;

const BACKWARD = `
struct Params { n: u32 }
@group(0) @binding(0) var<storage, read_write> gate: array<f32>;
@group(0) @binding(1) var<storage, read_write> up: array<f32>;
@group(0) @binding(2) var<storage, read> dh: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
${GELU}
${ENTRY} {
  ${GLOBAL_INDEX}
  if (gi >= p.n) { return; }
  let x = gate[gi];
  let u = up[gi];
  let d = dh[gi];
  ${gegluBackwardWgsl("gate[gi]", "up[gi]")}
}`;

/** Records `h = gelu_tanh(gate) ⊙ up` over `n` elements. */
export function gegluForward(
  ctx: GpuContext,
  b: { gate: GPUBuffer; up: GPUBuffer; h: GPUBuffer },
  n: number,
): Dispatch {
  const p = ctx.uniform("geglu_forward", [u32(n)]);
  return ctx.dispatch("geglu_forward", FORWARD, [b.gate, b.up, b.h, p], grid1d(Math.ceil(n / WG)));
}

/** Records the GEGLU backward in place: gate ← dgate = dh·up·gelu'(gate), up ← dup = dh·gelu(gate). */
export function gegluBackward(
  ctx: GpuContext,
  b: { gate: GPUBuffer; up: GPUBuffer; dh: GPUBuffer },
  n: number,
): Dispatch {
  const p = ctx.uniform("geglu_backward", [u32(n)]);
  return ctx.dispatch("geglu_backward", BACKWARD, [b.gate, b.up, b.dh, p], grid1d(Math.ceil(n / WG)));
}
