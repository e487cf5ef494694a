// The per-target loss weights (the answer mask of a recall task) in the float64 reference: the weighted
// cross-entropy against a direct computation, the whole model's gradient against finite differences
// under a mask, and weights of all ones against the plain mean.
import assert from "node:assert/strict";
import { Rng } from "../../util/rng.ts";
import { type ModelConfig, parameterSpecs } from "../types.ts";
import { maxRelativeError, numericalGradient } from "./gradcheck.ts";
import { softmaxCrossEntropy } from "./layers.ts";
import { referenceEval, referenceForwardBackward } from "./model.ts";

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

Deno.test("weighted cross-entropy: loss, gradient and accuracy equal the direct formulas", () => {
  const rows = 4, vocab = 3;
  const z = Float64Array.from([0.5, 2, -1, 3, 0, 1, 0, 0, 4, -2, 1, 1.5]);
  const targets = [1, 2, 2, 0];
  const w = [1, 0, 2, 0.5];
  // direct: ℓ_r = log Σ exp z_r − z_r[t_r]; hits: rows 0 (z=2 max) and 2 (z=4 max); rows 1, 3 miss
  const lse = (r: number) => Math.log([0, 1, 2].reduce((s, i) => s + Math.exp(z[r * 3 + i]), 0));
  const ell = targets.map((t, r) => lse(r) - z[r * 3 + t]);
  const W = 3.5;
  const got = softmaxCrossEntropy(z, targets, rows, vocab, w);
  assert.ok(Math.abs(got.loss - ell.reduce((s, l, r) => s + w[r] * l, 0) / W) < 1e-15);
  assert.ok(Math.abs(got.accuracy - (1 + 2) / W) < 1e-15);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < vocab; i++) {
      const p = Math.exp(z[r * 3 + i] - lse(r));
      const want = (w[r] * (p - (i === targets[r] ? 1 : 0))) / W;
      assert.ok(Math.abs(got.dlogits[r * 3 + i] - want) < 1e-15, `dz[${r}, ${i}]`);
    }
  }
  // unweighted: accuracy 2 of 4, and weights of all ones give the same loss and gradient
  const plain = softmaxCrossEntropy(z, targets, rows, vocab);
  assert.equal(plain.accuracy, 0.5);
  const ones = softmaxCrossEntropy(z, targets, rows, vocab, [1, 1, 1, 1]);
  assert.ok(Math.abs(ones.loss - plain.loss) < 1e-15);
  ones.dlogits.forEach((d, i) => assert.ok(Math.abs(d - plain.dlogits[i]) < 1e-16));
  assert.throws(() => softmaxCrossEntropy(z, targets, rows, vocab, [0, 0, 0, 0]), /weights: all zero/);
  assert.throws(() => softmaxCrossEntropy(z, targets, rows, vocab, [1, 1]), /weights: 2 entries/);
});

Deno.test("model with a loss mask: gradients match finite differences; masked targets do not count", () => {
  const rng = new Rng(21);
  const params = parameterSpecs(tiny).map((s) =>
    Float64Array.from(
      { length: s.size },
      () => (s.decay ? 0.5 * rng.nextNormal() : 1 + 0.2 * rng.nextNormal()),
    )
  );
  const B = 2, T = 5;
  const tokens = Int32Array.from({ length: B * (T + 1) }, () => rng.nextInt(tiny.vocabSize));
  const mask = Float32Array.from([0, 0, 1, 0, 1, 0, 1, 0, 1, 0]); // 4 scored targets of 10
  const { loss, grads } = referenceForwardBackward(tiny, params, tokens, B, mask);
  assert.ok(Math.abs(loss - referenceEval(tiny, params, tokens, B, mask).loss) < 1e-14);
  const specs = parameterSpecs(tiny), pick = new Rng(22);
  specs.forEach((s, i) => {
    const idx = Array.from({ length: Math.min(s.size, 4) }, () => pick.nextInt(s.size));
    const num = numericalGradient(() => referenceEval(tiny, params, tokens, B, mask).loss, params[i], idx);
    const err = maxRelativeError(grads[i], idx, num);
    assert.ok(err < 1e-5, `${s.name}: max relative error ${err}`);
  });
  // changing an unscored last token (a target only, no input) changes nothing; a scored one does
  const other = tokens.slice();
  other[11] = (other[11] + 1) % tiny.vocabSize; // target t = 4 of sequence 1 (weight 0)
  assert.equal(referenceEval(tiny, params, other, B, mask).loss, loss);
  other[5] = (other[5] + 1) % tiny.vocabSize; // target t = 4 of sequence 0 (weight 1)
  assert.notEqual(referenceEval(tiny, params, other, B, mask).loss, loss);
});
