import assert from "node:assert/strict";
import { Rng } from "../../util/rng.ts";
import type { Mixer } from "../../scaling/count/mixer.ts";
import { mixerForward, type MixerShape } from "./mixers.ts";
import { featureMap, recurrentMixerForward } from "./recurrent.ts";

function randn(rng: Rng, n: number, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => scale * rng.nextNormal());
}

Deno.test("recurrent: feature maps reproduce the kernels, φ(q)·φ(k) = f(q·k), with the unique-term sizes", () => {
  const rng = new Rng(3);
  for (const d of [2, 4, 6]) {
    const q = randn(rng, d), k = randn(rng, d);
    const s = q.reduce((a, x, i) => a + x * k[i], 0);
    const dot = (a: Float64Array, b: Float64Array) => a.reduce((t, x, i) => t + x * b[i], 0);
    const taylor = featureMap({ kind: "taylor", featureDim: d }, q);
    assert.equal(taylor.length, 1 + d + (d * (d + 1)) / 2);
    const fT = dot(taylor, featureMap({ kind: "taylor", featureDim: d }, k));
    assert.ok(Math.abs(fT - (1 + s / Math.sqrt(d) + (s * s) / (2 * d))) < 1e-12);
    for (const [p, count] of [[2, (d * (d + 1)) / 2], [4, (d * (d + 1) * (d + 2) * (d + 3)) / 24]]) {
      const m: Mixer = { kind: "power", power: p };
      const fq = featureMap(m, q);
      assert.equal(fq.length, count, `power ${p}, d' ${d}: C(d'+p−1, p) features`);
      assert.ok(Math.abs(dot(fq, featureMap(m, k)) - s ** p) < 1e-10 * Math.max(1, Math.abs(s) ** p));
    }
  }
});

// B = 2, T = 7, two query heads on one kv head (GQA), hs = 3; window 3 < T evicts.
const CASES: readonly { mixer: Mixer; keyDim: number; floats: number }[] = [
  { mixer: { kind: "softmax" }, keyDim: 4, floats: 2 * 7 * 4 },
  { mixer: { kind: "window", window: 3 }, keyDim: 4, floats: 2 * 3 * 4 },
  { mixer: { kind: "window", window: 10 }, keyDim: 4, floats: 2 * 7 * 4 },
  { mixer: { kind: "taylor", featureDim: 4 }, keyDim: 4, floats: (1 + 4 + 10) * (4 + 1) },
  { mixer: { kind: "power", power: 2 }, keyDim: 4, floats: 10 * (4 + 1) },
  { mixer: { kind: "power", power: 4, featureDim: 2 }, keyDim: 2, floats: 5 * (4 + 1) },
];

for (const { mixer, keyDim, floats } of CASES) {
  Deno.test(`recurrent: ${JSON.stringify(mixer)} equals the parallel form to 1e-10 and holds ${floats} floats`, () => {
    const shape: MixerShape = { batch: 2, seqLen: 7, numQueryHeads: 2, numKvHeads: 1, headSize: 4, keyDim };
    const rng = new Rng(11), rows = 14;
    const q = randn(rng, rows * 2 * keyDim, 0.7),
      k = randn(rng, rows * keyDim, 0.7),
      v = randn(rng, rows * 4);
    const par = mixerForward(q, k, v, shape, mixer).out;
    const rec = recurrentMixerForward(q, k, v, shape, mixer);
    let worst = 0;
    par.forEach((x, i) => worst = Math.max(worst, Math.abs(x - rec.out[i])));
    assert.ok(worst < 1e-10, `max |parallel − recurrent| = ${worst}`);
    assert.equal(rec.stateFloats, floats);
  });
}
