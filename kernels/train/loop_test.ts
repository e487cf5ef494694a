// The training loop stops within one step of a stop signal even when it logs rarely: on a backend that
// computes in `trainStep` (the float64 reference) and on one that, like a GPU, queues steps and does
// their work only when the losses are read back. The signal is delivered as a signal handler is: a
// macrotask scheduled while step 3 runs.
import assert from "node:assert/strict";
import { prepareCorpus } from "../data/corpus.ts";
import { initParams } from "../init.ts";
import { ReferenceBackend } from "../reference/backend.ts";
import type { Backend, OptimizerStep, TrainState } from "../types.ts";
import { openCorpus } from "./data.ts";
import { resolveTrainConfig } from "./config.ts";
import { train } from "./loop.ts";
import { readCheckpoint } from "./checkpoint.ts";

const STEP_MS = 600; // ≥ STOP_LAG_SECONDS / 2: read back after every step or every other one
const SIGNAL_AT = 3; // 0-based step during which the signal arrives

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The reference backend, slowed; `queued`: the work of a step is done at the next read-back (a GPU). */
class Slow implements Backend {
  private step = 0;
  private owed = 0;
  constructor(
    private readonly inner: Backend,
    private readonly queued: boolean,
    private readonly ac: AbortController,
  ) {}
  get identity() {
    return this.inner.identity;
  }
  async setState(s: TrainState) {
    this.step = s.step;
    await this.inner.setState(s);
  }
  getState() {
    return this.inner.getState();
  }
  trainStep(tokens: Int32Array, batchSize: number, opt: OptimizerStep, weights?: Float32Array) {
    this.inner.trainStep(tokens, batchSize, opt, weights);
    if (this.step++ === SIGNAL_AT) setTimeout(() => this.ac.abort(), 0);
    if (this.queued) this.owed++;
    else sleep(STEP_MS);
  }
  async readTrainLosses() {
    sleep(this.owed * STEP_MS);
    this.owed = 0;
    return await this.inner.readTrainLosses();
  }
  evalLoss(tokens: Int32Array, batchSize: number) {
    return this.inner.evalLoss(tokens, batchSize);
  }
  evalWeighted(tokens: Int32Array, batchSize: number, weights: Float32Array) {
    return this.inner.evalWeighted(tokens, batchSize, weights);
  }
  destroy() {
    this.inner.destroy();
  }
}

for (const queued of [false, true]) {
  Deno.test(
    `train loop: a signal during step ${SIGNAL_AT + 1} stops the run by step ${SIGNAL_AT + 2} (${
      queued ? "steps queued like a GPU's" : "steps computed in place"
    }), logging every 100 steps`,
    async () => {
      const dir = await Deno.makeTempDir({ prefix: "train_stop_" });
      try {
        await prepareCorpus({ outDir: `${dir}/corpus`, source: "synthetic", tokens: 5_000, seed: 3 });
        const cfg = resolveTrainConfig({
          model: { width: 16, depth: 1, headSize: 8, seqLen: 8 },
          corpus: `${dir}/corpus`,
          steps: 40,
          batchSize: 2,
          logEvery: 100,
          evalBatches: 1,
        }, "test");
        const ac = new AbortController();
        const backend = new Slow(new ReferenceBackend(cfg.model), queued, ac);
        const res = await train(cfg, {
          backend,
          loader: (await openCorpus(cfg.corpus, cfg.seed, cfg.model.vocabSize)).data,
          outDir: `${dir}/run`,
          initParams: (c) => initParams(c.model, c.seed),
          signal: ac.signal,
        });
        assert.equal(res.status, "aborted");
        // Steps 0..SIGNAL_AT are done when the handler runs; at most one more starts before the check.
        assert.ok(res.steps >= SIGNAL_AT + 1 && res.steps <= SIGNAL_AT + 2, `stopped at step ${res.steps}`);
        assert.equal((await readCheckpoint(`${dir}/run`))?.meta.step, res.steps);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  );
}
