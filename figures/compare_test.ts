import assert from "node:assert/strict";
import { compareApproach3, comparePrescriptions, diffRows, prescriptionAt, summaryText } from "./compare.ts";
import type { Approach3Record, Prescription, PrescriptionsRecord, SelectedRow } from "../records/schemas.ts";

function fit(E: number, alpha: number, lo: number | null): Approach3Record {
  return {
    kind: "approach3",
    variant: "v",
    form: "eq1",
    E,
    terms: [{ variable: "params", A: 400, alpha }, { variable: "tokens", A: 410, alpha: 0.28 }],
    objective: 0,
    huberDelta: 1e-4,
    grid: { kind: "lhs", starts: 1, seed: 1, fullGridSize: 4050 },
    starts: 1,
    converged: 1,
    rows: 10,
    bootstrap: lo === null ? null : {
      samples: 10,
      seed: 1,
      confidence: 0.95,
      parameters: { E: { estimate: E, lower: lo, upper: E + 0.1 } },
      optima: [],
    },
  };
}

Deno.test("compareApproach3 gives absolute and relative differences and both intervals", () => {
  const rows = compareApproach3(fit(2, 0.3, 1.9), fit(2.5, 0.36, null));
  const e = rows.find((r) => r.name === "E")!;
  assert.equal(e.abs, 0.5);
  assert.equal(e.rel, 0.25);
  assert.deepEqual(e.aInterval, { estimate: 2, lower: 1.9, upper: 2.1 });
  assert.equal(e.bInterval, null);
  const a = rows.find((r) => r.name === "alpha_params")!;
  assert.ok(Math.abs(a.rel - 0.2) < 1e-12);
  assert.deepEqual(rows.map((r) => r.name), ["E", "A_params", "alpha_params", "A_tokens", "alpha_tokens"]);
});

function p(flops: number, params: number, tokens: number): Prescription {
  return { flops, params, tokens, width: null, depth: null, loss: 2, atBoundary: null };
}

Deno.test("prescriptionAt is exact at a budget and exact for a power law in between", () => {
  // N = 0.1 C^0.5, D = C / (6N): log-log interpolation of a power law is exact.
  const law = (c: number) => p(c, 0.1 * Math.sqrt(c), c / (6 * 0.1 * Math.sqrt(c)));
  const list = [1e18, 1e20, 1e22].map(law);
  assert.deepEqual(prescriptionAt(list, 1e20), list[1]);
  const mid = prescriptionAt(list, 1e21)!;
  assert.ok(Math.abs(mid.params / (0.1 * Math.sqrt(1e21)) - 1) < 1e-12);
  assert.ok(Math.abs((6 * mid.params * mid.tokens) / 1e21 - 1) < 1e-12);
  assert.equal(prescriptionAt(list, 1e25), null);
  const rec = (v: string): PrescriptionsRecord => ({
    kind: "prescriptions",
    variant: v,
    forms: [{ form: "eq1", method: "closed_form", flopsCounting: "C = 6ND", prescriptions: list }],
  });
  const cmp = comparePrescriptions(rec("a"), rec("b"));
  assert.deepEqual(cmp.map((c) => c.flops), [1e19, 1e21, 1e23, 1e25]);
  assert.deepEqual(cmp.map((c) => c.a === null), [false, false, true, true]);
});

function row(run_id: string, step: number, params: number, subset = "hot"): SelectedRow {
  return {
    run_id,
    model: "1x1",
    width: 1,
    depth: 1,
    step,
    tokens: step * 10,
    params,
    flops: 6 * params * step * 10,
    gpu_hours: NaN,
    loss: 3,
    subset,
  };
}

Deno.test("diffRows lists rows only in A, only in B and changed, treating NaN as equal", () => {
  const a = [row("r1", 1, 100), row("r1", 2, 100), row("r2", 1, 50)];
  const b = [row("r1", 1, 100), row("r1", 2, 80), row("r3", 1, 50)];
  const d = diffRows(a, b);
  assert.deepEqual(d.map((x) => [x.change, x.run_id, x.step]), [
    ["changed", "r1", 2],
    ["only in A", "r2", 1],
    ["only in B", "r3", 1],
  ]);
  assert.equal(d[0].detail, "params: 100 -> 80; flops: 12000 -> 9600");
  const text = summaryText({
    a: "A",
    b: "B",
    coefficients: compareApproach3(fit(2, 0.3, null), fit(2.5, 0.3, null)),
    prescriptions: [],
    rows: d,
    rowCounts: { a: 3, b: 3 },
  });
  assert.match(text, /1 only in A, 1 only in B, 1 changed/);
  assert.match(text, /approach3 eq1 +E +2 +2\.5 +0\.5 +25\.0%/);
});
