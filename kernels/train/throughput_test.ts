import assert from "node:assert/strict";
import { describeThroughput, formatDuration, ThroughputMeter } from "./throughput.ts";
import type { StepRecord } from "./log.ts";

/** A step line of a run at 100 tokens/step: `seconds` on the wall clock, `rate` training tokens/s. */
function line(step: number, seconds: number, rate: number): StepRecord {
  return {
    step,
    tokens: step * 100,
    train_loss: 1,
    train_loss_last: 1,
    lr: 1e-3,
    grad_norm: 1,
    seconds,
    tokens_per_s: rate,
    flops_per_s: rate * 6,
  };
}

Deno.test("throughput: the warm-up window is left out; wall and training rates and the time left", () => {
  // 100 steps of 100 tokens; logged every 10 steps. The first window took 30 s (compilation), then each
  // window trains 1,000 tokens at 500 tokens/s (2 s) and spends 0.5 s on evaluation: 400 tokens/s of wall time.
  const m = new ThroughputMeter(100 * 100);
  assert.equal(m.add(line(10, 30, 33)), null, "the first window alone is warm-up");
  const a = m.add(line(20, 32.5, 500))!;
  assert.deepEqual(a, {
    windows: 1,
    fromStep: 10,
    trainTokensPerS: 500,
    wallTokensPerS: 400,
    remainingSeconds: 8000 / 400,
    totalSeconds: 32.5 + 20,
  });
  // A slower window (250 tokens/s training, 4.5 s wall): the rates are totals over totals, not means of rates.
  const b = m.add(line(30, 37, 250))!;
  assert.equal(b.windows, 2);
  assert.ok(Math.abs(b.trainTokensPerS - 2000 / (2 + 4)) < 1e-9, `${b.trainTokensPerS}`);
  assert.ok(Math.abs(b.wallTokensPerS - 2000 / 7) < 1e-9);
  assert.ok(Math.abs(b.remainingSeconds - 7000 / (2000 / 7)) < 1e-9);
  // The last line: nothing is left.
  for (let s = 40; s <= 100; s += 10) m.add(line(s, 37 + (s - 30) / 4, 500));
  const done = m.add(line(100, 60, 500))!;
  assert.equal(done.remainingSeconds, 0);
  assert.equal(done.totalSeconds, 60);
});

Deno.test("throughput: durations and the printed line", () => {
  assert.deepEqual(
    [0.4, 42, 59.6, 200, 3599, 3600, 7500, Infinity].map(formatDuration),
    ["0 s", "42 s", "1 min 00 s", "3 min 20 s", "59 min 59 s", "1 h 00 min", "2 h 05 min", "unknown"],
  );
  const m = new ThroughputMeter(10_000);
  m.add(line(10, 30, 33));
  assert.equal(
    describeThroughput(m.add(line(20, 32.5, 500))!),
    "measured 500 tok/s training, 400 tok/s with evaluations (from step 10, warm-up excluded): " +
      "about 53 s in all, 20 s left",
  );
});
