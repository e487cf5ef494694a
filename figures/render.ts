/**
 * Headless, offline, deterministic rendering of Vega-Lite specs: Vega-Lite -> Vega (`compile`) ->
 * SVG (a `vega.View` with the "none" renderer) -> PNG (resvg compiled to WebAssembly, with the
 * DejaVu Sans font shipped beside this module, so text renders identically on every machine).
 * @module
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { initWasm, Resvg } from "@resvg/resvg-wasm";

/** A Vega-Lite specification as plain JSON (what the figure functions return). */
export type VlSpec = Record<string, unknown>;

/** A compiled Vega specification as plain JSON. */
export type VegaSpec = Record<string, unknown>;

import { FONT_FAMILY } from "./font.ts";
export { FONT_FAMILY, FONT_PATH } from "./font.ts";

/** Returns the Vega spec compiled from a Vega-Lite spec; throws naming `label` if compilation fails. */
export function compileVegaLite(spec: VlSpec, label = "figure"): VegaSpec {
  try {
    return compile(spec as unknown as TopLevelSpec).spec as unknown as VegaSpec;
  } catch (e) {
    throw new Error(`render: Vega-Lite spec of ${label} does not compile: ${(e as Error).message}`);
  }
}

/** Renders run one at a time: Vega numbers SVG gradients and clip paths from process-wide counters. */
let svgQueue: Promise<unknown> = Promise.resolve();

/**
 * Returns the SVG text (an `<svg>` document, sizes in CSS pixels) of a Vega-Lite spec. The SVG's
 * gradient and clip-path ids restart for every figure, so a figure's bytes do not depend on which
 * other figures the process rendered before it.
 */
export function renderSvg(spec: VlSpec, label = "figure"): Promise<string> {
  return renderVegaSvg(compileVegaLite(spec, label), label);
}

/** Returns the SVG text of an already compiled Vega spec (see {@link renderSvg}); `label` names it in errors. */
export function renderVegaSvg(vegaSpec: VegaSpec, label = "figure"): Promise<string> {
  const render = async () => {
    const view = new vega.View(vega.parse(vegaSpec as vega.Spec), { renderer: "none" });
    try {
      vega.resetSVGDefIds();
      return await view.toSVG();
    } catch (e) {
      throw new Error(`render: ${label} failed to render to SVG: ${(e as Error).message}`);
    } finally {
      view.finalize();
    }
  };
  const result = svgQueue.then(render, render);
  svgQueue = result.catch(() => undefined);
  return result;
}

let wasmReady: Promise<void> | undefined;
let fontBytes: Uint8Array | undefined;

/** Returns the absolute path of a file inside an npm package's folder (resolved like an import). */
export function packageFile(pkg: string, relToEntry: string): string {
  const entry = new URL(import.meta.resolve(pkg));
  if (entry.protocol !== "file:") {
    throw new Error(
      `render: package ${pkg} resolved to ${entry.href}, not a local file (is nodeModulesDir on?)`,
    );
  }
  return decodeURIComponent(new URL(relToEntry, entry).pathname);
}

async function ensureResvg(): Promise<void> {
  if (!wasmReady) {
    wasmReady = (async () => {
      const wasmPath = packageFile("@resvg/resvg-wasm", "./index_bg.wasm");
      let bytes: Uint8Array;
      try {
        bytes = await Deno.readFile(wasmPath);
      } catch (e) {
        throw new Error(`render: cannot read resvg wasm at ${wasmPath}: ${(e as Error).message}`);
      }
      await initWasm(bytes);
    })();
  }
  await wasmReady;
}

/** Returns the bytes of the shipped DejaVu Sans TTF (read once). */
export async function loadFont(): Promise<Uint8Array> {
  if (!fontBytes) {
    const path = decodeURIComponent(new URL("./fonts/DejaVuSans.ttf", import.meta.url).pathname);
    try {
      fontBytes = await Deno.readFile(path);
    } catch (e) {
      throw new Error(`render: cannot read font ${path}: ${(e as Error).message}`);
    }
  }
  return fontBytes;
}

/** A rasterised image: size in device pixels and RGBA bytes (row-major, 4 bytes per pixel). */
export interface Raster {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** RGBA bytes. */
  readonly pixels: Uint8Array;
  /** The same image encoded as PNG. */
  readonly png: Uint8Array;
}

/** Returns the SVG document rasterised at `scale` device pixels per CSS pixel on white (pixels and PNG). */
export async function rasterize(svg: string, scale = 2): Promise<Raster> {
  await ensureResvg();
  const font = await loadFont();
  const resvg = new Resvg(svg, {
    background: "white",
    fitTo: { mode: "zoom", value: scale },
    font: {
      fontBuffers: [font],
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
      serifFamily: FONT_FAMILY,
      monospaceFamily: FONT_FAMILY,
    },
  });
  try {
    const image = resvg.render();
    try {
      return { width: image.width, height: image.height, pixels: image.pixels.slice(), png: image.asPng() };
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}

/** Returns PNG bytes of an SVG document, rasterised at `scale` device pixels per CSS pixel on white. */
export async function svgToPng(svg: string, scale = 2): Promise<Uint8Array> {
  return (await rasterize(svg, scale)).png;
}

/** One rendered figure: the Vega-Lite spec, the compiled Vega spec, the SVG text and the PNG bytes. */
export interface RenderedFigure {
  /** The Vega-Lite spec (input). */
  readonly vegaLite: VlSpec;
  /** The compiled Vega spec (what the HTML page runs). */
  readonly vega: VegaSpec;
  /** The SVG document. */
  readonly svg: string;
  /** The PNG bytes (2x). */
  readonly png: Uint8Array;
}

/** Returns the spec rendered every way the report needs (Vega, SVG, PNG), compiling it once. */
export async function renderFigure(spec: VlSpec, label = "figure"): Promise<RenderedFigure> {
  const vegaSpec = compileVegaLite(spec, label);
  const svg = await renderVegaSvg(vegaSpec, label);
  const png = await svgToPng(svg);
  return { vegaLite: spec, vega: vegaSpec, svg, png };
}
