/**
 * Figure 3 (seed 002 Figure 5): Approach 3 with the width-depth law (Eq. 2), optimised by brute force
 * over shapes: the prescribed width/depth ratio and tokens per parameter against FLOPs, with industry
 * models placed at 6·N·D FLOPs and the reference prescriptions on the tokens panel.
 * @module
 */
import type { Approach3Record, IndustryRow, Prescription } from "../../schemas.ts";
import {
  evalPower,
  type Figure,
  fmt,
  INDUSTRY_TOKENS,
  referencePrescriptions,
  shortName,
  topLevel,
} from "./common.ts";
import { logSpace } from "../../../scaling/logspace.ts";

/** Input of {@link approach3Figure}. */
export interface Approach3Data {
  /** Brute-force prescriptions of the Eq. 2 law (width and depth set). */
  readonly prescriptions: readonly Prescription[];
  /** The Eq. 2 fit (for the caption). */
  readonly fit: Approach3Record;
  /** Industry models (those with published token counts are plotted). */
  readonly industry: readonly IndustryRow[];
  /** Variant name. */
  readonly variant: string;
  /** Subsets fitted (for the caption). */
  readonly subsets: readonly string[];
}

/**
 * Returns how a fit record's starts were chosen, e.g. "1,000 seeded LHS starts of the 4,050,000-start Gemstones
 * grid, 999 converged" or "the full 4,500-start Gemstones grid, 4,500 converged".
 */
export function gridText(fit: Pick<Approach3Record, "grid" | "converged">): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const g = fit.grid;
  const how = g.kind === "gemstones"
    ? `the full ${n(g.fullGridSize)}-start Gemstones grid`
    : `${n(g.starts)} seeded ${g.kind === "lhs" ? "Latin-hypercube" : "random"} starts from the box of the ` +
      `${n(g.fullGridSize)}-start Gemstones grid`;
  return `${how}, ${n(fit.converged)} converged`;
}

/** Returns the law of a fit record as "E + A·x^-α + ..." text. */
export function lawText(fit: Pick<Approach3Record, "E" | "terms">): string {
  return `L = ${fmt(fit.E, 4)} + ` +
    fit.terms.map((t) => `${fmt(t.A, 4)}·${t.variable}^-${fmt(t.alpha, 3)}`).join(" + ");
}

/** Returns Figure 3: Approach 3 prescriptions of width/depth and tokens/param against FLOPs. */
export function approach3Figure(data: Approach3Data): Figure {
  const pres = data.prescriptions.filter((p) => p.width !== null && p.depth !== null);
  if (pres.length === 0) {
    throw new Error(
      `approach3Figure: variant ${data.variant} has no brute-force prescriptions with width and depth`,
    );
  }
  const ours = pres.map((p) => ({
    flops: p.flops,
    ratio: (p.width as number) / (p.depth as number),
    tokensPerParam: p.tokens / p.params,
    width: p.width,
    depth: p.depth,
    params: p.params,
    law: "Approach 3 (ours, Eq. 2)",
  }));
  const industry = data.industry
    .filter((r) => INDUSTRY_TOKENS[r.hf_name] !== undefined)
    .map((r) => {
      const tokens = INDUSTRY_TOKENS[r.hf_name];
      return {
        name: shortName(r.hf_name),
        flops: 6 * r.params * tokens,
        ratio: r.width / r.depth,
        tokensPerParam: tokens / r.params,
      };
    });
  const lo = Math.min(...ours.map((o) => o.flops)), hi = Math.max(...ours.map((o) => o.flops));
  const refLines = referencePrescriptions().flatMap((ref) =>
    logSpace(lo, hi, 30).map((c) => ({
      flops: c,
      tokensPerParam: evalPower(ref.tokens, c) / evalPower(ref.params, c),
      law: ref.label,
    }))
  );
  const x = { field: "flops", type: "quantitative", scale: { type: "log" }, title: "training FLOPs" };
  const industryLayer = (y: Record<string, unknown>) => ({
    data: { name: "industry" },
    layer: [
      {
        mark: { type: "point", shape: "cross", color: "#1f77b4", size: 60, filled: true },
        encoding: { x, y },
      },
      {
        mark: { type: "text", dx: 5, align: "left", fontSize: 8, color: "#1f77b4" },
        encoding: { x, y, text: { field: "name" } },
      },
    ],
  });
  const ratioY = { field: "ratio", type: "quantitative", scale: { type: "log" }, title: "width / depth" };
  const tppY = {
    field: "tokensPerParam",
    type: "quantitative",
    scale: { type: "log" },
    title: "tokens / parameter",
  };
  const spec = topLevel({
    title: `Approach 3, width-depth law (variant ${data.variant})`,
    datasets: { prescriptions: ours, industry, references: refLines },
    hconcat: [
      {
        title: "Prescribed width/depth ratio",
        width: 360,
        height: 300,
        layer: [
          {
            data: { name: "prescriptions" },
            mark: { type: "line", color: "#d62728", strokeWidth: 2.5, point: { size: 15, color: "#d62728" } },
            encoding: {
              x,
              y: ratioY,
              tooltip: [
                { field: "flops", type: "quantitative", format: ".2e" },
                { field: "width", type: "quantitative" },
                { field: "depth", type: "quantitative" },
              ],
            },
          },
          industryLayer(ratioY),
        ],
      },
      {
        title: "Prescribed tokens per parameter",
        width: 360,
        height: 300,
        layer: [
          {
            data: { name: "references" },
            mark: { type: "line", strokeDash: [4, 3] },
            encoding: {
              x,
              y: tppY,
              color: {
                field: "law",
                type: "nominal",
                title: "reference",
                scale: { scheme: "set2" },
                legend: { labelLimit: 320, orient: "bottom" },
              },
            },
          },
          {
            data: { name: "prescriptions" },
            mark: { type: "line", color: "#d62728", strokeWidth: 2.5 },
            encoding: { x, y: tppY },
          },
          industryLayer(tppY),
        ],
      },
    ],
  });
  const first = pres[0], last = pres[pres.length - 1];
  const boundary = pres.filter((p) => p.atBoundary === true).length;
  const caption =
    `Eq. 2 fit on subsets ${data.subsets.join(", ")} (variant ${data.variant}, ${data.fit.rows} rows, ` +
    `Huber δ=${data.fit.huberDelta}; ${gridText(data.fit)}): ${
      lawText(data.fit)
    }. Brute force over shapes: at ${fmt(first.flops)} FLOPs ` +
    `width ${first.width}, depth ${first.depth} (${fmt(first.tokens / first.params)} tokens/param); at ` +
    `${fmt(last.flops)} FLOPs width ${last.width}, depth ${last.depth} (${fmt(last.tokens / last.params)} ` +
    `tokens/param). Industry models at 6·N·D FLOPs with their published token counts.` +
    (boundary > 0 ? ` ${boundary} of ${pres.length} budgets hit the edge of the searched shape range.` : "");
  return {
    paperFigure: "5",
    reads: ["eq2", "prescriptions", "industry"],
    name: "approach3",
    title: "Approach 3: prescribed shape and tokens per parameter",
    caption,
    howToRead:
      "The red line is the shape the fitted width-depth law finds best at each budget, searched over every " +
      "feasible shape and token count. Left: its width/depth ratio grows only slowly with compute. Right: its " +
      "tokens per parameter, against the Chinchilla, Epoch and Kaplan prescriptions (dashed). Blue crosses are " +
      "industry models; those above the red line on the right are trained on more tokens than compute-optimal.",
    spec,
  };
}
