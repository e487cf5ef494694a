/**
 * The sensitivity figures: Gemstones Figure 20 (the fitted exponent ratio against the start-grid size, one
 * line per Huber δ, drawn as the authors' plotters/slope_analysis.py draws it) and the tornado of N_opt
 * and D_opt at one budget over the choices around a fit.
 * @module
 */
import type { GridSizeStudyRecord, SensitivityRecord } from "../../records/sensitivity.ts";
import { escapeHtml, type FigureDraft, fmt, topLevel } from "./common.ts";
import { FIGURE20_DELTAS, FIGURE20_GRID_SIZES } from "../../scaling/fit/sensitivity.ts";
import { subdividedGridShape } from "../../scaling/fit/grid.ts";

/** Returns the starts of the authors' subdivided Eq. 1 grids of the target sizes `sizes`, summed. */
function missingStarts(sizes: readonly number[]): number {
  return sizes.reduce((a, g) => a + subdividedGridShape(g, 2).size, 0);
}

/** Returns `x` as Python's `f"{x}"` prints a float (0.001, 0.0001, 1e-05): the authors' legend labels. */
export function pythonFloat(x: number): string {
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-4 || a >= 1e16)) {
    const [m, e] = x.toExponential().split("e");
    const n = Number(e);
    return `${m}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  }
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

/** The colours of matplotlib's default cycle (C0, C1, C2), the authors' line colours. */
const MPL_CYCLE = ["#1f77b4", "#ff7f0e", "#2ca02c"];

/** Figure 20 data: one row per (δ, grid size), as plotted. */
export interface GridSizeDatum {
  /** Legend label of the δ (Python's print of it). */
  readonly delta: string;
  /** Target grid size (x). */
  readonly gridSize: number;
  /** α / (α + β) (y). */
  readonly ratio: number;
  /** Best objective (the point's annotation, "%.2e"). */
  readonly loss: number;
}

/** Returns the plotted rows of a grid-size study, in the record's order. */
export function gridSizeData(record: GridSizeStudyRecord): GridSizeDatum[] {
  return record.points.map((p) => ({
    delta: pythonFloat(p.delta),
    gridSize: p.gridSize,
    ratio: p.ratio,
    loss: p.objective,
  }));
}

/** Returns the reproduction of Gemstones Figure 20 from a grid_size_study record. */
export function gridSizeFigure(record: GridSizeStudyRecord): FigureDraft {
  const data = gridSizeData(record);
  const deltas = [...new Set(data.map((d) => d.delta))];
  const x = { field: "gridSize", type: "quantitative", title: "Grid Size", scale: { zero: false } };
  const y = {
    field: "ratio",
    type: "quantitative",
    title: "Params Exp / (Params Exp + Tokens Exp)",
    scale: { zero: false },
  };
  const sizes = [...new Set(record.points.map((p) => p.gridSize))];
  const missing = FIGURE20_GRID_SIZES.filter((g) => !sizes.includes(g));
  const missingDeltas = FIGURE20_DELTAS.filter((d) => !record.points.some((p) => p.delta === d));
  // What differs from the authors' figure, said on the figure.
  const differs = [
    ...(missing.length === 0 ? [] : [
      `The authors' figure has all ${FIGURE20_GRID_SIZES.length} sizes to ${
        FIGURE20_GRID_SIZES.at(-1)
      }; this run leaves out ${missing.length} (${missing[0]}-${missing.at(-1)}), which would cost about ` +
      `${Math.round(missingStarts(missing) * deltas.length / 1e5) / 10}M more ` +
      `L-BFGS fits (minutes on two cores): set figure20GridSizes to FIGURE20_GRID_SIZES in the profile to ` +
      `run them.`,
    ]),
    ...(missingDeltas.length === 0
      ? []
      : [`The authors also plot δ ${missingDeltas.map(pythonFloat).join(", ")}, not run here.`]),
  ];
  const spec = topLevel({
    title: {
      text: "Scaling Law vs Fitted Tokens vs Grid Size",
      // What differs from the authors' figure, on the image itself.
      ...(missing.length === 0 ? {} : {
        subtitle: `${sizes.length} of the authors' ${FIGURE20_GRID_SIZES.length} grid sizes ` +
          `(${sizes[0]}-${sizes.at(-1)}; ${missing[0]}-${missing.at(-1)} left out for time)`,
      }),
    },
    width: 720,
    height: 480,
    data: { values: data },
    layer: [
      {
        mark: { type: "line", strokeWidth: 3, point: { filled: true, size: 80 } },
        encoding: {
          x,
          y,
          color: {
            field: "delta",
            type: "nominal",
            scale: { domain: deltas, range: MPL_CYCLE.slice(0, deltas.length) },
            // (the authors' legend has no title; ours names the Huber δ the two lines differ by)
            legend: { orient: "bottom", direction: "horizontal", title: "Huber δ" },
          },
        },
      },
      {
        mark: { type: "text", align: "left", baseline: "bottom", dx: 5, dy: -5, fontSize: 8, color: "black" },
        encoding: { x, y, text: { field: "loss", type: "quantitative", format: ".2e" } },
      },
    ],
    config: { axis: { grid: true, gridColor: "#b0b0b0", labelFontSize: 11, titleFontSize: 12 } },
  });
  const byDelta = deltas.map((label) => {
    const rows = data.filter((d) => d.delta === label);
    const ratios = rows.map((r) => r.ratio);
    return `δ ${label}: α/(α+β) from ${fmt(Math.min(...ratios), 4)} to ${fmt(Math.max(...ratios), 4)} over ` +
      `${rows.length} grid sizes`;
  });
  const published = record.published.map((p) =>
    `δ ${pythonFloat(p.delta)}: ${fmt(p.ratio, 4)} (objective ${p.objective.toExponential(2)})`
  );
  return {
    paperFigure: "20",
    name: "grid-size",
    title: "Fitted exponent ratio against start-grid size",
    caption:
      `Eq. 1 (L = E + A·N^-α + B·D^-β) fitted to the ${record.rows} rows of "${record.subset}" from each ` +
      `of the authors' subdivided start grids (${sizes.length} target sizes, ${sizes[0]}-${sizes.at(-1)} ` +
      `starts; exponents on [0, 2.5], ln A on [0, 30], ln E on [-1, 1.5]) with their optimiser settings ` +
      `(L-BFGS, gradient tolerance ${record.optimiser.tolerance}, relative decrease 2.2e-9 with a floor of ` +
      `${record.optimiser.relativeFloor}); each point is the best converged start, labelled with its ` +
      `objective. ${byDelta.join("; ")}. The authors' stored fits on their main 4,500-start grid: ` +
      `${published.length > 0 ? published.join("; ") : "none for these deltas"}` +
      `${record.published.length < deltas.length ? " (they store none for the other deltas)" : ""}.` +
      (differs.length > 0 ? ` ${differs.join(" ")}` : ""),
    howToRead: "A flat line means the grid is large enough: the exponent ratio (the exponent of D_opt in " +
      "D_opt ∝ C^(α/(α+β))) no longer depends on where the search starts. Jumps between neighbouring sizes " +
      "are starts stopping early in a flat valley (the optimiser stops when the objective falls by less " +
      "than 2.2e-9), not a change of the data; the annotated objectives show how little the fits differ.",
    spec,
  };
}

/** One bar of the tornado: a choice and the spread of N_opt or D_opt over its alternatives. */
export interface TornadoBar {
  /** The choice ("Huber δ", …). */
  readonly choice: string;
  /** Which quantity ("N_opt" or "D_opt"). */
  readonly quantity: "N_opt" | "D_opt";
  /** Lowest and highest value over the alternatives and the baseline, relative to the baseline. */
  readonly lo: number;
  readonly hi: number;
  /** The alternatives at the low and the high end ("" where the end is the baseline). */
  readonly loOption: string;
  readonly hiOption: string;
}

/** Returns the tornado bars of a sensitivity record (both quantities), widest first per quantity. */
export function tornadoBars(record: SensitivityRecord): TornadoBar[] {
  const base = record.results.find((r) => r.choice === "baseline");
  if (base === undefined) throw new Error(`sensitivity ${record.variant}: no baseline result`);
  const out: TornadoBar[] = [];
  for (const quantity of ["N_opt", "D_opt"] as const) {
    const value = (
      r: (typeof record.results)[number],
    ) => (quantity === "N_opt" ? r.paramsOpt / base.paramsOpt : r.tokensOpt / base.tokensOpt);
    const choices = [...new Set(record.results.filter((r) => r.choice !== "baseline").map((r) => r.choice))];
    const bars = choices.map((choice) => {
      let lo = 1, hi = 1, loOption = "", hiOption = "";
      for (const r of record.results.filter((x) => x.choice === choice)) {
        const v = value(r);
        if (v < lo) [lo, loOption] = [v, r.option];
        if (v > hi) [hi, hiOption] = [v, r.option];
      }
      return { choice, quantity, lo, hi, loOption, hiOption };
    });
    bars.sort((a, b) => Math.log(b.hi / b.lo) - Math.log(a.hi / a.lo));
    out.push(...bars);
  }
  return out;
}

/** Returns the tornado chart of N_opt and D_opt at the record's budget, with a table of every refit. */
export function tornadoFigure(record: SensitivityRecord): FigureDraft {
  const base = record.results.find((r) => r.choice === "baseline")!;
  const bars = tornadoBars(record);
  const alternatives = record.results.filter((r) => r.choice !== "baseline");
  const points = alternatives.flatMap((r) => [
    { choice: r.choice, option: r.option, quantity: "N_opt", ratio: r.paramsOpt / base.paramsOpt },
    { choice: r.choice, option: r.option, quantity: "D_opt", ratio: r.tokensOpt / base.tokensOpt },
  ]);
  const panel = (quantity: "N_opt" | "D_opt") => {
    const mine = bars.filter((b) => b.quantity === quantity);
    const order = mine.map((b) => b.choice);
    const lo = Math.min(...mine.map((b) => b.lo)), hi = Math.max(...mine.map((b) => b.hi));
    // Room for the end labels: the domain spans the bars widened by half their log range on each side.
    const pad = Math.max(Math.log(hi / lo), Math.log(1.02)) * 0.6;
    const scale = { type: "log", domain: [lo * Math.exp(-pad), hi * Math.exp(pad)], nice: false };
    const y = { field: "choice", type: "nominal", title: null, sort: order };
    const x = { field: "ratio", type: "quantitative", title: `${quantity} / baseline (log scale)`, scale };
    const ends = mine.flatMap((b) => [
      ...(b.loOption === "" ? [] : [{ choice: b.choice, ratio: b.lo, option: b.loOption, side: "lo" }]),
      ...(b.hiOption === "" ? [] : [{ choice: b.choice, ratio: b.hi, option: b.hiOption, side: "hi" }]),
    ]);
    return {
      width: 420,
      height: 30 * order.length,
      title: `${quantity} at ${record.flops.toExponential(0)} FLOPs`,
      layer: [
        {
          data: { values: mine },
          mark: { type: "bar", color: "#9ecae1", height: 16 },
          encoding: { y, x: { ...x, field: "lo" }, x2: { field: "hi" } },
        },
        {
          data: { values: points.filter((p) => p.quantity === quantity) },
          mark: { type: "point", filled: true, color: "#08519c", size: 40 },
          encoding: { y, x, tooltip: [{ field: "option" }, { field: "ratio", format: ".3f" }] },
        },
        {
          data: { values: ends.filter((e) => e.side === "lo") },
          mark: { type: "text", align: "right", dx: -6, fontSize: 9, color: "#333" },
          encoding: { y, x, text: { field: "option" } },
        },
        {
          data: { values: ends.filter((e) => e.side === "hi") },
          mark: { type: "text", align: "left", dx: 6, fontSize: 9, color: "#333" },
          encoding: { y, x, text: { field: "option" } },
        },
        {
          data: { values: [{ ratio: 1 }] },
          mark: { type: "rule", color: "black", strokeDash: [4, 3] },
          encoding: { x: { field: "ratio", type: "quantitative", scale } },
        },
      ],
    };
  };
  const spec = topLevel({
    title: `Sensitivity of the compute-optimal allocation (variant ${record.variant}, Eq. 1)`,
    hconcat: [panel("N_opt"), panel("D_opt")],
    resolve: { scale: { x: "independent" } },
  });
  const widest = (q: "N_opt" | "D_opt") => {
    const b = bars.find((x) => x.quantity === q)!;
    return `${b.choice} (×${fmt(b.lo, 3)} to ×${fmt(b.hi, 3)})`;
  };
  const rows = record.results.map((r) =>
    `<tr><td>${escapeHtml(r.choice)}</td><td>${escapeHtml(r.option)}</td><td>${r.points}</td>` +
    `<td>${r.starts}</td><td>${r.objective.toExponential(4)}</td><td>${
      fmt(r.law.terms[0]?.alpha ?? NaN, 4)
    }</td>` +
    `<td>${fmt(r.law.terms[1]?.alpha ?? NaN, 4)}</td><td>${fmt(r.paramsOpt, 3)}</td>` +
    `<td>${fmt(r.paramsOpt / base.paramsOpt, 3)}</td><td>${fmt(r.tokensOpt, 3)}</td>` +
    `<td>${fmt(r.tokensOpt / base.tokensOpt, 3)}</td></tr>`
  );
  const tablesHtml = `<table><thead><tr><th>choice</th><th>alternative</th><th>rows</th><th>starts</th>` +
    `<th>objective</th><th>α</th><th>β</th><th>N_opt</th><th>÷ baseline</th><th>D_opt</th><th>÷ baseline</th>` +
    `</tr></thead><tbody>${rows.join("")}</tbody></table>`;
  return {
    // Not a paper figure: this project's own, ordered after the paper's.
    paperFigure: "S1",
    name: "sensitivity",
    title: `What moves N_opt and D_opt (tornado, ${
      record.flops.toExponential(0)
    } FLOPs; this project, not the paper)`,
    caption: `The variant's Eq. 1 law refitted once per alternative choice, each alternative changing one ` +
      `choice of the baseline (${alternatives.length} alternatives); N_opt and D_opt at ` +
      `${record.flops.toExponential(0)} FLOPs by the brute force over continuous shapes under each case's ` +
      `FLOP counter and params convention. Baseline: N_opt ${fmt(base.paramsOpt, 3)}, D_opt ` +
      `${fmt(base.tokensOpt, 3)} (variant ${record.variant}). Widest bars: N_opt ${widest("N_opt")}, D_opt ` +
      `${widest("D_opt")}.`,
    howToRead:
      "Each bar spans the values of N_opt (left) or D_opt (right) over a choice's alternatives and " +
      "the baseline, divided by the baseline (dashed line at 1); dots are the alternatives, the labels name " +
      "the alternatives at the two ends, and the table lists every refit. The widest bars are the choices a " +
      "prescription depends on most: report them with the fit.",
    spec,
    tablesHtml,
  };
}
