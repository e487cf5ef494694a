/**
 * Paper Figure 7, by the authors' method (plotters/approach_1_extra_plots.py): every checkpoint at ~300B
 * tokens placed at its (width, depth) on log axes, coloured by how many percent more FLOPs (left) or
 * GPU-hours (right) it spent than the frontier checkpoint of nearest loss; frontier checkpoints (0 %) are
 * starred. The colour scale runs from 0 to the 75th percentile, as the authors', and the three largest values
 * are written beside their points. Beside it, a separate figure of this project's own: the same question
 * asked of the fitted Eq. 2 law at a few target losses, capped and flagged where the law cannot reach the
 * target with a shape; where the authors' stored law differs from ours, the same cells by their law beside
 * ours, outlined dashed (figures/specs/authors_fit.ts).
 * @module
 */
import type { FitHealth, OverspendRecord } from "../../records/schemas.ts";
import { type FigureDraft, fmt, topLevel } from "./common.ts";
import { AUTHORS_FIT_LABEL, authorsBesideSentence, EXPONENT_TOLERANCE } from "./authors_fit.ts";

/** Input of {@link overspendFigure}. */
export interface OverspendData {
  /** The variant's overspend record. */
  readonly record: OverspendRecord;
  /** Variant name. */
  readonly variant: string;
  /** Health of our Eq. 2 fit (its flat-valley findings are quoted beside the authors' law). */
  readonly health?: FitHealth;
}

/** Row label of our law's cells in the law view. */
export const OUR_LAW_LABEL = "our fit";

/** Outline dash of the authors' law's cells, pixels on, off (short: a cell is about 10 pixels). */
const CELL_DASH: readonly number[] = [2, 2];

/**
 * Returns one heatmap of the law view: a column per target loss and, where `laws` holds the authors' law
 * too, a row per law, the authors' cells outlined dashed.
 */
function heatmap(
  field: string,
  title: string,
  scheme: string,
  laws: readonly string[],
): Record<string, unknown> {
  const valid = `isValid(datum.${field}) && isFinite(datum.${field})`;
  const isAuthors = `datum.law === ${JSON.stringify(AUTHORS_FIT_LABEL)}`;
  const position = {
    x: { field: "width", type: "ordinal", sort: "ascending", title: "width" },
    y: { field: "depth", type: "ordinal", sort: "descending", title: "depth" },
  };
  // The authors' cells outlined dashed, over their fill (a rect has no strokeDash channel: a layer of its own).
  const outline = laws.length > 1
    ? [{
      transform: [{ filter: isAuthors }],
      mark: { type: "rect", filled: false, stroke: "#333333", strokeWidth: 1, strokeDash: [...CELL_DASH] },
      encoding: position,
    }]
    : [];
  const column = { field: "targetLabel", type: "ordinal", title: "target loss (nats)" };
  return {
    data: { name: "overspend" },
    title,
    facet: laws.length > 1
      ? { column, row: { field: "law", type: "nominal", sort: [...laws], title: null } }
      : { column },
    spec: {
      width: 150,
      height: 150,
      layer: [
        {
          // Shapes whose law-predicted loss never reaches the target (or without a time model): grey, "–".
          transform: [{ filter: `!(${valid})` }],
          mark: { type: "rect", color: "#dddddd", tooltip: true },
          encoding: {
            ...position,
            tooltip: [{ field: "law" }, { field: "model" }, { field: `${field}Why`, title: "why grey" }],
          },
        },
        {
          transform: [{ filter: `!(${valid})` }],
          mark: { type: "text", fontSize: 6, text: "–", color: "#666666" },
          encoding: position,
        },
        {
          transform: [{ filter: valid }],
          mark: { type: "rect", tooltip: true },
          encoding: {
            ...position,
            color: {
              field: field,
              type: "quantitative",
              title: "overspend %",
              scale: { type: "symlog", constant: 10, scheme, domain: [0, LAW_OVERSPEND_CAP] },
            },
            tooltip: [
              { field: "law" },
              { field: "model" },
              { field: field, type: "quantitative", format: ".1f", title: "overspend %" },
            ],
          },
        },
        ...outline,
        {
          transform: [{ filter: valid }],
          mark: { type: "text", fontSize: 6 },
          encoding: {
            ...position,
            text: { field: `${field}Text` },
            color: { value: "black" },
          },
        },
      ],
    },
  };
}

/** Returns `pct` capped at {@link LAW_OVERSPEND_CAP} (null stays null). */
function cap(pct: number | null): number | null {
  return pct === null ? null : Math.min(pct, LAW_OVERSPEND_CAP);
}

/** Returns 100·`ratio` (a percentage), or null where the ratio is missing or not finite (unreachable). */
function percent(ratio: number | null | undefined): number | null {
  return ratio === null || ratio === undefined || !Number.isFinite(ratio) ? null : 100 * ratio;
}

/** Returns the q-quantile (0..1) of `xs` by linear interpolation, as numpy's default `percentile`. */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const pos = q * (s.length - 1), i = Math.floor(pos), f = pos - i;
  return i + 1 < s.length ? s[i] + f * (s[i + 1] - s[i]) : s[i];
}

/** Returns paper Figure 7: measured overspend of the ~300B-token checkpoints against their frontier. */
export function overspendFigure(data: OverspendData): FigureDraft {
  const m = data.record.measured;
  if (!m || m.rows.length === 0) {
    throw new Error(`overspendFigure: variant ${data.variant} has no measured rows`);
  }
  const panels: { key: "flops" | "gpu"; title: string }[] = [
    { key: "flops", title: "FLOPs overspend by architecture" },
    { key: "gpu", title: "GPU-hours overspend by architecture" },
  ];
  const rows = m.rows.flatMap((r) => [
    { ...r, resource: "flops", pct: 100 * r.flopsOverspend, frontier: r.flopsFrontier },
    ...(r.gpuHoursOverspend === null
      ? []
      : [{ ...r, resource: "gpu", pct: 100 * r.gpuHoursOverspend, frontier: r.gpuHoursFrontier }]),
  ]);
  const vmax: Record<string, number> = {};
  const top: Record<string, Set<string>> = {};
  for (const p of panels) {
    const vals = rows.filter((r) => r.resource === p.key).map((r) => r.pct);
    vmax[p.key] = Math.max(1, quantile(vals, 0.75));
    top[p.key] = new Set(
      rows.filter((r) => r.resource === p.key && r.pct > vmax[p.key]).sort((a, b) => b.pct - a.pct).slice(
        0,
        3,
      )
        .map((r) => r.run_id),
    );
  }
  const drawn = rows.map((r) => ({
    ...r,
    shown: Math.max(0, Math.min(r.pct, vmax[r.resource])),
    label: top[r.resource].has(r.run_id) ? `${r.pct.toFixed(0)}%` : "",
  }));
  const panel = (p: { key: string; title: string }) => {
    const only = { filter: `datum.resource === '${p.key}'` };
    const x = {
      field: "width",
      type: "quantitative",
      scale: { type: "log", nice: false, padding: 14 },
      title: "width",
    };
    const y = {
      field: "depth",
      type: "quantitative",
      scale: { type: "log", nice: false, padding: 14 },
      title: "depth",
    };
    return {
      title: p.title,
      width: 330,
      height: 280,
      layer: [
        {
          transform: [only],
          mark: { type: "point", filled: true, size: 160, stroke: "black", strokeWidth: 0.5, opacity: 1 },
          encoding: {
            x,
            y,
            color: {
              field: "shown",
              type: "quantitative",
              title: p.key === "flops" ? "FLOPs % overspend" : "GPU-hours % overspend",
              scale: { scheme: "yelloworangered", domain: [0, vmax[p.key]] },
              legend: { titleLimit: 200 },
            },
            tooltip: [
              { field: "model" },
              { field: "tokens", type: "quantitative", format: ".3s" },
              { field: "loss", type: "quantitative", format: ".4f" },
              { field: "pct", type: "quantitative", format: ".1f", title: "overspend %" },
            ],
          },
        },
        {
          transform: [only, { filter: "datum.frontier" }],
          mark: {
            type: "point",
            shape:
              "M0,-1L0.29,-0.4L0.95,-0.31L0.47,0.15L0.59,0.81L0,0.5L-0.59,0.81L-0.47,0.15L-0.95,-0.31L-0.29,-0.4Z",
            filled: true,
            size: 260,
            color: "#d62728",
            opacity: 1,
            stroke: "#5a0000",
            strokeWidth: 0.8,
          },
          encoding: { x, y },
        },
        {
          transform: [only, { filter: "datum.label !== ''" }],
          mark: { type: "text", dx: 12, dy: -10, align: "left", fontSize: 11, fontWeight: "bold" },
          encoding: { x, y, text: { field: "label" } },
        },
      ],
      resolve: { scale: { color: "independent" } },
    };
  };
  const spec = topLevel({
    title: `Overspend of measured checkpoints against the frontier (variant ${data.variant})`,
    data: { values: drawn },
    hconcat: panels.filter((p) => drawn.some((r) => r.resource === p.key)).map(panel),
    resolve: { scale: { color: "independent" } },
  });
  const flopsFrontier = m.rows.filter((r) => r.flopsFrontier).map((r) => r.model);
  const gpuFrontier = m.rows.filter((r) => r.gpuHoursFrontier).map((r) => r.model);
  const worst = (key: "flopsOverspend" | "gpuHoursOverspend") => {
    const w = m.rows.filter((r) => r[key] !== null).sort((a, b) => (b[key] ?? 0) - (a[key] ?? 0))[0];
    return w ? `${w.model} ${(100 * (w[key] ?? 0)).toFixed(0)}%` : "none";
  };
  const window = m.tokensRange === null
    ? "each run's last checkpoint (no run of this selection reaches 299-301B tokens)"
    : `the ${m.rows.length} checkpoints at ${fmt(m.tokensRange[0])}-${fmt(m.tokensRange[1])} tokens`;
  const caption =
    `Measured, as the authors' code computes it: ${window} of subsets ${m.subsets.join(", ")}; ` +
    `frontier = lower convex hull of (ln resource, ln loss) of those checkpoints; each checkpoint is compared ` +
    `with the frontier checkpoint of nearest loss. FLOPs frontier: ${flopsFrontier.join(", ")}; GPU-hours ` +
    `frontier: ${gpuFrontier.join(", ") || "none"}. Largest overspend: FLOPs ${worst("flopsOverspend")}, ` +
    `GPU-hours ${worst("gpuHoursOverspend")}. Colour: 0 to the 75th percentile (${
      vmax.flops.toFixed(0)
    }% FLOPs, ` +
    `${(vmax.gpu ?? NaN).toFixed(0)}% GPU-hours), values above it saturated and the three largest written.`;
  return {
    paperFigure: "7",
    name: "overspend",
    title: "The price of stepping off the frontier",
    caption,
    howToRead:
      "Each dot is one trained model at ~300B tokens, placed by width and depth (log axes). Its colour says how " +
      "many percent more FLOPs (left) or GPU-hours (right) it spent than the frontier model of about the same " +
      "loss; stars are the frontier models themselves (0 %). Narrow, deep models overspend most in GPU-hours, " +
      "because wide models use the hardware better.",
    spec,
  };
}

/** Law-based overspend values above this are drawn at it and flagged (percent). */
export const LAW_OVERSPEND_CAP = 500;

/** The text of a capped cell (narrow enough for the cell). */
const CAPPED_MARK = "▲";

/** Returns this project's law-based overspend figure (not in the paper): Eq. 2 at target losses, capped. */
export function lawOverspendFigure(data: OverspendData): FigureDraft {
  const authorsSentence = authorsBesideSentence(
    data.record.authors,
    `Law ${data.record.form} of ${data.variant}`,
    data.health,
  );
  const ours = lawViewRows(data.record.rows, OUR_LAW_LABEL);
  const theirs = authorsSentence === null
    ? []
    : lawViewRows(data.record.authors?.rows ?? [], AUTHORS_FIT_LABEL);
  const laws = theirs.length > 0 ? [OUR_LAW_LABEL, AUTHORS_FIT_LABEL] : [OUR_LAW_LABEL];
  if (ours.length === 0) throw new Error(`overspendFigure: variant ${data.variant} has no overspend rows`);
  const spec = topLevel({
    title: `Not in the paper: overspend the Eq. 2 law predicts at target losses (variant ${data.variant})`,
    datasets: { overspend: [...ours, ...theirs] },
    vconcat: [
      heatmap("flopsPct", "FLOPs overspend (%)", "oranges", laws),
      heatmap("gpuPct", "GPU-hours overspend (%)", "purples", laws),
    ],
    resolve: { scale: { color: "independent" } },
  });
  const withFlops = ours.filter((r) => r.flopsPct !== undefined);
  if (withFlops.length === 0) {
    throw new Error(`overspendFigure: variant ${data.variant}: no shape reaches any target loss`);
  }
  const worstF = withFlops.reduce((a, b) => ((b.flopsPct ?? 0) > (a.flopsPct ?? 0) ? b : a));
  const withGpu = ours.filter((r) => r.gpuPct !== undefined);
  const worstG = withGpu.length
    ? withGpu.reduce((a, b) => ((b.gpuPct ?? 0) > (a.gpuPct ?? 0) ? b : a))
    : undefined;
  const targets = [...new Set(ours.map((r) => r.targetLabel))];
  const capped = ours.filter((r) => r.flopsCapped).length;
  const caption =
    `Law ${data.record.form} of variant ${data.variant}; ${new Set(ours.map((r) => r.model)).size} ` +
    `shapes at target losses ${targets.join(", ")} nats. Largest FLOPs overspend: ${worstF.model} ` +
    `${fmt(worstF.flopsPct ?? NaN)}% at ${worstF.targetLabel}` +
    (worstG
      ? `; largest GPU-hours overspend: ${worstG.model} ${
        fmt(worstG.gpuPct ?? NaN)
      }% at ${worstG.targetLabel}.`
      : ".") +
    ` Values above ${LAW_OVERSPEND_CAP}% are drawn at ${LAW_OVERSPEND_CAP}% and marked ${CAPPED_MARK} (${capped} cells): ` +
    `there the shape's law approaches the target loss only asymptotically, so the predicted overspend is ` +
    `unbounded rather than measured.` + authorsPart(data, theirs, authorsSentence);
  return {
    paperFigure: "7",
    name: "overspend-law",
    title: "Law-based view (ours; not in the paper): overspend predicted by the Eq. 2 law",
    caption,
    howToRead:
      "Each cell is one model shape (width across, depth down); its colour and number say how many percent " +
      "more FLOPs (top) or GPU-hours (bottom) that shape needs to reach the target loss than the cheapest shape; " +
      "grey cells marked – are shapes whose predicted loss never falls to the target (or, for GPU-hours, shapes " +
      "without a measured step time). " +
      "Narrow, deep shapes waste the most; in GPU-hours the penalty is much larger because wide models use the " +
      "hardware better. Where the authors' stored law differs from ours, a second row of cells (outlined dashed, " +
      `labelled "${AUTHORS_FIT_LABEL}") asks their law the same question.`,
    spec,
  };
}

/** One cell of the law view; a percentage absent where the cell is grey, with the reason instead. */
interface LawViewRow {
  readonly law: string;
  readonly model: string;
  readonly width: number;
  readonly depth: number;
  readonly targetLoss: number;
  readonly targetLabel: string;
  readonly flopsCapped: boolean;
  readonly flopsPct?: number;
  readonly flopsPctText?: string;
  readonly flopsPctWhy?: string;
  readonly gpuPct?: number;
  readonly gpuPctText?: string;
  readonly gpuPctWhy?: string;
}

/** The text of a cell's percentage: whole percent, or {@link CAPPED_MARK} at the cap. */
function cellText(pct: number): string {
  return pct >= LAW_OVERSPEND_CAP ? CAPPED_MARK : pct.toFixed(0);
}

/**
 * Returns the law-view cells of overspend `rows` of law `law` (ours or the authors'): percentages capped at
 * {@link LAW_OVERSPEND_CAP}; a cell with none carries the reason, not a null (its tooltip shows only fields
 * it has).
 */
export function lawViewRows(rows: OverspendRecord["rows"], law: string): LawViewRow[] {
  return rows.map((r) => {
    const flopsPct = cap(percent(r.flopsOverspend)), gpuPct = cap(percent(r.gpuHoursOverspend));
    const unreachable = "the law never reaches this loss with this shape";
    return {
      law,
      model: r.model,
      width: r.width,
      depth: r.depth,
      targetLoss: r.loss,
      targetLabel: r.loss.toFixed(3),
      flopsCapped: (percent(r.flopsOverspend) ?? 0) > LAW_OVERSPEND_CAP,
      ...(flopsPct === null ? { flopsPctWhy: unreachable } : { flopsPct, flopsPctText: cellText(flopsPct) }),
      ...(gpuPct === null
        ? { gpuPctWhy: flopsPct === null ? unreachable : "no measured step time for this shape" }
        : { gpuPct, gpuPctText: cellText(gpuPct) }),
    };
  });
}

/** Returns the caption's sentences on the authors' law of the law view ("" where they publish none). */
function authorsPart(data: OverspendData, theirs: readonly LawViewRow[], sentence: string | null): string {
  const a = data.record.authors;
  if (a === undefined) return "";
  if (sentence === null) {
    return ` The authors' stored fit (${a.path}) has exponents within ${EXPONENT_TOLERANCE} of ours, so its ` +
      `cells are not drawn.`;
  }
  const worst = theirs.filter((r) => r.flopsPct !== undefined)
    .reduce<LawViewRow | undefined>(
      (w, r) => (w === undefined || (r.flopsPct ?? 0) > (w.flopsPct ?? 0) ? r : w),
      undefined,
    );
  return ` Second row (outlined dashed, "${AUTHORS_FIT_LABEL}"): the authors' stored fit (${a.path}) at the same ` +
    `target losses${
      worst
        ? `, largest FLOPs overspend ${worst.model} ${fmt(worst.flopsPct ?? NaN)}% at ${worst.targetLabel}`
        : ""
    }. ${sentence}`;
}
