import assert from "node:assert/strict";
import { matmulParams, trainFlopsPerToken } from "./flops.ts";
import { DEFAULT_MODEL } from "./config.ts";

Deno.test("flops: 6N + 6·depth·width·(seqLen + 1) for a hand-counted model", () => {
  // width 64, 4 query heads of 16, 2 kv heads (gqa 2), mlp 256, depth 2, vocab 259, seqLen 64.
  // per layer: wq 64·64 + wk 64·32 + wv 64·32 + wo 64·64 = 12288; mlp 3·64·256 = 49152; lm_head 64·259.
  const n = 2 * (12288 + 49152) + 64 * 259;
  assert.equal(matmulParams(DEFAULT_MODEL), n);
  assert.equal(trainFlopsPerToken(DEFAULT_MODEL), 6 * n + 6 * 2 * 64 * 65);
});

Deno.test("flops: a taylor mixer with d' = 4 counts wq, wk and Q·Kᵀ at 4 per head", () => {
  const cfg = { ...DEFAULT_MODEL, mixer: { kind: "taylor", featureDim: 4 } as const };
  // per layer: wq 64·(4·4) + wk 64·(2·4) + wv 64·32 + wo 64·64 = 7680; mlp 49152; lm_head 64·259.
  const n = 2 * (7680 + 49152) + 64 * 259;
  assert.equal(matmulParams(cfg), n);
  // Q·Kᵀ 2·4·4 and A·V 2·16·4 FLOPs per pair per layer, ×3 for training, (65 / 2 pairs per token) · 2 layers
  assert.equal(trainFlopsPerToken(cfg), 6 * n + 3 * 2 * (4 + 16) * 4 * 65);
});
