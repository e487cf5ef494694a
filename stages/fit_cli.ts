/**
 * `deno task fit`: fit the additive law `L = E + Σ_i A_i · x_i^(−α_i)` to any CSV or JSON Lines table
 * with the same library code as the fit stages (scaling/fit), judge it (scaling/judge: ok, warn or
 * refused; exit 0, 0, 4), optionally backtest it on the largest rows (`--holdout-top K`), and print a
 * readable summary or, with `--json`, exactly one JSON object. Needs only read permission on the input.
 *
 * ```
 * deno run --allow-read stages/fit_cli.ts --input runs.csv --x params,tokens --loss loss --group run
 * ```
 * @module
 */
import {
  describeError,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  helpHint,
  parseFlags,
  UsageError,
  userPath,
} from "../cli/mod.ts";
import type {
  Approach3Fit,
  BootstrapApproach3Result,
  FitPoint,
  FitProgress,
  InitGrid,
} from "../scaling/fit/types.ts";
import { bootstrapApproach3 } from "../scaling/fit/bootstrap.ts";
import { fitApproach3 } from "../scaling/fit/approach3.ts";
import { gemstonesGridSize } from "../scaling/fit/grid.ts";
import { formatDuration } from "../kernels/train/throughput.ts";
import { searchOptions } from "./fit_approach3.ts";
import { type Approach3Health, judgeApproach3 } from "../scaling/judge/health.ts";
import { backtestApproach3, largestRows, withBacktestVerdict } from "../scaling/judge/backtest.ts";
import { LAW_NAMES, lawSpec } from "../scaling/laws/registry.ts";
import { readTable, requireColumns } from "../records/importers/table.ts";
import {
  InputError,
  requireLoss,
  requireNumber,
  requirePositive,
  requireString,
} from "../records/importers/validate.ts";

/**
 * Starts × rows above which `--grid gemstones` runs as variable projection (about a minute of L-BFGS on
 * two cores: 4,500 starts on 4,400 rows; a 100,000-row Eq. 1 table would take hours, projection seconds).
 */
export const LARGE_FIT = 2e7;

/** Usage text of the CLI. */
const FIT_USAGE = `usage: deno task fit --input FILE (--x COL[,COL...] | --law NAME) --loss COL [options]

Fits L = E + sum_i A_i * x_i^(-alpha_i) (Huber loss on ln L, L-BFGS from a grid of starts) and
judges it: the verdict ok / warn / refused with its findings (exit 0, 0, 4).

  --input FILE     a .csv (with header) or .jsonl table
  --x COLS         comma-separated columns, one law term each (values > 0)
  --law NAME       a registered law form (${LAW_NAMES.join(", ")}): its variables are the columns
                   (or, with --x, the columns given in the form's variable order) and its
                   start grid the default
  --loss COL       the loss column (nats per token, in (0, 20))
  --huber DELTA    Huber delta on ln-loss residuals (default 1e-4)
  --grid G         "gemstones" (full grid: 30^k*5 starts), "projection" (every exponent on
                   [0, 2] with the coefficients solved by least squares, the best minima
                   polished: the full grid's exponents in seconds) or a number of random
                   starts (default: the --law form's grid; else gemstones for k <= 2
                   variables, else projection). A full grid whose starts x rows exceed
                   ${LARGE_FIT.toExponential(0)} runs as projection; progress goes to stderr
  --seed N         seed of random starts and of the bootstrap (default 0)
  --bootstrap N    bootstrap resamples (default 0: none); resamples whole groups
  --group COL      column naming the run of each row (bootstrap unit; default: each row)
  --compute COL    the compute column (residual-trend check; the default --holdout-by);
                   default 6 x the product of the first two --x columns (6ND)
  --holdout-top K  backtest: hold out the K rows with the largest --holdout-by value, fit
                   the rest exactly as a normal fit, and report the held-out predictions
                   (with --bootstrap N, also whether each lies in the bootstrap interval)
  --holdout-by COL the column ranking rows for --holdout-top (default: the compute)
  --json           print exactly one JSON object instead of the summary
  --help           this text`;

/** What the CLI prints with --json. A and E are in natural units (nats), not logs. */
export interface FitCliResult {
  /** Final Huber objective (sum over rows). */
  readonly objective: number;
  /** Irreducible loss E, nats per token. */
  readonly E: number;
  /** One term per --x column. */
  readonly terms: readonly { readonly variable: string; readonly A: number; readonly alpha: number }[];
  /** Starts run. */
  readonly starts: number;
  /** Starts whose L-BFGS converged. */
  readonly converged: number;
  /** Rows fitted. */
  readonly rows: number;
  /** Huber delta used. */
  readonly huberDelta: number;
  /** Search used: "gemstones", random with its seed and size, or "projection" (`starts` counts its exponent cells). */
  readonly grid: {
    readonly kind: "gemstones" | "random" | "lhs" | "projection";
    readonly starts: number;
    readonly seed: number | null;
  };
  /** The fit's health verdict and findings (judged on the rows fitted; with a backtest, also its miss). */
  readonly health: Approach3Health;
  /** With --holdout-top: the held-out rows (`row` = line in the input) and their mean |relative error|. */
  readonly backtest?: {
    readonly heldOut: readonly {
      readonly row: number;
      readonly predicted: number;
      readonly actual: number;
      readonly relError: number;
      readonly interval?: { readonly lower: number; readonly upper: number };
      readonly inside?: boolean;
    }[];
    readonly meanAbsRelError: number;
  };
  /** Bootstrap intervals of E, A_<var>, alpha_<var> (null without --bootstrap). */
  readonly bootstrap: {
    readonly samples: number;
    readonly confidence: number;
    readonly parameters: Readonly<Record<string, { estimate: number; lower: number; upper: number }>>;
  } | null;
}

/** Options of one fit, parsed from the command line. */
export interface FitCliOptions {
  /** Input table path. */
  readonly input: string;
  /** Term columns. */
  readonly x: readonly string[];
  /** Loss column. */
  readonly loss: string;
  /** Huber delta. */
  readonly huber: number;
  /** Grid, or "projection" (variable projection). */
  readonly grid: InitGrid | "projection";
  /** Bootstrap resamples. */
  readonly bootstrap: number;
  /** Seed. */
  readonly seed: number;
  /** Group column, if any. */
  readonly group?: string;
  /** Compute column, if any (else 6 × the first two --x columns). */
  readonly compute?: string;
  /** Backtest: number of largest rows held out. */
  readonly holdoutTop?: number;
  /** Backtest: the column ranking rows (default the compute). */
  readonly holdoutBy?: string;
  /** JSON output. */
  readonly json: boolean;
}

function parseNumberFlag(flag: string, text: string, test: (v: number) => boolean, what: string): number {
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v) || !test(v)) {
    throw new UsageError(`--${flag}: expected ${what}, got "${text}"`);
  }
  return v;
}

/** Returns the parsed options of `args`, or null for --help; throws a usage error on bad flags. */
export function parseFitArgs(args: readonly string[]): FitCliOptions | null {
  const parsed = parseFlags("fit", args, {
    input: { type: "string" },
    x: { type: "string" },
    law: { type: "string" },
    loss: { type: "string" },
    huber: { type: "string" },
    grid: { type: "string" },
    seed: { type: "string" },
    bootstrap: { type: "string" },
    group: { type: "string" },
    compute: { type: "string" },
    "holdout-top": { type: "string" },
    "holdout-by": { type: "string" },
    json: { type: "boolean" },
  });
  const v = parsed.values as Record<string, string | undefined> & { help?: boolean; json?: boolean };
  if (v.help) return null;
  if (!v.input) throw new UsageError("--input is required");
  if (!v.x && !v.law) throw new UsageError("--x or --law is required");
  if (!v.loss) throw new UsageError("--loss is required");
  let form;
  try {
    form = v.law === undefined ? undefined : lawSpec(v.law);
  } catch (e) {
    throw new UsageError(`--law: ${(e as Error).message}`);
  }
  const x = v.x === undefined ? [...form!.variables] : v.x.split(",").map((s) => s.trim());
  if (x.some((c) => c === "")) throw new UsageError(`--x: empty column name in "${v.x}"`);
  if (new Set(x).size !== x.length) throw new UsageError(`--x: a column is named twice in "${v.x}"`);
  if (form && x.length !== form.variables.length) {
    throw new UsageError(
      `--x: law ${form.name} has ${form.variables.length} variables (${
        form.variables.join(", ")
      }), got ${x.length} columns`,
    );
  }
  const seed = v.seed === undefined ? 0 : parseNumberFlag("seed", v.seed, Number.isInteger, "an integer");
  let grid: InitGrid | "projection";
  if (v.grid === undefined) {
    grid = form ? form.fit.grid : x.length <= 2 ? "gemstones" : "projection";
  } else if (v.grid === "gemstones" || v.grid === "projection") {
    grid = v.grid;
  } else {
    const starts = parseNumberFlag(
      "grid",
      v.grid,
      (n) => Number.isInteger(n) && n >= 1,
      '"gemstones", "projection" or a positive integer',
    );
    grid = { kind: "random", starts, seed };
  }
  return {
    input: v.input,
    x,
    loss: v.loss,
    huber: v.huber === undefined ? 1e-4 : parseNumberFlag("huber", v.huber, (n) => n > 0, "a number > 0"),
    grid,
    seed,
    bootstrap: v.bootstrap === undefined
      ? 0
      : parseNumberFlag("bootstrap", v.bootstrap, (n) => Number.isInteger(n) && n >= 0, "an integer >= 0"),
    group: v.group,
    compute: v.compute,
    holdoutTop: v["holdout-top"] === undefined ? undefined : parseNumberFlag(
      "holdout-top",
      v["holdout-top"],
      (n) => Number.isInteger(n) && n >= 1,
      "an integer >= 1",
    ),
    holdoutBy: v["holdout-by"],
    json: v.json ?? false,
  };
}

/** The validated rows of the input: fit points, each row's line, its compute and its hold-out rank value. */
interface FitTable {
  /** One point per row. */
  readonly points: FitPoint[];
  /** 1-based line of each row in the input file. */
  readonly lines: number[];
  /** Compute of each row (the --compute column, or 6 × the first two --x columns). */
  readonly compute: number[];
  /** Value ranking each row for --holdout-top (the --holdout-by column, or the compute). */
  readonly rank: number[];
}

/** Reads and validates the input table; returns its rows (errors name file, line and field). */
async function readFitTable(o: FitCliOptions): Promise<FitTable> {
  const table = await readTable(o.input);
  const extra = [o.group, o.compute, o.holdoutBy].filter((c): c is string => c !== undefined);
  requireColumns(table, [...o.x, o.loss, ...extra]);
  if (table.records.length === 0) throw new InputError(o.input, 0, "", "no data rows");
  const points = table.records.map(({ record, at }) => ({
    x: Object.fromEntries(o.x.map((c) => [c, requirePositive(record, c, at)])),
    lossNats: requireLoss(record, o.loss, at),
    group: o.group ? requireString(record, o.group, at) : `${at.line}`,
  }));
  const compute = table.records.map(({ record, at }, i) =>
    o.compute
      ? requirePositive(record, o.compute, at)
      : 6 * o.x.slice(0, 2).reduce((p, c) => p * points[i].x[c], 1)
  );
  const rank = o.holdoutBy
    ? table.records.map(({ record, at }) => requireNumber(record, o.holdoutBy!, at))
    : compute;
  return { points, lines: table.records.map((r) => r.at.line), compute, rank };
}

/**
 * Returns the fit of the table's rows under `o` (the same library calls as the fit stages), judged;
 * with `o.holdoutTop`, the fit of the rows left after holding out the largest, and its backtest.
 */
function fitPoints(
  input: readonly FitPoint[] | FitTable,
  given: FitCliOptions,
  progress?: FitProgress,
): FitCliResult {
  const t: FitTable = "points" in input ? input : {
    points: [...input],
    lines: input.map((_, i) => i + 1),
    compute: input.map((p) => 6 * given.x.slice(0, 2).reduce((q, c) => q * p.x[c], 1)),
    rank: input.map((p) => 6 * given.x.slice(0, 2).reduce((q, c) => q * p.x[c], 1)),
  };
  const o = searchOf(given, t.points.length);
  const grid = o.grid;
  if (grid !== "gemstones" && grid !== "projection" && grid.kind === "subdivided") {
    throw new Error("fit: a subdivided grid is not a CLI option"); // parseFitArgs makes none
  }
  const options = { variables: o.x, huberDelta: o.huber, ...searchOptions(grid), progress };
  const health = { lines: t.lines, compute: t.compute };
  if (o.holdoutTop !== undefined) {
    if (o.holdoutTop >= t.points.length) {
      throw new InputError(
        o.input,
        0,
        "",
        `--holdout-top ${o.holdoutTop} leaves none of ${t.points.length} rows to fit`,
      );
    }
    const bt = backtestApproach3(t.points, largestRows(t.rank, o.holdoutTop), options, {
      health,
      bootstrap: o.bootstrap > 0 ? { samples: o.bootstrap, seed: o.seed } : undefined,
    });
    // A law that misses the held-out rows is not healthy, however well it fits the others.
    const judged = withBacktestVerdict(bt.health, bt, (row) => `line ${t.lines[row]}`);
    return {
      ...resultOf(bt.fit, bt.trained.length, judged, o, null),
      backtest: {
        heldOut: bt.heldOut.map((h) => ({ ...h, row: t.lines[h.row] })),
        meanAbsRelError: bt.meanAbsRelError,
      },
    };
  }
  const b = o.bootstrap > 0
    ? bootstrapApproach3(t.points, options, { samples: o.bootstrap, seed: o.seed })
    : null;
  const fit = b?.fit ?? fitApproach3(t.points, options);
  return resultOf(fit, t.points.length, judgeApproach3(t.points, fit, health), o, b);
}

function resultOf(
  fit: Approach3Fit,
  rows: number,
  health: Approach3Health,
  o: FitCliOptions,
  b: BootstrapApproach3Result | null,
): FitCliResult {
  return {
    objective: fit.objective,
    E: fit.law.E,
    terms: fit.law.terms.map((t) => ({ variable: t.variable, A: t.A, alpha: t.alpha })),
    starts: fit.starts,
    converged: fit.converged,
    rows,
    huberDelta: o.huber,
    grid: o.grid === "gemstones" || o.grid === "projection"
      ? { kind: o.grid, starts: fit.starts, seed: null }
      : {
        kind: o.grid.kind === "lhs" ? "lhs" : "random", // the CLI makes no subdivided grid
        starts: fit.starts,
        seed: "seed" in o.grid ? o.grid.seed : null,
      },
    health,
    bootstrap: b ? { samples: b.samples, confidence: b.confidence, parameters: b.parameters } : null,
  };
}

/** Returns `o` with a full grid too large to run start by start (starts × rows > LARGE_FIT) replaced by projection. */
function searchOf(o: FitCliOptions, rows: number): FitCliOptions {
  return o.grid === "gemstones" && gemstonesGridSize(o.x.length) * rows > LARGE_FIT
    ? { ...o, grid: "projection" }
    : o;
}

/**
 * Returns a progress callback that writes to `write` (stderr): on a terminal one line redrawn at most every
 * 250 ms (phase, done of total, time left), erased by `finish`; elsewhere (a pipe, a file) nothing during the
 * first 10 s, then a whole line at most every 30 s, so piped output stays clean. `now` is in milliseconds.
 */
export function progressReporter(
  write: (text: string) => void,
  terminal: boolean,
  now: () => number = () => performance.now(),
): { progress: FitProgress; finish: () => void } {
  const start = now();
  let phaseStart = start, phase = "", last = -Infinity, drawn = 0;
  const progress: FitProgress = (p, done, total) => {
    const t = now();
    if (p !== phase) {
      if (phase !== "") phaseStart = t;
      phase = p;
    }
    if (t - last < (terminal ? 250 : 30000) || (!terminal && (t - start < 10000 || done >= total))) return;
    last = t;
    const left = done > 0 ? ((t - phaseStart) / done) * (total - done) / 1000 : NaN;
    const what = p === "grid"
      ? `exponent grid ${(100 * done / total).toFixed(0)}% (${done} of ${total} cells)`
      : `polishing grid minimum ${done} of ${total}`;
    const text = `fit: ${what}, ${Number.isFinite(left) ? `about ${formatDuration(left)} left` : "starting"}`;
    if (terminal) {
      write(`\r${text.padEnd(drawn)}`);
      drawn = text.length;
    } else write(`${text}\n`);
  };
  const finish = () => {
    if (terminal && drawn > 0) write(`\r${" ".repeat(drawn)}\r`);
    drawn = 0;
  };
  return { progress, finish };
}

/** Returns the readable summary of a fit. */
function formatSummary(r: FitCliResult, o: FitCliOptions): string {
  const g = (v: number) => v.toPrecision(5);
  const iv = (name: string) => {
    const i = r.bootstrap?.parameters[name];
    return i ? `  [${g(i.lower)}, ${g(i.upper)}]` : "";
  };
  const lines = [
    `fit of ${o.loss} = E + Σ A_i·x_i^(−α_i) over ${r.rows} rows of ${o.input}`,
    `  E = ${g(r.E)} nats${iv("E")}`,
    ...r.terms.map((t) =>
      `  ${t.variable}: A = ${g(t.A)}${iv(`A_${t.variable}`)}, α = ${g(t.alpha)}${iv(`alpha_${t.variable}`)}`
    ),
    `objective ${r.objective.toExponential(4)} (Huber δ = ${r.huberDelta}); ${
      r.grid.kind === "projection"
        ? `variable projection: ${r.starts} exponent cells, ${r.converged} grid minima polished`
        : `${r.converged} of ${r.starts} starts converged (${
          r.grid.kind === "gemstones"
            ? "full Gemstones grid"
            : `${r.grid.starts} ${
              r.grid.kind === "lhs" ? "Latin-hypercube" : "random"
            } starts, seed ${r.grid.seed}`
        })`
    }`,
  ];
  if (r.bootstrap) {
    lines.push(
      `intervals: ${r.bootstrap.confidence * 100}% percentile, ${r.bootstrap.samples} bootstrap resamples`,
    );
  }
  lines.push(`health: ${r.health.verdict}`, ...r.health.findings.map((f) => `  ${f.code}: ${f.message}`));
  if (r.backtest) {
    lines.push(
      `backtest: ${r.backtest.heldOut.length} held-out rows, mean |relative error| ${
        (100 * r.backtest.meanAbsRelError).toFixed(3)
      }%`,
      ...r.backtest.heldOut.map((h) =>
        `  line ${h.row}: predicted ${g(h.predicted)}, actual ${g(h.actual)}, error ${
          (100 * h.relError).toFixed(3)
        }%` +
        (h.interval
          ? `, interval [${g(h.interval.lower)}, ${g(h.interval.upper)}] ${
            h.inside ? "contains it" : "misses it"
          }`
          : "")
      ),
    );
  }
  return lines.join("\n");
}

/** Runs the CLI on `args`; returns the exit code (0 ok or warn, 1 bad input or failed fit, 2 bad usage, 4 refused). */
export async function runFitCli(
  args: readonly string[],
  out: (text: string) => void = (t) => console.log(t),
  err: (text: string) => void = (t) => console.error(t),
): Promise<number> {
  let o: FitCliOptions | null;
  try {
    o = parseFitArgs(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`${e.message.startsWith("fit: ") ? "" : "fit: "}${e.message}\n${e.hint ?? helpHint("fit")}`);
    return EXIT_USAGE;
  }
  if (o === null) {
    out(FIT_USAGE);
    return EXIT_OK;
  }
  try {
    // A relative --input names a file in the folder the command was typed in (INIT_CWD under deno task).
    const reporter = progressReporter(
      (text) => Deno.stderr.writeSync(new TextEncoder().encode(text)),
      Deno.stderr.isTerminal(),
    );
    let result: FitCliResult;
    try {
      result = fitPoints(await readFitTable({ ...o, input: userPath(o.input) }), o, reporter.progress);
    } finally {
      reporter.finish();
    }
    out(o.json ? JSON.stringify(result) : formatSummary(result, o));
    if (result.health.verdict === "refused") {
      err(`fit: refused: ${result.health.findings.map((f) => f.message).join(" ")}`);
      return 4;
    }
    return EXIT_OK;
  } catch (e) {
    err(`fit: ${describeError(e)}`);
    return EXIT_FAILURE;
  }
}

if (import.meta.main) {
  Deno.exit(await runFitCli(Deno.args));
}
