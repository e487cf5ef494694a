import assert from "node:assert/strict";
import { Rng } from "../../util/rng.ts";
import type { Mixer } from "../../scaling/count/mixer.ts";
import { type ModelConfig, parameterSpecs } from "../types.ts";
import { maxRelativeError, numericalGradient } from "./gradcheck.ts";
import { attentionForward } from "./layers.ts";
import { linearScore, mixerBackward, mixerForward, type MixerShape } from "./mixers.ts";
import { referenceForwardBackward, referenceLoss } from "./model.ts";
import { ReferenceBackend } from "./backend.ts";
import { initParams } from "../init.ts";

/** The mixers under test, each with its q/k size; taylor's d' = 2 differs from hs = 4 on purpose. */
const CASES: readonly { mixer: Mixer; keyDim: number }[] = [
  { mixer: { kind: "softmax" }, keyDim: 4 },
  { mixer: { kind: "window", window: 2 }, keyDim: 4 },
  { mixer: { kind: "taylor", featureDim: 2 }, keyDim: 2 },
  { mixer: { kind: "power", power: 2 }, keyDim: 4 },
  { mixer: { kind: "power", power: 4, featureDim: 2 }, keyDim: 2 },
];

function randn(rng: Rng, n: number, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => scale * rng.nextNormal());
}

/** B = 2 sequences of T = 5, two query heads sharing one kv head (GQA), hs = 4. */
function inputs(keyDim: number, seed: number) {
  const shape: MixerShape = { batch: 2, seqLen: 5, numQueryHeads: 2, numKvHeads: 1, headSize: 4, keyDim };
  const rng = new Rng(seed), rows = 10;
  return {
    shape,
    q: randn(rng, rows * 2 * keyDim, 0.8),
    k: randn(rng, rows * keyDim, 0.8),
    v: randn(rng, rows * 4),
    dy: randn(rng, rows * 2 * 4),
  };
}

Deno.test("mixers: softmax is layers.ts's attention, bit for bit", () => {
  const { q, k, v, shape } = inputs(4, 1);
  assert.deepEqual(
    mixerForward(q, k, v, shape, { kind: "softmax" }).out,
    attentionForward(q, k, v, shape).out,
  );
});

Deno.test("mixers: hand-computed values (window masks, taylor and power weights)", () => {
  // one head, hs = keyDim = 1, T = 3: scores s = q_t·k_u are products of scalars
  const shape: MixerShape = { batch: 1, seqLen: 3, numQueryHeads: 1, numKvHeads: 1, headSize: 1, keyDim: 1 };
  const q = new Float64Array([1, 2, 0.5]),
    k = new Float64Array([1, -1, 2]),
    v = new Float64Array([10, 20, 30]);
  // window 2, query 2 sees keys 1, 2: scores −0.5 and 1
  const w = mixerForward(q, k, v, shape, { kind: "window", window: 2 }).out;
  const e1 = Math.exp(-0.5), e2 = Math.exp(1);
  assert.ok(Math.abs(w[2] - (20 * e1 + 30 * e2) / (e1 + e2)) < 1e-12);
  // taylor d' = 1: f(s) = 1 + s + s²/2; query 1 sees s = 2, −2: f = 5, 1
  const t = mixerForward(q, k, v, shape, { kind: "taylor", featureDim: 2 }).out;
  assert.ok(Math.abs(linearScore({ kind: "taylor", featureDim: 2 }, 2, 1) - 5) < 1e-15);
  assert.ok(Math.abs(t[1] - (5 * 10 + 1 * 20) / 6) < 1e-12);
  // power p = 2: query 1 weights 4, 4 (+ ε = 1e-6 in the row sum)
  const p = mixerForward(q, k, v, shape, { kind: "power", power: 2 }).out;
  assert.ok(Math.abs(p[1] - (4 * 10 + 4 * 20) / (8 + 1e-6)) < 1e-12);
});

for (const { mixer, keyDim } of CASES) {
  Deno.test(`mixers: ${JSON.stringify(mixer)} backward matches central finite differences`, () => {
    const { q, k, v, dy, shape } = inputs(keyDim, 2);
    const f = () => mixerForward(q, k, v, shape, mixer).out.reduce((s, o, i) => s + o * dy[i], 0);
    const { cache } = mixerForward(q, k, v, shape, mixer);
    const g = mixerBackward(q, k, v, cache, dy, shape, mixer);
    for (const [name, x, gx] of [["dq", q, g.dq], ["dk", k, g.dk], ["dv", v, g.dv]] as const) {
      const idx = Array.from({ length: x.length }, (_, i) => i);
      const err = maxRelativeError(gx, idx, numericalGradient(f, x, idx));
      assert.ok(err < 1e-5, `${name}: max relative error ${err}`);
      assert.ok(gx.some((a) => Math.abs(a) > 1e-3), `${name} is all zero`);
    }
  });
}

Deno.test("mixers: whole-model gradients of a taylor and a window model match finite differences", () => {
  const base: ModelConfig = {
    vocabSize: 7,
    width: 8,
    depth: 1,
    headSize: 4,
    gqaRatio: 2,
    mlpRatio: 1,
    seqLen: 4,
    ropeTheta: 100,
    normEps: 1e-5,
  };
  for (const mixer of [{ kind: "taylor", featureDim: 2 }, { kind: "window", window: 2 }] as const) {
    const cfg = { ...base, mixer };
    const rng = new Rng(5);
    const params = parameterSpecs(cfg).map((s) =>
      randn(rng, s.size, 0.5).map((x) => s.decay ? x : 1 + x / 2)
    );
    const tokens = Int32Array.from({ length: 10 }, () => rng.nextInt(7));
    const { grads } = referenceForwardBackward(cfg, params, tokens, 2);
    for (const s of parameterSpecs(cfg).filter((s) => s.kind === "wq" || s.kind === "wk")) {
      const idx = [0, 3, s.size - 1];
      const num = numericalGradient(() => referenceLoss(cfg, params, tokens, 2), params[s.index], idx);
      const err = maxRelativeError(grads[s.index], idx, num);
      assert.ok(err < 1e-5, `${mixer.kind} ${s.name}: max relative error ${err}`);
    }
  }
});

Deno.test("mixers: the reference backend trains every mixer from the standard init (a fixed batch's loss falls by a third)", async () => {
  const base: ModelConfig = {
    vocabSize: 11,
    width: 8,
    depth: 1,
    headSize: 4,
    gqaRatio: 1,
    mlpRatio: 2,
    seqLen: 8,
    ropeTheta: 10000,
    normEps: 1e-5,
  };
  const rng = new Rng(8);
  const tokens = Int32Array.from({ length: 2 * 9 }, () => rng.nextInt(11));
  for (const { mixer } of CASES) {
    const cfg = { ...base, mixer };
    const be = new ReferenceBackend(cfg);
    const params = initParams(cfg, 1);
    await be.setState({
      params,
      m: params.map((p) => new Float32Array(p.length)),
      v: params.map((p) => new Float32Array(p.length)),
      step: 0,
    });
    const opt = { lr: 0.03, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0, gradClip: 1 };
    for (let i = 0; i < 40; i++) be.trainStep(tokens, 2, opt);
    const { loss } = await be.readTrainLosses();
    assert.ok(loss.every(Number.isFinite), `${mixer.kind}: non-finite loss`);
    assert.ok(loss[39] < (2 / 3) * loss[0], `${JSON.stringify(mixer)}: loss ${loss[0]} → ${loss[39]}`);
  }
});
