/**
 * The table of the learning-rate sweep, `lr_sweep.csv`: its row type, columns and reader. Kept apart from
 * `lr_sweep.ts` (which builds training stages) so that the report reads sweeps without depending on the
 * trainer's code.
 * @module
 */
import { readCsvObjects } from "./schemas.ts";

/** One row of lr_sweep.csv. */
export interface LrSweepRow {
  /** Shape "WxD". */
  readonly model: string;
  /** "wide" or "deep". */
  readonly role: string;
  /** Size label. */
  readonly size: string;
  /** Width. */
  readonly width: number;
  /** Depth. */
  readonly depth: number;
  /** Peak learning rate. */
  readonly lr: number;
  /** lr · width · √depth (the width-depth rule's constant at this lr). */
  readonly lr_width_sqrt_depth: number;
  /** Final validation loss, nats per token (NaN when the run diverged or has none). */
  readonly final_loss: number;
  /** Whether the run diverged. */
  readonly diverged: boolean;
}

/** Columns of lr_sweep.csv. */
export const LR_SWEEP_COLUMNS: readonly (keyof LrSweepRow)[] = [
  "model",
  "role",
  "size",
  "width",
  "depth",
  "lr",
  "lr_width_sqrt_depth",
  "final_loss",
  "diverged",
];

/** Returns the typed rows of an lr_sweep.csv (empty final_loss becomes NaN); throws naming the file, line and field. */
export async function readLrSweepRows(path: string): Promise<LrSweepRow[]> {
  const raw = await readCsvObjects(path);
  return raw.map((r, i) => {
    const line = i + 2;
    const num = (f: string, allowEmpty = false): number => {
      const v = r[f];
      if (v === undefined) throw new Error(`${path}: line ${line}: missing field "${f}"`);
      if (v === "" && allowEmpty) return NaN;
      const x = Number(v);
      if (v === "" || !Number.isFinite(x)) {
        throw new Error(`${path}: line ${line}: field "${f}" must be a number, got "${v}"`);
      }
      return x;
    };
    if (r.diverged !== "true" && r.diverged !== "false") {
      throw new Error(`${path}: line ${line}: field "diverged" must be true or false, got "${r.diverged}"`);
    }
    for (const f of ["model", "role", "size"]) {
      if (!r[f]) throw new Error(`${path}: line ${line}: field "${f}" must be non-empty`);
    }
    return {
      model: r.model,
      role: r.role,
      size: r.size,
      width: num("width"),
      depth: num("depth"),
      lr: num("lr"),
      lr_width_sqrt_depth: num("lr_width_sqrt_depth"),
      final_loss: num("final_loss", true),
      diverged: r.diverged === "true",
    };
  });
}
