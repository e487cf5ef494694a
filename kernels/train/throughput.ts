/**
 * Measured throughput of a training run and the time it still needs, from its own log lines: what
 * `deno task train` prints instead of a throughput quoted in prose (which depends on the GPU, the driver
 * and the machine's load). The first log window of a process holds shader compilation, pipeline creation
 * and the matmul tile autotuner, so it is left out of the measurement.
 * @module
 */

import type { StepRecord } from "./log.ts";

/** Throughput measured over a run's log windows, warm-up excluded, and the time left at that rate. */
export interface ThroughputEstimate {
  /** Log windows measured (every window of this process after its first). */
  readonly windows: number;
  /** Step at which the measurement starts (the end of the first, warm-up window). */
  readonly fromStep: number;
  /** Training tokens per second over the measured windows, evaluations and checkpoints excluded (tokens/s). */
  readonly trainTokensPerS: number;
  /** Tokens per second of wall-clock time over the same span, evaluations and checkpoints included (tokens/s). */
  readonly wallTokensPerS: number;
  /** Wall-clock seconds the rest of the run takes at `wallTokensPerS` (s). */
  readonly remainingSeconds: number;
  /** Estimated wall-clock seconds of the whole run: seconds logged so far plus `remainingSeconds` (s). */
  readonly totalSeconds: number;
}

/**
 * Accumulates the step lines of one training process and estimates its throughput. The first line it is
 * given closes the warm-up window and starts the measurement; every later one adds a window.
 */
export class ThroughputMeter {
  #totalTokens: number;
  #first: StepRecord | null = null;
  #windows = 0;
  #trainSeconds = 0;
  #lastTokens = 0;

  /** `totalTokens`: the run's training tokens when it is done (steps × batch × sequence length). */
  constructor(totalTokens: number) {
    this.#totalTokens = totalTokens;
  }

  /** Adds one logged step; returns the estimate so far, or null while only the warm-up window is known. */
  add(r: StepRecord): ThroughputEstimate | null {
    if (this.#first === null) {
      this.#first = r;
      this.#lastTokens = r.tokens;
      return null;
    }
    const tokens = r.tokens - this.#lastTokens;
    if (tokens > 0 && r.tokens_per_s > 0) this.#trainSeconds += tokens / r.tokens_per_s;
    this.#lastTokens = r.tokens;
    this.#windows++;
    const measured = r.tokens - this.#first.tokens;
    const wallSeconds = r.seconds - this.#first.seconds;
    if (!(measured > 0 && wallSeconds > 0 && this.#trainSeconds > 0)) return null;
    const wallTokensPerS = measured / wallSeconds;
    const remainingSeconds = Math.max(this.#totalTokens - r.tokens, 0) / wallTokensPerS;
    return {
      windows: this.#windows,
      fromStep: this.#first.step,
      trainTokensPerS: measured / this.#trainSeconds,
      wallTokensPerS,
      remainingSeconds,
      totalSeconds: r.seconds + remainingSeconds,
    };
  }
}

/** Formats a duration in seconds for a person: "42 s", "3 min 20 s", "2 h 05 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "unknown";
  const s = Math.max(Math.round(seconds), 0);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

/** One line describing an estimate, as `train` prints it when the first measurement is in. */
export function describeThroughput(e: ThroughputEstimate): string {
  return `measured ${Math.round(e.trainTokensPerS)} tok/s training, ${Math.round(e.wallTokensPerS)} tok/s ` +
    `with evaluations (from step ${e.fromStep}, warm-up excluded): about ${
      formatDuration(e.totalSeconds)
    } in all, ${formatDuration(e.remainingSeconds)} left`;
}
