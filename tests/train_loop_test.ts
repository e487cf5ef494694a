// The training loop end to end on the float64 ReferenceBackend: a short run lowers the loss and
// writes a valid log and checkpoint; forced NaNs and spikes are reported as diverged; on the synthetic
// Markov language the validation loss approaches the known entropy rate.
import assert from "node:assert/strict";
import { prepareCorpus } from "../kernels/data/corpus.ts";
import { markovChain, syntheticEntropyRate } from "../kernels/data/markov.ts";
import { initParams } from "../kernels/init.ts";
import { ReferenceBackend } from "../kernels/reference/backend.ts";
import { type Backend, parameterSpecs } from "../kernels/types.ts";
import { nanAtStep } from "../testing/train_seams.ts";
import {
  learningRateAt,
  openCorpus,
  readCheckpoint,
  readLog,
  resolveTrainConfig,
  type StepRecord,
  train,
  type TrainConfig,
  type TrainConfigInput,
  trainFlopsPerToken,
  type TrainResult,
} from "../kernels/train/mod.ts";

const SEED = 7, ALPHABET = 16, SHARPNESS = 2;

async function corpus(tokens: number): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "train_loop_corpus_" });
  await prepareCorpus({
    outDir: dir,
    source: "synthetic",
    tokens,
    seed: SEED,
    alphabetSize: ALPHABET,
    sharpness: SHARPNESS,
  });
  return dir;
}

const TINY: TrainConfigInput["model"] = { width: 16, depth: 1, headSize: 8, seqLen: 12 };

async function run(
  cfg: TrainConfig,
  outDir: string,
  wrap: (b: Backend) => Backend = (b) => b,
): Promise<{ res: TrainResult; backend: ReferenceBackend }> {
  const backend = new ReferenceBackend(cfg.model);
  const { data } = await openCorpus(cfg.corpus, cfg.seed, cfg.model.vocabSize);
  const res = await train(cfg, {
    backend: wrap(backend),
    loader: data,
    outDir,
    initParams: (c) => initParams(c.model, c.seed),
  });
  return { res, backend };
}

Deno.test("train: a 50-step reference run lowers the loss and writes a valid log and checkpoint", async () => {
  const dir = await corpus(40_000);
  const out = await Deno.makeTempDir({ prefix: "train_loop_run_" });
  const cfg = resolveTrainConfig({
    model: TINY,
    batchSize: 4,
    steps: 50,
    lrBase: 2,
    logEvery: 5,
    evalEveryTokens: 20 * 4 * 12,
    evalBatches: 2,
    checkpointEvery: 20,
    corpus: dir,
  });
  const { res, backend } = await run(cfg, out);
  assert.equal(res.status, "done");
  assert.equal(res.steps, 50);
  const log = await readLog(`${out}/log.jsonl`);
  const steps = log.filter((r): r is StepRecord => !("event" in r));
  // Log lines at every 5 steps; evaluations at 20, 40 (multiples of 960 tokens) and at the end.
  assert.deepEqual(steps.map((r) => r.step), [5, 10, 15, 20, 25, 30, 35, 40, 45, 50]);
  assert.deepEqual(steps.filter((r) => r.val_loss !== undefined).map((r) => r.step), [20, 40, 50]);
  assert.deepEqual(log.at(-1), {
    event: "done",
    step: 50,
    tokens: 50 * 48,
    final_val_loss: res.finalValLoss,
  });
  for (const r of steps) {
    assert.equal(r.tokens, r.step * 48);
    assert.equal(r.lr, learningRateAt(cfg, r.step - 1));
    assert.ok(Number.isFinite(r.train_loss) && Number.isFinite(r.grad_norm) && r.grad_norm > 0);
    assert.ok(r.seconds > 0 && r.tokens_per_s > 0);
    assert.ok(
      Math.abs(r.flops_per_s / r.tokens_per_s - trainFlopsPerToken(cfg.model)) < 1e-6 * r.flops_per_s,
    );
  }
  // Starts near ln(vocab) = ln 259 = 5.56 nats; 50 steps bring it well under ln(16) = 2.77 (unigram of the alphabet).
  assert.ok(steps[0].train_loss > 4, `first ${steps[0].train_loss}`);
  assert.ok(steps.at(-1)!.train_loss < 2.6, `last ${steps.at(-1)!.train_loss}`);
  assert.ok(steps.at(-1)!.val_loss! < steps.find((r) => r.val_loss !== undefined)!.val_loss!);
  // The final checkpoint holds the backend's state at step 50.
  const ck = await readCheckpoint(out);
  assert.ok(ck !== null);
  assert.equal(ck.meta.step, 50);
  assert.equal(ck.meta.backend, "reference-f64");
  const st = await backend.getState();
  assert.equal(ck.state.params.length, parameterSpecs(cfg.model).length);
  ck.state.params.forEach((p, i) => assert.deepEqual(p, st.params[i]));
  ck.state.v.forEach((v, i) => assert.deepEqual(v, st.v[i]));
  // Training a finished run again only re-emits the done line.
  const again = await run(cfg, out);
  assert.equal(again.res.status, "done");
  assert.equal(again.res.resumedFrom, 50);
  assert.deepEqual(await readLog(`${out}/log.jsonl`), log);
  await Deno.remove(out, { recursive: true });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("train: a forced NaN and a huge learning rate are reported as diverged", async () => {
  const dir = await corpus(20_000);
  const base: TrainConfigInput = { model: TINY, batchSize: 2, steps: 30, logEvery: 4, corpus: dir };
  const nanOut = await Deno.makeTempDir();
  const nan = await run(resolveTrainConfig(base), nanOut, (b) => nanAtStep(b, 9));
  assert.equal(nan.res.status, "diverged");
  // The NaN learning rate poisons the weights in step index 9; step 11 (index 10) is the first NaN loss.
  assert.equal(nan.res.steps, 11);
  assert.match(nan.res.reason!, /non-finite train loss NaN/);
  const log = await readLog(`${nanOut}/log.jsonl`);
  assert.deepEqual(log.at(-1), { event: "diverged", reason: nan.res.reason, step: 11, tokens: 11 * 24 });
  assert.deepEqual(log.slice(0, -1).map((r) => (r as StepRecord).step), [4, 8]);

  const hugeOut = await Deno.makeTempDir();
  const huge = await run(resolveTrainConfig({ ...base, lrBase: 1e6, warmupTokens: 0, gradClip: 0 }), hugeOut);
  assert.equal(huge.res.status, "diverged");
  // Without clipping, lr ≈ 6e4 blows the loss up to ~1e10 nats after one step: a spike at step 2.
  assert.match(huge.res.reason!, /^loss spike: .* > 3 × running minimum/);
  assert.equal(huge.res.steps, 2);
  const last = (await readLog(`${hugeOut}/log.jsonl`)).at(-1);
  assert.ok(last !== undefined && "event" in last && last.event === "diverged");
  for (const d of [dir, nanOut, hugeOut]) await Deno.remove(d, { recursive: true });
});

Deno.test("train: on the synthetic Markov language the validation loss approaches the entropy rate", async () => {
  const dir = await corpus(100_000);
  const out = await Deno.makeTempDir();
  const cfg = resolveTrainConfig({
    model: { width: 32, depth: 1, headSize: 8, seqLen: 16 },
    batchSize: 16,
    steps: 160,
    lrBase: 2,
    cooldownFraction: 0.4,
    logEvery: 40,
    evalBatches: 8,
    corpus: dir,
  });
  const { res } = await run(cfg, out);
  assert.equal(res.status, "done");
  const H = syntheticEntropyRate(markovChain(ALPHABET, SEED, SHARPNESS));
  // The oracle (the true chain) on the very same validation windows: the best achievable loss there.
  const chain = markovChain(ALPHABET, SEED, SHARPNESS);
  const { data } = await openCorpus(dir, 0, 259);
  let nll = 0, n = 0;
  for (const { tokens: b } of data.validationBatches(cfg.evalBatches, cfg.batchSize, cfg.model.seqLen)) {
    for (let s = 0; s < cfg.batchSize; s++) {
      for (let t = 0; t < cfg.model.seqLen; t++) {
        const i = b[s * 17 + t] - chain.firstToken, j = b[s * 17 + t + 1] - chain.firstToken;
        nll -= Math.log(chain.transitions[i * ALPHABET + j]);
        n++;
      }
    }
  }
  const oracle = nll / n;
  assert.ok(Math.abs(oracle - H) < 0.1, `oracle ${oracle} vs entropy rate ${H}`);
  // A model that learned the bigram table gets within 0.06 nats of the oracle (uniform guessing is ln 16 − H ≈ 1.2 worse).
  const val = res.finalValLoss!;
  assert.ok(val >= oracle - 0.02 && val - oracle < 0.06, `val ${val}, oracle ${oracle}, H ${H}`);
  await Deno.remove(out, { recursive: true });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("train: an aborted run checkpoints mid-window and its resumption equals an uninterrupted run", async () => {
  const dir = await corpus(20_000);
  const cfg = resolveTrainConfig({
    model: TINY,
    batchSize: 2,
    steps: 20,
    lrBase: 2,
    logEvery: 4,
    evalEveryTokens: 5 * 24,
    evalBatches: 1,
    // The reference backend keeps float64 weights between steps and a checkpoint rounds them to float32,
    // so the uninterrupted run must checkpoint at the step where the other is aborted (a GPU run need not).
    checkpointEvery: 7,
    corpus: dir,
  });
  const full = await Deno.makeTempDir(), cut = await Deno.makeTempDir();
  await run(cfg, full);
  // Abort while drawing the 7th batch: step 7 still runs, then the loop sees the signal. Log lines fall
  // at steps 4, 5 (evaluation), 8, ...; so steps 6 and 7 are read back but not logged: saved as pending.
  const ac = new AbortController();
  const backend = new ReferenceBackend(cfg.model);
  const opened = await openCorpus(dir, cfg.seed, cfg.model.vocabSize);
  let drawn = 0;
  const first = await train(cfg, {
    backend,
    loader: {
      ...opened.data,
      nextBatch: (b, t) => {
        if (++drawn === 7) ac.abort();
        return opened.data.nextBatch(b, t);
      },
    },
    outDir: cut,
    initParams: (c) => initParams(c.model, c.seed),
    signal: ac.signal,
  });
  assert.equal(first.status, "aborted");
  assert.equal(first.steps, 7);
  const ck = await readCheckpoint(cut);
  assert.equal(ck?.meta.step, 7);
  assert.equal(ck?.meta.loop.pendingLosses.length, 2);
  const second = await run(cfg, cut);
  assert.equal(second.res.status, "done");
  assert.equal(second.res.resumedFrom, 7);
  const strip = (rs: object[]) =>
    rs.map((r) => {
      const { seconds: _s, tokens_per_s: _t, flops_per_s: _f, ...rest } = r as StepRecord;
      return rest;
    });
  assert.deepEqual(strip(await readLog(`${cut}/log.jsonl`)), strip(await readLog(`${full}/log.jsonl`)));
  for (const d of [dir, full, cut]) await Deno.remove(d, { recursive: true });
});
