import assert from "node:assert/strict";
import { evaluateLaw } from "../scaling/law.ts";
import { CHINCHILLA_LAW } from "../scaling/laws/reference.ts";
import { backtestRecord } from "./fit_backtest.ts";
import type { SelectedRow } from "../records/schemas.ts";

// 8 runs (model N = 5e7·2^i) with 5 checkpoints each, losses from Chinchilla's law (noise-free).
const rows: SelectedRow[] = [];
for (let i = 0; i < 8; i++) {
  const params = 5e7 * 2 ** i;
  for (let s = 1; s <= 5; s++) {
    const tokens = params * 4 * s;
    rows.push({
      run_id: `r${i}`,
      model: `${256 * (i + 1)}x${4 + i}`,
      width: 256 * (i + 1),
      depth: 4 + i,
      step: s * 100,
      tokens,
      params,
      flops: 6 * params * tokens,
      gpu_hours: NaN,
      loss: evaluateLaw(CHINCHILLA_LAW, { params, tokens }),
      subset: "sim",
    });
  }
}
const grid = { kind: "lhs" as const, starts: 40, seed: 1 };

Deno.test("backtest stage: holds out every checkpoint of the largest runs; Eq. 1 predicts them from its own law", () => {
  const rec = backtestRecord(rows, {
    variant: "sim",
    holdoutRuns: 2,
    huberDelta: 1e-4,
    grids: { eq1: grid, eq2: grid, eq3: grid },
  });
  assert.equal(rec.kind, "backtest");
  assert.deepEqual(rec.heldOutRuns, ["r7", "r6"]);
  const eq1 = rec.forms.find((f) => f.form === "eq1")!;
  assert.equal(eq1.heldOutRows, 10);
  assert.equal(eq1.trainRows, 30);
  assert.deepEqual(eq1.heldOut.map((h) => h.line), [32, 33, 34, 35, 36, 37, 38, 39, 40, 41]);
  for (const h of eq1.heldOut) {
    assert.ok(Math.abs(h.predicted / h.actual - 1) < 1e-4, `${h.run_id}@${h.step}`);
  }
  assert.ok(eq1.meanAbsRelError < 1e-4);
  assert.deepEqual(rec.forms.map((f) => f.form), ["eq1", "eq2", "eq3"]);
  // The best form is the one with the lowest error among those not refused.
  const ok = rec.forms.filter((f) => f.health.verdict !== "refused");
  assert.equal(rec.best, ok.reduce((a, b) => (b.meanAbsRelError < a.meanAbsRelError ? b : a)).form);
});

Deno.test("backtest stage: never holds out more than a third of the runs; one run is not backtested", () => {
  const few = rows.filter((r) => ["r0", "r1", "r2"].includes(r.run_id));
  const rec = backtestRecord(few, {
    variant: "sim",
    holdoutRuns: 3,
    huberDelta: 1e-4,
    grids: { eq1: grid, eq2: grid, eq3: grid },
  });
  assert.equal(rec.holdoutRuns, 1);
  assert.deepEqual(rec.heldOutRuns, ["r2"]);
  const one = backtestRecord(rows.slice(0, 5), {
    variant: "sim",
    holdoutRuns: 3,
    huberDelta: 1e-4,
    grids: { eq1: grid, eq2: grid, eq3: grid },
  });
  assert.deepEqual(one.forms, []);
  assert.equal(one.best, null);
});
