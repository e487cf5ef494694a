// The per-target loss weights (the answer mask of a recall task) on WebGPU against the float64 reference:
// loss, every gradient, the evaluation's loss and accuracy, with the vocabulary whole and split; weights of
// all ones give the bits of the unweighted plan. Tiny shapes (llvmpipe).
import assert from "node:assert/strict";
import { createGpuBackend, type GpuBackendOptions } from "./backend.ts";
import { GpuContext } from "./context.ts";
import { type ModelConfig, type OptimizerStep, parameterSpecs } from "../types.ts";
import { referenceEval, referenceForwardBackward } from "../reference/model.ts";
import { freshState, randomTokens, relError } from "../../testing/gpu.ts";

// vocabulary 37, width 8: maxBindingBytes 256 splits it into 5 blocks (see backend_split_test.ts)
const CFG: ModelConfig = {
  vocabSize: 37,
  width: 8,
  depth: 1,
  headSize: 4,
  gqaRatio: 2,
  mlpRatio: 4,
  seqLen: 5,
  ropeTheta: 10000,
  normEps: 1e-6,
};
const B = 3;
const OPT: OptimizerStep = { lr: 0, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0, gradClip: 1.0 };
// 15 targets, 5 scored, one of them with weight 2
const MASK = Float32Array.from([0, 1, 0, 0, 1, 0, 0, 2, 0, 0, 1, 0, 0, 0, 1]);

for (const [name, opts] of [["whole", {}], ["split", { maxBindingBytes: 256 }]] as const) {
  Deno.test(`weighted loss on WebGPU (${name} vocabulary): loss, gradients, eval and accuracy match the reference`, async () => {
    const ctx = await GpuContext.create();
    const gpu = await createGpuBackend(CFG, { ...(opts as GpuBackendOptions), context: ctx });
    try {
      const state = freshState(CFG, 3);
      await gpu.setState(state);
      const tokens = randomTokens(B * (CFG.seqLen + 1), CFG.vocabSize, 41);
      // make the last token of sequences 0 and 2 (scored targets, weight 1 each) the model's argmax, found
      // as the value of least loss, so the accuracy is not trivially 0
      for (const b of [0, 2]) {
        const at = b * (CFG.seqLen + 1) + CFG.seqLen, only = new Float32Array(B * CFG.seqLen);
        only[b * CFG.seqLen + CFG.seqLen - 1] = 1;
        const lossOf = (v: number) => {
          tokens[at] = v;
          return referenceEval(CFG, state.params, tokens, B, only).loss;
        };
        let best = 0;
        for (let v = 1; v < CFG.vocabSize; v++) if (lossOf(v) < lossOf(best)) best = v;
        tokens[at] = best;
      }
      const want = referenceForwardBackward(CFG, state.params, tokens, B, MASK);
      gpu.trainStep(tokens, B, OPT, MASK);
      const { loss } = await gpu.readTrainLosses();
      assert.ok(Math.abs(loss[0] - want.loss) < 1e-5 * want.loss, `loss ${loss[0]} vs ${want.loss}`);
      const grads = await gpu.readGradients();
      parameterSpecs(CFG).forEach((s, i) => {
        const e = relError(grads[i], want.grads[i]);
        assert.ok(e < 1e-4, `gradient ${s.name}: relative error ${e}`);
      });
      const ev = await gpu.evalWeighted(tokens, B, MASK);
      const wantEv = referenceEval(CFG, state.params, tokens, B, MASK);
      assert.ok(Math.abs(ev.loss - wantEv.loss) < 1e-5 * wantEv.loss, `eval ${ev.loss} vs ${wantEv.loss}`);
      assert.ok(
        Math.abs(ev.accuracy - wantEv.accuracy) < 1e-6,
        `accuracy ${ev.accuracy} vs ${wantEv.accuracy}`,
      );
      // the unweighted plan is untouched, and all-ones weights give its bits
      gpu.trainStep(tokens, B, OPT);
      const plainLoss = (await gpu.readTrainLosses()).loss[0];
      const plainGrads = await gpu.readGradients();
      gpu.trainStep(tokens, B, OPT, new Float32Array(B * CFG.seqLen).fill(1));
      assert.equal((await gpu.readTrainLosses()).loss[0], plainLoss);
      assert.deepEqual(await gpu.readGradients(), plainGrads);
      assert.equal(
        (await gpu.evalWeighted(tokens, B, new Float32Array(15).fill(1))).loss,
        await gpu.evalLoss(tokens, B),
      );
      assert.throws(
        () => gpu.trainStep(tokens, B, OPT, new Float32Array(14)),
        /trainStep: weights: 14 entries/,
      );
    } finally {
      gpu.destroy();
      ctx.destroy();
    }
  });
}
