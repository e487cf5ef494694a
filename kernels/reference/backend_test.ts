import assert from "node:assert/strict";
import { Rng } from "../../util/rng.ts";
import { type ModelConfig, type OptimizerStep, parameterSpecs, type TrainState } from "../types.ts";
import { adamwStep, globalGradNorm } from "./adamw.ts";
import { ReferenceBackend } from "./backend.ts";
import { referenceForwardBackward, referenceLoss } from "./model.ts";

const cfg: ModelConfig = {
  vocabSize: 13,
  width: 8,
  depth: 1,
  headSize: 4,
  gqaRatio: 1,
  mlpRatio: 2,
  seqLen: 6,
  ropeTheta: 10000,
  normEps: 1e-5,
};
const opt: OptimizerStep = { lr: 0.02, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 1 };

function initialState(seed: number): TrainState {
  const rng = new Rng(seed);
  const specs = parameterSpecs(cfg);
  const size = (s: { shape: readonly number[] }) => s.shape.reduce((a, b) => a * b, 1);
  return {
    params: specs.map((s) =>
      Float32Array.from({ length: size(s) }, () => (s.decay ? 0.3 * rng.nextNormal() : 1))
    ),
    m: specs.map((s) => new Float32Array(size(s))),
    v: specs.map((s) => new Float32Array(size(s))),
    step: 0,
  };
}

const rng = new Rng(5);
const tokens = Int32Array.from({ length: 2 * 7 }, () => rng.nextInt(13));

Deno.test("ReferenceBackend: one step equals referenceForwardBackward + adamwStep; reports loss and norm", async () => {
  const state = initialState(1);
  const be = new ReferenceBackend(cfg);
  await be.setState(state);
  assert.equal(await be.evalLoss(tokens, 2), referenceLoss(cfg, state.params, tokens, 2));
  be.trainStep(tokens, 2, opt);
  const { loss, grads } = referenceForwardBackward(cfg, state.params, tokens, 2);
  const p = state.params.map((t) => Float64Array.from(t));
  const m = state.m.map((t) => Float64Array.from(t)), v = state.v.map((t) => Float64Array.from(t));
  adamwStep(p, grads, m, v, parameterSpecs(cfg).map((s) => s.decay), 0, opt);
  const got = await be.getState();
  assert.equal(got.step, 1);
  got.params.forEach((t, i) => t.forEach((x, j) => assert.equal(x, Math.fround(p[i][j]))));
  const read = await be.readTrainLosses();
  assert.deepEqual(Array.from(read.loss), [Math.fround(loss)]);
  assert.deepEqual(Array.from(read.gradNorm), [Math.fround(globalGradNorm(grads))]);
  assert.equal((await be.readTrainLosses()).loss.length, 0);
});

Deno.test("ReferenceBackend: 40 steps on a fixed batch cut its loss by more than half; state round trip resumes", async () => {
  const be = new ReferenceBackend(cfg);
  await be.setState(initialState(2));
  const start = await be.evalLoss(tokens, 2);
  for (let i = 0; i < 20; i++) be.trainStep(tokens, 2, opt);
  const mid = await be.getState();
  const other = new ReferenceBackend(cfg);
  await other.setState(mid);
  for (let i = 0; i < 20; i++) {
    be.trainStep(tokens, 2, opt);
    other.trainStep(tokens, 2, opt);
  }
  const end = await be.evalLoss(tokens, 2);
  assert.ok(end < 0.5 * start, `loss ${start} -> ${end}`);
  // float32 round trip of the state changes the continuation only at float32 precision
  assert.ok(Math.abs((await other.evalLoss(tokens, 2)) - end) < 1e-4);
  assert.equal((await be.readTrainLosses()).loss.length, 40);
});

Deno.test("ReferenceBackend: setState with a wrong tensor names it", async () => {
  const be = new ReferenceBackend(cfg);
  const s = initialState(3);
  const bad = { ...s, m: s.m.map((t, i) => (i === 2 ? new Float32Array(3) : t)) };
  await assert.rejects(() => be.setState(bad), /m\[2\] "layers.0.attn.wq" has 3 values, expected 64/);
});
