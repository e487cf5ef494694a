import assert from "node:assert/strict";
import { TokenLoader } from "../data/loader.ts";
import { markovChain, sampleMarkov, syntheticEntropyRate } from "../data/markov.ts";
import { BYTE_VOCAB_SIZE } from "../data/tokenizer.ts";
import { initParams } from "../init.ts";
import type { ModelConfig } from "../types.ts";
import { ReferenceBackend } from "./backend.ts";

const cfg: ModelConfig = {
  vocabSize: BYTE_VOCAB_SIZE,
  width: 16,
  depth: 1,
  headSize: 8,
  gqaRatio: 1,
  mlpRatio: 2,
  seqLen: 16,
  ropeTheta: 10000,
  normEps: 1e-5,
};

Deno.test("reference training on the synthetic Markov language approaches its known entropy rate", async () => {
  const K = 8, chain = markovChain(K, 1, 2);
  const H = syntheticEntropyRate(chain);
  const train = new TokenLoader(sampleMarkov(chain, 50_000, 2), 3);
  const valBatches = new TokenLoader(sampleMarkov(chain, 20_000, 4), 0).validationBatches(4, 16, 16);
  // the true chain's loss on exactly these validation targets: the floor for this sample
  let trueLoss = 0;
  for (const b of valBatches) {
    for (let s = 0; s < 16; s++) {
      for (let t = 0; t < 16; t++) {
        trueLoss -= Math.log(chain.transitions[(b[s * 17 + t] - 97) * K + b[s * 17 + t + 1] - 97]);
      }
    }
  }
  trueLoss /= 4 * 16 * 16;
  assert.ok(Math.abs(trueLoss - H) < 0.05, `sample floor ${trueLoss} vs entropy rate ${H}`);

  const be = new ReferenceBackend(cfg);
  const params = initParams(cfg, 0);
  const zeros = () => params.map((p) => new Float32Array(p.length));
  await be.setState({ params, m: zeros(), v: zeros(), step: 0 });
  const evalVal = async () => {
    let s = 0;
    for (const b of valBatches) s += await be.evalLoss(b, 16);
    return s / valBatches.length;
  };
  assert.ok((await evalVal()) > 4, "an untrained model is near ln 259 = 5.56 nats");
  const steps = 200, lr = 0.03;
  for (let i = 0; i < steps; i++) {
    const lrI = lr * Math.min(1, (i + 1) / 20) * (i > steps * 0.7 ? (steps - i) / (steps * 0.3) : 1);
    const opt = { lr: lrI, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0, gradClip: 1 };
    be.trainStep(train.nextBatch(8, 16), 8, opt);
  }
  const gap = (await evalVal()) - trueLoss;
  assert.ok(gap > -0.005 && gap < 0.05, `model − floor = ${gap} nats/token`);
});
