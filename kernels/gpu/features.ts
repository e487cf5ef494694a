/**
 * Optional adapter features the kernels may use, each verified by a small known-answer kernel before use:
 * Deno has shipped f16 compute that silently returned zeros, so "the adapter lists it" is not enough.
 * - `shader-f16`: f16 storage and multiply with f32 accumulation: 64 sums of 4 products of f16 values whose
 *   products and sums are exact, compared bit for bit with the host's;
 * - `subgroups`: `subgroupAdd` over each subgroup of a 64-invocation workgroup, checked against the sum of
 *   the members' indices (grouped by what each invocation reports as its subgroup).
 * f32 without subgroups stays the default and the reference path; no kernel uses a feature that failed.
 * @module
 */

/** An optional feature of the trainer's kernels. */
export type OptionalFeature = "shader-f16" | "subgroups";

/** Every optional feature, in the order they are checked. */
export const OPTIONAL_FEATURES: readonly OptionalFeature[] = ["shader-f16", "subgroups"];

/** The outcome of one feature's check. */
export interface FeatureCheck {
  /** The feature. */
  readonly feature: OptionalFeature;
  /** The adapter lists it (and it was requested). */
  readonly offered: boolean;
  /** Its known-answer kernel gave the expected result; only then may kernels use it. */
  readonly verified: boolean;
  /** What was seen, e.g. "64 sums exact" or the first mismatch. */
  readonly detail: string;
}

/** Returns the IEEE half-precision bits of `x` (exact for the multiples of 1/8 the check uses). */
export function halfBits(x: number): number {
  if (x === 0) return Object.is(x, -0) ? 0x8000 : 0;
  const sign = x < 0 ? 0x8000 : 0;
  const a = Math.abs(x);
  const e = Math.floor(Math.log2(a));
  const mant = Math.round((a / 2 ** e - 1) * 1024);
  if (e < -14 || e > 15 || mant >= 1024) {
    throw new Error(`halfBits: ${x} is not a normal half-precision value`);
  }
  return sign | ((e + 15) << 10) | mant;
}

const F16_N = 256;
const F16_CODE = `
enable f16;
@group(0) @binding(0) var<storage, read> a: array<f16>;
@group(0) @binding(1) var<storage, read> b: array<f16>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  var acc = 0.0f;
  for (var j = 0u; j < 4u; j++) { let k = id.x * 4u + j; acc += f32(a[k] * b[k]); }
  out[id.x] = acc;
}`;

const SUBGROUP_CODE = `
enable subgroups;
@group(0) @binding(0) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) li: u32, @builtin(subgroup_invocation_id) sid: u32,
        @builtin(subgroup_size) size: u32) {
  out[3u * li] = subgroupAdd(li + 1u);
  out[3u * li + 1u] = sid;
  out[3u * li + 2u] = size;
}`;

/** Runs `code` (entry `main`) on `inputs` (bindings 0..) with an output of `outBytes` at the last binding. */
async function runOnce(
  device: GPUDevice,
  code: string,
  inputs: readonly Uint16Array[],
  outBytes: number,
): Promise<ArrayBuffer> {
  device.pushErrorScope("validation");
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
  const bufs = inputs.map((data) => {
    const b = device.createBuffer({ size: Math.ceil(data.byteLength / 4) * 4, usage });
    device.queue.writeBuffer(b, 0, data.buffer, data.byteOffset, data.byteLength);
    return b;
  });
  const out = device.createBuffer({ size: outBytes, usage });
  const staging = device.createBuffer({
    size: outBytes,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  try {
    const module = device.createShaderModule({ code });
    const pipeline = device.createComputePipeline({
      layout: "auto",
      compute: { module, entryPoint: "main" },
    });
    const bind = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [...bufs, out].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(1);
    pass.end();
    enc.copyBufferToBuffer(out, 0, staging, 0, outBytes);
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const result = staging.getMappedRange().slice(0);
    staging.unmap();
    const err = await device.popErrorScope();
    if (err) throw new Error(err.message);
    return result;
  } finally {
    [...bufs, out, staging].forEach((b) => b.destroy());
  }
}

/** Runs the f16 known-answer kernel; returns whether all 64 sums are exact, and a detail. */
export async function checkShaderF16(device: GPUDevice): Promise<{ verified: boolean; detail: string }> {
  const a = Array.from({ length: F16_N }, (_, i) => ((i % 7) - 3) * 0.5);
  const b = Array.from({ length: F16_N }, (_, i) => ((i % 5) - 2) * 0.25);
  const want = Array.from({ length: F16_N / 4 }, (_, r) => {
    let s = 0;
    for (let j = 0; j < 4; j++) s += a[4 * r + j] * b[4 * r + j];
    return s;
  });
  const got = new Float32Array(
    await runOnce(device, F16_CODE, [Uint16Array.from(a, halfBits), Uint16Array.from(b, halfBits)], F16_N),
  );
  const bad = want.findIndex((w, i) => got[i] !== w);
  if (bad >= 0) return { verified: false, detail: `sum ${bad} is ${got[bad]}, expected ${want[bad]}` };
  return { verified: true, detail: `${want.length} sums of f16 products exact` };
}

/** Runs the subgroup known-answer kernel; returns whether every subgroup's sum is right, and a detail. */
export async function checkSubgroups(device: GPUDevice): Promise<{ verified: boolean; detail: string }> {
  const out = new Uint32Array(await runOnce(device, SUBGROUP_CODE, [], 3 * 64 * 4));
  const groups = new Map<number, number[]>();
  for (let li = 0; li < 64; li++) {
    const key = li - out[3 * li + 1];
    groups.set(key, [...(groups.get(key) ?? []), li]);
  }
  for (const members of groups.values()) {
    const want = members.reduce((s, li) => s + li + 1, 0);
    for (const li of members) {
      if (out[3 * li] !== want || members.length > out[3 * li + 2]) {
        return { verified: false, detail: `invocation ${li}: subgroupAdd ${out[3 * li]}, expected ${want}` };
      }
    }
  }
  return { verified: true, detail: `${groups.size} subgroups of size ${out[2]} summed exactly` };
}

/** Runs the known-answer kernel of each feature in `offered` (on a device created with them). */
export async function verifyFeatures(
  device: GPUDevice,
  requested: readonly OptionalFeature[],
  offered: ReadonlySet<string>,
): Promise<FeatureCheck[]> {
  const out: FeatureCheck[] = [];
  for (const feature of OPTIONAL_FEATURES.filter((f) => requested.includes(f))) {
    if (!offered.has(feature)) {
      out.push({ feature, offered: false, verified: false, detail: "not offered by the adapter" });
      continue;
    }
    try {
      const r = feature === "shader-f16" ? await checkShaderF16(device) : await checkSubgroups(device);
      out.push({ feature, offered: true, ...r });
    } catch (e) {
      out.push({ feature, offered: true, verified: false, detail: `check failed: ${(e as Error).message}` });
    }
  }
  return out;
}
