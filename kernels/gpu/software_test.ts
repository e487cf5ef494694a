import assert from "node:assert/strict";
import { isSoftwareAdapter, SOFTWARE_ADAPTER_WORDS } from "./software.ts";

Deno.test("isSoftwareAdapter: names every software rasteriser, no GPU", () => {
  assert.deepEqual(SOFTWARE_ADAPTER_WORDS, ["llvmpipe", "lavapipe", "swiftshader", "software", "fallback"]);
  for (
    const id of [
      "webgpu:65541 0 llvmpipe (LLVM 15.0.6, 256 bits)",
      "webgpu:mesa lavapipe",
      "webgpu:Google SwiftShader",
      "webgpu:Microsoft Basic Render Driver (software)",
      "webgpu:fallback adapter",
    ]
  ) assert.ok(isSoftwareAdapter(id), id);
  for (
    const id of [
      "webgpu:nvidia hopper NVIDIA H100 80GB HBM3",
      "webgpu:amd rdna-3 AMD Radeon RX 7900 XTX",
      "webgpu:apple metal-3 Apple M2",
    ]
  ) assert.ok(!isSoftwareAdapter(id), id);
});
