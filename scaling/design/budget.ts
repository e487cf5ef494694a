/**
 * Sizing a training study to a GPU-time budget. A throughput model (seconds per token as a linear
 * function of depth and training FLOPs per token, fitted to measured runs) estimates each run's time;
 * {@link planStudy} adds up tokens, FLOPs and seconds per run, and {@link checkpointSteps} places the
 * validation checkpoints log-spaced in tokens across a range of tokens per parameter. Pure functions.
 * @module
 */
import { logSpace } from "../logspace.ts";

/**
 * Seconds per training token of a model: `perToken + perDepth·depth + perFlop·flopsPerToken`. The first
 * two terms are the dispatch-bound cost (fixed per step and per layer, spread over the step's tokens), the
 * third the compute-bound one (1 / effective FLOP/s).
 */
export interface ThroughputModel {
  /** Seconds per token independent of the model (embedding, loss, optimizer launch), s/token. */
  readonly perToken: number;
  /** Seconds per token per block, s/token. */
  readonly perDepth: number;
  /** Seconds per training FLOP (1 / effective FLOP/s), s/FLOP. */
  readonly perFlop: number;
}

/** One measured run: its shape and its steady training throughput. */
export interface ThroughputSample {
  /** Blocks. */
  readonly depth: number;
  /** Training FLOPs per token (forward + backward). */
  readonly flopsPerToken: number;
  /** Measured steady training throughput, tokens/s. */
  readonly tokensPerSecond: number;
}

/** Returns the seconds per token that `m` predicts for a model of `depth` blocks and `flopsPerToken` FLOPs/token. */
export function secondsPerToken(m: ThroughputModel, depth: number, flopsPerToken: number): number {
  return m.perToken + m.perDepth * depth + m.perFlop * flopsPerToken;
}

/**
 * Returns the least-squares {@link ThroughputModel} of measured runs (seconds per token = 1/tokens/s
 * regressed on 1, depth and FLOPs/token, each sample weighted by its own seconds per token so relative
 * errors count alike). Throws on fewer than three samples or a degenerate design.
 */
export function fitThroughput(samples: readonly ThroughputSample[]): ThroughputModel {
  if (samples.length < 3) throw new Error(`fitThroughput: need at least 3 samples, got ${samples.length}`);
  const a = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  const b = [0, 0, 0];
  for (const [i, s] of samples.entries()) {
    if (!(s.tokensPerSecond > 0 && s.depth > 0 && s.flopsPerToken > 0)) {
      throw new Error(`fitThroughput: sample ${i} needs positive depth, flopsPerToken, tokensPerSecond`);
    }
    const y = 1 / s.tokensPerSecond;
    // The row [1, depth, flops] · β ≈ y divided by y: relative residuals, target 1.
    const x = [1 / y, s.depth / y, s.flopsPerToken / y];
    for (let r = 0; r < 3; r++) {
      b[r] += x[r];
      for (let c = 0; c < 3; c++) a[r][c] += x[r] * x[c];
    }
  }
  const [perToken, perDepth, perFlop] = solve3(a, b);
  return { perToken, perDepth, perFlop };
}

function solve3(a: number[][], b: number[]): number[] {
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < 3; col++) {
    let p = col;
    for (let r = col + 1; r < 3; r++) if (Math.abs(m[r][col]) > Math.abs(m[p][col])) p = r;
    if (!(Math.abs(m[p][col]) > 1e-300)) {
      throw new Error("fitThroughput: degenerate samples (vary depth and size)");
    }
    [m[col], m[p]] = [m[p], m[col]];
    for (let r = 0; r < 3; r++) {
      if (r === col) continue;
      const f = m[r][col] / m[col][col];
      for (let c = col; c < 4; c++) m[r][c] -= f * m[col][c];
    }
  }
  return m.map((row, i) => row[3] / row[i]);
}

/**
 * Returns the steps (1-based, whole, strictly increasing, last = the run's end) of `count` validation
 * checkpoints log-spaced in tokens from `lo`·params to `hi`·params tokens, for `tokensPerStep` tokens a
 * step. `hi/lo` is the span in tokens per parameter (≥ 10 for a decade). Throws when two checkpoints
 * would fall on one step.
 */
export function checkpointSteps(
  params: number,
  tokensPerParam: readonly [number, number],
  count: number,
  tokensPerStep: number,
): number[] {
  const [lo, hi] = tokensPerParam;
  const steps = logSpace(lo * params, hi * params, count).map((t) =>
    Math.max(1, Math.round(t / tokensPerStep))
  );
  for (let i = 1; i < steps.length; i++) {
    if (steps[i] <= steps[i - 1]) {
      throw new Error(
        `checkpointSteps: ${count} checkpoints from ${lo} to ${hi} tokens/param of a ${params}-param model ` +
          `collide at step ${
            steps[i]
          } (${tokensPerStep} tokens/step); use fewer checkpoints or smaller steps`,
      );
    }
  }
  return steps;
}

/** One run of a planned study. */
export interface PlanRun {
  /** Run id. */
  readonly id: string;
  /** Parameters (trainer's count). */
  readonly params: number;
  /** Blocks. */
  readonly depth: number;
  /** Training FLOPs per token. */
  readonly flopsPerToken: number;
  /** Training tokens. */
  readonly tokens: number;
  /** Tokens read by the validation evaluations (forward only; costed at the training rate, an upper bound). */
  readonly evalTokens: number;
}

/** A run of {@link StudyPlan} with its cost. */
export interface PlannedRun extends PlanRun {
  /** Training FLOPs (tokens × FLOPs/token). */
  readonly flops: number;
  /** Estimated seconds (training + evaluation tokens at the model's predicted rate), s. */
  readonly seconds: number;
}

/** The plan of a study: every run's cost and the totals against the budget. */
export interface StudyPlan {
  /** The runs. */
  readonly runs: readonly PlannedRun[];
  /** Total training tokens. */
  readonly tokens: number;
  /** Total training FLOPs. */
  readonly flops: number;
  /** Total estimated seconds, s. */
  readonly seconds: number;
  /** The budget, s. */
  readonly budgetSeconds: number;
  /** Whether `seconds` ≤ `budgetSeconds`. */
  readonly fits: boolean;
}

/** Returns the plan of `runs` under throughput model `m` against a budget of `budgetSeconds` seconds. */
export function planStudy(runs: readonly PlanRun[], m: ThroughputModel, budgetSeconds: number): StudyPlan {
  const planned = runs.map((r) => {
    const spt = secondsPerToken(m, r.depth, r.flopsPerToken);
    if (!(spt > 0)) throw new Error(`planStudy: run ${r.id}: the throughput model predicts ${spt} s/token`);
    return { ...r, flops: r.tokens * r.flopsPerToken, seconds: (r.tokens + r.evalTokens) * spt };
  });
  const sum = (f: (r: PlannedRun) => number) => planned.reduce((s, r) => s + f(r), 0);
  const seconds = sum((r) => r.seconds);
  return {
    runs: planned,
    tokens: sum((r) => r.tokens),
    flops: sum((r) => r.flops),
    seconds,
    budgetSeconds,
    fits: seconds <= budgetSeconds,
  };
}

/** Returns a plain-text table of `plan` (one line per run, then the totals), for logs. */
export function formatPlan(plan: StudyPlan): string {
  const lines = plan.runs.map((r) =>
    `${r.id.padEnd(24)} ${String(r.params).padStart(9)} params ${r.tokens.toExponential(2)} tokens ` +
    `${r.flops.toExponential(2)} FLOPs ${r.seconds.toFixed(1).padStart(7)} s`
  );
  lines.push(
    `total: ${plan.runs.length} runs, ${plan.tokens.toExponential(2)} tokens, ${
      plan.flops.toExponential(2)
    } FLOPs, ` +
      `${plan.seconds.toFixed(1)} s of a ${plan.budgetSeconds} s budget (${
        plan.fits ? "fits" : "DOES NOT FIT"
      })`,
  );
  return lines.join("\n");
}
