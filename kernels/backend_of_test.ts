import assert from "node:assert/strict";
import { BACKEND_NAMES, backendOf, isBackendName } from "./backend_of.ts";
import { ReferenceBackend } from "./reference/backend.ts";

Deno.test("backendOf: the names, and the reference backend built from its name", async () => {
  assert.deepEqual(BACKEND_NAMES, ["gpu", "reference"]);
  assert.ok(isBackendName("gpu") && isBackendName("reference"));
  assert.ok(!isBackendName("cpu") && !isBackendName(undefined) && !isBackendName("GPU"));
  const model = {
    vocabSize: 11,
    width: 8,
    depth: 1,
    headSize: 4,
    gqaRatio: 1,
    mlpRatio: 4,
    seqLen: 4,
    ropeTheta: 10000,
    normEps: 1e-6,
  };
  const b = await backendOf("reference", model);
  try {
    assert.ok(b instanceof ReferenceBackend);
    assert.equal(b.identity, "reference-f64");
  } finally {
    b.destroy();
  }
});
