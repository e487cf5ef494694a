/**
 * Benchmark of the Approach 3 fitter on the Gemstones tables: full-grid Eq. 1 fits (1 thread and 2
 * workers), a large random Eq. 2 grid over Web Workers, and baselines:
 * - the reference implementation of the field, run as a subprocess (`bench/scipy_baseline.py`:
 *   scipy L-BFGS-B with finite-difference gradients over the same grid, same stopping settings), when
 *   `/usr/bin/python3` has scipy and the run permission allows it; otherwise says it was skipped and why;
 * - in this process, on every K-th start of the grid: the straightforward max-subtracted objective
 *   (`approach3ObjectiveStable`, the objective before the factored fast form) and the same L-BFGS driven
 *   by forward-difference gradients (step 1e-8, what scipy does without a jac).
 * Prints figures; asserts nothing.
 *
 * Run: `deno run --allow-read=. --allow-run=/usr/bin/python3 --allow-env --allow-sys bench/scaling.ts
 *   [--eq2-starts N] [--baseline-every K] [--reps R] [--scipy-every S] [--python PATH]`
 * (`--eq2-starts 100000` for the figure; `--scipy-every 0` skips scipy; S > 1 runs every S-th
 * start in scipy and extrapolates its time to the full grid, saying so.)
 * @module
 */

import { parseArgs } from "node:util";
import { gemstonesPoints, readGemstones } from "../testing/gemstones.ts";
import { approach3Settings } from "../scaling/fit/approach3.ts";
import { gridStarts } from "../scaling/fit/grid.ts";
import { huberLoss } from "../scaling/fit/huber.ts";
import { lbfgsMinimize } from "../scaling/fit/lbfgs.ts";
import { EQ1_VARIABLES, EQ2_VARIABLES, fitApproach3, fitApproach3Parallel } from "../scaling/fit/mod.ts";
import {
  approach3Objective,
  approach3ObjectiveStable,
  type LogData,
  prepareLogData,
} from "../scaling/fit/objective.ts";
import type { FitPoint } from "../scaling/fit/types.ts";

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

type Gradient = "analytic" | "stable" | "forward";

/**
 * Runs L-BFGS from every `every`-th Gemstones grid start with the fast analytic objective, the stable
 * (max-subtracted) analytic objective, or forward-difference gradients.
 */
function runSubset(data: LogData, every: number, gradient: Gradient) {
  const settings = approach3Settings({ variables: EQ1_VARIABLES });
  const grid = gridStarts("gemstones", data.k);
  const dim = 2 * data.k + 1;
  const analytic = gradient === "stable"
    ? approach3ObjectiveStable(data, settings.huberDelta)
    : approach3Objective(data, settings.huberDelta);
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
    const r = lbfgsMinimize(gradient === "forward" ? forward : analytic, x0, {
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

/** What `bench/scipy_baseline.py` prints (the fields the bench uses). */
interface ScipyResult {
  readonly implementation: string;
  readonly starts: number;
  readonly grid: number;
  readonly every: number;
  readonly seconds: number;
  readonly secondsFullGridEstimate: number;
  readonly converged: number;
  readonly objective: number | null;
}

const APT_HINT = "apt-get install -y python3-scipy";

/** Returns null when `python` can import scipy under this process's permissions, else why not. */
async function scipyUnavailable(python: string): Promise<string | null> {
  try {
    const out = await new Deno.Command(python, {
      args: ["-c", "import scipy"],
      stdout: "null",
      stderr: "null",
    })
      .output();
    return out.success ? null : `${python} cannot import scipy (install it: ${APT_HINT})`;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return `${python} not found (install it: ${APT_HINT})`;
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
      return `no permission to run ${python} (add --allow-run=${python} to the bench command)`;
    }
    return `${python} failed to start: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Runs the scipy baseline on one subset; returns its parsed JSON report. */
async function runScipy(python: string, subset: string, every: number): Promise<ScipyResult> {
  const script = new URL("./scipy_baseline.py", import.meta.url).pathname;
  const dataDir = new URL("../data/gemstones/wandb_dfs", import.meta.url).pathname;
  const out = await new Deno.Command(python, {
    args: [
      script,
      "--subset",
      subset,
      "--variables",
      "params,tokens",
      "--every",
      String(every),
      "--data-dir",
      dataDir,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) {
    throw new Error(`${script} --subset ${subset} failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  try {
    return JSON.parse(text.split("\n").at(-1) ?? "") as ScipyResult;
  } catch {
    throw new Error(`${script} --subset ${subset}: output is not JSON: ${text.slice(0, 200)}`);
  }
}

/** Bench settings of one Eq. 1 run. */
interface Eq1Options {
  readonly baselineEvery: number;
  readonly reps: number;
  readonly scipyEvery: number;
  readonly python: string;
  /** Null when scipy can run, else why it is skipped. */
  readonly scipySkip: string | null;
}

async function eq1(name: string, points: FitPoint[], o: Eq1Options): Promise<void> {
  // Fastest of `reps` full-grid runs (the machine is shared); every run gives the same fit.
  const timed = async () => {
    const t0 = performance.now();
    const result = await fitApproach3Parallel(points, { variables: EQ1_VARIABLES, workers: 1 });
    return { result, seconds: (performance.now() - t0) / 1000 };
  };
  const first = await timed();
  const fit = first.result;
  let s = first.seconds;
  for (let r = 1; r < o.reps; r++) s = Math.min(s, (await timed()).seconds);
  const law = fit.law;
  console.log(
    `Eq. 1 on ${name} (${points.length} points), full grid ${fit.starts} starts, 1 thread, fastest of ${o.reps}: ` +
      `${fmt(s)} s, ${fmt(fit.starts / s)} starts/s, objective ${fit.objective.toExponential(9)}, ` +
      `converged ${fit.converged}; E=${fmt(law.E, 5)} A=${fmt(law.terms[0].A, 5)} ` +
      `alpha=${fmt(law.terms[0].alpha, 4)} B=${fmt(law.terms[1].A, 5)} beta=${fmt(law.terms[1].alpha, 4)}`,
  );
  const t1 = performance.now();
  const par = await fitApproach3Parallel(points, {
    variables: EQ1_VARIABLES,
    workers: 2,
    parallelThreshold: 0,
  });
  const s2 = (performance.now() - t1) / 1000;
  console.log(
    `  2 workers: ${fmt(s2)} s (${fmt(par.starts / s2)} starts/s, ${fmt(s / s2)}x the 1-thread run), ` +
      `same objective: ${par.objective === fit.objective}`,
  );
  const data = prepareLogData(points, EQ1_VARIABLES, "bench");
  const every = o.baselineEvery;
  // Interleave the objectives and keep each one's fastest of `reps` runs: the machine is shared.
  let a = runSubset(data, every, "analytic"), st = runSubset(data, every, "stable");
  let f = runSubset(data, every, "forward");
  for (let r = 1; r < o.reps; r++) {
    const a2 = runSubset(data, every, "analytic"), st2 = runSubset(data, every, "stable");
    const f2 = runSubset(data, every, "forward");
    if (a2.seconds < a.seconds) a = a2;
    if (st2.seconds < st.seconds) st = st2;
    if (f2.seconds < f.seconds) f = f2;
  }
  const line = (label: string, x: typeof a) =>
    `${label} ${fmt(x.seconds)} s (${x.evaluations} evaluations, best ${x.best.toExponential(9)}, ` +
    `converged ${x.converged})`;
  console.log(
    `  in-process, every ${every}th start (${a.starts} starts), fastest of ${o.reps}: ` +
      `${line("fast analytic", a)}; ${line("stable analytic (previous objective)", st)}; ` +
      `${line("forward-difference", f)}`,
  );
  console.log(
    `  in-process ratios on the subset: stable/fast ${fmt(st.seconds / a.seconds)}x, ` +
      `forward-difference/fast ${fmt(f.seconds / a.seconds)}x; forward-difference extrapolated to the ` +
      `full grid: ${fmt((f.seconds * fit.starts) / f.starts)} s vs ${fmt(s)} s measured`,
  );
  if (o.scipySkip !== null) {
    console.log(`  scipy baseline skipped: ${o.scipySkip}`);
    return;
  }
  const sp = await runScipy(o.python, name, o.scipyEvery);
  const what = sp.every === 1
    ? `full grid (${sp.starts} starts): ${fmt(sp.seconds)} s`
    : `every ${sp.every}th start (${sp.starts} of ${sp.grid}): ${fmt(sp.seconds)} s, ` +
      `extrapolated to the full grid ${fmt(sp.secondsFullGridEstimate)} s`;
  const obj = sp.objective === null ? "none converged" : sp.objective.toExponential(9);
  console.log(
    `  scipy baseline (${sp.implementation}), ${what}, objective ${obj}, converged ${sp.converged}`,
  );
  const cmp = sp.objective === null
    ? "n/a"
    : fit.objective <= sp.objective
    ? `ours lower or equal by ${fmt(sp.objective - fit.objective)} (${
      fmt((sp.objective - fit.objective) / sp.objective)
    } relative)`
    : `ours HIGHER by ${fmt(fit.objective - sp.objective)}`;
  console.log(
    `  speed ratio scipy/ours on the full grid: ${fmt(sp.secondsFullGridEstimate / s)}x (1 thread each), ` +
      `${fmt(sp.secondsFullGridEstimate / s2)}x vs our 2 workers; objective: ${cmp}` +
      (sp.every === 1 ? "" : ` (scipy's best over its ${sp.starts}-start subset)`),
  );
}

/** Runs the fitter benchmarks and prints wall times, starts/s, objectives and the baseline ratios. */
export async function benchScaling(args: string[] = []): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      "eq2-starts": { type: "string", default: "20000" },
      "baseline-every": { type: "string", default: "10" },
      "reps": { type: "string", default: "3" },
      "scipy-every": { type: "string", default: "1" },
      "python": { type: "string", default: "/usr/bin/python3" },
    },
  });
  const eq2Starts = Number(values["eq2-starts"]);
  const every = Number(values["baseline-every"]);
  const reps = Number(values.reps);
  const scipyEvery = Number(values["scipy-every"]);
  const ints = [["eq2-starts", eq2Starts, 0], ["baseline-every", every, 1], ["reps", reps, 1], [
    "scipy-every",
    scipyEvery,
    0,
  ]] as const;
  for (const [name, v, min] of ints) {
    if (!(Number.isInteger(v) && v >= min)) throw new Error(`benchScaling: bad --${name}: ${v}`);
  }
  const python = values.python;
  const scipySkip = scipyEvery === 0 ? "--scipy-every 0" : await scipyUnavailable(python);
  const hot = gemstonesPoints(readGemstones("wandb_df_for_fitting_hot.jsonl"));
  const hot100 = gemstonesPoints(readGemstones("wandb_df_for_fitting_hot_100b+.jsonl"));
  console.log(
    `scaling fit benchmark (Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} logical CPUs)`,
  );
  const o: Eq1Options = { baselineEvery: every, reps, scipyEvery, python, scipySkip };
  await eq1("hot", hot, o);
  await eq1("hot_100b+", hot100, o);
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
        `Eq. 2 on hot (${hot.length} points), random ${eq2Starts} starts (seed 1; the issue's figure is ` +
          `--eq2-starts 100000), ${workers} workers: ${fmt(s)} s, ${fmt(eq2Starts / s)} starts/s, ` +
          `objective ${fit.objective.toExponential(9)}, converged ${fit.converged}, law ${
            JSON.stringify(fit.law)
          }`,
      );
    }
  }
  // Keep the sync path exercised too (tiny): the single-thread entry point gives the same answer.
  const small = fitApproach3(hot, { variables: EQ1_VARIABLES, grid: { kind: "lhs", starts: 10, seed: 1 } });
  console.log(`sanity: 10-start LHS Eq. 1 objective on hot ${small.objective.toExponential(6)}`);
}

if (import.meta.main) await benchScaling(Deno.args);
