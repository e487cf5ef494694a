import assert from "node:assert/strict";
import { mixerLabel, mixerOf, queryKeyDim, validateMixer } from "./mixer.ts";
import {
  type ModelConfig,
  parameterCount,
  parameterSpecs,
  validateModelConfig,
} from "../../kernels/types.ts";

const base: ModelConfig = {
  vocabSize: 11,
  width: 8,
  depth: 1,
  headSize: 4,
  gqaRatio: 1,
  mlpRatio: 2,
  seqLen: 5,
  ropeTheta: 100,
  normEps: 1e-5,
};

Deno.test("mixer: valid kinds round-trip; absent means softmax", () => {
  assert.deepEqual(validateMixer({ kind: "window", window: 3 }), { kind: "window", window: 3 });
  assert.deepEqual(validateMixer({ kind: "taylor", featureDim: 6 }), { kind: "taylor", featureDim: 6 });
  assert.deepEqual(validateMixer({ kind: "power", power: 2 }), { kind: "power", power: 2 });
  assert.deepEqual(mixerOf(base), { kind: "softmax" });
  assert.equal(mixerLabel({ kind: "power", power: 4, featureDim: 8 }), "power p=4 d'=8");
});

Deno.test("mixer: errors name the field and show the value as written", () => {
  const bad: [unknown, RegExp][] = [
    ["taylor", /mixer must be an object .*got "taylor"/],
    [{ kind: "linear" }, /mixer\.kind must be one of softmax, window, taylor, power, got "linear"/],
    [{ kind: "window" }, /mixer\.window must be a positive integer, got undefined/],
    [{ kind: "window", window: 2.5 }, /mixer\.window must be a positive integer, got 2\.5/],
    [{ kind: "taylor", featureDim: 5 }, /mixer\.featureDim must be a positive even integer, got 5/],
    [{ kind: "power", power: 3 }, /mixer\.power must be a positive even integer, got 3/],
    [{ kind: "softmax", window: 4 }, /unknown field "mixer\.window" for kind "softmax"/],
  ];
  for (const [v, re] of bad) assert.throws(() => validateMixer(v), re, JSON.stringify(v));
  assert.throws(
    () => validateModelConfig({ ...base, mixer: { kind: "window", window: 0 } }),
    /model config: mixer\.window must be a positive integer, got 0/,
  );
});

Deno.test("mixer: linear kinds give wq, wk d' columns per head; softmax and window keep the shapes", () => {
  const taylor: ModelConfig = { ...base, mixer: { kind: "taylor", featureDim: 2 } };
  assert.equal(queryKeyDim(taylor), 2);
  assert.equal(queryKeyDim({ ...base, mixer: { kind: "power", power: 2 } }), 4);
  const byName = (c: ModelConfig) => Object.fromEntries(parameterSpecs(c).map((s) => [s.name, s.shape]));
  assert.deepEqual(byName(taylor)["layers.0.attn.wq"], [8, 2 * 2]);
  assert.deepEqual(byName(taylor)["layers.0.attn.wk"], [8, 2 * 2]);
  assert.deepEqual(byName(taylor)["layers.0.attn.wv"], [8, 8]);
  // 2 heads: wq and wk lose 8·(8 − 4) values each against softmax
  assert.equal(parameterCount(base) - parameterCount(taylor), 2 * 8 * 4);
  assert.deepEqual(parameterSpecs({ ...base, mixer: { kind: "window", window: 2 } }), parameterSpecs(base));
});
