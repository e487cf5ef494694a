import assert from "node:assert/strict";
import { createGpuBackend, type GpuBackendOptions } from "./backend.ts";
import { GpuContext } from "./context.ts";
import { type ModelConfig, type OptimizerStep, parameterSpecs, type TrainState } from "../types.ts";
import { referenceForwardBackward } from "../reference/model.ts";
import { freshState, randomArray, randomTokens, relError } from "../../testing/gpu.ts";

// Vocabulary 37, width 8: a 256-byte binding holds 8 embedding rows (or LM head columns), so the vocabulary
// is split into 5 blocks [0,7,14,22,29,37); the logits (B·T = 15 rows, 60 bytes per column) hold at most 4
// columns, so each block is split again in two (offsets inside the LM head blocks).
const CFG: ModelConfig = {
  vocabSize: 37,
  width: 8,
  depth: 2,
  headSize: 4,
  gqaRatio: 2,
  mlpRatio: 4,
  seqLen: 5,
  ropeTheta: 10000,
  normEps: 1e-6,
};
const B = 3;
const SPLIT: GpuBackendOptions = { maxBindingBytes: 256 };
const OPT: OptimizerStep = { lr: 3e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 1.0 };

const batch = (step: number) => randomTokens(B * (CFG.seqLen + 1), CFG.vocabSize, 500 + step);

Deno.test("split vocabulary: loss and every gradient match referenceForwardBackward", async () => {
  const ctx = await GpuContext.create();
  const gpu = await createGpuBackend(CFG, { ...SPLIT, context: ctx });
  try {
    assert.deepEqual(gpu.vocabBlocks(), [0, 7, 14, 22, 29, 37]);
    const state = freshState(CFG, 1);
    await gpu.setState(state);
    const tokens = batch(0);
    const want = referenceForwardBackward(CFG, state.params, tokens, B);
    gpu.trainStep(tokens, B, { ...OPT, lr: 0, weightDecay: 0 });
    const { loss, gradNorm } = await gpu.readTrainLosses();
    assert.ok(Math.abs(loss[0] - want.loss) < 1e-5 * want.loss, `loss ${loss[0]} vs ${want.loss}`);
    const grads = await gpu.readGradients();
    const specs = parameterSpecs(CFG);
    let ss = 0;
    for (let i = 0; i < specs.length; i++) {
      const e = relError(grads[i], want.grads[i]);
      assert.ok(e < 1e-4, `gradient ${specs[i].name}: relative error ${e}`);
      for (const g of want.grads[i]) ss += g * g;
    }
    assert.ok(Math.abs(gradNorm[0] - Math.sqrt(ss)) < 1e-4 * Math.sqrt(ss), `norm ${gradNorm[0]}`);
    const evalLoss = await gpu.evalLoss(tokens, B);
    assert.ok(Math.abs(evalLoss - want.loss) < 1e-5 * want.loss, `eval ${evalLoss} vs ${want.loss}`);
    // a single sequence (5 rows: 12 logits columns per block fit, so logits blocks = parameter blocks)
    const one = tokens.slice(0, CFG.seqLen + 1);
    const wantOne = referenceForwardBackward(CFG, state.params, one, 1).loss;
    assert.ok(Math.abs((await gpu.evalLoss(one, 1)) - wantOne) < 1e-5 * wantOne);
  } finally {
    gpu.destroy();
    ctx.destroy();
  }
});

Deno.test("split vocabulary: 5 AdamW steps equal the unsplit backend within f32 rounding; runs (tuned or not, fused or not, one flat buffer or many) are bit-identical", async () => {
  const ctx = await GpuContext.create();
  const run = async (options: GpuBackendOptions) => {
    const gpu = await createGpuBackend(CFG, { ...options, context: ctx });
    try {
      await gpu.setState(freshState(CFG, 2));
      for (let s = 0; s < 5; s++) gpu.trainStep(batch(s), B, OPT);
      return { ...(await gpu.readTrainLosses()), state: await gpu.getState() };
    } finally {
      gpu.destroy();
    }
  };
  try {
    const whole = await run({}), a = await run(SPLIT);
    // 1 KiB flat buffers: the 29 tensor blocks are packed into 12 arenas (w_gate, w_up, w_down fill one each)
    const others = [
      await run({ ...SPLIT, tune: true }),
      await run({ ...SPLIT, fused: false }),
      await run({ ...SPLIT, maxArenaBytes: 1024 }),
      await run({ ...SPLIT, maxArenaBytes: 1024, fused: false }),
    ];
    for (let s = 0; s < 5; s++) {
      const e = Math.abs(a.loss[s] - whole.loss[s]) / whole.loss[s];
      assert.ok(e < 1e-6, `step ${s}: split loss ${a.loss[s]} vs unsplit ${whole.loss[s]}`);
      const en = Math.abs(a.gradNorm[s] - whole.gradNorm[s]) / whole.gradNorm[s];
      assert.ok(en < 1e-5, `step ${s}: grad norm ${a.gradNorm[s]} vs ${whole.gradNorm[s]}`);
    }
    for (let i = 0; i < whole.state.params.length; i++) {
      const e = relError(a.state.params[i], whole.state.params[i]);
      assert.ok(e < 1e-4, `param ${i} after 5 steps: relative error ${e}`);
    }
    const bits = (x: Float32Array) => new Uint32Array(x.buffer);
    others.forEach((b, k) => {
      assert.deepEqual(bits(a.loss), bits(b.loss), `run ${k}: losses`);
      assert.deepEqual(bits(a.gradNorm), bits(b.gradNorm), `run ${k}: gradient norms`);
      for (const g of ["params", "m", "v"] as const) {
        a.state[g].forEach((p, i) => assert.deepEqual(bits(p), bits(b.state[g][i]), `run ${k}: ${g}[${i}]`));
      }
    });
  } finally {
    ctx.destroy();
  }
});

Deno.test("split vocabulary: getState returns exactly what setState stored (embedding rows, LM head columns)", async () => {
  const gpu = await createGpuBackend(CFG, SPLIT);
  try {
    const specs = parameterSpecs(CFG);
    const make = (seed: number) =>
      specs.map((s, i) => {
        const n = s.shape.reduce((x, y) => x * y, 1);
        return new Float32Array(randomArray(n, seed * 100 + i));
      });
    const state: TrainState = { params: make(1), m: make(2), v: make(3), step: 17 };
    await gpu.setState(state);
    const got = await gpu.getState();
    assert.equal(got.step, 17);
    assert.deepEqual(got.params, state.params);
    assert.deepEqual(got.m, state.m);
    assert.deepEqual(got.v, state.v);
  } finally {
    gpu.destroy();
  }
});

Deno.test("split vocabulary: budgets below one embedding row or one logits column are refused clearly", async () => {
  await assert.rejects(
    createGpuBackend(CFG, { maxBindingBytes: 31 }),
    /maxBindingBytes must be an integer of at least one embedding row \(4 · width = 32 bytes\), got 31/,
  );
  const gpu = await createGpuBackend(CFG, { maxBindingBytes: 32 });
  try {
    assert.equal(gpu.vocabBlocks().length, 38);
    assert.throws(() => gpu.trainStep(batch(0), B, OPT), /one logits column of 15 rows .* needs 60 bytes/);
  } finally {
    gpu.destroy();
  }
});
