import assert from "node:assert/strict";
import { Rng } from "../../util/rng.ts";
import { type Mixer, queryKeyDim } from "./mixer.ts";
import { type ModelConfig, numKvHeads, numQueryHeads, parameterCount } from "../../kernels/types.ts";
import { recurrentMixerForward } from "../../kernels/reference/recurrent.ts";
import { binomial, featureCount, mixerNonEmbeddingParams, stateSize } from "./state.ts";

// width 16, 4 heads of 4 (gqaRatio 2: 2 kv heads), depth 3, context 6
const cfg: ModelConfig = {
  vocabSize: 13,
  width: 16,
  depth: 3,
  headSize: 4,
  gqaRatio: 2,
  mlpRatio: 2,
  seqLen: 6,
  ropeTheta: 100,
  normEps: 1e-5,
};

const MIXERS: readonly Mixer[] = [
  { kind: "softmax" },
  { kind: "window", window: 2 },
  { kind: "window", window: 9 },
  { kind: "taylor", featureDim: 2 },
  { kind: "taylor", featureDim: 6 },
  { kind: "power", power: 2 },
  { kind: "power", power: 4, featureDim: 2 },
];

Deno.test("state: closed forms by hand (kv-cache 2·T·d_kv, window 2·w·d_kv, Based's 153 features at d' = 16)", () => {
  // d_kv = 2 kv heads · 4 = 8
  assert.equal(stateSize(cfg, { kind: "softmax" }).perLayerFloats, 2 * 6 * 8);
  assert.equal(stateSize(cfg, { kind: "softmax" }, 100).perLayerFloats, 2 * 100 * 8);
  assert.equal(stateSize(cfg, { kind: "window", window: 2 }).floats, 3 * 2 * 2 * 8);
  assert.equal(stateSize(cfg, { kind: "taylor", featureDim: 2 }).perLayerFloats, 2 * (1 + 2 + 3) * 5);
  assert.equal(stateSize(cfg, { kind: "power", power: 2 }).perLayerFloats, 2 * 10 * 5);
  assert.deepEqual(stateSize(cfg, { kind: "power", power: 2 }), {
    perLayerFloats: 100,
    floats: 300,
    perLayerBytes: 400,
    bytes: 1200,
  });
  // Zoology's TaylorExp.expanded_size at d' = 16: 16·17/2 + 16 + 1
  assert.equal(featureCount({ kind: "taylor", featureDim: 16 }, 16), 153);
  assert.equal(binomial(19, 4), 3876);
  assert.equal(featureCount({ kind: "power", power: 4 }, 16), 3876);
});

for (const mixer of MIXERS) {
  Deno.test(`state: ${JSON.stringify(mixer)} formula equals the floats the recurrent reference holds`, () => {
    const m = { ...cfg, mixer };
    const shape = {
      batch: 1,
      seqLen: cfg.seqLen,
      numQueryHeads: numQueryHeads(m),
      numKvHeads: numKvHeads(m),
      headSize: m.headSize,
      keyDim: queryKeyDim(m),
    };
    const rng = new Rng(4), rows = cfg.seqLen;
    const randn = (n: number) => Float64Array.from({ length: n }, () => rng.nextNormal());
    const q = randn(rows * shape.numQueryHeads * shape.keyDim);
    const k = randn(rows * shape.numKvHeads * shape.keyDim);
    const v = randn(rows * shape.numKvHeads * shape.headSize);
    const held = recurrentMixerForward(q, k, v, shape, mixer).stateFloats;
    const s = stateSize(cfg, mixer);
    assert.equal(s.perLayerFloats, held);
    assert.equal(s.floats, cfg.depth * held);
    assert.equal(s.bytes, 4 * cfg.depth * held);
  });
}

Deno.test("state: non-embedding parameters equal the trainer's parameter count less embedding and head", () => {
  for (const mixer of MIXERS) {
    const m = { ...cfg, mixer };
    assert.equal(mixerNonEmbeddingParams(cfg, mixer), parameterCount(m) - 2 * cfg.vocabSize * cfg.width);
  }
});

Deno.test("state: bad shapes and contexts are refused with the values", () => {
  assert.throws(
    () => stateSize({ ...cfg, gqaRatio: 3 }, { kind: "softmax" }),
    /gqaRatio 3 must give whole heads/,
  );
  assert.throws(() => stateSize(cfg, { kind: "softmax" }, 0), /context must be a positive integer, got 0/);
});
