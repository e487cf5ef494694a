/** The shared axis, domain, label-placement and legend-highlight helpers. */
import assert from "node:assert/strict";
import {
  dataDomain,
  labelLayers,
  logAxis,
  logAxisChannel,
  logTickLabel,
  logTickStyle,
  logTickValues,
  placeLabels,
  textWidth,
  withLegendHighlight,
} from "./axes.ts";
import { topLevel } from "./common.ts";
import { compileVegaLite, rasterize, renderSvg } from "../render.ts";

Deno.test("log ticks: powers of ten over decades, thinned evenly; 1-2-5 inside one decade", () => {
  assert.deepEqual(logTickValues(2e17, 3e21), [1e18, 1e19, 1e20, 1e21]);
  // 1e10..1e26 is 17 decades; at most 8 ticks keeps every 3rd decade that is a multiple of 3.
  assert.deepEqual(logTickValues(1e10, 1e26), [1e12, 1e15, 1e18, 1e21, 1e24]);
  // Inside one decade: the first of 1-2-5, 1-2-3-5-7, 1..9 that gives three ticks, else two.
  assert.deepEqual(logTickValues(1.5, 9), [2, 3, 5, 7]);
  assert.deepEqual(logTickValues(0.15, 0.9), [0.2, 0.3, 0.5, 0.7]);
  assert.deepEqual(logTickValues(2.1, 4.3), [3, 4]);
});

Deno.test("one tick format per axis: plain in [1e-3, 1e4), else exponent form for every tick", () => {
  assert.equal(logTickStyle([1, 10, 100, 1000]), false);
  assert.equal(logTickStyle([100, 1000, 10000]), true);
  assert.deepEqual([1, 10, 100, 1000].map((v) => logTickLabel(v, false)), ["1", "10", "100", "1000"]);
  assert.deepEqual([1e14, 1e16, 3e-4, 2e9].map((v) => logTickLabel(v, true)), [
    "1e14",
    "1e16",
    "3e-4",
    "2e9",
  ]);
  // An axis from 100 to 1e10 labels 100 as "1e2", never "100" beside "1e10".
  const axis = logAxis([50, 2e11]);
  const values = axis.values as number[];
  assert.deepEqual(values, [100, 1e4, 1e6, 1e8, 1e10]);
  assert.match(String(axis.labelExpr), /datum\.value === 100 \? "1e2"/);
  assert.doesNotMatch(String(axis.labelExpr), /"100"/);
});

Deno.test("the axis domain is the data's, padded, not rounded out to decades", () => {
  assert.deepEqual(dataDomain([3e18, 7e20, NaN, -1]), [3e18 / 1.15, 7e20 * 1.15]);
  const [lo, hi] = dataDomain([2, 4], { log: false });
  assert.ok(Math.abs(lo - 1.92) < 1e-12 && Math.abs(hi - 4.08) < 1e-12);
  assert.throws(() => dataDomain([0, -2], { label: "flops" }), /no positive finite value for flops/);
  const ch = logAxisChannel("flops", { values: [1e19, 1e21], title: "FLOPs" });
  assert.deepEqual((ch.scale as { domain: number[] }).domain, [1e19 / 1.15, 1e21 * 1.15]);
});

Deno.test("placed labels never overlap each other, a marker or the frame; the rest are thinned", () => {
  const x = { domain: [1, 1e4] as const, log: true, pixels: 300 };
  const y = { domain: [0, 10] as const, log: false, pixels: 200 };
  // A dense cluster: 40 points within a factor 2 in x and 1 unit in y, like the industry models.
  const pts = Array.from({ length: 40 }, (_, i) => ({
    x: 100 * Math.pow(2, (i % 8) / 8),
    y: 5 + (i % 5) / 5,
    text: `model-${i}`,
  }));
  const placed = placeLabels(pts, { x, y, fontSize: 10 });
  assert.equal(placed.length, 40);
  const shown = placed.filter((p) => p.shown);
  assert.ok(shown.length >= 3 && shown.length < 40, `${shown.length} shown`);
  const px = (v: number) => (Math.log(v) / Math.log(1e4)) * 300;
  const py = (v: number) => (1 - v / 10) * 200;
  const boxes = shown.map((p) => {
    const w = textWidth(p.text, 10), h = 12;
    return { x0: px(p.labelX), x1: px(p.labelX) + w, y0: py(p.labelY) - h / 2, y1: py(p.labelY) + h / 2 };
  });
  for (const b of boxes) {
    assert.ok(b.x0 >= -1e-6 && b.x1 <= 300 + 1e-6 && b.y0 >= -1e-6 && b.y1 <= 200 + 1e-6);
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      assert.ok(!(a.x0 < b.x1 - 1e-6 && b.x0 < a.x1 - 1e-6 && a.y0 < b.y1 - 1e-6 && b.y0 < a.y1 - 1e-6));
    }
    // No label covers any point's marker (3 px around it).
    for (const p of pts) {
      const cx = px(p.x), cy = py(p.y);
      const b = boxes[i];
      assert.ok(
        !(b.x0 < cx + 3 - 1e-6 && cx - 3 < b.x1 - 1e-6 && b.y0 < cy + 3 - 1e-6 && cy - 3 < b.y1 - 1e-6),
      );
    }
  }
  // The first point always gets its label (placed first, nothing in its way to the right).
  assert.ok(placed[0].shown);
  // An isolated point is labelled to its right, at its own height.
  const lone = placeLabels([{ x: 10, y: 5, text: "a" }], { x, y })[0];
  assert.ok(lone.shown && lone.labelX > 10 && Math.abs(lone.labelY - 5) < 1e-9);
});

Deno.test("label layers compile and draw one text per shown label", async () => {
  const x = logAxisChannel("x", { values: [1, 100] });
  const y = logAxisChannel("y", { values: [1, 100] });
  const domainX = (x.scale as { domain: [number, number] }).domain;
  const domainY = (y.scale as { domain: [number, number] }).domain;
  const placed = placeLabels([{ x: 2, y: 3, text: "first" }, { x: 50, y: 40, text: "second" }], {
    x: { domain: domainX, log: true, pixels: 200 },
    y: { domain: domainY, log: true, pixels: 200 },
  });
  const spec = topLevel({
    width: 200,
    height: 200,
    layer: [
      { data: { values: [{ x: 2, y: 3 }, { x: 50, y: 40 }] }, mark: "point", encoding: { x, y } },
      ...labelLayers(placed, { x, y }),
    ],
  });
  const svg = await renderSvg(spec, "labels");
  assert.ok(svg.includes(">first<") && svg.includes(">second<"));
});

Deno.test("legend highlight adds a legend-bound selection and leaves the static rendering as it was", async () => {
  const rows = [1, 2, 3].flatMap((s) => [1, 2, 3].map((t) => ({ t, v: s * t, series: `s${s}` })));
  const spec = topLevel({
    width: 200,
    height: 120,
    data: { values: rows },
    layer: [
      {
        mark: "line",
        encoding: {
          x: { field: "t", type: "quantitative" },
          y: { field: "v", type: "quantitative" },
          color: { field: "series", type: "nominal" },
        },
      },
      {
        mark: "point",
        encoding: {
          x: { field: "t", type: "quantitative" },
          y: { field: "v", type: "quantitative" },
          color: { field: "series", type: "nominal" },
        },
      },
    ],
  });
  const highlighted = withLegendHighlight(spec);
  const layers = highlighted.layer as { params?: unknown[]; encoding: Record<string, unknown> }[];
  assert.deepEqual(layers[0].params, [
    { name: "highlight", select: { type: "point", fields: ["series"] }, bind: "legend" },
  ]);
  assert.ok(layers[1].encoding.opacity, "the points dim with their line");
  assert.equal((spec.layer as { params?: unknown }[])[0].params, undefined, "input unchanged");
  const vega = JSON.stringify(compileVegaLite(highlighted, "highlight"));
  assert.match(vega, /highlight_tuple/);
  assert.match(vega, /mouseup|click/);
  const [a, b] = [
    await rasterize(await renderSvg(highlighted, "h")),
    await rasterize(await renderSvg(spec, "p")),
  ];
  // The plot area (left of the legend: 37 px of axis + 200 px of plot, at 2x) is pixel-identical; the
  // legend's symbols become opaque (Vega-Lite draws bound legends from the opacity channel).
  let differing = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < 2 * (37 + 200); x++) {
      const i = 4 * (y * a.width + x);
      for (let k = 0; k < 4; k++) if (a.pixels[i + k] !== b.pixels[i + k]) differing++;
    }
  }
  assert.equal(differing, 0, "the plot area renders as it did");
  // A figure without a nominal colour on lines is left as it is.
  const single = topLevel({ data: { values: rows }, mark: "point", encoding: {} });
  assert.equal(withLegendHighlight(single), single);
});
