/**
 * The learning-rate sweep (a micro version of seed 002 Figure 3): a wide and a deep model at each of two
 * sizes, each trained briefly at a range of learning rates, one `train.<run>` stage per (model, lr) so
 * the sweep is cached run by run. The `lr_sweep` stage gathers the final validation losses into
 * `lr_sweep.csv` ({@link LrSweepRow}) and two Vega-Lite specs: loss against lr (`loss_vs_lr.vl.json`)
 * and loss against lr·width·√depth (`loss_vs_scaled_lr.vl.json`), where the curves of the four models
 * should collapse onto one if the width-depth rule lr ∝ 1/(width·√depth) holds. This module holds the
 * stage factories; stages/pipeline.ts composes the sweep's graph from them.
 * @module
 */
import type { Params, Stage } from "../pipeline/stage.ts";
import type { ModelConfig } from "../kernels/types.ts";
import { formatCsv } from "../records/importers/table.ts";
import { type BackendName, type RunResult, trainStage, trainStageId } from "./train.ts";
import { LR_SWEEP_COLUMNS, type LrSweepRow, readLrSweepRows } from "../records/lr_sweep_table.ts";
import { writeFileAtomic } from "../util/fs.ts";
export { LR_SWEEP_COLUMNS, type LrSweepRow, readLrSweepRows };

/** One model of the sweep. */
export type SweepModel = {
  /** "wide" or "deep". */
  role: string;
  /** Size label, e.g. "small", "large". */
  size: string;
  /** Width d_model. */
  width: number;
  /** Blocks. */
  depth: number;
};

/** Settings of a sweep (JSON). */
export type LrSweepSettings = {
  /** The models (a wide and a deep one per size). */
  models: SweepModel[];
  /** Peak learning rates tried. */
  learningRates: number[];
  /** Architecture shared by the models (width and depth replaced per model). */
  architecture: Omit<ModelConfig, "width" | "depth">;
  /** Optimizer steps per run. */
  steps: number;
  /** Sequences per step. */
  batchSize: number;
  /** Fixed validation batches for the final loss. */
  evalBatches: number;
  /** Node id of the corpus stage. */
  corpus: string;
  /** Backend. */
  backend: BackendName;
};

/** Returns the run id of one sweep run, e.g. "lr_64x1_3e-3". */
export function sweepRunId(m: SweepModel, lr: number): string {
  return `lr_${m.width}x${m.depth}_${lr.toExponential().replace("+", "")}`;
}

/** Returns the train stage of model `m` of sweep `s` at peak lr `lr`: lrBase = lr · width · √depth, constant schedule. */
export function sweepTrainStage(s: LrSweepSettings, m: SweepModel, lr: number): Stage {
  return trainStage({
    runId: sweepRunId(m, lr),
    model: { ...s.architecture, width: m.width, depth: m.depth },
    train: {
      steps: s.steps,
      batchSize: s.batchSize,
      lrBase: lr * m.width * Math.sqrt(m.depth),
      evalEveryTokens: 0,
      evalBatches: s.evalBatches,
      logEvery: Math.max(1, Math.min(50, s.steps)),
      checkpointEvery: 0,
      seed: 0,
    },
    corpus: s.corpus,
    backend: s.backend,
  });
}

/** Returns the two Vega-Lite specs (loss vs lr; loss vs lr·width·√depth) of the sweep's rows. */
export function lrSweepSpecs(rows: readonly LrSweepRow[]): { lossVsLr: object; lossVsScaledLr: object } {
  const values = rows.filter((r) => Number.isFinite(r.final_loss)).map((r) => ({
    ...r,
    label: `${r.size} ${r.role} ${r.model}`,
  }));
  const spec = (field: string, title: string) => ({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: 360,
    height: 240,
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: {
        field,
        type: "quantitative",
        scale: { type: "log" },
        title: field === "lr" ? "peak learning rate" : "lr · width · √depth",
      },
      y: {
        field: "final_loss",
        type: "quantitative",
        scale: { zero: false },
        title: "final validation loss (nats/token)",
      },
      color: { field: "label", type: "nominal", title: "model" },
    },
  });
  return {
    lossVsLr: spec("lr", "Loss against learning rate"),
    lossVsScaledLr: spec(
      "lr_width_sqrt_depth",
      "Loss against lr · width · √depth (curves collapse if the rule holds)",
    ),
  };
}

/** Returns the lr_sweep stage gathering the sweep's train stages into the table and the spec pair. */
export function lrSweepStage(s: LrSweepSettings, id = "lr_sweep"): Stage<LrSweepSettings & Params> {
  const runs = s.models.flatMap((m) =>
    s.learningRates.map((lr) => ({ m, lr, id: trainStageId(sweepRunId(m, lr)) }))
  );
  return {
    name: "lr_sweep",
    id,
    module: import.meta.url,
    deps: runs.map((r) => r.id),
    params: s as LrSweepSettings & Params,
    inputs: [],
    outputs: ["lr_sweep.csv", "loss_vs_lr.vl.json", "loss_vs_scaled_lr.vl.json"],
    async run(ctx) {
      const rows: LrSweepRow[] = [];
      for (const r of runs) {
        const path = `${ctx.deps[r.id]}/result.json`;
        const result = JSON.parse(await Deno.readTextFile(path)) as RunResult;
        if (result.diverged) ctx.log(`lr_sweep: ${r.id} diverged (${result.reason})`);
        rows.push(lrSweepRow(r.m, r.lr, result));
      }
      await writeLrSweep(ctx.outDir, rows);
    },
  };
}

/** Returns the lr_sweep.csv row of one run of model `m` at peak lr `lr` (final loss NaN when diverged or none). */
export function lrSweepRow(
  m: SweepModel,
  lr: number,
  result: Pick<RunResult, "diverged" | "finalValLoss">,
): LrSweepRow {
  return {
    model: `${m.width}x${m.depth}`,
    role: m.role,
    size: m.size,
    width: m.width,
    depth: m.depth,
    lr,
    lr_width_sqrt_depth: lr * m.width * Math.sqrt(m.depth),
    final_loss: result.diverged || result.finalValLoss === null ? NaN : result.finalValLoss,
    diverged: result.diverged,
  };
}

/** Writes `lr_sweep.csv` and the two Vega-Lite specs of `rows` into `outDir` (each atomically). */
export async function writeLrSweep(outDir: string, rows: readonly LrSweepRow[]): Promise<void> {
  await writeFileAtomic(
    `${outDir}/lr_sweep.csv`,
    formatCsv(LR_SWEEP_COLUMNS, rows.map((r) => LR_SWEEP_COLUMNS.map((c) => r[c]))),
  );
  const specs = lrSweepSpecs(rows);
  await writeFileAtomic(`${outDir}/loss_vs_lr.vl.json`, JSON.stringify(specs.lossVsLr, null, 2) + "\n");
  await writeFileAtomic(
    `${outDir}/loss_vs_scaled_lr.vl.json`,
    JSON.stringify(specs.lossVsScaledLr, null, 2) + "\n",
  );
}

/**
 * Returns an lr_sweep stage (id "lr_sweep" by default) reading imported runs instead of train stages: for
 * each (model, lr) of `s`, the folder `<dir>/<sweepRunId>` (relative to the project root) with the
 * `config.json` and `result.json` of stages/run_units.ts. Checks that each config's width, depth and peak
 * lr match the settings; writes the same table and specs as {@link lrSweepStage}. Diverged runs are kept
 * (final_loss empty, diverged true).
 */
export function importedLrSweepStage(
  s: LrSweepSettings,
  dir: string,
  id = "lr_sweep",
): Stage<{ runDirs: string[]; learningRates: number[]; models: SweepModel[] } & Params> {
  const runs = s.models.flatMap((m) =>
    s.learningRates.map((lr) => ({ m, lr, dir: `${dir}/${sweepRunId(m, lr)}` }))
  );
  return {
    name: "lr_sweep_imported",
    id,
    module: import.meta.url,
    deps: [],
    params: { runDirs: runs.map((r) => r.dir), learningRates: [...s.learningRates], models: s.models },
    inputs: runs.map((r) => r.dir),
    outputs: ["lr_sweep.csv", "loss_vs_lr.vl.json", "loss_vs_scaled_lr.vl.json"],
    async run(ctx) {
      const rows: LrSweepRow[] = [];
      for (const r of runs) {
        const read = async (name: string): Promise<Record<string, unknown>> => {
          try {
            return JSON.parse(await Deno.readTextFile(`${ctx.root}/${r.dir}/${name}`));
          } catch (e) {
            throw new Error(`${r.dir}/${name}: cannot read: ${(e as Error).message}`);
          }
        };
        const config = await read("config.json") as { model?: { width?: unknown; depth?: unknown } };
        if (config.model?.width !== r.m.width || config.model?.depth !== r.m.depth) {
          throw new Error(
            `${r.dir}/config.json: field "model" must have width ${r.m.width} and depth ${r.m.depth}, got ` +
              `${config.model?.width} and ${config.model?.depth}`,
          );
        }
        const result = await read("result.json");
        if (typeof result.diverged !== "boolean") {
          throw new Error(`${r.dir}/result.json: field "diverged" must be a boolean`);
        }
        if (typeof result.peakLr !== "number" || Math.abs(result.peakLr / r.lr - 1) > 1e-9) {
          throw new Error(`${r.dir}/result.json: field "peakLr" must be ${r.lr}, got ${result.peakLr}`);
        }
        const finalValLoss = result.finalValLoss;
        if (finalValLoss !== null && typeof finalValLoss !== "number") {
          throw new Error(`${r.dir}/result.json: field "finalValLoss" must be a number or null`);
        }
        if (result.diverged) ctx.log(`lr_sweep: ${r.dir} diverged (${result.reason})`);
        rows.push(lrSweepRow(r.m, r.lr, { diverged: result.diverged, finalValLoss }));
      }
      await writeLrSweep(ctx.outDir, rows);
      ctx.log(`lr_sweep: ${rows.length} runs, ${rows.filter((r) => r.diverged).length} diverged`);
    },
  };
}
