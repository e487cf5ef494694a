/**
 * `result.json`: how one training run ended, as the `train` stage and `stages/run_units.ts` both record it
 * (npm-free, so it also travels to machines without node_modules).
 * @module
 */
import type { TrainResult } from "./loop.ts";

/** `result.json`: how a run ended. Losses in nats per token. */
export interface RunResult {
  /** Run identifier. */
  readonly runId: string;
  /** "done", "diverged" (kept, excluded from fits) or "aborted". */
  readonly status: "done" | "diverged" | "aborted";
  /** True when the run diverged. */
  readonly diverged: boolean;
  /** Why it diverged ("" otherwise). */
  readonly reason: string;
  /** Optimizer steps taken. */
  readonly steps: number;
  /** Training tokens consumed. */
  readonly tokens: number;
  /** Last validation loss, nats/token (null if none). */
  readonly finalValLoss: number | null;
  /** Last train loss, nats/token (null if none). */
  readonly finalTrainLoss: number | null;
  /** Last validation accuracy at the answers, on an associative-recall set only (absent on text). */
  readonly finalValAccuracy?: number | null;
  /** Peak learning rate. */
  readonly peakLr: number;
  /** Wall-clock seconds of training. */
  readonly seconds: number;
  /** Step resumed from (0: fresh run). */
  readonly resumedFrom: number;
  /** Backend identity. */
  readonly device: string;
}

/**
 * Returns the `result.json` record of run `runId` that ended as `res`, with peak learning rate `peakLr`
 * and the backend identity `device`.
 */
export function runResultOf(runId: string, res: TrainResult, peakLr: number, device: string): RunResult {
  return {
    runId,
    status: res.status,
    diverged: res.status === "diverged",
    reason: res.reason ?? "",
    steps: res.steps,
    tokens: res.tokens,
    finalValLoss: res.finalValLoss,
    finalTrainLoss: res.finalTrainLoss,
    ...(res.finalValAccuracy !== undefined ? { finalValAccuracy: res.finalValAccuracy } : {}),
    peakLr,
    seconds: res.seconds,
    resumedFrom: res.resumedFrom,
    device,
  };
}
