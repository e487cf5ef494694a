/**
 * Vega-Lite builders of seed 003's figures (the state report, figures/state_report.ts): the state scaling
 * law of each architecture (loss and recall against state, log x), the central plot (state across, final
 * loss up, one line per architecture, a selector for the model width), the heat map (context × state,
 * colour = loss) with a slider over the validation checkpoints and the fitted iso-loss line, and learning
 * curves. Pure: rows and fits in, specs out.
 * @module
 */
import type { VlSpec } from "../render.ts";
import { logAxisChannel, topLevel } from "./common.ts";
import type { StateCurveRow, StateRunRow } from "../../records/state_runs.ts";
import type { StateFits } from "../../records/state_runs.ts";
import { stateLawLoss } from "../../scaling/state/state_law.ts";
import { recallAt } from "../../scaling/state/recall_law.ts";
import { isoLossState } from "../../scaling/state/context_law.ts";

const KIND_COLOR = {
  field: "kind",
  type: "nominal",
  title: "mixer",
  scale: {
    domain: ["softmax", "window", "taylor", "power"],
    range: ["#222222", "#1f77b4", "#d62728", "#2ca02c"],
  },
};

/** Returns `n` log-spaced values from `lo` to `hi` (both > 0). */
function logSpace(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo * Math.pow(hi / lo, i / (n - 1)));
}

const usable = (r: StateRunRow) => !r.diverged && Number.isFinite(r.loss);

/** The runs each state law was fitted to (largest growing context of each width), with the width's label. */
function lawRuns(rows: readonly StateRunRow[], fits: StateFits): StateRunRow[] {
  const ctx = new Map(fits.stateLaws.map((l) => [l.width, `T${l.context}_K${l.pairs}`]));
  return rows.filter((r) => usable(r) && ctx.get(r.width) === `T${r.context}_K${r.pairs}`);
}

/** Figure: loss and recall against state size per mixer (log x), at the smallest width, with the fitted laws. */
export function stateLawSpec(rows: readonly StateRunRow[], fits: StateFits): VlSpec {
  const width = Math.min(...fits.stateLaws.map((l) => l.width));
  const pts = lawRuns(rows, fits).filter((r) => r.width === width);
  const states = pts.map((r) => r.state);
  const laws = fits.stateLaws.filter((l) => l.width === width);
  // A refused fit is not drawn (its law says nothing); the table under the figures lists every verdict.
  const curve = laws.flatMap((l) => {
    const own = pts.filter((r) => r.kind === l.kind).map((r) => r.state);
    return logSpace(Math.min(...own), Math.max(...own), 30).map((state) => ({
      kind: l.kind,
      state,
      verdict: l.loss.health.verdict,
      loss: l.loss.health.verdict === "refused" ? null : stateLawLoss(l.loss, state),
      // A recall curve is drawn only when its fit is ok (a warned one has no transition in the data).
      accuracy: l.recall?.health.verdict === "ok" ? recallAt(l.recall, state) : null,
    }));
  });
  const x = logAxisChannel("state", { title: "state size S (floats, all layers)", values: states });
  const panel = (field: "loss" | "accuracy", title: string) => ({
    width: 300,
    height: 240,
    layer: [
      {
        data: { values: curve.filter((c) => c[field] !== null) },
        mark: { type: "line", clip: true },
        encoding: {
          x,
          y: { field, type: "quantitative", title, scale: { zero: false } },
          color: KIND_COLOR,
          detail: { field: "kind" },
          strokeDash: {
            field: "verdict",
            type: "nominal",
            title: "fit verdict",
            scale: { domain: ["ok", "warn"], range: [[1, 0], [5, 3]] },
          },
        },
      },
      {
        data: { values: pts.filter((r) => Number.isFinite(r[field])) },
        mark: { type: "point", filled: true, size: 50 },
        encoding: {
          x,
          y: { field, type: "quantitative", title, scale: { zero: false } },
          color: KIND_COLOR,
          tooltip: [{ field: "mixer" }, { field: "state", format: ".3s" }, { field, format: ".3f" }],
        },
      },
    ],
  });
  return topLevel({
    title: `State scaling laws at width ${width}, context ${laws[0]?.context ?? "?"}`,
    hconcat: [
      panel("loss", "final loss at answers (nats)"),
      panel("accuracy", "recall (accuracy at answers)"),
    ],
    resolve: { scale: { color: "shared" } },
  });
}

/** Figure: final loss against state, one line per mixer kind, a selector for the width; dashed: 1.05 × softmax. */
export function centralSpec(rows: readonly StateRunRow[], fits: StateFits): VlSpec {
  const pts = lawRuns(rows, fits).filter((r) => r.seed === 0);
  const widths = [...new Set(pts.map((r) => r.width))].sort((a, b) => a - b);
  const target = fits.stateLaws.filter((l) => l.star !== null).map((l) => ({
    width: l.width,
    target: l.star!.targetLossNats,
  }));
  const x = logAxisChannel("state", {
    title: "state size S (floats, all layers)",
    values: pts.map((r) => r.state),
  });
  const filter = { filter: "datum.width == width_select" };
  return topLevel({
    title: "Final loss against state size, one line per architecture",
    width: 460,
    height: 300,
    params: [{
      name: "width_select",
      value: widths[0],
      bind: { input: "select", options: widths, name: "model width " },
    }],
    layer: [
      {
        data: { values: pts },
        transform: [filter],
        mark: { type: "line", point: { filled: true, size: 50 } },
        encoding: {
          x,
          y: {
            field: "loss",
            type: "quantitative",
            title: "final loss at answers (nats)",
            scale: { zero: false },
          },
          color: KIND_COLOR,
          order: { field: "state" },
          tooltip: [{ field: "mixer" }, { field: "width" }, { field: "state", format: ".3s" }, {
            field: "loss",
            format: ".3f",
          }],
        },
      },
      {
        data: { values: target },
        transform: [filter],
        mark: { type: "rule", strokeDash: [4, 3], color: "#222" },
        encoding: { y: { field: "target", type: "quantitative" } },
      },
    ],
  });
}

/** The heat map's points: every checkpoint of the fitted context law's runs, numbered 1..n per run. */
function heatRows(
  rows: readonly StateRunRow[],
  curves: readonly StateCurveRow[],
  kind: string,
  width: number,
  contexts: readonly string[],
) {
  const runs = new Map(
    rows.filter((r) =>
      r.kind === kind && r.width === width && r.seed === 0 && contexts.includes(`T${r.context}_K${r.pairs}`)
    )
      .map((r) => [r.run_id, r]),
  );
  const out: {
    state: number;
    context: number;
    loss: number;
    checkpoint: number;
    mixer: string;
    step: number;
  }[] = [];
  const byRun = new Map<string, StateCurveRow[]>();
  for (const c of curves) if (runs.has(c.run_id)) byRun.set(c.run_id, [...(byRun.get(c.run_id) ?? []), c]);
  for (const [id, cs] of byRun) {
    const r = runs.get(id)!;
    cs.sort((a, b) => a.step - b.step).forEach((c, i) =>
      out.push({
        state: r.state,
        context: r.context,
        loss: c.loss,
        checkpoint: i + 1,
        mixer: r.mixer,
        step: c.step,
      })
    );
  }
  return out;
}

/** The context law the heat map draws: the first one not refused, growing-K regime first (else the first). */
export function heatMapLaw(fits: StateFits): StateFits["contextLaws"][number] | undefined {
  const order = [...fits.contextLaws].sort((a, b) =>
    (a.regime === "growing" ? 0 : 1) - (b.regime === "growing" ? 0 : 1)
  );
  return order.find((c) => c.fit.health.verdict !== "refused") ?? order[0];
}

/**
 * Figure: the heat map of the first fitted context law (context up, state across, colour = loss), a slider
 * over the validation checkpoints, and the fitted iso-loss line S ∝ T^γ through the median final loss.
 */
export function heatMapSpec(
  rows: readonly StateRunRow[],
  curves: readonly StateCurveRow[],
  fits: StateFits,
  contexts: readonly string[],
  fixed: readonly string[],
): VlSpec | null {
  const law = heatMapLaw(fits);
  if (law === undefined) return null;
  const pts = heatRows(rows, curves, law.kind, law.width, law.regime === "growing" ? contexts : fixed);
  if (pts.length === 0) return null;
  const last = Math.max(...pts.map((p) => p.checkpoint));
  const finals = pts.filter((p) => p.checkpoint === last).map((p) => p.loss).sort((a, b) => a - b);
  const level = finals[Math.floor(finals.length / 2)];
  const ctxs = pts.map((p) => p.context);
  const iso = logSpace(Math.min(...ctxs), Math.max(...ctxs), 20).map((context) => ({
    context,
    state: isoLossState(law.fit, level, context),
  })).filter((p) => Number.isFinite(p.state));
  const x = logAxisChannel("state", {
    title: "state size S (floats, all layers)",
    values: pts.map((p) => p.state),
  });
  const y = logAxisChannel("context", { title: "training context T (tokens)", values: ctxs, pad: 1.3 });
  return topLevel({
    title: `Loss over context × state (${law.kind}, width ${law.width}, ${law.regime} K): γ = ${
      law.fit.gamma.toFixed(2)
    } (fit ${law.fit.health.verdict})`,
    width: 420,
    height: 300,
    params: [{
      name: "checkpoint",
      value: last,
      bind: { input: "range", min: 1, max: last, step: 1, name: "checkpoint " },
    }],
    layer: [
      {
        data: { values: pts },
        transform: [{ filter: "datum.checkpoint == checkpoint" }],
        mark: { type: "square", size: 500, opacity: 1 },
        encoding: {
          x,
          y,
          color: {
            field: "loss",
            type: "quantitative",
            title: "loss (nats)",
            scale: { scheme: "viridis", reverse: true },
          },
          tooltip: [{ field: "mixer" }, { field: "context" }, { field: "step" }, {
            field: "loss",
            format: ".3f",
          }],
        },
      },
      {
        data: { values: iso },
        mark: { type: "line", color: "#d62728", strokeDash: [6, 3], clip: true },
        encoding: { x, y, order: { field: "context" } },
      },
    ],
  });
}

/** Figure: learning curves (validation loss against tokens) of selected runs, one line per run. */
export function learningCurvesSpec(curves: readonly StateCurveRow[], runs: readonly StateRunRow[]): VlSpec {
  const chosen = new Map(runs.map((r) => [r.run_id, r]));
  const pts = curves.filter((c) => chosen.has(c.run_id)).map((c) => ({
    ...c,
    mixer: chosen.get(c.run_id)!.mixer,
    kind: chosen.get(c.run_id)!.kind,
  }));
  return topLevel({
    title: "Learning curves of selected runs",
    width: 420,
    height: 280,
    data: { values: pts },
    mark: { type: "line", point: true },
    encoding: {
      x: logAxisChannel("tokens", { title: "training tokens", values: pts.map((p) => p.tokens) }),
      y: {
        field: "loss",
        type: "quantitative",
        title: "validation loss at answers (nats)",
        scale: { zero: false },
      },
      color: { field: "mixer", type: "nominal", title: "run" },
      tooltip: [{ field: "mixer" }, { field: "step" }, { field: "loss", format: ".3f" }],
    },
  });
}
