/**
 * Figure S2 (not a paper figure): how well the data identify the exponents of a variable projection fit.
 * The profile objective over the exponents (the fit's objective at each exponent cell's least-squares
 * coefficients, minimised over the other exponents) as one curve per exponent and as a heat map per pair
 * of exponents, in excess over the lowest cell (the profile's own minimum: least
 * squares is not the Huber optimum of a cell, so every cell lies some percent above the polished optimum).
 * @module
 */
import type { Approach3Record } from "../../records/schemas.ts";
import { type Figure, fmt, topLevel } from "./common.ts";

/** Excess over the lowest cell below which an exponent counts as "as good as the best" in the caption (1 %). */
export const FLAT_EXCESS = 0.01;

/** Floor of the plotted excess (log scale): cells within 1e-4 of the optimum are drawn at the floor. */
const EXCESS_FLOOR = 1e-4;

/** Returns excess = objective ÷ optimum − 1, floored for the log scale (null: no finite cell). */
function excessOf(value: number | null, best: number): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  return Math.max(value / best - 1, EXCESS_FLOOR);
}

/**
 * Returns, per variable, the exponents whose profile lies within `FLAT_EXCESS` of the lowest cell: the
 * smallest and largest such exponent (the flat valley along that exponent).
 */
export function flatRanges(fit: Approach3Record): { variable: string; lo: number; hi: number }[] {
  const p = fit.projection;
  if (p === undefined) return [];
  return fit.terms.map((t, i) => {
    const ok = p.profile.exponents.filter((_, g) => {
      const v = p.profile.marginal[i][g];
      return v !== null && Number.isFinite(v) && v / p.bestCellObjective - 1 <= FLAT_EXCESS;
    });
    return { variable: t.variable, lo: Math.min(...ok), hi: Math.max(...ok) };
  });
}

/** Returns Figure S2 of a variable projection fit, or null when the fit has no projection profile. */
export function identifiabilityFigure(fit: Approach3Record, reads: readonly string[]): Figure | null {
  const p = fit.projection;
  if (p === undefined) return null;
  const best = p.bestCellObjective;
  const excessAxis = {
    field: "excess",
    type: "quantitative",
    title: "profile ÷ lowest cell − 1",
    scale: { type: "log", domain: [EXCESS_FLOOR, 10], clamp: true },
    axis: { format: ".0e", tickCount: 5 },
  };
  const curves = fit.terms.map((t, i) => ({
    width: 170,
    height: 150,
    title: `${t.variable} exponent`,
    layer: [
      {
        data: {
          values: p.profile.exponents.map((alpha, g) => ({
            alpha,
            excess: excessOf(p.profile.marginal[i][g], best),
          })).filter((d) => d.excess !== null),
        },
        mark: { type: "line", point: { size: 14 }, color: "#08519c" },
        encoding: {
          x: { field: "alpha", type: "quantitative", title: "exponent", scale: { domain: [p.lo, p.hi] } },
          y: excessAxis,
          tooltip: [{ field: "alpha", format: ".2f" }, { field: "excess", format: ".2e" }],
        },
      },
      {
        data: { values: [{ alpha: t.alpha }] },
        mark: { type: "rule", color: "#d62728", strokeDash: [4, 3] },
        encoding: { x: { field: "alpha", type: "quantitative" } },
      },
    ],
  }));
  const pairOf = (a: string, b: string) =>
    p.profile.pairs.find((q) => q.variables[0] === a && q.variables[1] === b);
  const G = p.profile.exponents.length;
  const heat = (a: string, b: string) => {
    const pair = pairOf(a, b);
    if (pair === undefined) return [];
    const ta = fit.terms.find((t) => t.variable === a)!, tb = fit.terms.find((t) => t.variable === b)!;
    const values = pair.values.map((v, at) => ({
      a: p.profile.exponents[Math.floor(at / G)],
      b: p.profile.exponents[at % G],
      excess: excessOf(v, best),
    })).filter((d) => d.excess !== null);
    const half = p.step / 2;
    return [{
      width: 210,
      height: 210,
      title: `${a} × ${b} exponents`,
      layer: [
        {
          data: {
            values: values.map((d) => ({
              ...d,
              a0: d.a - half,
              a1: d.a + half,
              b0: d.b - half,
              b1: d.b + half,
            })),
          },
          mark: { type: "rect" },
          encoding: {
            x: {
              field: "a0",
              type: "quantitative",
              title: `${a} exponent`,
              scale: { domain: [p.lo - half, p.hi + half], nice: false },
            },
            x2: { field: "a1" },
            y: {
              field: "b0",
              type: "quantitative",
              title: `${b} exponent`,
              scale: { domain: [p.lo - half, p.hi + half], nice: false },
            },
            y2: { field: "b1" },
            color: {
              field: "excess",
              type: "quantitative",
              title: ["profile ÷", "lowest cell − 1"],
              scale: {
                type: "log",
                domain: [EXCESS_FLOOR, 10],
                clamp: true,
                scheme: "viridis",
                reverse: true,
              },
              legend: { format: ".0e" },
            },
            tooltip: [{ field: "a", format: ".2f", title: a }, { field: "b", format: ".2f", title: b }, {
              field: "excess",
              format: ".2e",
            }],
          },
        },
        {
          data: { values: [{ a: ta.alpha, b: tb.alpha }] },
          mark: { type: "point", shape: "cross", size: 120, color: "#d62728", strokeWidth: 2 },
          encoding: { x: { field: "a", type: "quantitative" }, y: { field: "b", type: "quantitative" } },
        },
      ],
    }];
  };
  // Every pair of exponents, three heat maps a row.
  const heats = p.profile.pairs.flatMap((q) => heat(q.variables[0], q.variables[1]));
  const rows = [];
  for (let i = 0; i < heats.length; i += 3) rows.push({ hconcat: heats.slice(i, i + 3) });
  const spec = topLevel({
    title: `Profile objective over the exponents (${fit.form}, variant ${fit.variant}; not a paper figure)`,
    vconcat: [{ hconcat: curves }, ...rows],
    resolve: { scale: { color: "shared" } },
  });
  const flat = flatRanges(fit).map((r) => `${r.variable} ${fmt(r.lo, 3)}-${fmt(r.hi, 3)}`).join(", ");
  return {
    // Not a paper figure: this project's own, ordered after the paper's and the tornado S1.
    paperFigure: "S2",
    name: "identifiability",
    title: "Identifiability of the exponents (not a paper figure): the profile objective of the Eq. 2 fit",
    reads,
    caption:
      `Variable projection over every exponent cell on [${p.lo}, ${p.hi}] every ${p.step} (${
        fit.starts.toLocaleString("en-US")
      } cells, the exponents of the authors' ${
        fit.grid.fullGridSize.toLocaleString("en-US")
      }-start grid, ${fit.rows} rows): in each cell the coefficients are solved by non-negative least squares and ` +
      `the Huber objective (δ = ${fit.huberDelta}) taken there. The lowest cell scores ${
        best.toExponential(4)
      }, ` +
      `${fmt(100 * (best / fit.objective - 1), 2)}% above the optimum ${
        fit.objective.toExponential(6)
      } that ` +
      `${p.atBest} of the ${p.polished} polished grid minima reached: the profile is an upper bound, least ` +
      `squares not being the Huber optimum of a cell, so it is drawn in excess over its own minimum. Exponents ` +
      `whose profile lies within ${
        100 * FLAT_EXCESS
      }% of that minimum: ${flat}. The dashed red lines and the ` +
      `crosses mark the fitted exponents.`,
    howToRead:
      "Each curve is the best objective the law reaches with one exponent held fixed and everything else free; " +
      "a sharp dip means the data pin that exponent down, a long flat floor means a valley along which the fit " +
      "can trade that exponent for others at almost no cost, so its value (and any prescription that hinges " +
      "on it) is not identified by these data. The heat maps show the same for two exponents at once: a long " +
      "yellow ridge is a valley of trade-offs. Where the curve's lowest cell and the fitted exponent (dashed) " +
      "part, least squares and the Huber objective prefer different trade-offs along such a valley.",
    spec,
  };
}
