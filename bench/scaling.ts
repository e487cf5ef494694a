/**
 * Benchmark of the Approach 3 fitter on the Gemstones tables: full-grid Eq. 1 fits (1 thread and 2
 * workers), the Eq. 2 fit on `hot` by variable projection (1 thread: every exponent cell of the full
 * grid's range, coefficients solved, grid minima polished) beside the full 4,050,000-start Eq. 2 grid
 * screened and polished over 2 Web Workers, and baselines:
 * - the reference implementation of the field, run as a subprocess (`bench/scipy_baseline.py`:
 *   scipy L-BFGS-B with finite-difference gradients over the same grid, same stopping settings), when
 *   `/usr/bin/python3` has scipy and the run permission allows it; otherwise says it was skipped and why;
 * - in this process, on every K-th start of the grid: the straightforward max-subtracted objective
 *   (`approach3ObjectiveStable`, the objective before the factored fast form) and the same L-BFGS driven
 *   by forward-difference gradients (step 1e-8, what scipy does without a jac).
 * Prints figures; asserts nothing.
 *
 * Run: `deno run --allow-read=. --allow-run=/usr/bin/python3 --allow-env --allow-sys bench/scaling.ts
 *   [--eq1 hot,hot_100b+|none] [--eq2-grid full|projection|none] [--eq2-every E] [--baseline-every K] [--reps R] [--scipy-every S] [--python PATH]`
 * (`--eq2-grid projection` runs the projection fit and the baselines but not the ~10-minute screened
 * run, `none` neither; the baselines run every E-th start (default 4050,
 * 1,000 starts) and are extrapolated to the full grid; `--scipy-every 0` skips scipy; S > 1 runs every
 * S-th Eq. 1 start in scipy and extrapolates its time to the full grid, saying so.)
 * @module
 */

import { cpuUsage } from "node:process";
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
  /** CPU seconds of the start loop (process time: what the machine's load does not inflate). */
  readonly cpuSeconds: number;
  /** cpuSeconds extrapolated to the full grid. */
  readonly cpuSecondsFullGridEstimate: number;
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
async function runScipy(
  python: string,
  subset: string,
  every: number,
  variables: readonly string[] = EQ1_VARIABLES,
): Promise<ScipyResult> {
  const script = new URL("./scipy_baseline.py", import.meta.url).pathname;
  const dataDir = new URL("../data/gemstones/wandb_dfs", import.meta.url).pathname;
  const out = await new Deno.Command(python, {
    args: [
      script,
      "--subset",
      subset,
      "--variables",
      variables.join(","),
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
    const t0 = performance.now(), c0 = cpuUsage();
    const result = await fitApproach3Parallel(points, { variables: EQ1_VARIABLES, workers: 1 });
    const c = cpuUsage(c0);
    return { result, seconds: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
  };
  const first = await timed();
  const fit = first.result;
  let s = first.seconds, cpu = first.cpu;
  for (let r = 1; r < o.reps; r++) {
    const t = await timed();
    s = Math.min(s, t.seconds);
    cpu = Math.min(cpu, t.cpu);
  }
  const law = fit.law;
  console.log(
    `Eq. 1 on ${name} (${points.length} points), full grid ${fit.starts} starts, 1 thread, fastest of ${o.reps}: ` +
      `${fmt(s)} s (CPU ${fmt(cpu)} s), ${fmt(fit.starts / s)} starts/s, objective ` +
      `${fit.objective.toExponential(9)}, load average ${load()}, ` +
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
      `${fmt(sp.secondsFullGridEstimate / s2)}x vs our 2 workers; ratio of CPU times (1 thread each) ` +
      `${fmt(sp.cpuSecondsFullGridEstimate / cpu)}x; objective: ${cmp}` +
      (sp.every === 1 ? "" : ` (scipy's best over its ${sp.starts}-start subset)`),
  );
}

/** The 1-, 5- and 15-minute load averages, as printed next to every timing (the machine is shared). */
function load(): string {
  return Deno.loadavg().map((v) => v.toFixed(2)).join(" ");
}

/** The variable projection Eq. 2 fit on `hot` (1 thread): time, CPU time, objective and what the search did. */
function eq2Projection(hot: FitPoint[]): { seconds: number; objective: number } {
  const before = load();
  const t0 = performance.now(), c0 = cpuUsage();
  const fit = fitApproach3(hot, { variables: EQ2_VARIABLES, projection: true });
  const s = (performance.now() - t0) / 1000;
  const c = cpuUsage(c0), cpu = (c.user + c.system) / 1e6;
  const p = fit.projection!, ps = fit.settings.projection!;
  console.log(
    `Eq. 2 on hot (${hot.length} points), variable projection: exponents on [${ps.lo}, ${ps.hi}] every ` +
      `${ps.step} (${p.cells} cells), ${p.polished} grid minima polished (${p.atBest} reach the best, ` +
      `${p.polishIterations} L-BFGS iterations), 1 thread: ${fmt(s)} s, CPU ${fmt(cpu)} s; objective ` +
      `${fit.objective.toExponential(12)}; load average before ${before}, after ${load()}`,
  );
  return { seconds: s, objective: fit.objective };
}

/**
 * The full Gemstones Eq. 2 grid (4,050,000 starts) on `hot`, screened and polished over 2 workers, against
 * baselines on every `every`-th start of the same grid: the exhaustive f64 path (every start run to the
 * default stopping rules, in this process, 1 thread) and scipy L-BFGS-B (subprocess, 1 thread), both
 * extrapolated to the full grid; with the load average before and after.
 */
async function eq2Full(
  hot: FitPoint[],
  o: { readonly every: number; readonly python: string; readonly scipySkip: string | null },
  projection: { seconds: number; objective: number },
): Promise<void> {
  const before = load();
  const t0 = performance.now(), c0 = cpuUsage();
  const fit = await fitApproach3Parallel(hot, { variables: EQ2_VARIABLES, screen: true, workers: 2 });
  const s = (performance.now() - t0) / 1000;
  const c = cpuUsage(c0), cpu = (c.user + c.system) / 1e6;
  const sc = fit.screen!;
  console.log(
    `Eq. 2 on hot (${hot.length} points), full Gemstones grid ${fit.starts} starts, screen ` +
      `${
        fit.settings.screen!.iterations
      } iterations per start + polish of the ${sc.polished} lowest, 2 workers: ` +
      `${fmt(s)} s (${fmt(s / 60)} min), ${fmt(fit.starts / s)} starts/s; load average before ${before}, ` +
      `after ${load()}; CPU time of this process (all threads) ${fmt(cpu)} s, i.e. ${fmt(cpu / 120)} min ` +
      `on 2 otherwise idle cores`,
  );
  console.log(
    `  objective ${
      fit.objective.toExponential(12)
    }; ${sc.atBest} of ${sc.polished} polished candidates reach ` +
      `it (best from screen rank ${sc.bestScreenRank}, start ${sc.bestStart}); screen iterations ` +
      `${sc.screenIterations} (${fmt(sc.screenIterations / sc.screened)} per start), polish iterations ` +
      `${sc.polishIterations}; law ${JSON.stringify(fit.law)}`,
  );
  console.log(
    `  variable projection beside it: ${fmt(projection.seconds)} s (1 thread) vs ${fmt(s)} s (2 workers), ` +
      `${fmt(s / projection.seconds)}x faster; objective ${projection.objective.toExponential(12)} vs ` +
      `${fit.objective.toExponential(12)} (projection − screened: ${
        (projection.objective - fit.objective).toExponential(2)
      })`,
  );
  const data = prepareLogData(hot, EQ2_VARIABLES, "bench");
  const e0 = cpuUsage();
  const ex = runSubset(data, o.every, "analytic");
  const ec = cpuUsage(e0), exCpu = (ec.user + ec.system) / 1e6;
  const exCpuFull = (exCpu * fit.starts) / ex.starts;
  const exFull = (ex.seconds * fit.starts) / ex.starts;
  console.log(
    `  exhaustive f64 path on every ${o.every}th start (${ex.starts} starts, 1 thread, this process): ` +
      `${fmt(ex.seconds)} s, ${fmt(ex.evaluations / ex.starts)} evaluations per start, extrapolated to the ` +
      `full grid ${fmt(exFull)} s (${fmt(exFull / 60)} min, 1 thread); ratio exhaustive(1 thread)/screened` +
      `(2 workers) ${fmt(exFull / s)}x; CPU time ${fmt(exCpu)} s, extrapolated ${
        fmt(exCpuFull)
      } s, ratio of ` +
      `CPU times exhaustive/screened ${fmt(exCpuFull / cpu)}x; load average now ${load()}`,
  );
  if (o.scipySkip !== null) {
    console.log(`  scipy baseline skipped: ${o.scipySkip}`);
    return;
  }
  const sp = await runScipy(o.python, "hot", o.every, EQ2_VARIABLES);
  console.log(
    `  scipy baseline (${sp.implementation}) on the same every ${sp.every}th start (${sp.starts} of ${sp.grid}): ` +
      `${fmt(sp.seconds)} s, extrapolated to the full grid ${fmt(sp.secondsFullGridEstimate)} s ` +
      `(${fmt(sp.secondsFullGridEstimate / 3600)} h, 1 thread), best objective of its subset ` +
      `${sp.objective === null ? "none converged" : sp.objective.toExponential(9)}; speed ratio ` +
      `scipy(1 thread, extrapolated)/ours(screened, 2 workers, measured) ${
        fmt(sp.secondsFullGridEstimate / s)
      }x; CPU time ${fmt(sp.cpuSeconds)} s, extrapolated ${fmt(sp.cpuSecondsFullGridEstimate)} s ` +
      `(${fmt(sp.cpuSecondsFullGridEstimate / 3600)} h), ratio of CPU times scipy/ours ` +
      `${fmt(sp.cpuSecondsFullGridEstimate / cpu)}x; load average now ${load()}`,
  );
}

/** The projection fit beside scipy on every E-th start of the same grid (no screened run). */
async function eq2ProjectionOnly(
  hot: FitPoint[],
  o: { readonly every: number; readonly python: string; readonly scipySkip: string | null },
): Promise<void> {
  const vp = eq2Projection(hot);
  if (o.scipySkip !== null) {
    console.log(`  scipy baseline skipped: ${o.scipySkip}`);
    return;
  }
  const sp = await runScipy(o.python, "hot", o.every, EQ2_VARIABLES);
  console.log(
    `  scipy baseline (${sp.implementation}) on every ${sp.every}th start of the full Eq. 2 grid ` +
      `(${sp.starts} of ${sp.grid}): ${fmt(sp.seconds)} s, extrapolated to the full grid ` +
      `${fmt(sp.secondsFullGridEstimate)} s (${fmt(sp.secondsFullGridEstimate / 3600)} h, 1 thread), best ` +
      `objective of its subset ${
        sp.objective === null ? "none converged" : sp.objective.toExponential(9)
      }; ` +
      `scipy(extrapolated)/projection ${fmt(sp.secondsFullGridEstimate / vp.seconds)}x; the screened full ` +
      `grid is not run (--eq2-grid full runs it); load average now ${load()}`,
  );
}

/** Runs the fitter benchmarks and prints wall times, starts/s, objectives and the baseline ratios. */
export async function benchScaling(args: string[] = []): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      "eq2-grid": { type: "string", default: "full" },
      "eq2-every": { type: "string", default: "4050" },
      "baseline-every": { type: "string", default: "10" },
      "reps": { type: "string", default: "3" },
      "scipy-every": { type: "string", default: "1" },
      "python": { type: "string", default: "/usr/bin/python3" },
      "eq1": { type: "string", default: "hot,hot_100b+" },
    },
  });
  const eq2Grid = values["eq2-grid"];
  if (eq2Grid !== "full" && eq2Grid !== "projection" && eq2Grid !== "none") {
    throw new Error(`benchScaling: --eq2-grid must be full, projection or none, got ${eq2Grid}`);
  }
  const eq2Every = Number(values["eq2-every"]);
  const every = Number(values["baseline-every"]);
  const reps = Number(values.reps);
  const scipyEvery = Number(values["scipy-every"]);
  const ints = [["eq2-every", eq2Every, 1], ["baseline-every", every, 1], ["reps", reps, 1], [
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
  const eq1Subsets = values.eq1 === "none" ? [] : values.eq1.split(",");
  for (const subset of eq1Subsets) {
    if (subset !== "hot" && subset !== "hot_100b+") {
      throw new Error(`benchScaling: --eq1 takes hot, hot_100b+ or none, got ${subset}`);
    }
    await eq1(subset, subset === "hot" ? hot : hot100, o);
  }
  const eq2o = { every: eq2Every, python, scipySkip };
  if (eq2Grid === "full") await eq2Full(hot, eq2o, eq2Projection(hot));
  if (eq2Grid === "projection") await eq2ProjectionOnly(hot, eq2o);
  // Keep the sync path exercised too (tiny): the single-thread entry point gives the same answer.
  const small = fitApproach3(hot, { variables: EQ1_VARIABLES, grid: { kind: "lhs", starts: 10, seed: 1 } });
  console.log(`sanity: 10-start LHS Eq. 1 objective on hot ${small.objective.toExponential(6)}`);
}

if (import.meta.main) await benchScaling(Deno.args);
