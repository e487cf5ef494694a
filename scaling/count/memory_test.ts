import assert from "node:assert/strict";
import { activationMemory, mixedPrecisionMinBatch, modelStateMemory } from "./memory.ts";

const close = (a: number, b: number, rel = 1e-12) =>
  assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} != ${b}`);

Deno.test("model state memory: 16N bytes in fp32 (eq. 46, 49), 18N in mixed precision (eq. 48, 49)", () => {
  assert.deepEqual(modelStateMemory(1e9, false), {
    modelBytes: 4e9,
    optimizerBytes: 8e9,
    gradientBytes: 4e9,
    totalBytes: 16e9,
  });
  assert.deepEqual(modelStateMemory(1e9, true), {
    modelBytes: 2e9,
    optimizerBytes: 12e9,
    gradientBytes: 4e9,
    totalBytes: 18e9,
  });
});

Deno.test("activation memory at E=4: B·L·S·(66D + 9AS) for p=4 and B·L·S·(34D + 5AS) for p=2 (eqs. 52-53)", () => {
  const B = 4, S = 1024, D = 2048, L = 24, A = 16;
  const fp32 = activationMemory({ batch: B, seqLen: S, width: D, depth: L, heads: A, bytesPerElement: 4 });
  const half = activationMemory({ batch: B, seqLen: S, width: D, depth: L, heads: A, bytesPerElement: 2 });
  assert.equal(fp32.totalBytes, B * L * S * (66 * D + 9 * A * S));
  assert.equal(half.totalBytes, B * L * S * (34 * D + 5 * A * S));
  // eq. 50 and 51 separately
  assert.equal(fp32.attentionBytes, B * L * S * (21 * D + 9 * A * S));
  assert.equal(fp32.mlpBytes, 37 * B * D * L * S);
  assert.equal(fp32.normBytes, 8 * B * D * L * S);
});

Deno.test("B_min of eq. 54 is where mixed precision starts to save memory (N = 12·L·D²)", () => {
  const S = 2048, D = 4096, L = 32, A = 32;
  const n = 12 * L * D * D;
  const bMin = mixedPrecisionMinBatch(D, S, A);
  const total = (mp: boolean, batch: number) =>
    modelStateMemory(n, mp).totalBytes +
    activationMemory({ batch, seqLen: S, width: D, depth: L, heads: A, bytesPerElement: mp ? 2 : 4 })
      .totalBytes;
  close(total(true, bMin), total(false, bMin), 1e-12);
  assert.ok(total(true, 2 * bMin) < total(false, 2 * bMin));
  assert.ok(total(true, bMin / 2) > total(false, bMin / 2));
  close(bMin, 6 * D * D / (8 * D * S + A * S * S));
});
