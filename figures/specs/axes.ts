/**
 * The figures' shared legibility helpers: one tick format for every log axis, axis domains trimmed to
 * the data, label placement that never lets two labels (or a label and the frame) overlap, and
 * legend-click highlighting for multi-line figures. Every figure module builds its axes, labels and
 * legends from these, so that the whole report reads the same way. Re-exported by `common.ts`.
 * @module
 */

/** A closed interval `[lo, hi]` of data values. */
export type Domain = readonly [number, number];

/**
 * Returns the label of one log-axis tick in the report's single format: plain numbers when every tick
 * of the axis lies in [1e-3, 1e4) (`"0.5"`, `"20"`, `"1000"`), else mantissa-exponent form for every
 * tick (`"1e14"`, `"3e-4"`, `"2e9"`). `exponential` says which form the axis uses (see
 * {@link logTickStyle}), so one axis never mixes the two forms.
 */
export function logTickLabel(value: number, exponential: boolean): string {
  if (!Number.isFinite(value)) return String(value);
  if (!exponential) return String(Number(value.toPrecision(3)));
  return value.toExponential(0).replace("e+", "e");
}

/** Returns whether an axis with these tick values uses the exponent form (any tick outside [1e-3, 1e4)). */
export function logTickStyle(values: readonly number[]): boolean {
  return values.some((v) => Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3);
}

/**
 * Returns the tick values of a log axis over `[lo, hi]` (both > 0): powers of ten when the domain spans
 * at least one decade (every k-th decade so at most `maxTicks` remain), else the first of 1-2-5,
 * 1-2-3-5-7 and 1..9 multiples of powers of ten that gives three ticks (or two), else about five round
 * linear values. Always at least two ticks inside the domain unless it is a single point.
 */
export function logTickValues(lo: number, hi: number, maxTicks = 8): number[] {
  if (!(lo > 0 && hi >= lo)) throw new Error(`logTickValues: need 0 < lo <= hi, got ${lo}, ${hi}`);
  const inside = (v: number) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  const e0 = Math.floor(Math.log10(lo)), e1 = Math.ceil(Math.log10(hi));
  const decades: number[] = [];
  for (let e = e0; e <= e1; e++) if (inside(Math.pow(10, e))) decades.push(Number(`1e${e}`));
  if (decades.length >= 2) {
    const step = Math.ceil(decades.length / maxTicks);
    // Keep the decades divisible by the step so that thinned axes still label 1e10, 1e12, ... evenly.
    const kept = decades.filter((v) => Math.round(Math.log10(v)) % step === 0);
    return kept.length >= 2 ? kept : decades.filter((_, i) => i % step === 0);
  }
  let two: number[] | undefined;
  for (const mantissas of [[1, 2, 5], [1, 2, 3, 5, 7], [1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const out: number[] = [];
    for (let e = e0 - 1; e <= e1; e++) {
      for (const m of mantissas) {
        const v = Number(`${m}e${e}`);
        if (inside(v)) out.push(v);
      }
    }
    if (out.length >= 3 && out.length <= maxTicks) return out;
    if (out.length > maxTicks) return out.filter((_, i) => i % Math.ceil(out.length / maxTicks) === 0);
    if (out.length === 2) two ??= out;
  }
  if (two) return two;
  if (lo === hi) return [lo];
  return niceLinearTicks(lo, hi, 5);
}

/** Returns about `n` round values inside `[lo, hi]` (steps of 1, 2 or 5 times a power of ten). */
export function niceLinearTicks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    out.push(Number(v.toPrecision(12)));
  }
  return out;
}

/**
 * Returns the domain of the finite values of `values`, widened by `pad` (a factor on log axes, e.g.
 * 1.15 = 15 % each side; a fraction of the span on linear axes). Throws when no value is finite (and,
 * on log axes, positive), naming `label`.
 */
export function dataDomain(
  values: Iterable<number>,
  options: { log?: boolean; pad?: number; label?: string } = {},
): Domain {
  const log = options.log ?? true;
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (log && v <= 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(lo <= hi)) {
    throw new Error(`dataDomain: no ${log ? "positive " : ""}finite value for ${options.label ?? "axis"}`);
  }
  if (log) {
    const pad = options.pad ?? 1.15;
    return [lo / pad, hi * pad];
  }
  const pad = options.pad ?? 0.04;
  const span = hi - lo || Math.abs(hi) || 1;
  return [lo - pad * span, hi + pad * span];
}

/** Options of {@link logAxisChannel}. */
export interface AxisChannelOptions {
  /** Axis title. */
  readonly title?: string;
  /** The data the axis must show (the domain is trimmed to these, padded). */
  readonly values: Iterable<number>;
  /** Padding factor of the domain (default 1.15). */
  readonly pad?: number;
  /** At most this many ticks (default 8). */
  readonly maxTicks?: number;
  /** Extra Vega-Lite axis properties (merged over the helper's). */
  readonly axis?: Record<string, unknown>;
}

/** Returns a Vega-Lite `axis` object of a log axis over `domain`: explicit ticks, one label format. */
export function logAxis(domain: Domain, maxTicks = 8): Record<string, unknown> {
  const values = logTickValues(domain[0], domain[1], maxTicks);
  const exponential = logTickStyle(values);
  // Labels are computed here (not by d3-format) so SVG, PNG and the live HTML view agree exactly.
  const labels: Record<string, string> = {};
  for (const v of values) labels[String(v)] = logTickLabel(v, exponential);
  const cases = values.map((v) => `datum.value === ${v} ? ${JSON.stringify(labels[String(v)])}`);
  return { values, labelExpr: `${cases.join(" : ")} : ''`, labelOverlap: true, tickCount: values.length };
}

/**
 * Returns a quantitative Vega-Lite position channel on a log scale whose domain is the data's, padded
 * (not rounded out to whole decades), with the report's single tick format. Marks outside the domain
 * (reference lines, extrapolations) should set `clip: true` on their mark.
 */
export function logAxisChannel(field: string, options: AxisChannelOptions): Record<string, unknown> {
  const domain = dataDomain(options.values, { log: true, pad: options.pad, label: field });
  return {
    field,
    type: "quantitative",
    ...(options.title === undefined ? {} : { title: options.title }),
    scale: { type: "log", domain: [...domain], nice: false },
    axis: { ...logAxis(domain, options.maxTicks), ...options.axis },
  };
}

/** Returns a quantitative linear position channel whose domain is the data's, padded by 4 % of the span. */
export function linearAxisChannel(field: string, options: AxisChannelOptions): Record<string, unknown> {
  const domain = dataDomain(options.values, { log: false, pad: options.pad, label: field });
  return {
    field,
    type: "quantitative",
    ...(options.title === undefined ? {} : { title: options.title }),
    scale: { domain: [...domain], nice: false, zero: false },
    ...(options.axis === undefined ? {} : { axis: options.axis }),
  };
}

/** One point to label: its position in data units and its text. */
export interface LabelPoint {
  /** x in data units. */
  readonly x: number;
  /** y in data units. */
  readonly y: number;
  /** The label text. */
  readonly text: string;
}

/** A point with its placed label: the label's left-middle anchor in data units, or `shown: false`. */
export interface PlacedLabel extends LabelPoint {
  /** Whether the label is drawn (false: no free place; the point keeps only its tooltip). */
  readonly shown: boolean;
  /** x of the label's left edge, in data units (the text mark uses align "left"). */
  readonly labelX: number;
  /** y of the label's vertical middle, in data units (baseline "middle"). */
  readonly labelY: number;
}

/** One axis of the plot area as {@link placeLabels} sees it. */
export interface PlotAxis {
  /** The axis domain in data units. */
  readonly domain: Domain;
  /** Whether the scale is logarithmic. */
  readonly log: boolean;
  /** The plot's extent along this axis, in pixels. */
  readonly pixels: number;
}

/** Options of {@link placeLabels}. */
export interface PlaceLabelsOptions {
  /** The x axis. */
  readonly x: PlotAxis;
  /** The y axis. */
  readonly y: PlotAxis;
  /** Font size of the labels in pixels (default 10). */
  readonly fontSize?: number;
  /** Gap between a point and its label, in pixels (default 5). */
  readonly gap?: number;
  /** Boxes (in pixels, y down from the top) no label may cover, e.g. a legend drawn inside the plot. */
  readonly keepOut?: readonly PixelBox[];
}

/** A rectangle in plot pixels: x to the right, y down from the top edge. */
export interface PixelBox {
  /** Left edge. */
  readonly x0: number;
  /** Top edge. */
  readonly y0: number;
  /** Right edge. */
  readonly x1: number;
  /** Bottom edge. */
  readonly y1: number;
}

/** Width in pixels of `text` at `fontSize` in DejaVu Sans (a generous per-character average). */
export function textWidth(text: string, fontSize: number): number {
  return text.length * fontSize * 0.64;
}

function toPixel(axis: PlotAxis, v: number, flip: boolean): number {
  const [lo, hi] = axis.domain;
  const t = axis.log ? (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (v - lo) / (hi - lo);
  return (flip ? 1 - t : t) * axis.pixels;
}

function fromPixel(axis: PlotAxis, p: number, flip: boolean): number {
  const [lo, hi] = axis.domain;
  const t = flip ? 1 - p / axis.pixels : p / axis.pixels;
  return axis.log ? Math.exp(Math.log(lo) + t * (Math.log(hi) - Math.log(lo))) : lo + t * (hi - lo);
}

function overlaps(a: PixelBox, b: PixelBox): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/**
 * Places one label per point so that no two labels overlap each other, any point's marker, a keep-out
 * box or the plot's edge: each label tries, in order, right, left, above, below and the four diagonals
 * of its point; a label with no free place is not shown (its point keeps its tooltip). Points are placed
 * in the order given, so put the most important first. Returns one {@link PlacedLabel} per point, in order.
 */
export function placeLabels(points: readonly LabelPoint[], options: PlaceLabelsOptions): PlacedLabel[] {
  const fontSize = options.fontSize ?? 10, gap = options.gap ?? 5, r = 3;
  const px = points.map((p) => ({ x: toPixel(options.x, p.x, false), y: toPixel(options.y, p.y, true) }));
  const taken: PixelBox[] = [
    ...(options.keepOut ?? []),
    ...px.map((p) => ({ x0: p.x - r, y0: p.y - r, x1: p.x + r, y1: p.y + r })),
  ];
  return points.map((point, i) => {
    const { x, y } = px[i];
    const w = textWidth(point.text, fontSize), h = fontSize * 1.2;
    // Candidate boxes as [left, middle-y]: right, left, above, below, then the diagonals.
    const candidates: [number, number][] = [
      [x + gap, y],
      [x - gap - w, y],
      [x - w / 2, y - gap - h / 2],
      [x - w / 2, y + gap + h / 2],
      [x + gap, y - gap - h / 2],
      [x + gap, y + gap + h / 2],
      [x - gap - w, y - gap - h / 2],
      [x - gap - w, y + gap + h / 2],
    ];
    for (const [left, mid] of candidates) {
      const box = { x0: left, y0: mid - h / 2, x1: left + w, y1: mid + h / 2 };
      const inside = box.x0 >= 0 && box.y0 >= 0 && box.x1 <= options.x.pixels && box.y1 <= options.y.pixels;
      // A point's own marker does not block its label's first candidates beyond the gap.
      if (!inside || taken.some((t) => overlaps(t, box))) continue;
      taken.push(box);
      return {
        ...point,
        shown: true,
        labelX: fromPixel(options.x, left, false),
        labelY: fromPixel(options.y, mid, true),
      };
    }
    return { ...point, shown: false, labelX: point.x, labelY: point.y };
  });
}

/**
 * Returns the Vega-Lite layers that draw placed labels: a text mark at each shown label's anchor (left,
 * middle) and a thin leader line from the point to its label. `data` names the inline dataset rows
 * (the {@link PlacedLabel} records); `x`/`y` are the figure's x and y channels (their scales are reused).
 */
export function labelLayers(
  placed: readonly PlacedLabel[],
  channels: { x: Record<string, unknown>; y: Record<string, unknown>; fontSize?: number; color?: string },
): Record<string, unknown>[] {
  const shown = placed.filter((p) => p.shown).map((p) => ({ ...p }));
  if (shown.length === 0) return [];
  const { field: _xf, axis: _xa, title: _xt, ...xRest } = channels.x;
  const { field: _yf, axis: _ya, title: _yt, ...yRest } = channels.y;
  const color = channels.color ?? "#333";
  return [
    {
      data: { values: shown },
      mark: { type: "rule", color: "#999", strokeWidth: 0.6, clip: true },
      encoding: {
        x: { ...xRest, field: "x" },
        y: { ...yRest, field: "y" },
        x2: { field: "labelX" },
        y2: { field: "labelY" },
      },
    },
    {
      data: { values: shown },
      mark: {
        type: "text",
        align: "left",
        baseline: "middle",
        fontSize: channels.fontSize ?? 10,
        color,
        clip: true,
      },
      encoding: {
        x: { ...xRest, field: "labelX" },
        y: { ...yRest, field: "labelY" },
        text: { field: "text" },
      },
    },
  ];
}

/** The name of the legend-highlight selection parameter the frame adds to multi-line figures. */
export const HIGHLIGHT_PARAM = "highlight";

function isLineLike(mark: unknown): boolean {
  const type = typeof mark === "string" ? mark : (mark as { type?: string } | undefined)?.type;
  return type === "line" || type === "trail";
}

type Unit = Record<string, unknown>;

function markOpacity(mark: unknown): number {
  const m = typeof mark === "string" ? { type: mark } : (mark as Unit);
  if (typeof m.opacity === "number") return m.opacity;
  const filled = m.filled === true;
  return ["point", "circle", "square", "tick"].includes(String(m.type)) && !filled ? 0.7 : 1;
}

function units(spec: Unit, out: Unit[] = []): Unit[] {
  for (const key of ["layer", "hconcat", "vconcat", "concat"]) {
    const children = spec[key];
    if (Array.isArray(children)) { for (const c of children) units(c as Unit, out); }
  }
  if (spec.spec && typeof spec.spec === "object") units(spec.spec as Unit, out);
  if (spec.mark !== undefined) out.push(spec);
  return out;
}

/**
 * Returns `spec` with legend-click highlighting: when a line layer colours its lines by a nominal
 * field, clicking a legend entry (shift-click for several) dims every other line of that field to 15 %
 * opacity in the live HTML view; double-click clears. Static renderings (SVG, PNG) are unchanged, since
 * an empty selection highlights everything. Specs without such a layer are returned as they are. The
 * input is not modified.
 */
export function withLegendHighlight(spec: Record<string, unknown>): Record<string, unknown> {
  // A JSON copy, so that layers sharing one encoding object get their own.
  const copy = JSON.parse(JSON.stringify(spec)) as Unit;
  const all = units(copy);
  const lineUnit = all.find((u) => {
    const color = (u.encoding as Unit | undefined)?.color as Unit | undefined;
    return isLineLike(u.mark) && color?.type === "nominal" && typeof color.field === "string" &&
      (color.legend === undefined || color.legend !== null);
  });
  if (!lineUnit) return spec;
  const field = ((lineUnit.encoding as Unit).color as Unit).field as string;
  const params = (lineUnit.params as unknown[] | undefined) ?? [];
  lineUnit.params = [
    ...params,
    { name: HIGHLIGHT_PARAM, select: { type: "point", fields: [field] }, bind: "legend" },
  ];
  for (const u of all) {
    const enc = u.encoding as Unit | undefined;
    const color = enc?.color as Unit | undefined;
    if (!enc || color?.field !== field || enc.opacity !== undefined) continue;
    // Selected marks keep the opacity they had (Vega-Lite draws unfilled points at 0.7 by default).
    const opacity = markOpacity(u.mark);
    enc.opacity = { condition: { param: HIGHLIGHT_PARAM, value: opacity }, value: 0.15 * opacity };
  }
  return copy;
}
