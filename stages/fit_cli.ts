/**
 * `deno task fit`: fit the additive law `L = E + Σ_i A_i · x_i^(−α_i)` to any CSV or JSON Lines table
 * with the same library code as the fit stages (scaling/fit), and print a readable summary or, with
 * `--json`, exactly one JSON object. Needs only read permission on the input.
 *
 * ```
 * deno run --allow-read stages/fit_cli.ts --input runs.csv --x params,tokens --loss loss --group run
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { bootstrapApproach3, fitApproach3, type FitPoint, type InitGrid } from "../scaling/fit/mod.ts";
import { LAW_NAMES, lawSpec } from "../scaling/laws/mod.ts";
import { readTable, requireColumns } from "./importers/table.ts";
import { InputError, requireLoss, requirePositive, requireString } from "./importers/validate.ts";

/** Usage text of the CLI. */
export const FIT_USAGE = `usage: deno task fit --input FILE --x COL[,COL...] --loss COL [options]

Fits L = E + sum_i A_i * x_i^(-alpha_i) (Huber loss on ln L, L-BFGS from a grid of starts).

  --input FILE     a .csv (with header) or .jsonl table
  --x COLS         comma-separated columns, one law term each (values > 0)
  --law NAME       a registered law form (${LAW_NAMES.join(", ")}): its variables are the columns
                   (or, with --x, the columns given in the form's variable order) and its
                   start grid the default
  --loss COL       the loss column (nats per token, in (0, 20))
  --huber DELTA    Huber delta on ln-loss residuals (default 1e-4)
  --grid G         "gemstones" (full grid: 30^k*5 starts) or a number of random starts
                   (default: the --law form's grid; else gemstones for k <= 2 variables,
                   else 1000 random starts)
  --seed N         seed of random starts and of the bootstrap (default 0)
  --bootstrap N    bootstrap resamples (default 0: none); resamples whole groups
  --group COL      column naming the run of each row (bootstrap unit; default: each row)
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
  /** Grid used: "gemstones" or random with its seed and size. */
  readonly grid: {
    readonly kind: "gemstones" | "random" | "lhs";
    readonly starts: number;
    readonly seed: number | null;
  };
  /** Bootstrap intervals of E, A_<var>, alpha_<var> (null without --bootstrap). */
  readonly bootstrap: {
    readonly samples: number;
    readonly confidence: number;
    readonly parameters: Readonly<Record<string, { estimate: number; lower: number; upper: number }>>;
  } | null;
}

/** A usage error (exit code 2). */
class UsageError extends Error {}

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
  /** Grid. */
  readonly grid: InitGrid;
  /** Bootstrap resamples. */
  readonly bootstrap: number;
  /** Seed. */
  readonly seed: number;
  /** Group column, if any. */
  readonly group?: string;
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
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        input: { type: "string" },
        x: { type: "string" },
        law: { type: "string" },
        loss: { type: "string" },
        huber: { type: "string" },
        grid: { type: "string" },
        seed: { type: "string" },
        bootstrap: { type: "string" },
        group: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
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
  let grid: InitGrid;
  if (v.grid === undefined) {
    grid = form ? form.fit.grid : x.length <= 2 ? "gemstones" : { kind: "random", starts: 1000, seed };
  } else if (v.grid === "gemstones") {
    grid = "gemstones";
  } else {
    const starts = parseNumberFlag(
      "grid",
      v.grid,
      (n) => Number.isInteger(n) && n >= 1,
      '"gemstones" or a positive integer',
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
    json: v.json ?? false,
  };
}

/** Reads and validates the input table; returns the fit points (errors name file, line and field). */
export async function readFitPoints(o: FitCliOptions): Promise<FitPoint[]> {
  const table = await readTable(o.input);
  requireColumns(table, [...o.x, o.loss, ...(o.group ? [o.group] : [])]);
  if (table.records.length === 0) throw new InputError(o.input, 0, "", "no data rows");
  return table.records.map(({ record, at }) => ({
    x: Object.fromEntries(o.x.map((c) => [c, requirePositive(record, c, at)])),
    lossNats: requireLoss(record, o.loss, at),
    group: o.group ? requireString(record, o.group, at) : `${at.line}`,
  }));
}

/** Returns the fit of `points` under `o` (the same library call as the fit stages). */
export function fitPoints(points: readonly FitPoint[], o: FitCliOptions): FitCliResult {
  const options = { variables: o.x, huberDelta: o.huber, grid: o.grid };
  const b = o.bootstrap > 0
    ? bootstrapApproach3(points, options, { samples: o.bootstrap, seed: o.seed })
    : null;
  const fit = b?.fit ?? fitApproach3(points, options);
  return {
    objective: fit.objective,
    E: fit.law.E,
    terms: fit.law.terms.map((t) => ({ variable: t.variable, A: t.A, alpha: t.alpha })),
    starts: fit.starts,
    converged: fit.converged,
    rows: points.length,
    huberDelta: o.huber,
    grid: o.grid === "gemstones"
      ? { kind: "gemstones", starts: fit.starts, seed: null }
      : { kind: o.grid.kind, starts: fit.starts, seed: o.grid.seed },
    bootstrap: b ? { samples: b.samples, confidence: b.confidence, parameters: b.parameters } : null,
  };
}

/** Returns the readable summary of a fit. */
export function formatSummary(r: FitCliResult, o: FitCliOptions): string {
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
    `objective ${
      r.objective.toExponential(4)
    } (Huber δ = ${r.huberDelta}); ${r.converged} of ${r.starts} starts converged ` +
    `(${
      r.grid.kind === "gemstones"
        ? "full Gemstones grid"
        : `${r.grid.starts} ${
          r.grid.kind === "lhs" ? "Latin-hypercube" : "random"
        } starts, seed ${r.grid.seed}`
    })`,
  ];
  if (r.bootstrap) {
    lines.push(
      `intervals: ${r.bootstrap.confidence * 100}% percentile, ${r.bootstrap.samples} bootstrap resamples`,
    );
  }
  return lines.join("\n");
}

/** Runs the CLI on `args`; returns the exit code (0 ok, 1 bad input or failed fit, 2 bad usage). */
export async function runFitCli(
  args: readonly string[],
  out: (text: string) => void = (t) => console.log(t),
  err: (text: string) => void = (t) => console.error(t),
): Promise<number> {
  let o: FitCliOptions | null;
  try {
    o = parseFitArgs(args);
  } catch (e) {
    err(`fit: ${(e as Error).message}\n${FIT_USAGE}`);
    return 2;
  }
  if (o === null) {
    out(FIT_USAGE);
    return 0;
  }
  try {
    const result = fitPoints(await readFitPoints(o), o);
    out(o.json ? JSON.stringify(result) : formatSummary(result, o));
    return 0;
  } catch (e) {
    err(`fit: ${(e as Error).message}`);
    return 1;
  }
}

if (import.meta.main) {
  Deno.exit(await runFitCli(Deno.args));
}
