/**
 * The `simulate` stage: validation-loss curves for every model of a grid without a GPU, from a known
 * additive law (explicit coefficients, or the `fit.json` of an Approach 3 stage such as the Gemstones
 * width-depth law, Eq. 2). Each model is a constant-learning-rate run observed at log-spaced token
 * counts (the loss at D tokens is the law at (N, D), as the paper fits hot checkpoints); where asked, a
 * cooled-down run per checkpoint removes a fixed fraction of the reducible loss after `fraction` more
 * tokens; seeded multiplicative (log-normal) noise is added. Being generated from known parameters, it is
 * the ground truth of the fitters: fitting it recovers the law.
 *
 * Output: `runs.csv` in collect's layout (stages/schemas.ts {@link RunsRow} plus a `params_<convention>`
 * and `flops_<counter>` column per counting function), subsets "simulated" and "simulated_cool", and
 * `simulate.json` (the law and settings used).
 * @module
 */
import type { Params, Stage } from "../pipeline/stage.ts";
import { type AdditiveLaw, evaluateLaw } from "../scaling/law.ts";
import { FLOP_COUNTERS, type ShapeSpec } from "../scaling/count/mod.ts";
import { seededRng } from "../util/rng.ts";
import { PARAM_CONVENTIONS, runsColumns, shapeOfRow } from "./collect.ts";
import { formatCsv, type ImportedRow } from "./importers/mod.ts";
import { type Approach3Record, readRecord } from "./schemas.ts";
import { type GridParams, gridShape, readGridCsv } from "./grid.ts";
import { writeFileAtomic } from "../util/fs.ts";

export { runsColumns };

/** Subset of the simulated constant-learning-rate rows. */
export const SIMULATED_SUBSET = "simulated";
/** Subset of the simulated cooled-down rows. */
export const SIMULATED_COOL_SUBSET = "simulated_cool";

/** Parameters of the simulate stage (JSON; part of the fingerprint). */
export type SimulateParams = {
  /** Node id of the grid stage read (its grid.csv). */
  grid: string;
  /** The architecture of the grid's shapes (vocabulary, head size, ...): the grid stage's parameters. */
  architecture: Omit<GridParams, "targetParams" | "include">;
  /** Explicit law, or null to read `lawFrom`. */
  law: { E: number; terms: readonly { variable: string; A: number; alpha: number }[] } | null;
  /** Node id of an Approach 3 stage whose fit.json gives the law (used when `law` is null). */
  lawFrom: string | null;
  /** Convention of the law's `params` variable (a key of collect's PARAM_CONVENTIONS). */
  paramsConvention: string;
  /** Checkpoints per run, log-spaced in tokens from `firstFraction` × the run's tokens to all of them. */
  checkpoints: number;
  /** First checkpoint as a fraction of the run's tokens, in (0, 1]. */
  firstFraction: number;
  /** Tokens per optimizer step (for the step column). */
  tokensPerStep: number;
  /** Cooled-down runs (null: none): `fraction` more tokens remove `drop` of the reducible loss L − E. */
  cooldown: { fraction: number; drop: number } | null;
  /** Standard deviation of the log-normal noise on the loss (0: exact law values). */
  noise: number;
  /** Seed of the noise. */
  seed: number;
};

/** Returns the cells of runs.csv (collect's layout, {@link runsColumns} order) of imported rows, counts from each row's shape. */
export function runsCellsOf(rows: readonly ImportedRow[]): (string | number | boolean)[][] {
  const paramNames = Object.keys(PARAM_CONVENTIONS), flopNames = Object.keys(FLOP_COUNTERS);
  const cells = rows.map((r) => {
    const shape = shapeOfRow(r);
    return [
      r.run_id,
      `${r.width}x${r.depth}`,
      r.width,
      r.depth,
      r.step,
      r.tokens,
      r.params_published,
      ...paramNames.map((n) => PARAM_CONVENTIONS[n](shape)),
      ...flopNames.map((n) => FLOP_COUNTERS[n](shape) * r.tokens),
      r.gpu_hours,
      r.loss,
      r.subset,
      r.cooldown,
      r.lr_ablation,
      r.source,
    ];
  });
  return cells;
}

/** Returns runs.csv text (collect's layout) of imported rows, every count computed from the row's shape. */
export function runsCsvOf(rows: readonly ImportedRow[]): string {
  return formatCsv(runsColumns(), runsCellsOf(rows));
}

function gaussian(rng: { next(): number }): number {
  const u = Math.max(rng.next(), Number.MIN_VALUE), v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Validates simulate parameters; returns them or throws naming the field. */
export function validateSimulateParams(p: SimulateParams): SimulateParams {
  if (p.law === null && p.lawFrom === null) throw new Error(`simulate: give field "law" or field "lawFrom"`);
  if (!(p.paramsConvention in PARAM_CONVENTIONS)) {
    throw new Error(
      `simulate: field "paramsConvention" must be one of ${
        Object.keys(PARAM_CONVENTIONS).join(", ")
      }, got "${p.paramsConvention}"`,
    );
  }
  if (!(Number.isInteger(p.checkpoints) && p.checkpoints >= 1)) {
    throw new Error(`simulate: field "checkpoints" must be a positive integer, got ${p.checkpoints}`);
  }
  if (!(p.firstFraction > 0 && p.firstFraction <= 1)) {
    throw new Error(`simulate: field "firstFraction" must be in (0, 1], got ${p.firstFraction}`);
  }
  if (!(p.tokensPerStep > 0)) throw new Error(`simulate: field "tokensPerStep" must be > 0`);
  if (!(p.noise >= 0)) throw new Error(`simulate: field "noise" must be >= 0, got ${p.noise}`);
  if (p.cooldown !== null && !(p.cooldown.fraction >= 0 && p.cooldown.drop >= 0 && p.cooldown.drop < 1)) {
    throw new Error(`simulate: field "cooldown" needs fraction >= 0 and drop in [0, 1)`);
  }
  return p;
}

/** One model to simulate: its shape and the tokens its run reaches. */
export interface SimulatedModel {
  /** Shape (architecture fields filled in). */
  readonly shape: ShapeSpec;
  /** Tokens of the full run. */
  readonly tokens: number;
}

/**
 * Returns the simulated checkpoints of `models` under `law` (losses in nats per token): per model, a
 * constant-LR run "sim_<W>x<D>" and, with cooldown, a run "sim_cool_<W>x<D>_<k>" per checkpoint k.
 */
export function simulateRows(
  models: readonly SimulatedModel[],
  law: AdditiveLaw,
  p: Omit<SimulateParams, "grid" | "architecture" | "law" | "lawFrom">,
): ImportedRow[] {
  validateSimulateParams({
    ...p,
    grid: "",
    architecture: {} as SimulateParams["architecture"],
    law,
    lawFrom: null,
  });
  const rng = seededRng(p.seed);
  const count = PARAM_CONVENTIONS[p.paramsConvention];
  const rows: ImportedRow[] = [];
  const lossAt = (shape: ShapeSpec, tokens: number) =>
    evaluateLaw(law, { params: count(shape), tokens, width: shape.width, depth: shape.depth });
  const noisy = (loss: number) => p.noise > 0 ? loss * Math.exp(p.noise * gaussian(rng)) : loss;
  for (const m of models) {
    const model = `${m.shape.width}x${m.shape.depth}`;
    const { width, depth, ...rest } = m.shape;
    const shape = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    const base = {
      width,
      depth,
      params_published: NaN,
      gpu_hours: NaN,
      lr_ablation: false,
      source: "user" as const,
      file: "simulate",
      shape,
    };
    const n = p.checkpoints;
    for (let k = 0; k < n; k++) {
      const frac = n === 1 ? 1 : Math.exp(Math.log(p.firstFraction) * (1 - k / (n - 1)));
      const step = Math.max(1, Math.round(frac * m.tokens / p.tokensPerStep));
      const tokens = step * p.tokensPerStep;
      rows.push({
        ...base,
        run_id: `sim_${model}`,
        step,
        tokens,
        loss: noisy(lossAt(m.shape, tokens)),
        subset: SIMULATED_SUBSET,
        cooldown: false,
        line: rows.length + 1,
      });
      if (p.cooldown !== null) {
        const coolStep = Math.max(step + 1, Math.round(step * (1 + p.cooldown.fraction)));
        const coolTokens = coolStep * p.tokensPerStep;
        const hot = lossAt(m.shape, coolTokens);
        rows.push({
          ...base,
          run_id: `sim_cool_${model}_${k}`,
          step: coolStep,
          tokens: coolTokens,
          loss: noisy(law.E + (hot - law.E) * (1 - p.cooldown.drop)),
          subset: SIMULATED_COOL_SUBSET,
          cooldown: true,
          line: rows.length + 1,
        });
      }
    }
  }
  return rows;
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
      const rows = simulateRows(models, law, p);
      await writeFileAtomic(`${ctx.outDir}/runs.csv`, runsCsvOf(rows));
      await writeFileAtomic(
        `${ctx.outDir}/simulate.json`,
        JSON.stringify({ law, models: models.length, rows: rows.length, settings: p }, null, 2) + "\n",
      );
      ctx.log(`simulate: ${rows.length} checkpoints of ${models.length} models`);
    },
  };
}
