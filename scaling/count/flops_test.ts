import assert from "node:assert/strict";
import {
  chinchillaFlopsPerToken,
  FLOP_COUNTERS,
  flopCounterByName,
  gemstonesFlopsPerToken,
  kaplanFlopsPerToken,
  seed001FlopsPerToken,
  seed004FlopsPerToken,
  sixNFlopsPerToken,
} from "./flops.ts";
import { gemstonesParams, gemstonesParamsNoEmbeds } from "./params.ts";
import { GEMSTONES_MODELS } from "./shapes.ts";

function close(actual: number, expected: number, rel = 1e-12, msg = "") {
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${msg} ${actual} != ${expected}`);
}

/**
 * Seed 002 Appendix G expanded by hand at head size 128 and 2 queries per group (so K+V heads = Q heads
 * = w/128), per token, with S the context and V the vocabulary:
 *   forward per layer: projections 4Sw², RoPE 5.25Sw, logits S²w, softmax 3S²w/128, softmax·V 2S²w,
 *   output 2Sw², GEGLU 24Sw² + 40Sw, residual 2Sw, norms 14Sw; final norm 7Sw; logits 2SwV.
 *   backward: attention 2·(4Sw² + 5.25Sw) + 2.5·(3S²w + 3S²w/128) + 2·2Sw², the rest 2× forward.
 * Total / S = d·[90w² + 183.75w + 10.5·S·w·(1 + 1/128)] + 21w + 6wV.
 */
function appendixGByHand(w: number, d: number, S = 2048, V = 50304): number {
  return d * (90 * w * w + 183.75 * w + 10.5 * S * w * (1 + 1 / 128)) + 21 * w + 6 * w * V;
}

Deno.test("gemstonesFlopsPerToken reproduces Appendix G (hand expansion) for every Gemstones shape", () => {
  for (const { width, depth } of GEMSTONES_MODELS) {
    close(
      gemstonesFlopsPerToken({ width, depth }),
      appendixGByHand(width, depth),
      1e-12,
      `${width}x${depth}`,
    );
  }
  close(gemstonesFlopsPerToken({ width: 2048, depth: 27, seqLen: 512 }), appendixGByHand(2048, 27, 512));
  // One value written out, 2048x27: per layer 90·2048² = 377487360, 183.75·2048 = 376320,
  // 10.5·2048·2048·129/128 = 44384256, sum 422247936, ×27 = 11400694272; + 21·2048 = 43008
  // + 6·2048·50304 = 618135552 → 12018872832.
  assert.equal(gemstonesFlopsPerToken({ width: 2048, depth: 27 }), 12018872832);
});

Deno.test("6N consistency: Appendix G's matmul part is 6·(N − input embedding − norms)", () => {
  for (const { width: w, depth: d } of GEMSTONES_MODELS) {
    const shape = { width: w, depth: d };
    const elementwiseAndScores = d * (183.75 * w + 10.5 * 2048 * w * (1 + 1 / 128)) + 21 * w;
    const matmuls = gemstonesFlopsPerToken(shape) - elementwiseAndScores;
    const n = gemstonesParams(shape);
    if (w % 256 === 0) close(matmuls, 6 * (n - 50304 * w - 2 * w * d - w), 1e-12, `${w}x${d}`);
    assert.equal(sixNFlopsPerToken(shape, { embeddings: true }), 6 * n);
    assert.equal(
      sixNFlopsPerToken(shape, { embeddings: false }),
      6 * gemstonesParamsNoEmbeds(shape, "drop_both"),
    );
  }
});

Deno.test("kaplanFlopsPerToken is 3·(2N + 2·L·n_ctx·d_attn)", () => {
  // MHA (gqa 1), 8 heads of 128: attention matrices 4w², GEGLU 12w², so N = 16·L·w².
  const w = 1024, L = 10, S = 2048;
  assert.equal(
    kaplanFlopsPerToken({ width: w, depth: L, gqaRatio: 1 }),
    3 * (2 * 16 * L * w * w + 2 * L * S * w),
  );
});

Deno.test("chinchillaFlopsPerToken follows Hoffmann et al. Appendix F term by term", () => {
  // MHA, 8 heads of 128 (key_size·heads = w), GEGLU (3 matrices of w × 4w), S = 2048, V = 50304.
  const w = 1024, L = 10, S = 2048, V = 50304, h = 8;
  const embeddings = 2 * V * w;
  const attention = 2 * 3 * w * w + 2 * S * w + 3 * h * S + 2 * S * w + 2 * w * w;
  const dense = 2 * 3 * w * 4 * w;
  const expected = 3 * (embeddings + L * (attention + dense) + 2 * w * V);
  assert.equal(chinchillaFlopsPerToken({ width: w, depth: L, gqaRatio: 1 }), expected);
});

Deno.test("seed004: 3 matmuls per forward matmul in training, 4 with checkpointing", () => {
  const shape = { width: 768, depth: 12 };
  const plain = seed004FlopsPerToken(shape, { checkpointing: false }) - 768;
  const ckpt = seed004FlopsPerToken(shape, { checkpointing: true }) - 768;
  close(ckpt / plain, 4 / 3);
  // forward matmuls of the slides with MHA (gqa 1) and a 2-matrix MLP equivalent: check one layer by hand
  const w = 768, S = 2048, V = 50304;
  const perLayer = 2 * 4 * w * w + 2 * 2 * S * w + 2 * 3 * w * 4 * w; // KQVO, mechanism, GEGLU MLP
  assert.equal(seed004FlopsPerToken({ width: w, depth: 1, gqaRatio: 1 }), 3 * (perLayer + 2 * w * V) + w);
});

Deno.test("seed001 eq. 57 per token and its 6N limit (eq. 58)", () => {
  const w = 4096, L = 32, S = 2048, E = 4, B = 8;
  const perBatch = 12 * B * w * L * S * (S + (2 + E) * w);
  close(seed001FlopsPerToken({ width: w, depth: L, seqLen: S }), perBatch / (B * S));
  // eq. 58: C = 6·B·S·N·(1 + O(S/D)) with N = (4 + 2E)·L·D²: the ratio is exactly 1 + S/((2+E)·D)
  close(
    seed001FlopsPerToken({ width: w, depth: L, seqLen: S }) / (6 * (4 + 2 * E) * L * w * w),
    1 + S / ((2 + E) * w),
  );
});

Deno.test("FLOP_COUNTERS names every counter", () => {
  assert.deepEqual(Object.keys(FLOP_COUNTERS).sort(), [
    "6N",
    "6N_no_embeds",
    "chinchilla",
    "gemstones",
    "kaplan",
    "seed001",
    "seed004",
    "seed004_ckpt",
  ]);
  const shape = { width: 1280, depth: 15 };
  assert.equal(FLOP_COUNTERS.gemstones(shape), gemstonesFlopsPerToken(shape));
  assert.equal(FLOP_COUNTERS["6N"](shape), 6 * 497457920);
  assert.equal(FLOP_COUNTERS.seed004_ckpt(shape), seed004FlopsPerToken(shape, { checkpointing: true }));
  assert.equal(flopCounterByName("kaplan"), kaplanFlopsPerToken);
  assert.throws(
    () => flopCounterByName("toString"),
    /unknown FLOP counter "toString" \(known: gemstones, 6N/,
  );
});
