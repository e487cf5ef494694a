/**
 * Figure 2 (seed 002 Figure 4): Approach 1. Row one: loss of every checkpoint against training FLOPs
 * and against GPU-hours, one line per model, the lower-convex-hull points marked and joined, the
 * Chinchilla-binning frontier as open squares. Row two: the tokens-per-parameter prescription of the
 * hull fit and of the binning fit against FLOPs, with the Hoffmann, Epoch and Kaplan reference lines.
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
  /** FLOP range of the prescription panel (default: the data's FLOPs from 1/10 of the least to 10^4 × the most). */
  readonly flopsRange?: readonly [number, number];
  /** Paper figure number and what it shows (default 4, the main fit; 10 and 11 are its lr and cooldown ablations). */
  readonly paper?: { readonly number: number; readonly what: string };
}

function frontierRows(points: readonly FrontierPoint[], method: string) {
  return points.map((p) => ({
    compute: p.compute,
    loss: p.loss,
    params: p.params,
    tokens: p.tokens,
    model: p.model,
    run_id: p.run_id,
    method,
  }));
}

function lossPanel(
  title: string,
  xField: string,
  xTitle: string,
  hull: string,
  bins: string,
): Record<string, unknown> {
  const x = {
    field: xField,
    type: "quantitative",
    scale: { type: "log", nice: false },
    title: xTitle,
    // FLOPs span many decades: exponent labels ("2e+19") rather than digit groups.
    ...(xField === "flops" ? { axis: { format: ".0e" } } : {}),
  };
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
        mark: { type: "line", point: { size: 12 }, strokeWidth: 1, opacity: 0.8 },
        encoding: {
          x: { ...x, field: xField },
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
        data: { name: bins },
        mark: { type: "point", shape: "square", size: 70, color: "#e45756", strokeWidth: 1.5 },
        encoding: { x: { ...x, field: "compute" }, y },
      },
      {
        data: { name: hull },
        mark: {
          type: "line",
          color: "black",
          strokeWidth: 1.5,
          point: { filled: true, size: 50, color: "black" },
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

function methodText(m: Approach1Method): string {
  return `N_opt = ${fmt(m.params.k)}·C^${fmt(m.params.exponent)}, D_opt = ${fmt(m.tokens.k)}·C^${
    fmt(m.tokens.exponent)
  }, D/N = ${fmt(m.tokensPerParam.k)}·C^${fmt(m.tokensPerParam.exponent)} (${m.points.length} points)`;
}

/**
 * Returns the default FLOP range of the prescription panel: from a tenth of the smallest checkpoint's FLOPs to
 * 10^4 times the largest, rounded out to whole decades (1e17..1e25 for the Gemstones runs).
 */
export function defaultFlopsRange(flops: readonly number[]): [number, number] {
  const finite = flops.filter((f) => Number.isFinite(f) && f > 0);
  if (finite.length === 0) return [1e17, 1e25];
  const lo = Math.floor(Math.log10(Math.min(...finite))) - 1;
  const hi = Math.ceil(Math.log10(Math.max(...finite))) + 4;
  return [Math.pow(10, lo), Math.pow(10, hi)];
}

/** Returns Figure 2: the Approach 1 loss frontiers and tokens-per-parameter prescriptions. */
export function approach1Figure(data: Approach1Data): FigureDraft {
  const { record } = data;
  const paper = data.paper ?? { number: 4, what: "" };
  const [lo, hi] = data.flopsRange ?? defaultFlopsRange(data.rows.map((r) => r.flops));
  const checkpoints = data.rows.map((r) => ({
    run_id: r.run_id,
    model: r.model,
    params: r.params,
    tokens: r.tokens,
    flops: r.flops,
    gpu_hours: Number.isFinite(r.gpu_hours) ? r.gpu_hours : null,
    loss: r.loss,
  }));
  const xs = logSpace(lo, hi, 41);
  const lines: { flops: number; tokensPerParam: number; law: string }[] = [];
  const ours: [string, Approach1Method][] = [
    ["Approach 1 hull (ours)", record.flops.hull],
    ["Approach 1 Chinchilla binning", record.flops.binning],
  ];
  for (const [label, m] of ours) {
    for (const c of xs) lines.push({ flops: c, tokensPerParam: evalPower(m.tokensPerParam, c), law: label });
  }
  for (const ref of referencePrescriptions()) {
    for (const c of xs) {
      lines.push({
        flops: c,
        tokensPerParam: evalPower(ref.tokens, c) / evalPower(ref.params, c),
        law: ref.label,
      });
    }
  }
  const hullTpp = record.flops.hull.points.map((p) => ({
    flops: p.compute,
    tokensPerParam: p.tokens / p.params,
    model: p.model,
  }));
  const gpu = record.gpuHours;
  const row1: Record<string, unknown>[] = [
    lossPanel("Loss vs training FLOPs", "flops", "training FLOPs", "hullFlops", "binsFlops"),
  ];
  if (gpu) {
    row1.push(lossPanel("Loss vs GPU-hours", "gpu_hours", "GPU-hours", "hullGpuHours", "binsGpuHours"));
  }
  const prescriptionPanel = {
    title: "Tokens per parameter prescribed",
    width: 380 * row1.length + (row1.length - 1) * 40,
    height: 260,
    layer: [
      {
        data: { name: "prescriptionLines" },
        mark: { type: "line", strokeWidth: 2, clip: true },
        encoding: {
          x: {
            field: "flops",
            type: "quantitative",
            scale: { type: "log", nice: false },
            title: "training FLOPs",
            axis: { format: ".0e" },
          },
          y: {
            field: "tokensPerParam",
            type: "quantitative",
            scale: { type: "log", domain: [1, 3000] },
            title: "tokens / parameter",
          },
          color: {
            field: "law",
            type: "nominal",
            title: "prescription",
            scale: { scheme: "category10" },
            legend: { labelLimit: 320 },
          },
          strokeDash: {
            field: "law",
            type: "nominal",
            legend: null,
            scale: {
              domain: [...ours.map((o) => o[0]), ...referencePrescriptions().map((r) => r.label)],
              range: [[1, 0], [6, 3], [2, 2], [4, 2], [1, 3]],
            },
          },
        },
      },
      {
        data: { name: "hullTokensPerParam" },
        mark: { type: "point", filled: true, color: "black", size: 40 },
        encoding: {
          x: { field: "flops", type: "quantitative", scale: { type: "log" } },
          y: { field: "tokensPerParam", type: "quantitative", scale: { type: "log" } },
          tooltip: [{ field: "model" }, { field: "tokensPerParam", type: "quantitative", format: ".3r" }],
        },
      },
    ],
  };
  const spec = topLevel({
    title: `Approach 1${paper.what}: the compute frontier and tokens per parameter ` +
      `(variant ${data.variant})`,
    datasets: {
      checkpoints,
      hullFlops: frontierRows(record.flops.hull.points, "hull"),
      binsFlops: frontierRows(record.flops.binning.points, "binning"),
      hullGpuHours: gpu ? frontierRows(gpu.hull.points, "hull") : [],
      binsGpuHours: gpu ? frontierRows(gpu.binning.points, "binning") : [],
      prescriptionLines: lines,
      hullTokensPerParam: hullTpp,
    },
    vconcat: [{ hconcat: row1, resolve: { scale: { color: "shared" } } }, prescriptionPanel],
    resolve: { scale: { color: "independent" } },
  });
  const caption =
    `${checkpoints.length} checkpoints of ${new Set(checkpoints.map((c) => c.run_id)).size} runs ` +
    `(subsets ${data.subsets.join(", ")}; variant ${data.variant}). Hull on FLOPs: ${
      methodText(record.flops.hull)
    }. ` +
    `Chinchilla binning (${record.binsPerDecade} bins/decade): ${methodText(record.flops.binning)}.` +
    (gpu ? ` Hull on GPU-hours: N_opt = ${fmt(gpu.hull.params.k)}·H^${fmt(gpu.hull.params.exponent)}.` : "");
  return {
    paperFigure: String(paper.number),
    name: paper.number === 4 ? "approach1" : `approach1-${record.variant}`,
    title: `Approach 1${paper.what}: loss frontiers and tokens per parameter`,
    caption,
    howToRead:
      "Top: every dot is a checkpoint, joined per model and coloured by parameter count; the black line is " +
      "the lower convex hull (the compute-optimal frontier) and the red squares are the best checkpoint per " +
      "log-spaced FLOP bin (Chinchilla's Approach 1). Bottom: the tokens-per-parameter ratio each fit prescribes " +
      "as the budget grows (black dots: the hull points themselves); a flat line means parameters and tokens " +
      "should grow together, as Chinchilla found.",
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
