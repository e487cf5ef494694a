/**
 * The training loop: create or resume the state, run optimizer steps on a {@link Backend}, read losses
 * back only every `logEvery` steps (and at evaluations and checkpoints), evaluate the validation loss on a
 * fixed held-out sample, write `log.jsonl` and checkpoints, and stop on divergence. Batches that carry
 * per-target weights (an associative-recall set: 1 at the answers) train on the weighted loss and are
 * evaluated on the weighted loss and accuracy (`val_accuracy` in the log).
 *
 * Determinism: after writing a checkpoint the loop loads that very state back into the backend, so an
 * uninterrupted run and a run resumed from the checkpoint continue from the same float32 state; with a
 * deterministic backend the log lines after a resume equal those of an uninterrupted run except the
 * timing fields.
 * @module
 */

import { type Backend, parameterSpecs, type TrainState } from "../types.ts";
import type { TokenBatch } from "../batch.ts";
import { initParams } from "../init.ts";
import { tokensPerStep, type TrainConfig, trajectoryHash } from "./config.ts";
import { learningRateAt } from "./schedule.ts";
import { trainFlopsPerToken } from "./flops.ts";
import { type LoopState, readCheckpoint, writeCheckpoint } from "./checkpoint.ts";
import { writeFileAtomic } from "../../util/fs.ts";
import { appendLog, LOG_FILE, readLog, type StepRecord, truncateLog } from "./log.ts";

/** File name of the resolved config a run writes into its folder. */
export const CONFIG_FILE = "config.json";

/**
 * Seconds of queued steps after which a run with a stop signal reads back and lets a signal handler run
 * (see {@link train}): a run stops within one step of a signal, or within this many seconds when its
 * steps are faster.
 */
export const STOP_LAG_SECONDS = 1;

/** The data the loop needs: a resumable training stream and a fixed validation sample. */
export interface TrainingData {
  /** Returns the next training batch: batchSize sequences of seqLen + 1 tokens (and target weights, if any). */
  nextBatch(batchSize: number, seqLen: number): TokenBatch;
  /** Returns the JSON-serialisable cursor and RNG state. */
  state(): unknown;
  /** Restores a state returned by `state()`. */
  restore(state: unknown): void;
  /** Returns `n` fixed validation batches (the same on every call). */
  validationBatches(n: number, batchSize: number, seqLen: number): TokenBatch[];
}

/** How a run ended. */
export type TrainStatus = "done" | "diverged" | "aborted";

/** Summary of a run returned by {@link train}. */
export interface TrainResult {
  /** How the run ended. */
  readonly status: TrainStatus;
  /** Optimizer steps taken (including those before a resume). */
  readonly steps: number;
  /** Training tokens consumed. */
  readonly tokens: number;
  /** Last logged mean train loss (nats/token), null if none. */
  readonly finalTrainLoss: number | null;
  /** Last validation loss (nats/token), null if none. */
  readonly finalValLoss: number | null;
  /** Last validation accuracy at the weighted targets (batches with weights only), null if none. */
  readonly finalValAccuracy?: number | null;
  /** Divergence reason, when diverged. */
  readonly reason?: string;
  /** Step at which the run was resumed (0 for a fresh run). */
  readonly resumedFrom: number;
  /** Wall-clock seconds of training (summed over resumes). */
  readonly seconds: number;
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** Compute backend, already created for `config.model`. */
  readonly backend: Backend;
  /** Data source. */
  readonly loader: TrainingData;
  /** Run folder: log.jsonl and the checkpoint live here. Created if missing. */
  readonly outDir: string;
  /** Initial parameters for a fresh run (parameterSpecs order); default `initParams(cfg.model, cfg.seed)`. */
  readonly initParams?: (cfg: TrainConfig) => Float32Array[];
  /** Resume from a checkpoint in outDir when there is one (default true); false: error if one exists. */
  readonly resume?: boolean;
  /** Abort: the loop writes a checkpoint and returns status "aborted". */
  readonly signal?: AbortSignal;
  /** Called with every log line written. */
  readonly onProgress?: (record: StepRecord) => void;
}

function zerosLike(ts: Float32Array[]): Float32Array[] {
  return ts.map((t) => new Float32Array(t.length));
}

function mean(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/**
 * Trains `config` to completion or divergence (or abort); returns the run's summary. Writes
 * `outDir/config.json`, `outDir/log.jsonl`, `outDir/checkpoint.bin` and `outDir/checkpoint.json`.
 */
export async function train(config: TrainConfig, options: TrainOptions): Promise<TrainResult> {
  const { backend, loader: data, outDir } = options;
  await Deno.mkdir(outDir, { recursive: true });
  const logPath = `${outDir}/${LOG_FILE}`;
  const hash = await trajectoryHash(config);
  const B = config.batchSize, T = config.model.seqLen, tps = tokensPerStep(config);
  const flopsPerToken = trainFlopsPerToken(config.model);

  let loop: LoopState;
  let startStep: number;
  const ckpt = await readCheckpoint(outDir);
  if (ckpt !== null) {
    const where = `${outDir}/checkpoint.json`;
    if (options.resume === false) {
      throw new Error(
        `${where}: a checkpoint exists (step ${ckpt.meta.step}); resume it or use another folder`,
      );
    }
    if (ckpt.meta.configHash !== hash) {
      throw new Error(
        `${where}: field "configHash" ${ckpt.meta.configHash} differs from this config's ${hash}; ` +
          `the checkpoint belongs to another configuration`,
      );
    }
    await backend.setState(ckpt.state);
    try {
      data.restore(ckpt.meta.loader);
    } catch (e) {
      throw new Error(`${where}: field "loader": ${(e as Error).message}`);
    }
    loop = ckpt.meta.loop;
    startStep = ckpt.meta.step;
    await truncateLog(logPath, startStep);
  } else {
    const params = options.initParams ? options.initParams(config) : initParams(config.model, config.seed);
    const specs = parameterSpecs(config.model);
    if (params.length !== specs.length) {
      throw new Error(`initParams returned ${params.length} tensors, expected ${specs.length}`);
    }
    await backend.setState({ params, m: zerosLike(params), v: zerosLike(params), step: 0 });
    loop = { runningMinLoss: null, pendingLosses: [], pendingGradNorms: [], elapsedSeconds: 0 };
    startStep = 0;
    await truncateLog(logPath, -1);
  }

  await writeFileAtomic(`${outDir}/${CONFIG_FILE}`, JSON.stringify(config, null, 2) + "\n", { sync: true });

  let runningMin = loop.runningMinLoss;
  let pendingLosses = [...loop.pendingLosses];
  let pendingNorms = [...loop.pendingGradNorms];
  const t0 = performance.now();
  const elapsed = () => loop.elapsedSeconds + (performance.now() - t0) / 1000;
  let windowStartSeconds = elapsed();
  let windowStartStep = startStep;
  let lastTrainLoss: number | null = null;
  let lastValLoss: number | null = null;
  let lastValAccuracy: number | null = null;
  const valBatches = data.validationBatches(config.evalBatches, B, T);
  const weighted = valBatches.some((b) => b.weights !== undefined);

  /** The validation loss (mean over the batches) and, for weighted batches, the accuracy (weighted means). */
  const evaluate = async (): Promise<{ loss: number; accuracy?: number }> => {
    if (!weighted) {
      let s = 0;
      for (const batch of valBatches) s += await backend.evalLoss(batch.tokens, B);
      return { loss: s / valBatches.length };
    }
    let loss = 0, accuracy = 0, total = 0;
    for (const batch of valBatches) {
      if (batch.weights === undefined) {
        throw new Error("validation batches: some carry weights and some do not");
      }
      const w = batch.weights.reduce((a, b) => a + b, 0);
      const r = await backend.evalWeighted(batch.tokens, B, batch.weights);
      loss += w * r.loss;
      accuracy += w * r.accuracy;
      total += w;
    }
    return { loss: loss / total, accuracy: accuracy / total };
  };

  const diverged = async (reason: string, step: number): Promise<TrainResult> => {
    await appendLog(logPath, { event: "diverged", reason, step, tokens: step * tps });
    return {
      status: "diverged",
      steps: step,
      tokens: step * tps,
      finalTrainLoss: lastTrainLoss,
      finalValLoss: lastValLoss,
      ...(weighted ? { finalValAccuracy: lastValAccuracy } : {}),
      reason,
      resumedFrom: startStep,
      seconds: elapsed(),
    };
  };

  /** Reads the losses of the steps up to `done` into the pending window; returns a result if diverged. */
  const drain = async (done: number): Promise<TrainResult | null> => {
    const { loss, gradNorm } = await backend.readTrainLosses();
    const first = done - loss.length;
    for (let i = 0; i < loss.length; i++) {
      const l = loss[i], g = gradNorm[i];
      const at = first + i + 1;
      if (!Number.isFinite(l)) return await diverged(`non-finite train loss ${l}`, at);
      if (!Number.isFinite(g)) return await diverged(`non-finite gradient norm ${g}`, at);
      if (runningMin !== null && l > config.divergence.spikeFactor * runningMin) {
        return await diverged(
          `loss spike: ${l} > ${config.divergence.spikeFactor} × running minimum ${runningMin}`,
          at,
        );
      }
      runningMin = runningMin === null ? l : Math.min(runningMin, l);
      pendingLosses.push(l);
      pendingNorms.push(g);
    }
    return null;
  };

  const checkpoint = async (): Promise<void> => {
    const state: TrainState = await backend.getState();
    const ls: LoopState = {
      runningMinLoss: runningMin,
      pendingLosses,
      pendingGradNorms: pendingNorms,
      elapsedSeconds: elapsed(),
    };
    await writeCheckpoint(outDir, config, hash, backend.identity, state, data.state(), ls);
    // Continue from exactly the saved float32 state, as a resumed run would.
    await backend.setState(state);
  };

  if (startStep >= config.steps) {
    const recs = await readLog(logPath);
    const last = recs.at(-1);
    if (last !== undefined && !("event" in last)) {
      lastTrainLoss = last.train_loss;
      lastValLoss = last.val_loss ?? null;
      lastValAccuracy = last.val_accuracy ?? null;
    }
  }

  // A stop signal is seen only between two macrotasks, and a GPU backend queues steps ahead of the device:
  // the losses are read back (the device catches up) and the event loop gets a turn whenever the steps
  // queued since the last read-back are estimated to take STOP_LAG_SECONDS or more, so a run whose steps
  // are slow stops within one step of a signal and a fast one within that many seconds.
  let settledStep = startStep, settledAt = elapsed();
  let stepSeconds = Infinity; // unknown until two read-backs
  const settled = (done: number) => {
    const now = elapsed();
    if (done > settledStep) stepSeconds = (now - settledAt) / (done - settledStep);
    settledStep = done;
    settledAt = now;
  };
  for (let s = startStep; s < config.steps; s++) {
    if (options.signal?.aborted) {
      const bad = await drain(s);
      if (bad !== null) return bad;
      await checkpoint();
      return {
        status: "aborted",
        steps: s,
        tokens: s * tps,
        finalTrainLoss: lastTrainLoss,
        finalValLoss: lastValLoss,
        ...(weighted ? { finalValAccuracy: lastValAccuracy } : {}),
        resumedFrom: startStep,
        seconds: elapsed(),
      };
    }
    const batch = data.nextBatch(B, T);
    const lr = learningRateAt(config, s);
    backend.trainStep(batch.tokens, B, {
      lr,
      beta1: config.beta1,
      beta2: config.beta2,
      eps: config.eps,
      weightDecay: config.weightDecay,
      gradClip: config.gradClip,
    }, batch.weights);
    const done = s + 1;
    const logDue = done % config.logEvery === 0 || done === config.steps;
    const evalDue = done === config.steps || (config.evalSteps?.includes(done) ?? false) ||
      (config.evalEveryTokens > 0 &&
        Math.floor(done * tps / config.evalEveryTokens) > Math.floor(s * tps / config.evalEveryTokens));
    const ckptDue = done === config.steps ||
      (config.checkpointEvery > 0 && done % config.checkpointEvery === 0);
    let trainedAt = 0;
    if (logDue || evalDue || ckptDue) {
      const bad = await drain(done);
      if (bad !== null) return bad;
      trainedAt = elapsed(); // the read-back waited for the device: steps up to `done` are finished
      settled(done);
    } else if (options.signal && (done - settledStep) * stepSeconds >= STOP_LAG_SECONDS) {
      const bad = await drain(done);
      if (bad !== null) return bad;
      settled(done);
      await new Promise((r) => setTimeout(r, 0)); // a signal handler's turn
    }
    if (logDue || evalDue) {
      let val: number | undefined, acc: number | undefined;
      if (evalDue) {
        ({ loss: val, accuracy: acc } = await evaluate());
        if (!Number.isFinite(val)) return await diverged(`non-finite validation loss ${val}`, done);
        lastValLoss = val;
        if (acc !== undefined) lastValAccuracy = acc;
      }
      const now = elapsed();
      // Throughput counts training time only: evaluation and checkpoint writing are left out.
      const windowSeconds = Math.max(trainedAt - windowStartSeconds, 1e-9);
      const windowTokens = (done - windowStartStep) * tps;
      const rec: StepRecord = {
        step: done,
        tokens: done * tps,
        train_loss: mean(pendingLosses),
        train_loss_last: pendingLosses[pendingLosses.length - 1],
        ...(val !== undefined ? { val_loss: val } : {}),
        ...(acc !== undefined ? { val_accuracy: acc } : {}),
        lr,
        grad_norm: mean(pendingNorms),
        seconds: now,
        tokens_per_s: windowTokens / windowSeconds,
        flops_per_s: windowTokens * flopsPerToken / windowSeconds,
      };
      await appendLog(logPath, rec);
      lastTrainLoss = rec.train_loss;
      pendingLosses = [];
      pendingNorms = [];
      windowStartStep = done;
      options.onProgress?.(rec);
    }
    if (ckptDue) {
      const c0 = elapsed();
      await checkpoint();
      if (!(logDue || evalDue)) windowStartSeconds += elapsed() - c0; // keep it out of the throughput
    }
    if (logDue || evalDue) windowStartSeconds = elapsed();
    // One macrotask turn per read-back: a signal handler (SIGTERM, ...) that aborts us gets to run
    // even on a backend whose read-backs resolve without waiting (the float64 reference).
    if (logDue || evalDue || ckptDue) await new Promise((r) => setTimeout(r, 0));
  }
  await appendLog(logPath, {
    event: "done",
    step: config.steps,
    tokens: config.totalTokens,
    final_val_loss: lastValLoss,
    ...(weighted ? { final_val_accuracy: lastValAccuracy } : {}),
  });
  return {
    status: "done",
    steps: config.steps,
    tokens: config.totalTokens,
    finalTrainLoss: lastTrainLoss,
    finalValLoss: lastValLoss,
    ...(weighted ? { finalValAccuracy: lastValAccuracy } : {}),
    resumedFrom: startStep,
    seconds: elapsed(),
  };
}
