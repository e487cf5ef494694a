import assert from "node:assert/strict";
import { compileVegaLite, rasterize, renderFigure, renderSvg } from "./render.ts";
import { topLevel } from "./specs/common.ts";

function darkPixels(r: { pixels: Uint8Array }): number {
  let n = 0;
  for (let i = 0; i < r.pixels.length; i += 4) {
    if (r.pixels[i] < 128 && r.pixels[i + 1] < 128 && r.pixels[i + 2] < 128) n++;
  }
  return n;
}

function textSpec(text: string) {
  return topLevel({
    width: 200,
    height: 60,
    data: { values: [{ t: text }] },
    mark: { type: "text", fontSize: 30, color: "black" },
    encoding: { text: { field: "t" } },
    config: { view: { stroke: null }, background: "white" },
  });
}

Deno.test("renderSvg draws one symbol per data point, at the encoded positions", async () => {
  const spec = topLevel({
    width: 100,
    height: 100,
    data: { values: [{ x: 0, y: 0 }, { x: 5, y: 5 }, { x: 10, y: 10 }] },
    mark: "point",
    encoding: {
      x: { field: "x", type: "quantitative", scale: { domain: [0, 10] } },
      y: { field: "y", type: "quantitative", scale: { domain: [0, 10] } },
    },
  });
  const svg = await renderSvg(spec);
  const marks = svg.match(/<g class="mark-symbol[^>]*>(.*?)<\/g>/s);
  assert.ok(marks, "a symbol mark group");
  const points = [...marks[1].matchAll(/transform="translate\(([\d.]+),([\d.]+)\)"/g)].map((m) => [
    Number(m[1]),
    Number(m[2]),
  ]);
  // x = 0, 5, 10 map to 0, 50, 100 px; y is flipped (0 at the bottom, 100 px).
  assert.deepEqual(points, [[0, 100], [50, 50], [100, 0]]);
});

Deno.test("PNG is 2x the SVG size, deterministic, and its text renders with the shipped font", async () => {
  const spec = textSpec("Scaling 123");
  const a = await renderFigure(spec, "text");
  const b = await renderFigure(spec, "text");
  assert.deepEqual(a.png, b.png);
  assert.deepEqual([...a.png.slice(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const svgWidth = Number(a.svg.match(/<svg[^>]*width="(\d+)"/)?.[1]);
  const view = new DataView(a.png.buffer, a.png.byteOffset);
  assert.equal(view.getUint32(16), 2 * svgWidth); // IHDR width
  const withText = await rasterize(a.svg);
  const empty = await rasterize(await renderSvg(textSpec("")));
  assert.equal(darkPixels(empty), 0);
  assert.ok(darkPixels(withText) > 500, `text drew ${darkPixels(withText)} dark pixels`);
});

Deno.test("compileVegaLite names the figure on an invalid spec", () => {
  assert.throws(
    () => compileVegaLite({ mark: "nonsense-mark", data: { values: [] } }, "figure 42"),
    /figure 42/,
  );
});

Deno.test("a figure's SVG bytes do not depend on what was rendered before it (gradient ids restart)", async () => {
  const gradientSpec = topLevel({
    width: 100,
    height: 50,
    data: { values: [{ x: 1, c: 0.1 }, { x: 2, c: 0.9 }] },
    mark: "point",
    encoding: { x: { field: "x", type: "quantitative" }, color: { field: "c", type: "quantitative" } },
  });
  const first = await renderSvg(gradientSpec);
  assert.match(first, /id="gradient_0"/);
  await Promise.all([renderSvg(gradientSpec), renderSvg(gradientSpec), renderSvg(textSpec("between"))]);
  const again = await renderSvg(gradientSpec);
  assert.equal(again, first);
});
