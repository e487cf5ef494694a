import assert from "node:assert/strict";
import { adapterIdentity, GpuContext, grid1d } from "./context.ts";

Deno.test("GpuContext: a WebGPU adapter is present and identified (fails, not skips, without one)", async () => {
  const ctx = await GpuContext.create();
  try {
    assert.match(ctx.identity, /^webgpu:\S/);
    assert.ok(
      ctx.limits.maxStorageBufferBindingSize >= 128 * 2 ** 20,
      "requested the adapter's binding limit",
    );
  } finally {
    ctx.destroy();
  }
});

Deno.test("GpuContext: invalid WGSL is reported with the kernel's name", async () => {
  const ctx = await GpuContext.create({ debug: true });
  try {
    ctx.pipeline("broken_kernel", "@compute @workgroup_size(1) fn main() { let x: f32 = undefined_thing; }");
    await assert.rejects(ctx.check(), /kernel broken_kernel: pipeline creation failed[\s\S]*undefined_thing/);
  } finally {
    ctx.destroy();
  }
});

Deno.test("GpuContext: a tensor above the binding limit is refused, naming tensor and limit", async () => {
  const ctx = await GpuContext.create();
  try {
    const limit = ctx.limits.maxStorageBufferBindingSize;
    assert.throws(() => ctx.storage("param lm_head", limit / 4 + 1), new RegExp(`"param lm_head".*${limit}`));
  } finally {
    ctx.destroy();
  }
});

Deno.test("adapterIdentity and grid1d", () => {
  const info = {
    vendor: "nvidia",
    architecture: "hopper",
    device: "",
    description: "H100",
  } as GPUAdapterInfo;
  assert.equal(adapterIdentity(info), "webgpu:nvidia hopper H100");
  assert.deepEqual(grid1d(10), [10, 1, 1]);
  const [x, y] = grid1d(70000);
  assert.ok(x <= 65535 && x * y >= 70000);
});
