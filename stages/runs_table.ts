/**
 * The layout of collect's `runs.csv`, shared by every stage that writes one (collect, the collect
 * stages of own runs, simulate): its columns, and the cells of imported rows with every counting
 * convention (scaling/count PARAM_CONVENTIONS) and FLOP counter computed from each row's shape.
 * @module
 */
import { FLOP_COUNTERS } from "../scaling/count/flops.ts";
import { PARAM_CONVENTIONS } from "../scaling/count/conventions.ts";
import type { ShapeSpec } from "../scaling/count/shape.ts";
import { formatCsv } from "../records/importers/table.ts";
import type { ImportedRow } from "../records/importers/row.ts";

/** Returns the columns of runs.csv, in order. */
export function runsColumns(): string[] {
  return [
    "run_id",
    "model",
    "width",
    "depth",
    "step",
    "tokens",
    "params_published",
    ...Object.keys(PARAM_CONVENTIONS).map((n) => `params_${n}`),
    ...Object.keys(FLOP_COUNTERS).map((n) => `flops_${n}`),
    "gpu_hours",
    "loss",
    "subset",
    "cooldown",
    "lr_ablation",
    "source",
  ];
}

/** Returns the shape of an imported row (Gemstones defaults unless the row overrides them). */
export function shapeOfRow(row: ImportedRow): ShapeSpec {
  return { width: row.width, depth: row.depth, ...row.shape };
}

/**
 * Returns the cells of runs.csv ({@link runsColumns} order) of imported rows, in their order, counts from
 * each row's shape (computed once per distinct shape: a run's checkpoints share one).
 */
export function runsCellsOf(rows: readonly ImportedRow[]): (string | number | boolean)[][] {
  const paramNames = Object.keys(PARAM_CONVENTIONS), flopNames = Object.keys(FLOP_COUNTERS);
  const byShape = new Map<string, { params: number[]; flopsPerToken: number[] }>();
  return rows.map((r) => {
    const shape = shapeOfRow(r);
    const key = JSON.stringify(shape);
    let counts = byShape.get(key);
    if (counts === undefined) {
      counts = {
        params: paramNames.map((n) => PARAM_CONVENTIONS[n](shape)),
        flopsPerToken: flopNames.map((n) => FLOP_COUNTERS[n](shape)),
      };
      byShape.set(key, counts);
    }
    return [
      r.run_id,
      `${r.width}x${r.depth}`,
      r.width,
      r.depth,
      r.step,
      r.tokens,
      r.params_published,
      ...counts.params,
      ...counts.flopsPerToken.map((f) => f * r.tokens),
      r.gpu_hours,
      r.loss,
      r.subset,
      r.cooldown,
      r.lr_ablation,
      r.source,
    ];
  });
}

/** Returns runs.csv text of imported rows, every count computed from the row's shape. */
export function runsCsvOf(rows: readonly ImportedRow[]): string {
  return formatCsv(runsColumns(), runsCellsOf(rows));
}
