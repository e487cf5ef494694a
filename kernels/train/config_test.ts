import assert from "node:assert/strict";
import { DEFAULT_MODEL, resolveTrainConfig, type TrainConfigInput, trajectoryHash } from "./config.ts";

Deno.test("config: defaults follow the paper (AdamW 0.9/0.95/1e-8, wd 0.1, clip 1, constant lr)", () => {
  const cfg = resolveTrainConfig({ totalTokens: 10_000, corpus: "c" });
  assert.deepEqual(cfg.model, DEFAULT_MODEL);
  assert.equal(cfg.batchSize, 8);
  assert.equal(cfg.steps, Math.ceil(10_000 / (8 * 64))); // 20 steps of 512 tokens
  assert.equal(cfg.totalTokens, 20 * 512);
  assert.equal(cfg.warmupTokens, Math.round(0.05 * 10_240));
  assert.deepEqual(
    [cfg.beta1, cfg.beta2, cfg.eps, cfg.weightDecay, cfg.gradClip, cfg.lrBase, cfg.schedule],
    [0.9, 0.95, 1e-8, 0.1, 1, 5, "constant"],
  );
});

Deno.test("config: errors name the source and the field", () => {
  const w = "run.json";
  const bad: [object, RegExp][] = [
    [{ steps: 5, corpus: "c", batchsize: 4 }, /run\.json: unknown field "batchsize"/],
    [{ steps: 5, corpus: "c", model: { widht: 4 } }, /unknown field "model\.widht"/],
    [{ steps: 5, corpus: "c", batchSize: -1 }, /field "batchSize" must be a positive integer, got -1/],
    [{ steps: 0, corpus: "c" }, /field "steps" must be a positive integer/],
    [{ corpus: "c" }, /field "steps" or "totalTokens" is required/],
    [{ steps: 5 }, /field "corpus" must be a non-empty folder path/],
    [
      { steps: 5, corpus: "c", schedule: "linear" },
      /field "schedule" must be "constant" or "cosine", got "linear"/,
    ],
    [{ steps: 5, corpus: "c", model: { width: 60 } }, /run\.json: model config: width 60 must be a multiple/],
    [{ steps: 5, corpus: "c", beta2: 1 }, /field "beta2" must be a number in \[0, 1\)/],
    [{ steps: 5, corpus: "c", lrBase: Infinity }, /field "lrBase"/],
    [
      { steps: 5, corpus: "c", cooldownFraction: 1.5 },
      /field "cooldownFraction" must be a number in \[0, 1\]/,
    ],
    [{ steps: 5, totalTokens: 99999, corpus: "c" }, /field "totalTokens" must be consistent with steps 5/],
    [{ steps: 5, corpus: "c", divergence: { spikeFactor: 0.5 } }, /field "divergence\.spikeFactor"/],
    [{ steps: 5, corpus: "c", warmupTokens: 10 ** 9 }, /field "warmupTokens" must be at most totalTokens/],
    [{ steps: 10, corpus: "c", warmupTokens: 512 * 6, cooldownFraction: 0.5 }, /field "cooldownFraction"/],
    [{ steps: 5, corpus: "c", debug: { nanAtStep: 2 } } as TrainConfigInput, /unknown field "debug"/],
    [{ steps: 5, corpus: "c", evalSteps: [2, 2] }, /field "evalSteps" must be strictly increasing/],
    [{ steps: 5, corpus: "c", evalSteps: [1, 6] }, /field "evalSteps" must be .* in \[1, 5\]/],
    [
      { steps: 5, corpus: "c", model: { mixer: { kind: "taylor", featureDim: 0 } } } as TrainConfigInput,
      /run\.json: model\.mixer\.featureDim must be a positive even integer, got 0/,
    ],
  ];
  for (const [input, re] of bad) assert.throws(() => resolveTrainConfig(input, w), re, JSON.stringify(input));
});

Deno.test("config: a mixer is kept; softmax, the default, is never written, so the hash is unchanged", () => {
  const plain = resolveTrainConfig({ steps: 5, corpus: "c" });
  const soft = resolveTrainConfig({ steps: 5, corpus: "c", model: { mixer: { kind: "softmax" } } });
  assert.equal("mixer" in soft.model, false);
  assert.equal(trajectoryHash(soft), trajectoryHash(plain));
  const win = resolveTrainConfig({ steps: 5, corpus: "c", model: { mixer: { kind: "window", window: 8 } } });
  assert.deepEqual(win.model.mixer, { kind: "window", window: 8 });
  assert.notEqual(trajectoryHash(win), trajectoryHash(plain));
});

Deno.test("config: trajectory hash ignores log/eval/checkpoint cadence, not the lr", async () => {
  const a = resolveTrainConfig({ steps: 5, corpus: "c" });
  const b = resolveTrainConfig({
    steps: 5,
    corpus: "elsewhere",
    logEvery: 1,
    checkpointEvery: 2,
    evalEveryTokens: 64,
    evalSteps: [1, 3],
  });
  const c = resolveTrainConfig({ steps: 5, corpus: "c", lrBase: 4 });
  assert.equal(await trajectoryHash(a), await trajectoryHash(b));
  assert.notEqual(await trajectoryHash(a), await trajectoryHash(c));
  assert.match(await trajectoryHash(a), /^[0-9a-f]{64}$/);
  // evalSteps is kept when given, absent when empty (configs without it resolve as before).
  assert.deepEqual(b.evalSteps, [1, 3]);
  assert.equal("evalSteps" in resolveTrainConfig({ steps: 5, corpus: "c", evalSteps: [] }), false);
});

Deno.test("config: default lrBase 5 matches the best lr·width·√depth of the paper's preflight sweep", async () => {
  // data/gemstones/data/preflight_mup_olmo_variant.csv: "Name" encodes WxD and lr; last column is the loss.
  const path = new URL("../../data/gemstones/data/preflight_mup_olmo_variant.csv", import.meta.url);
  const rows = (await Deno.readTextFile(path)).trim().split("\n").slice(1);
  const best = new Map<string, { lr: number; loss: number; width: number; depth: number }>();
  for (const row of rows) {
    const [name, , loss] = row.split(",").map((c) => c.replaceAll('"', ""));
    const m = /^PyGemma-(\d+)x(\d+)_.*_lr([0-9.e+-]+)_/.exec(name);
    assert.ok(m, `${path.pathname}: unexpected Name ${name}`);
    const shape = `${m[1]}x${m[2]}`, lr = Number(m[3]), l = Number(loss);
    if (!best.has(shape) || l < best.get(shape)!.loss) {
      best.set(shape, { lr, loss: l, width: Number(m[1]), depth: Number(m[2]) });
    }
  }
  const product = (s: string) => {
    const b = best.get(s)!;
    return b.lr * b.width * Math.sqrt(b.depth);
  };
  // The two largest shapes: 5e-4 · 3072 · √12 = 5.32 and 5e-4 · 1536 · √50 = 5.43.
  assert.ok(Math.abs(product("3072x12") - 5.32) < 0.01 && Math.abs(product("1536x50") - 5.43) < 0.01);
  const cfg = resolveTrainConfig({ steps: 1, corpus: "c" });
  for (const s of ["3072x12", "1536x50", "768x3"]) {
    assert.ok(product(s) / cfg.lrBase > 1 && product(s) / cfg.lrBase < 1.5, `${s}: ${product(s)}`);
  }
});
