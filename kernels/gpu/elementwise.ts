/**
 * Elementwise helpers: a buffer copy inside a compute pass (the residual stream's skip path).
 * @module
 */
import type { Dispatch, GpuContext } from "./context.ts";
import { grid1d, u32 } from "./context.ts";
import { ENTRY, GLOBAL_INDEX, WG } from "./wgsl.ts";

const COPY = `
struct Params { n: u32 }
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;
${ENTRY} {
  ${GLOBAL_INDEX}
  if (gi < p.n) { dst[gi] = src[gi]; }
}`;

/** Records `dst[0..n) = src[0..n)` (floats). */
export function copyDispatch(ctx: GpuContext, b: { src: GPUBuffer; dst: GPUBuffer }, n: number): Dispatch {
  return ctx.dispatch("copy", COPY, [b.src, b.dst, ctx.uniform("copy", [u32(n)])], grid1d(Math.ceil(n / WG)));
}
