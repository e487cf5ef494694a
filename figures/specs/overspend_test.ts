/**
 * Figure 7's law view: the authors' stored law's cells beside ours where it differs (outlined dashed, labelled
 * "authors' fit"), and no null field in any cell (a grey cell carries the reason instead).
 */
import assert from "node:assert/strict";
import type { OverspendRecord } from "../../records/schemas.ts";
import { compileVegaLite } from "../render.ts";
import { AUTHORS_FIT_LABEL } from "./authors_fit.ts";
import { LAW_OVERSPEND_CAP, lawOverspendFigure, lawViewRows, OUR_LAW_LABEL } from "./overspend.ts";

type Row = OverspendRecord["rows"][number];

/** A law-view row of shape `model` at `loss`: FLOPs overspend `flops` (null: unreachable), GPU-hours `gpu`. */
function row(model: string, loss: number, flops: number | null, gpu: number | null): Row {
  const [width, depth] = model.split("x").map(Number);
  return {
    model,
    width,
    depth,
    loss,
    flops: flops === null ? null : 1e20 * (1 + flops),
    flopsOptimal: 1e20,
    flopsOverspend: flops,
    gpuHours: gpu === null ? null : 100 * (1 + gpu),
    gpuHoursOptimal: 100,
    gpuHoursOverspend: gpu,
    flopsOptimalModel: "1024x12",
    gpuHoursOptimalModel: gpu === null ? "" : "1024x12",
  };
}

const OURS: Row[] = [
  row("1024x12", 2.5, 0, 0),
  row("512x40", 2.5, 0.3, null),
  row("256x80", 2.5, null, null),
  row("1024x12", 2.4, 0, 0),
  row("512x40", 2.4, 9, 12),
  row("256x80", 2.4, null, null),
];

/** An overspend record with `rows` (the measured part is not drawn by the law view). */
function record(rows: Row[], authors?: OverspendRecord["authors"]): OverspendRecord {
  return {
    kind: "overspend",
    variant: "v",
    form: "eq2",
    rows,
    targetLosses: [2.5, 2.4],
    candidates: { flops: "grid", gpuHours: "timed" },
    measured: { subsets: [], tokensRange: null, rows: [] },
    ...(authors === undefined ? {} : { authors }),
  };
}

Deno.test("law view: a grey cell has no null field, only the reason it is grey; capped cells marked", () => {
  const cells = lawViewRows(OURS, OUR_LAW_LABEL);
  for (const c of cells) assert.ok(Object.values(c).every((v) => v !== null), JSON.stringify(c));
  const byKey = (m: string, l: number) => cells.find((c) => c.model === m && c.targetLoss === l)!;
  assert.equal(byKey("512x40", 2.5).flopsPct, 30);
  assert.equal(byKey("512x40", 2.5).gpuPctWhy, "no measured step time for this shape");
  assert.equal(byKey("256x80", 2.5).flopsPctWhy, "the law never reaches this loss with this shape");
  assert.equal(byKey("256x80", 2.5).gpuPctWhy, "the law never reaches this loss with this shape");
  assert.deepEqual([byKey("512x40", 2.4).flopsPct, byKey("512x40", 2.4).flopsPctText], [
    LAW_OVERSPEND_CAP,
    "▲",
  ]);
  assert.equal(byKey("512x40", 2.4).flopsCapped, true);
});

Deno.test("law view: the authors' cells beside ours where their law differs, outlined dashed, with the sentence", () => {
  const theirs = [row("1024x12", 2.5, 0, 0), row("512x40", 2.5, 0.1, null), row("256x80", 2.5, 2, null)];
  const beside = { path: "their.json", objective: 1e-4, ourObjective: 0.9e-4, exponentGap: 0.05 };
  const f = lawOverspendFigure({ record: record(OURS, { ...beside, rows: theirs }), variant: "v" });
  compileVegaLite(f.spec, f.name);
  const data = (f.spec.datasets as Record<string, Record<string, unknown>[]>).overspend;
  assert.deepEqual(
    data.filter((d) => d.law === AUTHORS_FIT_LABEL).map((d) => [d.model, d.flopsPct ?? null]),
    [["1024x12", 0], ["512x40", 10], ["256x80", 200]],
  );
  for (const d of data) assert.ok(Object.values(d).every((v) => v !== null), JSON.stringify(d));
  const map = (f.spec.vconcat as { facet: { row?: { field: string } }; spec: { layer: unknown[] } }[])[0];
  assert.equal(map.facet.row?.field, "law");
  assert.match(JSON.stringify(map.spec.layer), /authors' fit.*strokeDash/);
  assert.match(f.caption, /their\.json.*largest FLOPs overspend 256x80 200% at 2\.500.*10 % lower/);
  // Within 0.005 of ours: one row of cells, and the caption says why.
  const same = lawOverspendFigure({
    record: record(OURS, { ...beside, exponentGap: 0.004, rows: theirs }),
    variant: "v",
  });
  const sameData = (same.spec.datasets as Record<string, Record<string, unknown>[]>).overspend;
  assert.ok(sameData.every((d) => d.law === OUR_LAW_LABEL));
  assert.match(same.caption, /within 0\.005 of ours, so its cells are not drawn/);
});
