/**
 * The `collect` stage: reads every real run under `data/` (declared inputs), validates each record,
 * and writes one tidy table of checkpoints (`runs.csv`, built as a danfojs DataFrame) with every
 * parameter-counting convention and every FLOP counter side by side, plus the industry-models,
 * Chinchilla-points and Perceiver AR tables. Output shapes: see `records/schemas.ts`.
 * A failed validation throws, so nothing is cached from a failed collect.
 * @module
 */
import type { Params, Stage } from "../pipeline/stage.ts";
import { FLOP_COUNTERS } from "../scaling/count/flops.ts";
import { PARAM_CONVENTIONS } from "../scaling/count/conventions.ts";
import { runsCellsOf, runsColumns } from "./runs_table.ts";
/** Parameter-counting conventions by name (scaling/count's; collect's columns `params_<name>`). */
export { PARAM_CONVENTIONS };
import type {
  ChinchillaRow,
  CollectSummary,
  IndustryRow,
  PerceiverEstimateRow,
  PerceiverValRow,
} from "../records/schemas.ts";
import { type ColumnMapping, parseMappedTable } from "../records/importers/generic.ts";
import { formatCsv } from "../records/importers/table.ts";
import {
  gemstonesSubset,
  isChinchillaSubset,
  parseChinchillaPoints,
  parseGemstonesRuns,
} from "../records/importers/gemstones.ts";
import type { ImportedRow } from "../records/importers/row.ts";
import { InputError } from "../records/importers/validate.ts";
import { parseIndustryModels } from "../records/importers/industry.ts";
import { parsePerceiverEstimates, parsePerceiverValidation } from "../records/importers/perceiver.ts";
import { readOwnRun } from "../records/importers/own.ts";

/** A user table to import with a column mapping (see importers/generic.ts). */
export type UserTableParam = { path: string; subset: string; mapping: { [field: string]: string } };

/** Parameters of the collect stage: where the data lives (paths relative to the project root). */
export type CollectParams = {
  /** Folder of the Gemstones `wandb_df_for_fitting_<subset>.jsonl` files. */
  gemstonesDir: string;
  /** The industry models' losses (`our_val_loss_data.json`). */
  industryFile: string;
  /** Folder of the Perceiver AR estimates (`approach_<n>.csv`). */
  perceiverEstimatesDir: string;
  /** Folders of Perceiver AR TensorBoard exports. */
  perceiverValidationDirs: string[];
  /** Run folders of this project's trainer (each `config.json` + `log.jsonl`). */
  ownRuns: string[];
  /** Tables of a user's runs with column mappings. */
  userTables: UserTableParam[];
};

/** The default data locations (what the project ships). */
export const DEFAULT_COLLECT_PARAMS: CollectParams = {
  gemstonesDir: "data/gemstones/wandb_dfs",
  industryFile: "data/gemstones/data/our_val_loss_data.json",
  perceiverEstimatesDir: "data/krasserm-perceiver-ar/data/estimates",
  perceiverValidationDirs: [
    "data/krasserm-perceiver-ar/data/validation",
    "data/krasserm-perceiver-ar/wip-scaling-branch/data/validation",
  ],
  ownRuns: [],
  userTables: [],
};

/** Everything collect produces, in memory. */
export interface CollectedTables {
  /** Column names of runs.csv, in order. */
  readonly runColumns: readonly string[];
  /** Rows of runs.csv (cells in `runColumns` order). */
  readonly runs: readonly (readonly (string | number | boolean)[])[];
  /** Industry models. */
  readonly industry: readonly IndustryRow[];
  /** Chinchilla (Epoch) points. */
  readonly chinchilla: readonly ChinchillaRow[];
  /** Chinchilla estimates from the Perceiver AR repository. */
  readonly perceiverEstimates: readonly PerceiverEstimateRow[];
  /** Perceiver AR validation losses. */
  readonly perceiverVal: readonly PerceiverValRow[];
  /** Summary record. */
  readonly summary: CollectSummary;
}

async function listFiles(root: string, dir: string, pattern: RegExp): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(`${root}/${dir}`)) {
      if (e.isFile && pattern.test(e.name)) out.push(`${dir}/${e.name}`);
    }
  } catch (e) {
    throw new InputError(dir, 0, "", `cannot list folder: ${(e as Error).message}`);
  }
  return out.sort();
}

async function readText(root: string, rel: string): Promise<string> {
  try {
    return await Deno.readTextFile(`${root}/${rel}`);
  } catch (e) {
    throw new InputError(rel, 0, "", `cannot read: ${(e as Error).message}`);
  }
}

function toMapping(t: UserTableParam): ColumnMapping {
  const required = ["run_id", "width", "depth", "step", "tokens", "loss"];
  const allowed = [...required, "params", "gpu_hours"];
  for (const k of Object.keys(t.mapping)) {
    if (!allowed.includes(k)) {
      throw new Error(
        `collect: userTables mapping of ${t.path}: unknown field "${k}"; valid: ${allowed.join(", ")}`,
      );
    }
  }
  for (const k of required) {
    if (typeof t.mapping[k] !== "string") {
      throw new Error(`collect: userTables mapping of ${t.path}: missing field "${k}"`);
    }
  }
  return t.mapping as unknown as ColumnMapping;
}

/** Reads and validates every input under `root` and returns the tables collect writes. */
export async function collectTables(
  root: string,
  params: CollectParams = DEFAULT_COLLECT_PARAMS,
): Promise<CollectedTables> {
  const inputs: string[] = [];
  const imported: ImportedRow[] = [];
  const chinchilla: ChinchillaRow[] = [];
  for (const rel of await listFiles(root, params.gemstonesDir, /^wandb_df_for_fitting_.+\.jsonl$/)) {
    inputs.push(rel);
    const text = await readText(root, rel);
    if (isChinchillaSubset(gemstonesSubset(rel))) chinchilla.push(...parseChinchillaPoints(text, rel));
    else imported.push(...parseGemstonesRuns(text, rel));
  }
  for (const dir of params.ownRuns) {
    inputs.push(dir);
    const rows = await readOwnRun(`${root}/${dir}`);
    imported.push(...rows.map((r) => ({ ...r, file: r.file.slice(root.length + 1) })));
  }
  for (const t of params.userTables) {
    inputs.push(t.path);
    imported.push(...parseMappedTable(await readText(root, t.path), t.path, toMapping(t), t.subset));
  }
  inputs.push(params.industryFile);
  const industry = parseIndustryModels(await readText(root, params.industryFile), params.industryFile);
  const perceiverEstimates: PerceiverEstimateRow[] = [];
  for (const rel of await listFiles(root, params.perceiverEstimatesDir, /^approach_\d+\.csv$/)) {
    inputs.push(rel);
    perceiverEstimates.push(...parsePerceiverEstimates(await readText(root, rel), rel));
  }
  const perceiverVal: PerceiverValRow[] = [];
  for (const dir of params.perceiverValidationDirs) {
    for (const rel of await listFiles(root, dir, /-tag-val_loss\.csv$/)) {
      inputs.push(rel);
      perceiverVal.push(...parsePerceiverValidation(await readText(root, rel), rel));
    }
  }
  perceiverVal.sort((a, b) =>
    a.experiment.localeCompare(b.experiment) || a.version - b.version || a.step - b.step
  );

  const paramNames = Object.keys(PARAM_CONVENTIONS);
  const flopNames = Object.keys(FLOP_COUNTERS);
  const runColumns = runsColumns();
  const cells = runsCellsOf(imported);
  // A Gemstones row's published parameter count must be the count of its shape (first convention).
  const counted = runColumns.indexOf(`params_${paramNames[0]}`);
  imported.forEach((r, i) => {
    const count = cells[i][counted] as number;
    if (r.source === "gemstones" && Math.abs(count - r.params_published) > 0.5) {
      throw new InputError(
        r.file,
        r.line,
        "params_active_precise",
        `${r.params_published} differs from the count of ${r.width}x${r.depth} (${count})`,
      );
    }
  });
  // runs.csv lists the checkpoints by subset, run and step (a stable sort: ties keep the import order).
  const order = imported.map((_, i) => i).sort((i, j) =>
    imported[i].subset.localeCompare(imported[j].subset) ||
    imported[i].run_id.localeCompare(imported[j].run_id) || imported[i].step - imported[j].step
  );
  // The tidy table as a DataFrame (one row per checkpoint, columns in runColumns order); its subset
  // column's value counts are the summary's checkpoints per subset.
  const runs: (string | number | boolean)[][] = [];
  const subsets: Record<string, number> = {};
  if (order.length > 0) {
    // danfojs (with TensorFlow.js) takes about a second to load: only collect's run pays for it.
    const dfd = await import("danfojs");
    const df = new dfd.DataFrame(order.map((i) => cells[i]), { columns: runColumns });
    for (const row of df.values as (string | number | boolean)[][]) runs.push(row);
    const counts = df.column("subset").valueCounts();
    (counts.index as string[]).forEach((s, i) => subsets[s] = (counts.values as number[])[i]);
  }
  const sortedSubsets = Object.fromEntries(Object.entries(subsets).sort(([a], [b]) => a.localeCompare(b)));
  return {
    runColumns,
    runs,
    industry,
    chinchilla,
    perceiverEstimates,
    perceiverVal,
    summary: {
      rows: runs.length,
      subsets: sortedSubsets,
      paramsColumns: paramNames.map((n) => `params_${n}`),
      flopsColumns: flopNames.map((n) => `flops_${n}`),
      inputs,
      source: [
        "published Gemstones runs (McLeish et al. 2025)",
        ...(params.ownRuns.length > 0
          ? [`${params.ownRuns.length} of this project's own training runs`]
          : []),
        ...(params.userTables.length > 0 ? [`${params.userTables.length} user table(s)`] : []),
      ].join(" + "),
    },
  };
}

function objectsCsv<T extends object>(columns: readonly (keyof T & string)[], rows: readonly T[]): string {
  return formatCsv(columns, rows.map((r) => columns.map((c) => r[c] as string | number | boolean)));
}

/** Writes the collected tables into `outDir` (runs.csv, industry.csv, chinchilla.csv, perceiver_*.csv, collect.json). */
export async function writeCollected(outDir: string, t: CollectedTables): Promise<void> {
  await Deno.writeTextFile(`${outDir}/runs.csv`, formatCsv(t.runColumns, t.runs));
  await Deno.writeTextFile(
    `${outDir}/industry.csv`,
    objectsCsv<IndustryRow>(
      ["hf_name", "loss", "params", "non_emb_params", "width", "depth", "vocab_size"],
      t.industry,
    ),
  );
  await Deno.writeTextFile(
    `${outDir}/chinchilla.csv`,
    objectsCsv<ChinchillaRow>(["params", "tokens", "flops", "loss", "subset"], t.chinchilla),
  );
  await Deno.writeTextFile(
    `${outDir}/perceiver_estimates.csv`,
    objectsCsv<PerceiverEstimateRow>(["approach", "flops", "params", "tokens"], t.perceiverEstimates),
  );
  await Deno.writeTextFile(
    `${outDir}/perceiver_val.csv`,
    objectsCsv<PerceiverValRow>(["experiment", "version", "step", "wall_time", "loss"], t.perceiverVal),
  );
  await Deno.writeTextFile(`${outDir}/collect.json`, JSON.stringify(t.summary, null, 2) + "\n");
}

/** Output files of collect. */
export const COLLECT_OUTPUTS: readonly string[] = [
  "runs.csv",
  "industry.csv",
  "chinchilla.csv",
  "perceiver_estimates.csv",
  "perceiver_val.csv",
  "collect.json",
];

/** Returns the collect stage (id "collect") reading the data locations of `params`. */
export function collectStage(overrides: Partial<CollectParams> = {}): Stage<CollectParams & Params> {
  const params = { ...DEFAULT_COLLECT_PARAMS, ...overrides } as CollectParams & Params;
  return {
    name: "collect",
    id: "collect",
    module: import.meta.url,
    deps: [],
    params,
    inputs: [
      params.gemstonesDir,
      params.industryFile,
      params.perceiverEstimatesDir,
      ...params.perceiverValidationDirs,
      ...params.ownRuns,
      ...params.userTables.map((t) => t.path),
    ],
    outputs: COLLECT_OUTPUTS,
    async run(ctx) {
      const tables = await collectTables(ctx.root, ctx.params);
      ctx.log(`collect: ${tables.summary.rows} checkpoints from ${tables.summary.inputs.length} files`);
      await writeCollected(ctx.outDir, tables);
    },
  };
}
