import assert from "node:assert/strict";
import { lawFigure } from "./law_figure.ts";
import { compileVegaLite } from "../figures/render.ts";

const LAW = {
  E: 2,
  terms: [{ variable: "params", A: 400, alpha: 0.3 }, { variable: "tokens", A: 4000, alpha: 0.3 }],
};

Deno.test("lawFigure: each run's curve is the law at its params over tokens to 4x past the data", () => {
  const rows = [
    { run: "a", x: { params: 1e8, tokens: 1e9 }, loss: 3.1 },
    { run: "a", x: { params: 1e8, tokens: 1e10 }, loss: 2.9, heldOut: true },
    { run: "b", x: { params: 1e9, tokens: 1e9 }, loss: 2.8 },
  ];
  const spec = lawFigure({ title: "t", rows, laws: [{ label: "fit", law: LAW }], samples: 5 });
  const curves = (spec.datasets as { curves: { run: string; tokens: number; loss: number }[] }).curves;
  assert.equal(curves.length, 2 * 5);
  const last = curves.filter((c) => c.run === "b").at(-1)!;
  assert.ok(Math.abs(last.tokens / 4e10 - 1) < 1e-12);
  const expected = 2 + 400 * 1e9 ** -0.3 + 4000 * 4e10 ** -0.3;
  assert.ok(Math.abs(last.loss - expected) < 1e-12, `${last.loss} vs ${expected}`);
  const points = (spec.datasets as { points: { heldOut: boolean }[] }).points;
  assert.deepEqual(points.map((p) => p.heldOut), [false, true, false]);
  compileVegaLite(spec, "law figure");
});

Deno.test("lawFigure: a row without tokens or params is an error naming its run", () => {
  assert.throws(
    () => lawFigure({ title: "t", rows: [{ run: "r1", x: { params: 1e8 }, loss: 3 }], laws: [] }),
    /run r1: no positive "tokens" value/,
  );
});
