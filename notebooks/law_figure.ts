/**
 * The "data with the fitted laws" figure of the Fit your own runs notebook: every checkpoint's loss against
 * tokens (points coloured by the run's parameter count) and, for each run, each fitted law evaluated at that run's other
 * variables over a log-spaced token range that reaches past the data (lines; one dash per law), so a
 * reader sees where a law follows the runs and where it extrapolates. Held-out rows are drawn as crosses.
 * @module
 */
import { type AdditiveLaw, evaluateLaw } from "../scaling/law.ts";
import { logSpace } from "../scaling/logspace.ts";
import { logAxisChannel, PARAMS_COLOR, topLevel } from "../figures/specs/common.ts";
import type { VlSpec } from "../figures/render.ts";

/** One checkpoint of the figure. */
export interface LawFigureRow {
  /** Run name (one colour and one curve per run). */
  readonly run: string;
  /** The law's variables at this checkpoint (must include `tokens` and `params`, which colours the run). */
  readonly x: Readonly<Record<string, number>>;
  /** Observed loss, nats per token. */
  readonly loss: number;
  /** Whether the row was held out of the fit (drawn as a cross). */
  readonly heldOut?: boolean;
}

/** Input of {@link lawFigure}. */
export interface LawFigureData {
  /** Title of the figure. */
  readonly title: string;
  /** The checkpoints. */
  readonly rows: readonly LawFigureRow[];
  /** The fitted laws, each with its legend label. */
  readonly laws: readonly { readonly label: string; readonly law: AdditiveLaw }[];
  /** How far past the largest token count the curves reach (factor, default 4). */
  readonly extend?: number;
  /** Points per curve (default 24). */
  readonly samples?: number;
}

/** Returns the Vega-Lite spec of the figure (see the module doc); throws when a row has no `tokens`. */
export function lawFigure(data: LawFigureData): VlSpec {
  if (data.rows.length === 0) throw new Error("lawFigure: no rows");
  for (const r of data.rows) {
    for (const v of ["tokens", "params"]) {
      if (!(r.x[v] > 0)) throw new Error(`lawFigure: run ${r.run}: no positive "${v}" value`);
    }
  }
  const tokens = data.rows.map((r) => r.x.tokens);
  const lo = Math.min(...tokens), hi = Math.max(...tokens) * (data.extend ?? 4);
  const grid = logSpace(lo, hi, data.samples ?? 24);
  const firstOf = new Map<string, LawFigureRow>();
  for (const r of data.rows) if (!firstOf.has(r.run)) firstOf.set(r.run, r);
  const curves = data.laws.flatMap(({ label, law }) =>
    [...firstOf.values()].flatMap((r) =>
      grid.map((t) => ({
        run: r.run,
        params: r.x.params,
        law: label,
        tokens: t,
        loss: evaluateLaw(law, { ...r.x, tokens: t }),
      }))
    )
  );
  const points = data.rows.map((r) => ({
    run: r.run,
    params: r.x.params,
    tokens: r.x.tokens,
    loss: r.loss,
    heldOut: r.heldOut === true,
  }));
  const x = logAxisChannel("tokens", { title: "training tokens", values: [lo, hi] });
  const losses = [...points.map((p) => p.loss)];
  const y = {
    field: "loss",
    type: "quantitative",
    title: "loss (nats/token)",
    scale: { zero: false, domain: [Math.min(...losses) * 0.97, Math.max(...losses) * 1.02] },
  };
  const labels = data.laws.map((l) => l.label);
  const dash = {
    field: "law",
    type: "nominal",
    title: "fitted law",
    scale: { domain: labels, range: labels.map((_, i) => (i === 0 ? [1, 0] : [6 - i, 2 + i])) },
    legend: { labelLimit: 320, symbolStrokeColor: "#444" },
  };
  return topLevel({
    title: data.title,
    width: 520,
    height: 360,
    datasets: { points, curves },
    layer: [
      {
        data: { name: "curves" },
        mark: { type: "line", strokeWidth: 1.2, clip: true },
        encoding: {
          x,
          y,
          color: PARAMS_COLOR,
          detail: { field: "run" },
          strokeDash: dash,
        },
      },
      {
        data: { name: "points" },
        mark: { type: "point", filled: true, size: 28 },
        encoding: {
          x,
          y,
          color: PARAMS_COLOR,
          shape: {
            field: "heldOut",
            type: "nominal",
            title: "held out",
            scale: { domain: [false, true], range: ["circle", "cross"] },
          },
          tooltip: [
            { field: "run" },
            { field: "params", type: "quantitative", format: ".3s" },
            { field: "tokens", type: "quantitative", format: ".3s" },
            { field: "loss", type: "quantitative", format: ".4f" },
          ],
        },
      },
    ],
  });
}
