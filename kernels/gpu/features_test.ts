import assert from "node:assert/strict";
import { GpuContext } from "./context.ts";
import { halfBits } from "./features.ts";

Deno.test("halfBits: IEEE half-precision encodings of exact values", () => {
  assert.equal(halfBits(1), 0x3c00);
  assert.equal(halfBits(-2), 0xc000);
  assert.equal(halfBits(0.5), 0x3800);
  assert.equal(halfBits(0.375), 0x3600);
  assert.equal(halfBits(0), 0);
  assert.throws(() => halfBits(1e6), /not a normal half-precision value/);
});

Deno.test("GpuContext: optional features are verified by known-answer kernels, off unless requested", async () => {
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: "high-performance" });
  assert.ok(adapter, "a WebGPU adapter");
  const plain = await GpuContext.create();
  try {
    assert.deepEqual(plain.featureChecks, []);
    assert.equal(plain.verified("shader-f16"), false);
  } finally {
    plain.destroy();
  }
  const ctx = await GpuContext.create({ features: ["shader-f16", "subgroups"] });
  try {
    assert.deepEqual(ctx.featureChecks.map((c) => c.feature), ["shader-f16", "subgroups"]);
    for (const c of ctx.featureChecks) {
      assert.equal(c.offered, adapter.features.has(c.feature), c.feature);
      // an offered feature must pass its check here (a failure would be a driver bug worth knowing about)
      if (c.offered) assert.ok(c.verified, `${c.feature}: ${c.detail}`);
      else assert.equal(c.detail, "not offered by the adapter");
      assert.equal(ctx.verified(c.feature), c.verified);
    }
  } finally {
    ctx.destroy();
  }
});
