/**
 * Benchmark of the Approach 3 fitter on the Gemstones tables: full-grid Eq. 1 fits, a large random
 * Eq. 2 grid over Web Workers, and a baseline in the same process: the same L-BFGS driven by
 * forward-difference gradients (what scipy's L-BFGS-B does when no jac is given, step 1e-8), run on a
 * measured subset of the grid and extrapolated. Prints figures; asserts nothing.
 *
 * Run: `deno run --allow-read scaling/bench.ts [--eq2-starts N] [--baseline-every K] [--reps R]`
 * @module
 */

import { parseArgs } from "node:util";
import { gemstonesPoints, readGemstones } from "./fit/_testdata.ts";
import { approach3Settings } from "./fit/approach3.ts";
import { gridStarts } from "./fit/grid.ts";
import { huberLoss } from "./fit/huber.ts";
import { lbfgsMinimize } from "./fit/lbfgs.ts";
import { EQ1_VARIABLES, EQ2_VARIABLES, fitApproach3, fitApproach3Parallel } from "./fit/mod.ts";
import { approach3Objective, type LogData, prepareLogData } from "./fit/objective.ts";
import type { FitPoint } from "./fit/types.ts";

/** Value-only objective (no gradient), as the finite-difference baseline needs. */
function valueOnly(data: LogData, delta: number): (theta: Float64Array) => number {
  const { k, n, lnX, lnLoss } = data;
  return (theta) => {
    const e = theta[2 * k];
    let total = 0;
    for (let p = 0; p < n; p++) {
      let m = e;
      for (let i = 0; i < k; i++) m = Math.max(m, theta[2 * i] - theta[2 * i + 1] * lnX[p * k + i]);
      let s = Math.exp(e - m);
      for (let i = 0; i < k; i++) s += Math.exp(theta[2 * i] - theta[2 * i + 1] * lnX[p * k + i] - m);
      total += huberLoss(lnLoss[p] - m - Math.log(s), delta);
    }
    return total;
  };
}

/** Runs L-BFGS from every `every`-th Gemstones grid start with analytic or forward-difference gradients. */
function runSubset(data: LogData, every: number, gradient: "analytic" | "forward") {
  const settings = approach3Settings({ variables: EQ1_VARIABLES });
  const grid = gridStarts("gemstones", data.k);
  const dim = 2 * data.k + 1;
  const analytic = approach3Objective(data, settings.huberDelta);
  const value = valueOnly(data, settings.huberDelta);
  const forward = (x: Float64Array, g: Float64Array): number => {
    const f0 = value(x);
    const xh = Float64Array.from(x);
    for (let j = 0; j < dim; j++) {
      xh[j] = x[j] + 1e-8;
      g[j] = (value(xh) - f0) / 1e-8;
      xh[j] = x[j];
    }
    return f0;
  };
  const x0 = new Float64Array(dim);
  let best = Infinity, starts = 0, converged = 0, evaluations = 0;
  const t0 = performance.now();
  for (let s = 0; s < grid.count; s += every) {
    grid.write(s, x0);
    const r = lbfgsMinimize(gradient === "analytic" ? analytic : forward, x0, {
      maxIterations: settings.maxIterations,
      gradientTolerance: settings.tolerance,
      relativeTolerance: settings.relativeTolerance,
    });
    starts++;
    evaluations += r.evaluations;
    if (r.converged) {
      converged++;
      best = Math.min(best, r.value);
    }
  }
  return { seconds: (performance.now() - t0) / 1000, best, starts, converged, evaluations };
}

function fmt(x: number, digits = 3): string {
  return x.toPrecision(digits);
}

async function eq1(name: string, points: FitPoint[], baselineEvery: number, reps: number): Promise<void> {
  const t0 = performance.now();
  const fit = await fitApproach3Parallel(points, { variables: EQ1_VARIABLES, workers: 1 });
  const s = (performance.now() - t0) / 1000;
  const law = fit.law;
  console.log(
    `Eq. 1 on ${name} (${points.length} points), full grid ${fit.starts} starts, 1 thread: ${fmt(s)} s, ` +
      `${fmt(fit.starts / s)} starts/s, objective ${
        fit.objective.toExponential(6)
      }, converged ${fit.converged}; ` +
      `E=${fmt(law.E, 5)} A=${fmt(law.terms[0].A, 5)} alpha=${fmt(law.terms[0].alpha, 4)} ` +
      `B=${fmt(law.terms[1].A, 5)} beta=${fmt(law.terms[1].alpha, 4)}`,
  );
  const data = prepareLogData(points, EQ1_VARIABLES, "bench");
  // Interleave the two gradients and keep each one's fastest of `reps` runs: the machine is shared.
  let a = runSubset(data, baselineEvery, "analytic"), f = runSubset(data, baselineEvery, "forward");
  for (let r = 1; r < reps; r++) {
    const a2 = runSubset(data, baselineEvery, "analytic"), f2 = runSubset(data, baselineEvery, "forward");
    if (a2.seconds < a.seconds) a = a2;
    if (f2.seconds < f.seconds) f = f2;
  }
  console.log(
    `  subset of every ${baselineEvery}th start (${a.starts} starts), fastest of ${reps}: analytic ${
      fmt(a.seconds)
    } s ` +
      `(${a.evaluations} evaluations, best ${a.best.toExponential(6)}, converged ${a.converged}); ` +
      `forward-difference baseline ${fmt(f.seconds)} s (${f.evaluations} evaluations of f+grad, ` +
      `best ${f.best.toExponential(6)}, converged ${f.converged})`,
  );
  console.log(
    `  speed ratio baseline/analytic on the subset: ${fmt(f.seconds / a.seconds)}x; ` +
      `baseline extrapolated to the full grid: ${fmt((f.seconds * fit.starts) / f.starts)} s vs ${
        fmt(s)
      } s measured`,
  );
}

/** Runs the fitter benchmarks and prints wall times, starts/s, objectives and the baseline ratio. */
export async function benchScaling(args: string[] = []): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      "eq2-starts": { type: "string", default: "100000" },
      "baseline-every": { type: "string", default: "10" },
      "reps": { type: "string", default: "3" },
    },
  });
  const eq2Starts = Number(values["eq2-starts"]);
  const every = Number(values["baseline-every"]);
  const reps = Number(values.reps);
  for (const [name, v] of [["eq2-starts", eq2Starts], ["baseline-every", every], ["reps", reps]] as const) {
    if (!(Number.isInteger(v) && v >= (name === "eq2-starts" ? 0 : 1))) {
      throw new Error(`benchScaling: bad --${name}: ${v}`);
    }
  }
  const hot = gemstonesPoints(readGemstones("wandb_df_for_fitting_hot.jsonl"));
  const hot100 = gemstonesPoints(readGemstones("wandb_df_for_fitting_hot_100b+.jsonl"));
  console.log(
    `scaling fit benchmark (Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} logical CPUs)`,
  );
  await eq1("hot", hot, every, reps);
  await eq1("hot_100b+", hot100, every, reps);
  if (eq2Starts > 0) {
    for (const workers of [2]) {
      const t0 = performance.now();
      const fit = await fitApproach3Parallel(hot, {
        variables: EQ2_VARIABLES,
        grid: { kind: "random", starts: eq2Starts, seed: 1 },
        workers,
      });
      const s = (performance.now() - t0) / 1000;
      console.log(
        `Eq. 2 on hot (${hot.length} points), random ${eq2Starts} starts, ${workers} workers: ${fmt(s)} s, ` +
          `${fmt(eq2Starts / s)} starts/s, objective ${
            fit.objective.toExponential(6)
          }, converged ${fit.converged}, ` +
          `law ${JSON.stringify(fit.law)}`,
      );
    }
  }
  // Keep the sync path exercised too (tiny): the single-thread entry point gives the same answer.
  const small = fitApproach3(hot, { variables: EQ1_VARIABLES, grid: { kind: "lhs", starts: 10, seed: 1 } });
  console.log(`sanity: 10-start LHS Eq. 1 objective on hot ${small.objective.toExponential(6)}`);
}

if (import.meta.main) await benchScaling(Deno.args);
