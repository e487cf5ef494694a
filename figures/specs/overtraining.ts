/**
 * Paper Figure 8: predicted loss against the overtraining factor f (tokens ×√f, as the authors') at four
 * fixed FLOP budgets, with the industry models whose loss on the same validation set falls in each panel's
 * range, for scale; where the authors' stored law differs from ours, their curves dashed beside ours
 * (figures/specs/authors_fit.ts).
 * @module
 */
import type { FitHealth, IndustryRow, OvertrainingRecord } from "../../records/schemas.ts";
import { type FigureDraft, fmt, shortName, topLevel } from "./common.ts";
import { rainbowColours } from "./industry_style.ts";
import {
  AUTHORS_FIT_DASH,
  AUTHORS_FIT_LABEL,
  authorsBesideSentence,
  EXPONENT_TOLERANCE,
} from "./authors_fit.ts";

/** Input of {@link overtrainingFigure}. */
export interface OvertrainingData {
  /** The variant's overtraining record. */
  readonly record: OvertrainingRecord;
  /** Industry models (those in a panel's loss band are drawn as dashed rules). */
  readonly industry: readonly IndustryRow[];
  /** Variant name. */
  readonly variant: string;
  /** Health of our Eq. 2 fit (its flat-valley findings are quoted beside the authors' law). */
  readonly health?: FitHealth;
}

/** Legend label of our law's curves. */
export const OUR_FIT_LABEL = "our fit";

/** Plot height of one Figure 8 panel, pixels. */
const PANEL_HEIGHT = 150;

/** Half-width of the loss band around a panel's curve inside which industry models are drawn (the authors'). */
export const INDUSTRY_LOSS_BOUND = 0.01;

/** The industry model the authors leave out of Figure 8 (`if name == "Llama-3.1-70B": continue`). */
const SKIPPED = "Llama-3.1-70B";

/** Returns the panel title of a budget, as the authors' `f"FLOPs = {flops:.5e}"`. */
export function panelTitle(flops: number): string {
  return `FLOPs = ${flops.toExponential(5)}`;
}

/**
 * Returns the industry models drawn on a panel whose predicted losses are `losses`: those whose loss lies
 * within ±{@link INDUSTRY_LOSS_BOUND} of the losses' range, except Llama-3.1-70B, as the authors' plotter.
 */
export function industryInBand(industry: readonly IndustryRow[], losses: readonly number[]): IndustryRow[] {
  const lo = Math.min(...losses) - INDUSTRY_LOSS_BOUND, hi = Math.max(...losses) + INDUSTRY_LOSS_BOUND;
  return industry.filter((r) => r.loss >= lo && r.loss <= hi && shortName(r.hf_name) !== SKIPPED);
}

/**
 * Returns why Figure 8 cannot be drawn from `record` (no curve has a point: every factor at every budget was
 * left out, e.g. a law fitted on small models puts every shape on the edge of the authors' box), quoting
 * the first budget's reasons; null when some curve has a point.
 */
export function overtrainingNotDrawn(record: OvertrainingRecord): string | null {
  if (record.curves.some((c) => c.points.length > 0)) return null;
  const first = record.curves.find((c) => c.leftOut.length > 0);
  const example = first === undefined
    ? ""
    : `; at ${fmt(first.flops)} FLOPs, factor ${fmt(first.leftOut[0].factor)}: ${first.leftOut[0].reason}`;
  return `law ${record.form} of variant ${record.variant} leaves no point to draw: every overtraining factor at ` +
    `each of the ${record.curves.length} budgets was left out${example}`;
}

/**
 * Returns paper Figure 8 as the authors' plotters/overtrained_single_parabola.py draws it: one panel per budget
 * (stacked), predicted loss against the overtraining factor f (tokens ×√f), and as dashed rules the industry
 * models whose loss lies within ±0.01 of the panel's curve, one rainbow colour per model.
 */
export function overtrainingFigure(data: OvertrainingData): FigureDraft {
  const why = overtrainingNotDrawn(data.record);
  if (why !== null) throw new Error(`overtrainingFigure: ${why}`);
  const curves = data.record.curves.filter((c) => c.points.length > 0);
  // The authors' curves are drawn only where their law differs from ours (the one rule of authors_fit.ts).
  const authorsSentence = authorsBesideSentence(
    data.record.authors,
    `Law ${data.record.form} of ${data.variant}`,
    data.health,
  );
  const theirCurves = authorsSentence === null ? [] : data.record.authors?.curves ?? [];
  const asPoints = (cs: OvertrainingRecord["curves"], law: string) =>
    cs.flatMap((c) =>
      c.points.map((p) => ({
        law,
        panel: panelTitle(c.flops),
        flops: c.flops,
        factor: p.factor,
        loss: p.loss,
        params: p.params,
        tokens: p.tokens,
        width: p.width,
        depth: p.depth,
      }))
    );
  const ours = asPoints(curves, OUR_FIT_LABEL);
  // Their curves on our panels only (the same budgets).
  const theirs = asPoints(
    theirCurves.filter((c) => curves.some((o) => o.flops === c.flops)),
    AUTHORS_FIT_LABEL,
  );
  const points = [...ours, ...theirs];
  const laws = theirs.length > 0 ? [OUR_FIT_LABEL, AUTHORS_FIT_LABEL] : [OUR_FIT_LABEL];
  // A law legend only where two laws are drawn.
  const legend = laws.length > 1 ? { orient: "top", symbolType: "stroke", symbolStrokeWidth: 2.5 } : null;
  // One colour per model over every model of the authors' loss file, in its order (their `unique_names`).
  const allNames = [...new Set(data.industry.map((r) => shortName(r.hf_name)))];
  const colours = rainbowColours(allNames);
  const colourOf = (name: string) => colours[allNames.indexOf(name)];
  const factors = points.map((p) => p.factor);
  const xDomain = [Math.min(...factors) / 1.3, Math.max(...factors) * 1.3];
  const panels = curves.map((c, i) => {
    const title = panelTitle(c.flops);
    const band = industryInBand(data.industry, c.points.map((p) => p.loss));
    const names = band.map((r) => shortName(r.hf_name));
    const x = {
      field: "factor",
      type: "quantitative",
      scale: { type: "log", domain: xDomain, nice: false },
      // One x title, under the last panel (the authors' shared x axis).
      title: i === curves.length - 1 ? "overtraining factor f (tokens ×√f, tokens per parameter ×≈f)" : null,
    };
    const y = { field: "loss", type: "quantitative", scale: { zero: false }, title: "loss" };
    return {
      title,
      width: 460,
      height: PANEL_HEIGHT,
      // A panel with no industry model in its band has no rule layer (an empty layer has no extent).
      layer: [
        ...(names.length === 0 ? [] : [{
          data: { name: "industry" },
          transform: [{ filter: `datum.panel === '${title}'` }],
          mark: { type: "rule", strokeDash: [6, 3], strokeWidth: 2 },
          encoding: {
            y: { field: "loss", type: "quantitative" },
            stroke: {
              field: "name",
              type: "nominal",
              title: "industry model",
              scale: { domain: names, range: names.map(colourOf) },
              legend: { orient: "right", labelLimit: 160 },
            },
            tooltip: [{ field: "name" }, { field: "loss", type: "quantitative", format: ".4f" }],
          },
        }]),
        {
          data: { name: "curves" },
          transform: [{ filter: `datum.panel === '${title}'` }],
          mark: { type: "line", strokeWidth: 2.5, point: { size: 40 } },
          encoding: {
            x,
            y,
            // Ours solid, the authors' stored law dashed and grey (where it differs from ours).
            color: {
              field: "law",
              type: "nominal",
              title: "law",
              scale: { domain: laws, range: ["#1f77b4", "#555555"].slice(0, laws.length) },
              legend,
            },
            // The same legend as the colour's, so that it merges into one showing each law's dash.
            strokeDash: {
              field: "law",
              type: "nominal",
              title: "law",
              scale: { domain: laws, range: [[1, 0], [...AUTHORS_FIT_DASH]].slice(0, laws.length) },
              legend,
            },
            tooltip: [
              { field: "law" },
              { field: "factor", type: "quantitative", format: ".4g" },
              { field: "loss", type: "quantitative", format: ".4f" },
              { field: "params", type: "quantitative", format: ".3s" },
              { field: "tokens", type: "quantitative", format: ".3s" },
              { field: "width", type: "quantitative", format: ".0f" },
              { field: "depth", type: "quantitative", format: ".1f" },
            ],
          },
        },
      ],
    };
  });
  const industry = curves.flatMap((c) =>
    industryInBand(data.industry, c.points.map((p) => p.loss)).map((r) => ({
      panel: panelTitle(c.flops),
      name: shortName(r.hf_name),
      loss: r.loss,
    }))
  );
  const spec = topLevel({
    title: `Overtraining at fixed compute (variant ${data.variant}, law ${data.record.form})`,
    datasets: { curves: points, industry },
    vconcat: panels,
    resolve: { scale: { stroke: "independent", y: "independent" }, legend: { stroke: "independent" } },
  });
  /** Returns the lowest point of a curve. */
  const lowest = (c: OvertrainingRecord["curves"][number]) =>
    c.points.reduce((a, b) => (b.loss < a.loss ? b : a));
  const parts = curves.map((c) => {
    const best = lowest(c);
    const near = (f: number) =>
      c.points.reduce((
        a,
        b,
      ) => (Math.abs(Math.log(b.factor / f)) < Math.abs(Math.log(a.factor / f)) ? b : a));
    const at4 = near(4), at16 = near(16);
    const left = c.leftOut.length > 0
      ? ` (factor${c.leftOut.length > 1 ? "s" : ""} ${
        c.leftOut.map((l) => fmt(l.factor)).join(", ")
      } left out: ${c.leftOut[0].reason})`
      : "";
    return `${c.flops.toExponential(2)} FLOPs: min ${fmt(best.loss, 4)} at f = ${fmt(best.factor)}, ` +
      `+${fmt(at4.loss - best.loss, 2)} nats at f = ${fmt(at4.factor)}, +${
        fmt(at16.loss - best.loss, 2)
      } at ` +
      `f = ${fmt(at16.factor)}${left}`;
  });
  const theirMinima = theirCurves.filter((c) => c.points.length > 0).map((c) =>
    `${c.flops.toExponential(2)} FLOPs: min ${fmt(lowest(c).loss, 4)} at f = ${fmt(lowest(c).factor)}`
  );
  const authors = data.record.authors;
  const authorsPart = authorsSentence !== null
    ? ` Dashed grey: the authors' stored fit (${authors?.path}) traced the same way (${
      theirMinima.join("; ")
    }). ` +
      `${authorsSentence}`
    : authors !== undefined
    ? ` The authors' stored fit (${authors.path}) has exponents within ${EXPONENT_TOLERANCE} of ours, so its ` +
      `curves are not drawn.`
    : "";
  return {
    paperFigure: "8",
    name: "overtraining",
    title: "Overtraining is cheap",
    caption:
      `Law ${data.record.form} of variant ${data.variant}, as the authors' overtrained_single_parabola.py: ` +
      `factor f trains on √f × the compute-optimal tokens with the shape that spends the same FLOPs (so tokens ` +
      `per parameter grow by about f); budgets at rows 2, 5, 9 and 12 of their 13-bucket relaxed minima table ` +
      `over 1e18-1e26 FLOPs; points on the edge of their box (width ≤ 257, depth ≤ 2) left out. ` +
      `${parts.join("; ")}. Dashed: industry models within ±${INDUSTRY_LOSS_BOUND} of each panel's losses ` +
      `(Llama-3.1-70B left out, as theirs).${authorsPart} What differs from the authors' figure: the solid ` +
      `curves trace our own Eq. 2 fit, not their stored one; each budget is its bucket's upper edge, ` +
      `where their minimum row lies within one step of their token grid; the shape for each f is found by a ` +
      `search over widths at fixed FLOPs (theirs: SLSQP from a grid of starts), the same objective.`,
    howToRead:
      "Each panel fixes a compute budget and trades model size for tokens: right of f = 1 the model is smaller " +
      "and trained on more tokens than optimal (overtrained). The curves are flat near their minimum, more so at " +
      "larger budgets, so a much smaller model costs little loss; the dashed lines are industry models whose " +
      "loss on the same validation set falls in the panel's range, for scale. Where the authors' stored law " +
      "differs from ours, its curves are drawn dashed in grey beside ours (solid blue).",
    spec,
  };
}
