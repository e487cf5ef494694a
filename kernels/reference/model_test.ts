import assert from "node:assert/strict";
import { Rng } from "../../util/rng.ts";
import { type ModelConfig, nameTensors, parameterSpecs, paramSpec } from "../types.ts";
import { maxRelativeError, numericalGradient } from "./gradcheck.ts";
import { referenceForwardBackward, referenceLoss } from "./model.ts";
import { splitTokens } from "../batch.ts";

const tiny: ModelConfig = {
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

function randomParams(cfg: ModelConfig, seed: number): Float64Array[] {
  const rng = new Rng(seed);
  return parameterSpecs(cfg).map((s) => {
    const n = s.shape.reduce((a, b) => a * b, 1);
    // gains near 1 (not exactly, so their gradients are generic), matrices N(0, 0.5²)
    return Float64Array.from(
      { length: n },
      () => (s.decay ? 0.5 * rng.nextNormal() : 1 + 0.2 * rng.nextNormal()),
    );
  });
}

function randomTokens(n: number, vocab: number, seed: number): Int32Array {
  const rng = new Rng(seed);
  return Int32Array.from({ length: n }, () => rng.nextInt(vocab));
}

Deno.test("model: zero weights give uniform predictions, loss ln V", () => {
  const params = parameterSpecs(tiny).map((s) => new Float64Array(s.size));
  const loss = referenceLoss(tiny, params, randomTokens(12, 11, 3), 2);
  assert.ok(Math.abs(loss - Math.log(11)) < 1e-12);
});

Deno.test("model: gradients of every parameter tensor match central finite differences", () => {
  const params = randomParams(tiny, 7);
  const tokens = randomTokens(2 * 6, tiny.vocabSize, 8); // B = 2, T = 5
  const { loss, grads } = referenceForwardBackward(tiny, params, tokens, 2);
  assert.ok(Math.abs(loss - referenceLoss(tiny, params, tokens, 2)) < 1e-14);
  const specs = parameterSpecs(tiny);
  const pick = new Rng(9);
  specs.forEach((s, i) => {
    const n = params[i].length;
    const idx = Array.from({ length: Math.min(n, 6) }, () => pick.nextInt(n));
    const num = numericalGradient(() => referenceLoss(tiny, params, tokens, 2), params[i], idx);
    const err = maxRelativeError(grads[i], idx, num);
    assert.ok(err < 1e-5, `${s.name}: max relative error ${err}`);
    // gradients are not trivially zero
    assert.ok(idx.some((j) => Math.abs(grads[i][j]) > 1e-6), `${s.name}: gradient sample is all zero`);
  });
  // embedding rows of tokens that never appear as inputs get no gradient
  const used = new Set(splitTokens(tokens, 2).inputs);
  for (let v = 0; v < tiny.vocabSize; v++) {
    if (used.has(v)) continue;
    assert.ok(nameTensors(tiny, grads).embed.slice(v * 8, v * 8 + 8).every((g) => g === 0));
  }
});

Deno.test("model: sequences of a batch do not interact — batch loss is the mean of the single losses", () => {
  const params = randomParams(tiny, 11);
  const a = randomTokens(6, tiny.vocabSize, 12), b = randomTokens(6, tiny.vocabSize, 13);
  const both = new Int32Array([...a, ...b]);
  const expected = (referenceLoss(tiny, params, a, 1) + referenceLoss(tiny, params, b, 1)) / 2;
  assert.ok(Math.abs(referenceLoss(tiny, params, both, 2) - expected) < 1e-14);
});

Deno.test("model: wrong tensor count or size names the tensor", () => {
  const params = randomParams(tiny, 1);
  params[paramSpec(tiny, "layers.0.attn.wk").index] = new Float64Array(5);
  assert.throws(() => referenceLoss(tiny, params, randomTokens(12, 11, 1), 2), /tensor 3 "layers.0.attn.wk"/);
});
