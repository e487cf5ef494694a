/**
 * The WebGPU device and the small amount of host machinery every kernel shares: adapter and device
 * acquisition with explicit limits, error capture (validation errors and device loss, reported with
 * the kernel's label), a pipeline cache keyed by WGSL source, buffer helpers and 1-D dispatch grids.
 * @module
 */
/// <reference types="@webgpu/types" />
import { type FeatureCheck, type OptionalFeature, verifyFeatures } from "./features.ts";

/** Options of `createGpuContext`. */
export interface GpuContextOptions {
  /** Adapter power preference (default "high-performance"). */
  readonly powerPreference?: GPUPowerPreference;
  /** Wrap pipeline creation and every submission in validation error scopes (slower; default false). */
  readonly debug?: boolean;
  /**
   * Optional features to request where the adapter offers them, each then verified by a known-answer
   * kernel (`features.ts`); default none (f32 only, the reference path).
   */
  readonly features?: readonly OptionalFeature[];
}

/** One compute dispatch recorded once and replayed: pipeline, its bind group and the grid size. */
export interface Dispatch {
  /** Kernel name (also the pipeline label), used in error messages. */
  readonly name: string;
  /** Compute pipeline. */
  readonly pipeline: GPUComputePipeline;
  /** Bind group 0 of the pipeline. */
  readonly bindGroup: GPUBindGroup;
  /** Workgroup counts in x, y, z. */
  readonly grid: readonly [number, number, number];
}

/** A value of a kernel's uniform parameter struct: an unsigned integer or a float. */
export type ParamValue = { readonly u32: number } | { readonly f32: number };

/** Shorthand for a u32 uniform field. */
export function u32(v: number): ParamValue {
  return { u32: v };
}

/** Shorthand for an f32 uniform field. */
export function f32(v: number): ParamValue {
  return { f32: v };
}

/** Returns `"webgpu:"` followed by the adapter's vendor, architecture, device and description. */
export function adapterIdentity(info: GPUAdapterInfo): string {
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s !== "");
  return "webgpu:" + parts.join(" ");
}

/** Limits requested explicitly from the adapter (each set to the adapter's maximum). */
const REQUESTED_LIMITS: readonly (keyof GPUSupportedLimits)[] = [
  "maxStorageBufferBindingSize",
  "maxBufferSize",
  "maxComputeWorkgroupStorageSize",
  "maxStorageBuffersPerShaderStage",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupSizeX",
  "maxComputeWorkgroupsPerDimension",
  "maxUniformBufferBindingSize",
  "maxBindingsPerBindGroup",
];

/**
 * A WebGPU device with error tracking. Errors raised asynchronously (uncaptured validation errors,
 * device loss) are stored and rethrown by `check()`.
 */
export class GpuContext {
  /** The device. */
  readonly device: GPUDevice;
  /** The adapter's identity string, `"webgpu:" + info`. */
  readonly identity: string;
  /** The device's limits (as granted). */
  readonly limits: GPUSupportedLimits;
  /** Whether debug error scopes are on. */
  readonly debug: boolean;
  /** The requested optional features and what their known-answer checks found. */
  readonly featureChecks: readonly FeatureCheck[];
  #errors: string[] = [];
  #pipelines = new Map<string, GPUComputePipeline>();
  #pending: Promise<void>[] = [];

  private constructor(device: GPUDevice, identity: string, debug: boolean, checks: readonly FeatureCheck[]) {
    this.device = device;
    this.identity = identity;
    this.limits = device.limits;
    this.debug = debug;
    this.featureChecks = checks;
    device.addEventListener("uncapturederror", (ev) => {
      const e = (ev as GPUUncapturedErrorEvent).error;
      this.#errors.push(`uncaptured WebGPU error: ${e.message}`);
    });
    device.lost.then((info) => {
      if (info.reason !== "destroyed") {
        this.#errors.push(`WebGPU device lost (${info.reason}): ${info.message}`);
      }
    });
  }

  /** Requests an adapter and a device with the adapter's maximum limits; throws if none is found. */
  static async create(options: GpuContextOptions = {}): Promise<GpuContext> {
    if (typeof navigator === "undefined" || !("gpu" in navigator) || !navigator.gpu) {
      throw new Error("WebGPU: navigator.gpu is not available in this runtime");
    }
    const adapter = await navigator.gpu.requestAdapter({
      powerPreference: options.powerPreference ?? "high-performance",
    });
    if (!adapter) {
      throw new Error(
        "WebGPU: no adapter found (install a Vulkan driver, e.g. mesa-vulkan-drivers for llvmpipe)",
      );
    }
    const requiredLimits: Record<string, number> = {};
    for (const k of REQUESTED_LIMITS) requiredLimits[k] = adapter.limits[k] as number;
    const requested = options.features ?? [];
    const requiredFeatures = requested.filter((f) => adapter.features.has(f)) as GPUFeatureName[];
    const device = await adapter.requestDevice({
      requiredLimits,
      requiredFeatures,
      label: "gemstones-trainer",
    });
    const checks = await verifyFeatures(device, requested, device.features as ReadonlySet<string>);
    return new GpuContext(device, adapterIdentity(adapter.info), options.debug ?? false, checks);
  }

  /** Whether an optional feature was requested, granted and passed its known-answer kernel. */
  verified(feature: OptionalFeature): boolean {
    return this.featureChecks.some((c) => c.feature === feature && c.verified);
  }

  /** Throws the first recorded asynchronous error (validation or device loss), if any. */
  async check(): Promise<void> {
    const pending = this.#pending;
    this.#pending = [];
    await Promise.all(pending);
    if (this.#errors.length > 0) {
      const msg = this.#errors.join("\n");
      this.#errors = [];
      throw new Error(msg);
    }
  }

  /** Returns a compute pipeline for the WGSL `code` (entry point `main`), cached by source. */
  pipeline(name: string, code: string): GPUComputePipeline {
    const key = code;
    const hit = this.#pipelines.get(key);
    if (hit) return hit;
    this.device.pushErrorScope("validation");
    const module = this.device.createShaderModule({ label: name, code });
    const pipeline = this.device.createComputePipeline({
      label: name,
      layout: "auto",
      compute: { module, entryPoint: "main" },
    });
    this.#pending.push(
      this.device.popErrorScope().then((err) => {
        if (err) this.#errors.push(`kernel ${name}: pipeline creation failed: ${err.message}`);
      }),
    );
    this.#pipelines.set(key, pipeline);
    return pipeline;
  }

  /** Creates a storage buffer of `floats` 4-byte elements (at least one), usable as copy source/target. */
  storage(label: string, floats: number): GPUBuffer {
    const bytes = Math.max(4, floats * 4);
    if (bytes > this.limits.maxStorageBufferBindingSize) {
      throw new Error(
        `WebGPU: tensor "${label}" needs ${bytes} bytes, above this adapter's maxStorageBufferBindingSize ` +
          `${this.limits.maxStorageBufferBindingSize}; use a smaller vocabulary, width or batch`,
      );
    }
    return this.device.createBuffer({
      label,
      size: Math.ceil(bytes / 4) * 4,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
  }

  /** Creates a uniform buffer holding `values` packed as consecutive 4-byte fields (padded to 16 bytes). */
  uniform(label: string, values: readonly ParamValue[]): GPUBuffer {
    const n = Math.max(4, Math.ceil(values.length / 4) * 4);
    const buf = new ArrayBuffer(n * 4);
    const dv = new DataView(buf);
    values.forEach((v, i) => {
      if ("u32" in v) dv.setUint32(i * 4, v.u32, true);
      else dv.setFloat32(i * 4, v.f32, true);
    });
    const b = this.device.createBuffer({
      label,
      size: n * 4,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.device.queue.writeBuffer(b, 0, buf);
    return b;
  }

  /**
   * Records a dispatch of kernel `name` (WGSL `code`) with storage/uniform `buffers` at bindings
   * 0, 1, 2, … of group 0 and the given workgroup grid.
   */
  dispatch(
    name: string,
    code: string,
    buffers: readonly GPUBuffer[],
    grid: readonly [number, number, number],
  ): Dispatch {
    const pipeline = this.pipeline(name, code);
    const max = this.limits.maxComputeWorkgroupsPerDimension;
    if (grid.some((g) => g > max)) {
      throw new Error(
        `kernel ${name}: grid ${grid.join("x")} exceeds maxComputeWorkgroupsPerDimension ${max}`,
      );
    }
    const bindGroup = this.device.createBindGroup({
      label: name,
      layout: pipeline.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    return { name, pipeline, bindGroup, grid };
  }

  /** Encodes `dispatches` in order into one compute pass of `encoder`. */
  encode(encoder: GPUCommandEncoder, dispatches: readonly Dispatch[]): void {
    const pass = encoder.beginComputePass();
    for (const d of dispatches) {
      if (d.grid[0] * d.grid[1] * d.grid[2] === 0) continue;
      pass.setPipeline(d.pipeline);
      pass.setBindGroup(0, d.bindGroup);
      pass.dispatchWorkgroups(d.grid[0], d.grid[1], d.grid[2]);
    }
    pass.end();
  }

  /** Submits one command buffer running `dispatches` (in one compute pass); error-scoped in debug mode. */
  run(label: string, dispatches: readonly Dispatch[], before?: (enc: GPUCommandEncoder) => void): void {
    if (this.debug) this.device.pushErrorScope("validation");
    const enc = this.device.createCommandEncoder({ label });
    before?.(enc);
    this.encode(enc, dispatches);
    this.device.queue.submit([enc.finish()]);
    if (this.debug) {
      const names = [...new Set(dispatches.map((d) => d.name))].join(", ");
      this.#pending.push(
        this.device.popErrorScope().then((err) => {
          if (err) this.#errors.push(`${label} (kernels: ${names}): ${err.message}`);
        }),
      );
    }
  }

  /** Uploads `data` into a new storage buffer. */
  upload(label: string, data: Float32Array | Int32Array | Uint32Array): GPUBuffer {
    const b = this.storage(label, data.length);
    this.device.queue.writeBuffer(b, 0, data.buffer, data.byteOffset, data.byteLength);
    return b;
  }

  /** Reads `floats` 4-byte values from `buffer` at element `offset` (default 0); returns a copy. */
  async read(buffer: GPUBuffer, floats: number, offset = 0): Promise<Float32Array> {
    if (floats === 0) return new Float32Array(0);
    const staging = this.device.createBuffer({
      label: `read ${buffer.label}`,
      size: floats * 4,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(buffer, offset * 4, staging, 0, floats * 4);
    this.device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const out = new Float32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    staging.destroy();
    await this.check();
    return out;
  }

  /** Releases the device. */
  destroy(): void {
    this.device.destroy();
  }
}

/** Returns a 2-D workgroup grid covering `groups` workgroups within the per-dimension limit. */
export function grid1d(groups: number, maxPerDim = 65535): [number, number, number] {
  if (groups <= maxPerDim) return [groups, 1, 1];
  const y = Math.ceil(groups / maxPerDim);
  return [Math.ceil(groups / y), y, 1];
}
