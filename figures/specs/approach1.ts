/**
 * Paper Figure 4 (and its ablations, Figures 10 and 11) as the authors' plotters/approach_1.py draws it
 * (its second figure, 2 × 2): row one, loss of every checkpoint against training FLOPs and against GPU-hours,
 * one line per model, the lower convex hull marked and joined; row two, tokens per parameter against the
 * same axes: the authors' binning (the lowest loss in each of 750 log-spaced buckets over the range, faint
 * red crosses, and its power-law fit, red), the hull points (black crosses) and their fit (blue), and on the
 * FLOPs panel the published prescriptions. Every panel spans the data's range only.
 * @module
 */
import type { Approach1Method, Approach1Record, FrontierPoint, SelectedRow } from "../../records/schemas.ts";
import {
  evalPower,
  type FigureDraft,
  fmt,
  PARAMS_COLOR,
  referencePrescriptions,
  topLevel,
} from "./common.ts";
import { logSpace } from "../../scaling/logspace.ts";

/** Input of {@link approach1Figure}. */
export interface Approach1Data {
  /** Checkpoints fitted (the variant's selected rows). */
  readonly rows: readonly SelectedRow[];
  /** The Approach 1 record of the variant. */
  readonly record: Approach1Record;
  /** Variant name. */
  readonly variant: string;
  /** Subsets the rows come from. */
  readonly subsets: readonly string[];
  /** Paper figure number and what it shows (default 4, the main fit; 10 and 11 are its lr and cooldown ablations). */
  readonly paper?: { readonly number: number; readonly what: string };
}

function frontierRows(points: readonly FrontierPoint[], method: string) {
  return points.map((p) => ({
    compute: p.compute,
    loss: p.loss,
    params: p.params,
    tokens: p.tokens,
    tokensPerParam: p.tokens / p.params,
    model: p.model,
    run_id: p.run_id,
    method,
  }));
}

/** Legend labels of the tokens-per-parameter panels' own lines. */
const HULL_LABEL = "Approach 1 hull (ours)";
const BINNING_LABEL = "Binning (750 buckets, the authors')";

/** Returns the x channel of a panel on `field` over the data's range `[lo, hi]`. */
function xChannel(field: string, title: string, lo: number, hi: number, exponent: boolean) {
  return {
    field,
    type: "quantitative",
    scale: { type: "log", domain: [lo, hi], nice: false },
    title,
    // FLOPs span several decades: exponent labels ("2e+19") rather than digit groups.
    ...(exponent ? { axis: { format: ".0e" } } : {}),
  };
}

function lossPanel(
  title: string,
  xField: string,
  xTitle: string,
  hull: string,
  [lo, hi]: readonly [number, number],
): Record<string, unknown> {
  const x = xChannel(xField, xTitle, lo, hi, xField === "flops");
  const y = {
    field: "loss",
    type: "quantitative",
    scale: { zero: false },
    title: "validation loss (nats/token)",
  };
  return {
    title,
    width: 380,
    height: 300,
    layer: [
      {
        data: { name: "checkpoints" },
        transform: [{ filter: `isValid(datum.${xField}) && datum.${xField} > 0` }],
        mark: { type: "line", point: { size: 12 }, strokeWidth: 1, opacity: 0.8, clip: true },
        encoding: {
          x,
          y,
          detail: { field: "run_id" },
          color: PARAMS_COLOR,
          tooltip: [
            { field: "model" },
            { field: "tokens", type: "quantitative", format: ".3s" },
            { field: "loss", type: "quantitative", format: ".4f" },
          ],
        },
      },
      {
        data: { name: hull },
        mark: {
          type: "line",
          color: "black",
          strokeWidth: 1.5,
          strokeDash: [2, 2],
          point: { shape: "cross", angle: 45, filled: true, size: 60, color: "black" },
        },
        encoding: {
          x: { ...x, field: "compute" },
          y,
          tooltip: [{ field: "model" }, { field: "compute", type: "quantitative", format: ".3s" }],
        },
      },
    ],
  };
}

/** The tokens-per-parameter panel on one compute axis (`column`: "flops" or "gpu_hours"). */
function tokensPerParamPanel(
  column: string,
  xTitle: string,
  [lo, hi]: readonly [number, number],
  laws: readonly string[],
  dashes: readonly number[][],
): Record<string, unknown> {
  const x = xChannel("compute", xTitle, lo, hi, column === "flops");
  const y = {
    field: "tokensPerParam",
    type: "quantitative",
    scale: { type: "log" },
    title: "tokens / parameter",
  };
  const only = { filter: `datum.column === '${column}'` };
  return {
    title: `Tokens per parameter vs ${xTitle}`,
    width: 380,
    height: 260,
    layer: [
      {
        data: { name: "binningTokensPerParam" },
        transform: [only],
        mark: {
          type: "point",
          shape: "cross",
          angle: 45,
          filled: true,
          size: 30,
          color: "red",
          opacity: 0.3,
        },
        encoding: {
          x,
          y,
          tooltip: [{ field: "model" }, { field: "tokensPerParam", type: "quantitative", format: ".3r" }],
        },
      },
      {
        data: { name: "hullTokensPerParam" },
        transform: [only],
        mark: { type: "point", shape: "cross", angle: 45, filled: true, size: 70, color: "black" },
        encoding: {
          x,
          y,
          tooltip: [{ field: "model" }, { field: "tokensPerParam", type: "quantitative", format: ".3r" }],
        },
      },
      {
        data: { name: "prescriptionLines" },
        transform: [only],
        mark: { type: "line", strokeWidth: 2, clip: true },
        encoding: {
          x,
          y,
          color: {
            field: "law",
            type: "nominal",
            title: "tokens / parameter",
            scale: {
              domain: laws,
              range: ["#1f77b4", "#d62728", "#000000", "#666666", "#aaaaaa"].slice(0, laws.length),
            },
            legend: { labelLimit: 320, orient: "bottom", columns: 3 },
          },
          strokeDash: { field: "law", type: "nominal", legend: null, scale: { domain: laws, range: dashes } },
        },
      },
    ],
  };
}

function methodText(m: Approach1Method): string {
  return `N_opt = ${fmt(m.params.k)}·C^${fmt(m.params.exponent)}, D_opt = ${fmt(m.tokens.k)}·C^${
    fmt(m.tokens.exponent)
  }, D/N = ${fmt(m.tokensPerParam.k)}·C^${fmt(m.tokensPerParam.exponent)} (${m.points.length} points)`;
}

/** Returns the smallest and largest positive finite value of `xs` (the range a panel spans). */
export function dataRange(xs: readonly number[]): [number, number] {
  const finite = xs.filter((x) => Number.isFinite(x) && x > 0);
  if (finite.length === 0) throw new Error("approach1Figure: no positive compute values to span");
  return [Math.min(...finite), Math.max(...finite)];
}

/** Returns paper Figure 4 (or 10, 11): the Approach 1 loss frontiers and tokens-per-parameter fits. */
export function approach1Figure(data: Approach1Data): FigureDraft {
  const { record } = data;
  const paper = data.paper ?? { number: 4, what: "" };
  const checkpoints = data.rows.map((r) => ({
    run_id: r.run_id,
    model: r.model,
    params: r.params,
    tokens: r.tokens,
    flops: r.flops,
    gpu_hours: Number.isFinite(r.gpu_hours) && r.gpu_hours > 0 ? r.gpu_hours : null,
    loss: r.loss,
  }));
  const gpu = record.gpuHours;
  const columns = [
    {
      column: "flops",
      title: "training FLOPs",
      fits: record.flops,
      range: dataRange(data.rows.map((r) => r.flops)),
    },
    ...(gpu
      ? [{
        column: "gpu_hours",
        title: "GPU-hours",
        fits: gpu,
        range: dataRange(data.rows.map((r) => r.gpu_hours)),
      }]
      : []),
  ];
  const refs = referencePrescriptions();
  const laws = [HULL_LABEL, BINNING_LABEL, ...refs.map((r) => r.label)];
  const dashes = [[1, 0], [1, 0], [4, 2], [6, 3], [1, 3]];
  const lines: Record<string, unknown>[] = [];
  const hullTpp: Record<string, unknown>[] = [];
  const binTpp: Record<string, unknown>[] = [];
  for (const c of columns) {
    const xs = logSpace(c.range[0], c.range[1], 24);
    for (const [label, m] of [[HULL_LABEL, c.fits.hull], [BINNING_LABEL, c.fits.binning]] as const) {
      for (const x of xs) {
        lines.push({
          column: c.column,
          compute: x,
          tokensPerParam: evalPower(m.tokensPerParam, x),
          law: label,
        });
      }
    }
    // The published prescriptions are functions of FLOPs: drawn on the FLOPs panel only, as the authors.
    if (c.column === "flops") {
      for (const ref of refs) {
        for (const x of xs) {
          lines.push({
            column: c.column,
            compute: x,
            tokensPerParam: evalPower(ref.tokens, x) / evalPower(ref.params, x),
            law: ref.label,
          });
        }
      }
    }
    hullTpp.push(...frontierRows(c.fits.hull.points, "hull").map((p) => ({ ...p, column: c.column })));
    binTpp.push(...frontierRows(c.fits.binning.points, "binning").map((p) => ({ ...p, column: c.column })));
  }
  const row1 = columns.map((c) =>
    lossPanel(
      `Loss vs ${c.title}`,
      c.column,
      c.title,
      c.column === "flops" ? "hullFlops" : "hullGpuHours",
      c.range,
    )
  );
  const row2 = columns.map((c) => tokensPerParamPanel(c.column, c.title, c.range, laws, dashes));
  const spec = topLevel({
    title: `Approach 1${paper.what}: the compute frontier and tokens per parameter ` +
      `(variant ${data.variant})`,
    datasets: {
      checkpoints,
      hullFlops: frontierRows(record.flops.hull.points, "hull"),
      hullGpuHours: gpu ? frontierRows(gpu.hull.points, "hull") : [],
      prescriptionLines: lines,
      hullTokensPerParam: hullTpp,
      binningTokensPerParam: binTpp,
    },
    vconcat: [
      { hconcat: row1, resolve: { scale: { color: "shared" } } },
      { hconcat: row2, resolve: { scale: { color: "shared", strokeDash: "shared" } } },
    ],
    resolve: { scale: { color: "independent" } },
  });
  const caption =
    `${checkpoints.length} checkpoints of ${new Set(checkpoints.map((c) => c.run_id)).size} runs ` +
    `(subsets ${data.subsets.join(", ")}; variant ${data.variant}). Hull on FLOPs: ${
      methodText(record.flops.hull)
    }. ` +
    `Binning as the authors' (${record.bins} log-spaced buckets over the range, the lowest loss of each ` +
    `non-empty one): ${methodText(record.flops.binning)}.` +
    (gpu
      ? ` On GPU-hours H: hull D/N ∝ H^${fmt(gpu.hull.tokensPerParam.exponent)} (${gpu.hull.points.length} ` +
        `points), binning D/N ∝ H^${
          fmt(gpu.binning.tokensPerParam.exponent)
        } (${gpu.binning.points.length} ` +
        `points).`
      : "") +
    " What differs from the authors' plot: runs are coloured by parameter count (theirs by model_styles.json), " +
    "and we add Hoffmann's own prescription beside Epoch's replication and Kaplan's.";
  return {
    paperFigure: String(paper.number),
    name: paper.number === 4 ? "approach1" : `approach1-${record.variant}`,
    title: `Approach 1${paper.what}: loss frontiers and tokens per parameter`,
    caption,
    howToRead:
      "Top: every dot is a checkpoint, joined per model and coloured by parameter count; the dotted black line " +
      "with crosses is the lower convex hull (the compute-optimal frontier). Bottom: tokens per parameter of " +
      "the frontier points: black crosses and the blue line are the hull's; faint red crosses are the lowest " +
      "loss in each of the authors' 750 log-spaced buckets and the red line their fit. With checkpoints this " +
      "sparse the binning picks many off-frontier points and its tokens per parameter fall steeply, while the " +
      "hull's stay nearly flat, as Chinchilla found: the contrast that motivates the hull.",
    spec,
  };
}

/**
 * Returns paper Figure 9 (Appendix C.1, the authors' 4 x 2 Approach 1 panels beyond Figure 4): the hull points'
 * parameters and tokens against FLOPs (left) and GPU-hours (right), with their power-law fits and, on the FLOPs
 * panels, the Chinchilla (Hoffmann, Epoch) and Kaplan prescriptions, as plotters/approach_1.py draws them.
 */
export function approach1ExtendedFigure(data: Approach1Data): FigureDraft {
  const { record } = data;
  const columns: { key: string; title: string; hull: Approach1Method }[] = [
    { key: "FLOPs", title: "training FLOPs", hull: record.flops.hull },
    ...(record.gpuHours ? [{ key: "GPU-hours", title: "GPU-hours", hull: record.gpuHours.hull }] : []),
  ];
  const points: Record<string, unknown>[] = [];
  const lines: Record<string, unknown>[] = [];
  for (const c of columns) {
    const xs = c.hull.points.map((p) => p.compute);
    const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
    for (const p of c.hull.points) {
      points.push({ column: c.key, x: p.compute, value: p.params, quantity: "params", model: p.model });
      points.push({ column: c.key, x: p.compute, value: p.tokens, quantity: "tokens", model: p.model });
    }
    for (const x of logSpace(lo, hi, 12)) {
      lines.push({
        column: c.key,
        x,
        value: evalPower(c.hull.params, x),
        quantity: "params",
        law: "Approach 1 (ours)",
      });
      lines.push({
        column: c.key,
        x,
        value: evalPower(c.hull.tokens, x),
        quantity: "tokens",
        law: "Approach 1 (ours)",
      });
      if (c.key !== "FLOPs") continue;
      for (const ref of referencePrescriptions()) {
        lines.push({ column: c.key, x, value: evalPower(ref.params, x), quantity: "params", law: ref.label });
        lines.push({ column: c.key, x, value: evalPower(ref.tokens, x), quantity: "tokens", law: ref.label });
      }
    }
  }
  const laws = ["Approach 1 (ours)", ...referencePrescriptions().map((r) => r.label)];
  const panel = (c: { key: string; title: string }, quantity: string) => {
    const only = { filter: `datum.column === '${c.key}' && datum.quantity === '${quantity}'` };
    const x = {
      field: "x",
      type: "quantitative",
      scale: { type: "log", nice: false },
      title: c.title,
      axis: { format: ".0e" },
    };
    const y = {
      field: "value",
      type: "quantitative",
      scale: { type: "log" },
      title: quantity,
      axis: { format: ".0e" },
    };
    return {
      width: 300,
      height: 200,
      layer: [
        {
          data: { name: "lines" },
          transform: [only],
          mark: { type: "line", strokeWidth: 2, clip: true },
          encoding: {
            x,
            y,
            color: {
              field: "law",
              type: "nominal",
              title: "law",
              scale: { domain: laws, range: ["#1f77b4", "#000000", "#666666", "#aaaaaa"] },
              legend: { orient: "bottom", labelLimit: 300 },
            },
            strokeDash: {
              field: "law",
              type: "nominal",
              title: "law",
              legend: { orient: "bottom", labelLimit: 300 },
              scale: { domain: laws, range: [[1, 0], [4, 3], [4, 3], [4, 3]] },
            },
          },
        },
        {
          data: { name: "points" },
          transform: [only],
          mark: { type: "point", shape: "cross", size: 60, color: "black", filled: true },
          encoding: {
            x,
            y,
            tooltip: [{ field: "model" }, { field: "value", type: "quantitative", format: ".3s" }],
          },
        },
      ],
    };
  };
  const spec = topLevel({
    title: `Approach 1, extended: parameters and tokens of the frontier (variant ${data.variant})`,
    datasets: { points, lines },
    vconcat: ["params", "tokens"].map((q) => ({ hconcat: columns.map((c) => panel(c, q)) })),
    resolve: { scale: { color: "shared" } },
  });
  const f = record.flops.hull;
  const caption =
    `The ${f.points.length} FLOPs-hull points of Figure 4 (subsets ${data.subsets.join(", ")}; ` +
    `variant ${data.variant}): N_opt = ${fmt(f.params.k)}·C^${fmt(f.params.exponent)}, D_opt = ${
      fmt(f.tokens.k)
    }·C^${fmt(f.tokens.exponent)}` +
    (record.gpuHours
      ? `; on GPU-hours H (${record.gpuHours.hull.points.length} points): N_opt = ${
        fmt(record.gpuHours.hull.params.k)
      }·H^${fmt(record.gpuHours.hull.params.exponent)}, D_opt = ${fmt(record.gpuHours.hull.tokens.k)}·H^${
        fmt(record.gpuHours.hull.tokens.exponent)
      }.`
      : ".");
  return {
    paperFigure: "9",
    name: "approach1-extended",
    title: "Approach 1, extended: parameters and tokens",
    caption,
    howToRead:
      "Crosses are the compute-optimal checkpoints of Figure 4 (the lower convex hull), the blue line their " +
      "power-law fit; dashed, the published prescriptions (FLOPs panels only). A steeper parameters line than " +
      "Chinchilla's means the frontier puts more of a growing budget into model size.",
    spec,
  };
}
