/**
 * The collect stages of this project's own runs, each writing collect's files (runs.csv with every
 * counting column; empty industry, Chinchilla and Perceiver tables; collect.json) plus `own_runs.csv`
 * (one row per run with a `diverged` column; diverged runs have no rows in runs.csv):
 *
 * - `collect_trained`: the runs of train stages (their run.json, config.json, log.jsonl, result.json);
 * - `collect_simulated`: the runs.csv of simulate stages;
 * - `collect_imported`: run folders shipped under `data/` (config.json, log.jsonl, result.json each).
 *
 * Select and report read them by node id (their `collect` option).
 * @module
 */
import type { Params, Stage, StageContext } from "../pipeline/stage.ts";
import { COLLECT_OUTPUTS, writeCollected } from "./collect.ts";
import { type CollectSummary, readCsvObjects } from "../records/schemas.ts";
import { formatCsv } from "../records/importers/table.ts";
import { parseOwnRun, readOwnRun } from "../records/importers/own.ts";
import { runsCellsOf, runsColumns } from "./runs_table.ts";
import type { RunResult } from "./train.ts";

/** Columns of own_runs.csv. */
export const OWN_RUNS_COLUMNS: readonly string[] = [
  "run_id",
  "status",
  "diverged",
  "reason",
  "steps",
  "tokens",
  "final_val_loss",
  "peak_lr",
  "seconds",
  "device",
];

/** Files of a collect stage of own runs: collect's files plus `own_runs.csv`. */
export const OWN_COLLECT_OUTPUTS: readonly string[] = [...COLLECT_OUTPUTS, "own_runs.csv"];

type Cells = (string | number | boolean)[][];

/** Returns the `own_runs.csv` row of a run's `result.json`, in {@link OWN_RUNS_COLUMNS} order ("" for null). */
function ownRunsRow(r: RunResult): (string | number | boolean)[] {
  const row = [
    r.runId,
    r.status,
    r.diverged,
    r.reason,
    r.steps,
    r.tokens,
    r.finalValLoss,
    r.peakLr,
    r.seconds,
    r.device,
  ];
  return row.map((v) => v ?? "");
}

/** Returns the collect summary's data label for own runs on `devices` (short adapter names) and simulated runs. */
function ownRunsSource(devices: readonly string[], runs: number, simulated: boolean): string {
  // Short, as figure titles carry it: "webgpu:4318 9008 NVIDIA H100 80GB HBM3" -> "NVIDIA H100 80GB HBM3".
  const names = [...new Set(devices.map((d) => d.replace(/^webgpu:\S+ \S+ /, "")))];
  return [
    ...(runs > 0 ? [`own runs on ${names.join(", ")}`] : []),
    ...(simulated ? ["runs simulated from a known law"] : []),
  ].join(" + ");
}

/**
 * Writes collect's files for own runs into `outDir`: runs.csv from `cells` (empty industry, Chinchilla
 * and Perceiver tables), collect.json with `inputs` and the data label, and own_runs.csv with one row
 * per run of `results` (diverged ones included, flagged).
 */
async function writeOwnCollect(
  outDir: string,
  data: { cells: Cells; results: readonly RunResult[]; inputs: string[]; simulated: boolean },
): Promise<void> {
  const columns = runsColumns();
  const subsetAt = columns.indexOf("subset");
  const subsets: Record<string, number> = {};
  for (const row of data.cells) subsets[String(row[subsetAt])] = (subsets[String(row[subsetAt])] ?? 0) + 1;
  const summary: CollectSummary = {
    rows: data.cells.length,
    subsets,
    paramsColumns: columns.filter((c) => c.startsWith("params_") && c !== "params_published"),
    flopsColumns: columns.filter((c) => c.startsWith("flops_")),
    inputs: data.inputs,
    source: ownRunsSource(data.results.map((r) => r.device), data.results.length, data.simulated),
  };
  await writeCollected(outDir, {
    runColumns: columns,
    runs: data.cells,
    industry: [],
    chinchilla: [],
    perceiverEstimates: [],
    perceiverVal: [],
    summary,
  });
  await Deno.writeTextFile(
    `${outDir}/own_runs.csv`,
    formatCsv(OWN_RUNS_COLUMNS, data.results.map(ownRunsRow)),
  );
}

/** Parameters of `collect_trained`. */
export type CollectTrainedParams = {
  /** Node ids of train stages (each with run.json, config.json, log.jsonl, result.json). */
  trainRuns: string[];
};

/** Returns the `collect_trained` stage (id `collect_trained` unless given) of the train stages `trainRuns`. */
export function collectTrainedStage(
  trainRuns: readonly string[],
  id = "collect_trained",
): Stage<CollectTrainedParams & Params> {
  return {
    name: "collect_trained",
    id,
    module: import.meta.url,
    deps: [...trainRuns],
    params: { trainRuns: [...trainRuns] },
    inputs: [],
    outputs: OWN_COLLECT_OUTPUTS,
    async run(ctx: StageContext<CollectTrainedParams & Params>) {
      const cells: Cells = [];
      const results: RunResult[] = [];
      for (const id of ctx.params.trainRuns) {
        const dir = ctx.deps[id];
        const read = (f: string) => Deno.readTextFile(`${dir}/${f}`);
        const result = JSON.parse(await read("result.json")) as RunResult;
        results.push(result);
        if (result.diverged) {
          ctx.log(`collect: run ${result.runId} diverged (${result.reason}); excluded from the fits`);
          continue;
        }
        const rows = parseOwnRun(
          result.runId,
          await read("config.json"),
          `${id}/config.json`,
          await read("log.jsonl"),
          `${id}/log.jsonl`,
        );
        cells.push(...runsCellsOf(rows));
      }
      await writeOwnCollect(ctx.outDir, {
        cells,
        results,
        inputs: [...ctx.params.trainRuns],
        simulated: false,
      });
      const diverged = results.filter((r) => r.diverged).length;
      ctx.log(
        `collect: ${cells.length} checkpoints; ${results.length} runs, ${diverged} diverged (excluded)`,
      );
    },
  };
}

/** Parameters of `collect_simulated`. */
export type CollectSimulatedParams = {
  /** Node ids of simulate stages (each with runs.csv). */
  simulated: string[];
};

/** Returns the `collect_simulated` stage (id `collect_simulated` unless given) of the simulate stages `simulated`. */
export function collectSimulatedStage(
  simulated: readonly string[],
  id = "collect_simulated",
): Stage<CollectSimulatedParams & Params> {
  return {
    name: "collect_simulated",
    id,
    module: import.meta.url,
    deps: [...simulated],
    params: { simulated: [...simulated] },
    inputs: [],
    outputs: OWN_COLLECT_OUTPUTS,
    async run(ctx: StageContext<CollectSimulatedParams & Params>) {
      const columns = runsColumns();
      const cells: Cells = [];
      for (const id of ctx.params.simulated) {
        for (const r of await readCsvObjects(`${ctx.deps[id]}/runs.csv`)) {
          cells.push(columns.map((c) => {
            if (r[c] === undefined) throw new Error(`${id}/runs.csv: missing column "${c}"`);
            return r[c];
          }));
        }
      }
      await writeOwnCollect(ctx.outDir, {
        cells,
        results: [],
        inputs: [...ctx.params.simulated],
        simulated: true,
      });
      ctx.log(`collect: ${cells.length} simulated checkpoints`);
    },
  };
}

/** Parameters of `collect_imported`. */
export type CollectImportedParams = {
  /** Run folders relative to the project root (config.json + log.jsonl + result.json; run id = folder name). */
  ownRuns: string[];
};

/**
 * Returns the `collect_imported` stage (id `collect_imported` unless given): reads each folder of `dirs`
 * (relative to the project root; each a finished, not diverged run) into collect's runs.csv layout
 * (subset "own").
 */
export function collectImportedStage(
  dirs: readonly string[],
  id = "collect_imported",
): Stage<CollectImportedParams & Params> {
  return {
    name: "collect_imported",
    id,
    module: import.meta.url,
    deps: [],
    params: { ownRuns: [...dirs] },
    inputs: [...dirs],
    outputs: OWN_COLLECT_OUTPUTS,
    async run(ctx: StageContext<CollectImportedParams & Params>) {
      const cells: Cells = [];
      const results: RunResult[] = [];
      for (const dir of ctx.params.ownRuns) {
        cells.push(...runsCellsOf(await readOwnRun(`${ctx.root}/${dir}`)));
        const path = `${dir}/result.json`;
        let r: RunResult;
        try {
          r = JSON.parse(await Deno.readTextFile(`${ctx.root}/${path}`)) as RunResult;
        } catch (e) {
          throw new Error(`${path}: cannot read the run result: ${(e as Error).message}`);
        }
        if (r.diverged !== false) throw new Error(`${path}: field "diverged" must be false (a finished run)`);
        results.push(r);
      }
      await writeOwnCollect(ctx.outDir, {
        cells,
        results,
        inputs: [...ctx.params.ownRuns],
        simulated: false,
      });
      const devices = [...new Set(results.map((r) => r.device))];
      ctx.log(`collect: ${cells.length} checkpoints of ${results.length} own runs (${devices.join(", ")})`);
    },
  };
}
