import assert from "node:assert/strict";
import { createGpuBackend } from "./backend.ts";
import { GpuContext } from "./context.ts";
import { type ModelConfig, type OptimizerStep, parameterSpecs, paramSpec } from "../types.ts";
import { referenceForwardBackward } from "../reference/model.ts";
import { ReferenceBackend } from "../reference/backend.ts";
import { freshState, randomTokens, relError } from "../../testing/gpu.ts";

// Tiny, odd shapes: vocab 37, width 12 (3 query heads of 4, gqaRatio 3 → 1 kv head), depth 2, T = 7.
const CFG: ModelConfig = {
  vocabSize: 37,
  width: 12,
  depth: 2,
  headSize: 4,
  gqaRatio: 3,
  mlpRatio: 4,
  seqLen: 7,
  ropeTheta: 10000,
  normEps: 1e-6,
};
const B = 3;
const OPT: OptimizerStep = { lr: 3e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 1.0 };

/** A learnable stream: token t+1 = (3·t + 1) mod V with occasional noise. */
function batchTokens(step: number): Int32Array {
  const noise = randomTokens(B * (CFG.seqLen + 1), CFG.vocabSize, 100 + step);
  const out = new Int32Array(B * (CFG.seqLen + 1));
  for (let b = 0; b < B; b++) {
    let t = noise[b * (CFG.seqLen + 1)];
    for (let i = 0; i <= CFG.seqLen; i++) {
      out[b * (CFG.seqLen + 1) + i] = t;
      t = noise[b * (CFG.seqLen + 1) + i] % 7 === 0
        ? noise[b * (CFG.seqLen + 1) + i]
        : (3 * t + 1) % CFG.vocabSize;
    }
  }
  return out;
}

for (const attention of ["dense", "flash"] as const) {
  Deno.test(`GpuBackend (${attention} attention): loss and every gradient match referenceForwardBackward`, async () => {
    const ctx = await GpuContext.create();
    const gpu = await createGpuBackend(CFG, { context: ctx, attention });
    try {
      assert.match(gpu.identity, /^webgpu:/);
      const state = freshState(CFG, 1);
      await gpu.setState(state);
      const tokens = batchTokens(0);
      const want = referenceForwardBackward(CFG, state.params, tokens, B);
      // lr 0: the step leaves parameters unchanged but computes loss and gradients
      gpu.trainStep(tokens, B, { ...OPT, lr: 0, weightDecay: 0 });
      const { loss, gradNorm } = await gpu.readTrainLosses();
      assert.equal(loss.length, 1);
      assert.ok(Math.abs(loss[0] - want.loss) < 1e-5 * want.loss, `loss ${loss[0]} vs ${want.loss}`);
      const grads = await gpu.readGradients();
      const specs = parameterSpecs(CFG);
      let ss = 0;
      for (let i = 0; i < specs.length; i++) {
        const e = relError(grads[i], want.grads[i]);
        assert.ok(e < 1e-4, `gradient ${specs[i].name}: relative error ${e}`);
        for (const g of want.grads[i]) ss += g * g;
      }
      assert.ok(Math.abs(gradNorm[0] - Math.sqrt(ss)) < 1e-4 * Math.sqrt(ss));
      const evalLoss = await gpu.evalLoss(tokens, B);
      assert.ok(Math.abs(evalLoss - want.loss) < 1e-5 * want.loss);
      // a shorter sequence and a different batch use their own workspace
      const short = tokens.slice(0, 2 * 5);
      const wantShort = referenceForwardBackward(CFG, state.params, short, 2).loss;
      assert.ok(Math.abs((await gpu.evalLoss(short, 2)) - wantShort) < 1e-5 * wantShort);
      await assert.rejects(gpu.evalLoss(Int32Array.from([0, 37]), 1), /token 37 at index 1/);
    } finally {
      gpu.destroy();
      ctx.destroy();
    }
  });
}

Deno.test("GpuBackend: 50 AdamW steps track the float64 ReferenceBackend and lower the loss", async () => {
  const gpu = await createGpuBackend(CFG);
  const cpu = new ReferenceBackend(CFG);
  try {
    const state = freshState(CFG, 2);
    await gpu.setState(state);
    await cpu.setState(state);
    for (let s = 0; s < 50; s++) {
      const opt = { ...OPT, lr: OPT.lr * Math.min(1, (s + 1) / 5) };
      gpu.trainStep(batchTokens(s), B, opt);
      cpu.trainStep(batchTokens(s), B, opt);
    }
    const g = await gpu.readTrainLosses(), c = await cpu.readTrainLosses();
    assert.equal(g.loss.length, 50);
    for (let s = 0; s < 50; s++) {
      assert.ok(
        Math.abs(g.loss[s] - c.loss[s]) < 2e-3 * c.loss[s],
        `step ${s}: ${g.loss[s]} vs ${c.loss[s]}`,
      );
      assert.ok(Math.abs(g.gradNorm[s] - c.gradNorm[s]) < 2e-2 * c.gradNorm[s], `norm ${s}`);
    }
    assert.ok(g.loss[49] < 0.8 * g.loss[0], `loss fell from ${g.loss[0]} to ${g.loss[49]}`);
    const gs = await gpu.getState(), cs = await cpu.getState();
    assert.equal(gs.step, 50);
    for (let i = 0; i < gs.params.length; i++) {
      assert.ok(relError(gs.params[i], cs.params[i]) < 1e-2, `param ${i}`);
    }
  } finally {
    gpu.destroy();
  }
});

Deno.test("GpuBackend: identical runs give bit-identical losses; NaN parameters give NaN loss", async () => {
  const run = async (poison: boolean) => {
    const gpu = await createGpuBackend(CFG);
    try {
      const state = freshState(CFG, 3);
      if (poison) state.params[paramSpec(CFG, "layers.0.mlp_norm").index][0] = NaN;
      await gpu.setState(state);
      for (let s = 0; s < 5; s++) gpu.trainStep(batchTokens(s), B, OPT);
      return (await gpu.readTrainLosses()).loss;
    } finally {
      gpu.destroy();
    }
  };
  const a = await run(false), b = await run(false);
  assert.deepEqual(new Uint32Array(a.buffer), new Uint32Array(b.buffer));
  const bad = await run(true);
  assert.ok(Number.isNaN(bad[0]), `loss with a NaN parameter was ${bad[0]}`);
});

Deno.test("GpuBackend: the fused plan gives the unfused plan's bits in far fewer dispatches", async () => {
  const ctx = await GpuContext.create();
  try {
    for (const attention of ["dense", "flash"] as const) {
      const run = async (fused: boolean) => {
        const gpu = await createGpuBackend(CFG, { context: ctx, attention, fused });
        try {
          await gpu.setState(freshState(CFG, 5));
          for (let s = 0; s < 3; s++) gpu.trainStep(batchTokens(s), B, OPT);
          const { loss, gradNorm } = await gpu.readTrainLosses();
          const evalLoss = await gpu.evalLoss(batchTokens(9), B);
          return { loss, gradNorm, evalLoss, state: await gpu.getState(), counts: gpu.dispatchCounts(B, 7) };
        } finally {
          gpu.destroy();
        }
      };
      const fused = await run(true), unfused = await run(false);
      const bits = (x: Float32Array) => new Uint32Array(x.buffer);
      assert.deepEqual(bits(fused.loss), bits(unfused.loss), `${attention}: losses`);
      assert.deepEqual(bits(fused.gradNorm), bits(unfused.gradNorm), `${attention}: gradient norms`);
      assert.equal(fused.evalLoss, unfused.evalLoss);
      for (const g of ["params", "m", "v"] as const) {
        fused.state[g].forEach((p, i) => assert.deepEqual(bits(p), bits(unfused.state[g][i]), `${g}[${i}]`));
      }
      // per layer: 2 copies, 2 RoPE, 2 GEGLU and 2 × 2 RMSNorm-backward dispatches fewer; outside the layers the
      // 3 + 9 · depth per-tensor sums of squares and AdamW updates become one each, the final norm's backward
      // takes one dispatch instead of three, one column sum is added and the mean loss joins the norm's dispatch
      const nt = 3 + 9 * CFG.depth;
      // (flash: RoPE inside the attention kernels, 2 more). Multi-product matmuls (no product here is split over
      // K) save 9 more per layer: q, k and v projections in one grouped dispatch (2), gate and up in one GEGLU
      // pair (1), the wGate and wUp gradients in one grouped dispatch (1), dn = dgate·Wgateᵀ + dup·Wupᵀ in one
      // summed dispatch (1), the wq, wk and wv gradients in one grouped dispatch (2) and dn = dq·Wqᵀ + dk·Wkᵀ +
      // dv·Wvᵀ in one summed dispatch (2)
      assert.equal(
        unfused.counts.perLayer - fused.counts.perLayer,
        (attention === "flash" ? 12 : 10) + 9,
        attention,
      );
      // the target, at most 24 per layer: flash 40 - 12 - 9 = 19 (the dense attention's products, whose
      // count grows with gqaRatio, are not grouped)
      if (attention === "flash") assert.equal(fused.counts.perLayer, 19);
      assert.equal(
        unfused.counts.outsideLayers - fused.counts.outsideLayers,
        2 * (nt - 1) + 2 - 1 + 1,
        attention,
      );
      // embedding, final norm, head, loss, head wgrad and dgrad, final norm backward, embedding backward, column
      // sums, sum of squares, norm (and mean loss), AdamW
      assert.equal(fused.counts.outsideLayers, 12, attention);
      assert.equal(fused.counts.total, fused.counts.perLayer * CFG.depth + fused.counts.outsideLayers);
    }
  } finally {
    ctx.destroy();
  }
});

Deno.test("GpuBackend: setState rejects a tensor of the wrong size, naming it", async () => {
  const gpu = await createGpuBackend(CFG);
  try {
    const state = freshState(CFG, 4);
    const params = state.params.slice();
    params[paramSpec(CFG, "layers.0.attn.wq").index] = new Float32Array(3);
    await assert.rejects(
      gpu.setState({ ...state, params }),
      /params\[2\] "layers\.0\.attn\.wq" has 3 values/,
    );
  } finally {
    gpu.destroy();
  }
});
