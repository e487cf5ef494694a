import assert from "node:assert/strict";
import {
  LAYER_TENSOR_KINDS,
  type ModelConfig,
  nameTensors,
  parameterCount,
  parameterSpecs,
  parameterTensors,
  paramSpec,
} from "./types.ts";

// width 8, 2 query heads of 4, gqaRatio 2 → 1 kv head of 4; mlp 16; vocab 11; depth 2
const cfg: ModelConfig = {
  vocabSize: 11,
  width: 8,
  depth: 2,
  headSize: 4,
  gqaRatio: 2,
  mlpRatio: 2,
  seqLen: 5,
  ropeTheta: 100,
  normEps: 1e-5,
};

Deno.test("parameterSpecs: canonical names, shapes and contiguous flat offsets", () => {
  const specs = parameterSpecs(cfg);
  assert.equal(specs.length, 3 + 9 * 2);
  const layer = [8, 8 * 8, 8 * 4, 8 * 4, 8 * 8, 8, 8 * 16, 8 * 16, 16 * 8]; // 592 per block
  assert.equal(parameterCount(cfg), 88 + 2 * 592 + 8 + 88);
  let offset = 0;
  specs.forEach((s, i) => {
    assert.equal(s.index, i);
    assert.equal(s.offset, offset, s.name);
    assert.equal(s.size, s.shape.reduce((a, b) => a * b, 1));
    offset += s.size;
  });
  assert.deepEqual(specs.slice(1, 10).map((s) => s.size), layer);
  assert.deepEqual(
    specs.slice(10, 19).map((s) => s.name),
    [
      "layers.1.attn_norm",
      "layers.1.attn.wq",
      "layers.1.attn.wk",
      "layers.1.attn.wv",
      "layers.1.attn.wo",
      "layers.1.mlp_norm",
      "layers.1.mlp.w_gate",
      "layers.1.mlp.w_up",
      "layers.1.mlp.w_down",
    ],
  );
  assert.deepEqual(specs.filter((s) => !s.decay).map((s) => s.name), [
    "layers.0.attn_norm",
    "layers.0.mlp_norm",
    "layers.1.attn_norm",
    "layers.1.mlp_norm",
    "final_norm",
  ]);
});

Deno.test("nameTensors: addresses a canonical list by layer and kind; paramSpec finds a name", () => {
  const specs = parameterSpecs(cfg);
  const named = nameTensors(cfg, specs.map((s) => s.name));
  assert.equal(named.embed, "embed");
  assert.equal(named.layers[1].wo, "layers.1.attn.wo");
  assert.equal(named.layers[0].wDown, "layers.0.mlp.w_down");
  assert.equal(named.finalNorm, "final_norm");
  assert.equal(named.lmHead, "lm_head");
  const t = parameterTensors(cfg);
  for (let l = 0; l < cfg.depth; l++) {
    for (const kind of LAYER_TENSOR_KINDS) {
      assert.equal(t.layers[l][kind].kind, kind);
      assert.equal(t.layers[l][kind].layer, l);
    }
  }
  assert.deepEqual(t.layers[1].wk.shape, [8, 4]);
  assert.equal(paramSpec(cfg, "layers.1.mlp.w_up").index, 17);
  assert.throws(() => paramSpec(cfg, "layers.2.attn.wq"), /unknown parameter name "layers.2.attn.wq"/);
  assert.throws(() => nameTensors(cfg, [1, 2, 3]), /expected 21 \(parameterSpecs order\), got 3/);
});
