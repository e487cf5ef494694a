import assert from "node:assert/strict";
import { runFlops, SOFTWARE_LIMIT_SECONDS, trainCost } from "./train_cost.ts";
import { runConfig, trainStage } from "./train.ts";
import { trainFlopsPerToken } from "../kernels/train/flops.ts";

const MODEL = {
  vocabSize: 259,
  width: 32,
  depth: 2,
  headSize: 16,
  gqaRatio: 2,
  mlpRatio: 4,
  seqLen: 32,
  ropeTheta: 10000,
  normEps: 1e-6,
};
const a = trainStage({
  runId: "a",
  model: MODEL,
  train: { steps: 100, batchSize: 8 },
  corpus: "corpus",
  backend: "gpu",
});
const b = trainStage({
  runId: "b",
  model: { ...MODEL, width: 64 },
  train: { steps: 50, batchSize: 8 },
  corpus: "corpus",
  backend: "gpu",
});

Deno.test("train cost: FLOPs are 6N-style per token × tokens; hours = FLOPs / the measured rate", async () => {
  // 100 steps × 8 × 32 tokens of the 32×2 model plus 50 steps × 8 × 32 of the 64×2 one.
  const want = trainFlopsPerToken(MODEL) * 25_600 + trainFlopsPerToken({ ...MODEL, width: 64 }) * 12_800;
  assert.equal(runFlops(runConfig(a.params, "/c")) + runFlops(runConfig(b.params, "/c")), want);
  const measured: number[] = [];
  const rate = want / (2 * SOFTWARE_LIMIT_SECONDS); // twice the limit
  const slow = await trainCost([a, b], new Set(["train.a", "train.b"]), (cfg) => {
    measured.push(cfg.model.width);
    return Promise.resolve({ flopsPerSecond: rate, identity: "webgpu:mesa llvmpipe (LLVM 15)" });
  });
  assert.deepEqual(measured, [32], "the smallest model is measured");
  assert.ok(slow !== null && slow.stop);
  assert.match(
    slow.message,
    /^cost: 2 training run\(s\), .* FLOPs on webgpu:mesa llvmpipe .*software adapter/,
  );
  assert.match(
    slow.message,
    new RegExp(`take about ${(2 * SOFTWARE_LIMIT_SECONDS / 3600).toPrecision(3)} h; stopping`),
  );
  // The same cost on a GPU is said, not stopped; half of it on llvmpipe goes on; cached runs cost nothing.
  const gpu = await trainCost(
    [a, b],
    new Set(["train.a", "train.b"]),
    () => Promise.resolve({ flopsPerSecond: rate, identity: "webgpu:nvidia hopper H100" }),
  );
  assert.ok(gpu !== null && !gpu.stop && !/stopping/.test(gpu.message));
  const half = await trainCost(
    [a],
    new Set(["train.a"]),
    () => Promise.resolve({ flopsPerSecond: rate, identity: "webgpu:llvmpipe" }),
  );
  assert.ok(half !== null && !half.stop);
  assert.equal(await trainCost([a, b], new Set(), () => Promise.reject(new Error("not measured"))), null);
});
