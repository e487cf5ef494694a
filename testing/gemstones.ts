/**
 * Test and bench helpers: read the Gemstones fitting tables shipped in data/gemstones and synthesise points
 * from a known law. Not part of the scaling library (used by its tests and `bench/scaling.ts`).
 * @module
 */

import { type AdditiveLaw, evaluateLaw } from "../scaling/law.ts";
import { seededRng } from "../util/rng.ts";
import type { FitPoint } from "../scaling/fit/types.ts";

/** One row of a Gemstones `wandb_df_for_fitting_*.jsonl` table. */
export interface GemstonesRow {
  /** Run name. */
  readonly run_name: string;
  /** Active parameters (exact count). */
  readonly params_active_precise: number;
  /** Model width. */
  readonly width: number;
  /** Number of layers. */
  readonly depth: number;
  /** Tokens seen at this checkpoint. */
  readonly tokens: number;
  /** Loss in nats per token. */
  readonly final_loss: number;
}

/** Returns the rows of data/gemstones/wandb_dfs/<file>; errors name the file and line. */
export function readGemstones(file: string): GemstonesRow[] {
  const url = new URL(`../data/gemstones/wandb_dfs/${file}`, import.meta.url);
  const text = Deno.readTextFileSync(url);
  return text.split("\n").filter((l) => l.trim() !== "").map((line, i) => {
    const row = JSON.parse(line) as GemstonesRow;
    for (const f of ["params_active_precise", "width", "depth", "tokens", "final_loss"] as const) {
      if (typeof row[f] !== "number") {
        throw new Error(`${url.pathname}: line ${i + 1}: field ${f} is not a number`);
      }
    }
    return row;
  });
}

/** Returns fit points (x: params, tokens, width, depth; loss; group = run) of Gemstones rows. */
export function gemstonesPoints(rows: readonly GemstonesRow[]): FitPoint[] {
  return rows.map((r) => ({
    x: { params: r.params_active_precise, tokens: r.tokens, width: r.width, depth: r.depth },
    lossNats: r.final_loss,
    group: r.run_name,
  }));
}

/**
 * Returns the points with their loss replaced by `law`'s prediction times exp(σ·z), z standard normal
 * from a seeded generator (σ = 0: noise-free).
 */
export function synthesise(
  points: readonly FitPoint[],
  law: AdditiveLaw,
  sigma: number,
  seed: number,
): FitPoint[] {
  const rng = seededRng(seed);
  return points.map((p) => {
    const u1 = rng.next() || 1e-300, u2 = rng.next();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    return { ...p, lossNats: evaluateLaw(law, p.x) * Math.exp(sigma * z) };
  });
}
