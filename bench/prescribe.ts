/**
 * Benchmark of the width-depth prescription: 60 FLOP budgets (1e18 … 1e27) on the discrete Gemstones
 * shape grid and on the relaxed grid with refinement, against a baseline in the same process that
 * evaluates `evaluateLaw` and the counters afresh for every shape and budget (no precomputation).
 * Prints figures; asserts nothing.
 *
 * Run: `deno run bench/prescribe.ts` (or `deno task bench --only prescribe`)
 * @module
 */
import { evaluateLaw } from "../scaling/law.ts";
import { gemstonesFlopsPerToken } from "../scaling/count/flops.ts";
import { gemstonesParams } from "../scaling/count/params.ts";
import { prescribeWidthDepthCurve } from "../scaling/prescribe/width_depth.ts";
import { overtrainingCurve } from "../scaling/prescribe/overtraining.ts";
import { EQ2_TEST_LAW } from "../testing/laws.ts";

const LAW = EQ2_TEST_LAW;
const BUDGETS = Array.from({ length: 60 }, (_, i) => Math.pow(10, 18 + 9 * i / 59));

function time(label: string, f: () => unknown, repeats = 3): number {
  f(); // warm-up
  const t0 = performance.now();
  for (let r = 0; r < repeats; r++) f();
  const ms = (performance.now() - t0) / repeats;
  console.log(`${label.padEnd(58)} ${ms.toFixed(1).padStart(8)} ms`);
  return ms;
}

/** Baseline: the same discrete search with no precomputation, evaluating every shape per budget. */
function naiveCurve(): number[] {
  return BUDGETS.map((flops) => {
    let best = Infinity;
    for (let heads = 2; heads * 128 <= 32768; heads += 2) {
      for (let depth = 1; depth <= 512; depth++) {
        const shape = { width: heads * 128, depth };
        const loss = evaluateLaw(LAW, {
          width: shape.width,
          depth,
          params: gemstonesParams(shape),
          tokens: flops / gemstonesFlopsPerToken(shape),
        });
        if (loss < best) best = loss;
      }
    }
    return best;
  });
}

/** Runs the prescription benchmark and prints its figures (ms per call, speed-up over the baseline); returns nothing. */
export function benchPrescribe(): void {
  const discrete = time(
    "prescribeWidthDepthCurve, 60 budgets, discrete (65,536 shapes)",
    () => prescribeWidthDepthCurve(LAW, BUDGETS),
    3,
  );
  time(
    "prescribeWidthDepthCurve, 60 budgets, relaxed + refinement",
    () => prescribeWidthDepthCurve(LAW, BUDGETS, { relaxed: true }),
    3,
  );
  time("overtrainingCurve, 9 factors at 1e21 FLOPs", () => overtrainingCurve(LAW, 1e21), 3);
  const naive = time("baseline: naive discrete search, 60 budgets", naiveCurve, 1);
  console.log(`speed-up of the precomputed grid over the baseline: ${(naive / discrete).toFixed(1)}x`);
}

if (import.meta.main) benchPrescribe();
