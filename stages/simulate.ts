/**
 * The `simulate` stage: validation-loss curves for every model of a grid without a GPU, from a known
 * additive law (explicit coefficients, or the `fit.json` of an Approach 3 stage such as the Gemstones
 * width-depth law, Eq. 2). Each model is a constant-learning-rate run observed at log-spaced token
 * counts (the loss at D tokens is the law at (N, D), as the paper fits hot checkpoints); where asked, a
 * cooled-down run per checkpoint removes a fixed fraction of the reducible loss after `fraction` more
 * tokens; seeded multiplicative (log-normal) noise is added. Being generated from known parameters, it is
 * the ground truth of the fitters: fitting it recovers the law.
 *
 * The simulation itself is scaling/design's `simulateCheckpoints`; this stage reads its inputs and names
 * the runs. Output: `runs.csv` in collect's layout (stages/runs_table.ts), subsets "simulated" and "simulated_cool", and
 * `simulate.json` (the law and settings used).
 * @module
 */
import type { Params, Stage } from "../pipeline/stage.ts";
import type { AdditiveLaw } from "../scaling/law.ts";
import {
  simulateCheckpoints,
  type SimulatedModel,
  type SimulationOptions,
  validateSimulationOptions,
} from "../scaling/design/simulate.ts";
import type { ImportedRow } from "../records/importers/row.ts";
import { runsCsvOf } from "./runs_table.ts";
import { type Approach3Record, readRecord } from "../records/schemas.ts";
import { type GridParams, gridShape, readGridCsv } from "./grid.ts";
import { writeFileAtomic } from "../util/fs.ts";

/** Subset of the simulated constant-learning-rate rows. */
export const SIMULATED_SUBSET = "simulated";
/** Subset of the simulated cooled-down rows. */
export const SIMULATED_COOL_SUBSET = "simulated_cool";

/** Parameters of the simulate stage (JSON; part of the fingerprint): where grid and law come from, and how to simulate. */
export type SimulateParams = SimulationOptions & {
  /** Node id of the grid stage read (its grid.csv). */
  grid: string;
  /** The architecture of the grid's shapes (vocabulary, head size, ...): the grid stage's parameters. */
  architecture: Omit<GridParams, "targetParams" | "include">;
  /** Explicit law, or null to read `lawFrom`. */
  law: { E: number; terms: readonly { variable: string; A: number; alpha: number }[] } | null;
  /** Node id of an Approach 3 stage whose fit.json gives the law (used when `law` is null). */
  lawFrom: string | null;
};

/** Validates simulate parameters; returns them or throws naming the field. */
export function validateSimulateParams(p: SimulateParams): SimulateParams {
  if (p.law === null && p.lawFrom === null) throw new Error(`simulate: give field "law" or field "lawFrom"`);
  validateSimulationOptions(p);
  return p;
}

/**
 * Returns the simulated checkpoints of `models` under `law` as imported rows (losses in nats per token):
 * per model, a constant-LR run "sim_<W>x<D>" (subset "simulated") and, with cooldown, a run
 * "sim_cool_<W>x<D>_<k>" per checkpoint k (subset "simulated_cool"). The science is scaling/design's
 * `simulateCheckpoints`; this names the runs.
 */
export function simulatedRows(
  models: readonly SimulatedModel[],
  law: AdditiveLaw,
  p: SimulationOptions,
): ImportedRow[] {
  return simulateCheckpoints(models, law, p).map((c, i) => {
    const m = models[c.model];
    const model = `${m.shape.width}x${m.shape.depth}`;
    const { width, depth, ...rest } = m.shape;
    return {
      width,
      depth,
      params_published: NaN,
      gpu_hours: NaN,
      lr_ablation: false,
      source: "user" as const,
      file: "simulate",
      shape: Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
      run_id: c.cooldown ? `sim_cool_${model}_${c.checkpoint}` : `sim_${model}`,
      step: c.step,
      tokens: c.tokens,
      loss: c.lossNats,
      subset: c.cooldown ? SIMULATED_COOL_SUBSET : SIMULATED_SUBSET,
      cooldown: c.cooldown,
      line: i + 1,
    };
  });
}

/** Returns the simulate stage (id `simulate` unless given), reading the grid (and the law's fit) from its deps. */
export function simulateStage(params: SimulateParams, id = "simulate"): Stage<SimulateParams & Params> {
  validateSimulateParams(params);
  return {
    name: "simulate",
    id,
    module: import.meta.url,
    deps: params.lawFrom === null || params.law !== null ? [params.grid] : [params.grid, params.lawFrom],
    params: params as SimulateParams & Params,
    inputs: [],
    outputs: ["runs.csv", "simulate.json"],
    async run(ctx) {
      const p = ctx.params;
      let law: AdditiveLaw;
      if (p.law !== null) law = p.law;
      else {
        const rec = await readRecord<Approach3Record>(`${ctx.deps[p.lawFrom!]}/fit.json`);
        law = { E: rec.E, terms: rec.terms };
      }
      const grid = await readGridCsv(`${ctx.deps[p.grid]}/grid.csv`);
      const arch = p.architecture as GridParams;
      const models = grid.map((r) => ({ shape: gridShape(arch, r.width, r.depth), tokens: r.tokens }));
      const rows = simulatedRows(models, law, p);
      await writeFileAtomic(`${ctx.outDir}/runs.csv`, runsCsvOf(rows));
      await writeFileAtomic(
        `${ctx.outDir}/simulate.json`,
        JSON.stringify({ law, models: models.length, rows: rows.length, settings: p }, null, 2) + "\n",
      );
      ctx.log(`simulate: ${rows.length} checkpoints of ${models.length} models`);
    },
  };
}
