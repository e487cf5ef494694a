/**
 * How the Gemstones authors draw industry models (plotters/plotting_utils.py `plot_industrial`,
 * plotters/overtrained_single_parabola.py): one colour per model from matplotlib's `rainbow` colormap,
 * spread evenly over the models in the order of the authors' loss file, and a marker per family (Llama
 * "x", Gemma "o", Qwen2 "^", Qwen2.5 "+"), each model named in the legend.
 * @module
 */
import { shortName } from "./common.ts";

/** A diagonal cross ("x"), as a Vega symbol path (stroked, not filled). */
export const X_SHAPE = "M-1,-1L1,1M-1,1L1,-1";

/**
 * Returns the Vega shape of a model's marker, as the authors' `assign_marker`: Llama "x" (a stroked
 * diagonal cross), Gemma a circle, Qwen2.5 "+" ("cross"), other Qwen a triangle, anything else a circle.
 */
export function industryShape(hfName: string): string {
  const name = shortName(hfName);
  if (name.includes("Llama")) return X_SHAPE;
  if (name.includes("Gemma")) return "circle";
  if (name.includes("Qwen2.5")) return "cross";
  if (name.includes("Qwen")) return "triangle-up";
  return "circle";
}

/**
 * Returns matplotlib's `rainbow` colormap at `t` in [0, 1] as `#rrggbb` (red = |2t − 0.5|,
 * green = sin(πt), blue = cos(πt/2), each clipped to [0, 1]).
 */
export function rainbowColour(t: number): string {
  const clip = (v: number) => Math.min(1, Math.max(0, v));
  const hex = (v: number) => Math.round(clip(v) * 255).toString(16).padStart(2, "0");
  return `#${hex(Math.abs(2 * t - 0.5))}${hex(Math.sin(Math.PI * t))}${hex(Math.cos(Math.PI * t / 2))}`;
}

/** Returns one rainbow colour per name, evenly spaced over the names in the order given (as the authors'). */
export function rainbowColours(names: readonly string[]): string[] {
  const n = names.length;
  return names.map((_, i) => rainbowColour(n === 1 ? 0 : i / (n - 1)));
}

/**
 * Returns the Vega-Lite channels that draw industry points as the authors do: `fill`, `stroke` and `shape`
 * keyed by the short model name over `names` (legend "industry model"), so that each model has its own
 * colour and family marker and is named in the legend. `names` are short names in the authors' order.
 */
export function industryChannels(
  names: readonly string[],
  hfNames: readonly string[],
): Record<string, unknown> {
  const colours = rainbowColours(names);
  const shapes = names.map((n) => industryShape(hfNames.find((h) => shortName(h) === n) ?? n));
  const legend = { title: "industry model", orient: "right", symbolStrokeWidth: 2 };
  return {
    stroke: { field: "name", type: "nominal", scale: { domain: names, range: colours }, legend },
    // Only the closed markers are filled; the crosses are strokes.
    fill: {
      field: "name",
      type: "nominal",
      scale: { domain: names, range: colours.map((c, i) => shapes[i] === X_SHAPE ? "transparent" : c) },
      legend,
    },
    shape: { field: "name", type: "nominal", scale: { domain: names, range: shapes }, legend },
  };
}
