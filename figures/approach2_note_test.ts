import assert from "node:assert/strict";
import { approach2Note, approach2SectionHtml, readApproach2Record } from "./approach2_note.ts";
import { approach2Rows } from "./fits_table.ts";
import { approach2Record, DEFAULT_APPROACH2 } from "../stages/fit_approach2.ts";
import type { Approach2Record, SelectedRow } from "../records/schemas.ts";
import { buildVariant, LAW_PROFILES } from "../stages/pipeline.ts";

// Rows with a known isoFLOP optimum N*(C) = 0.09·C^0.5 (so D*(C) = C / (6 N*) = C^0.5 / 0.54): at
// C = 1e18, 1e19, 1e20, 1e21 seven model sizes each, loss an exact parabola in ln N around N*.
const G = 0.09;
function knownRows(): SelectedRow[] {
  const rows: SelectedRow[] = [];
  for (const c of [1e18, 1e19, 1e20, 1e21]) {
    for (const k of [-3, -2, -1, 0.5, 1, 2, 2.5]) {
      const params = G * Math.sqrt(c) * Math.exp(0.4 * k);
      rows.push({
        run_id: `r${c}-${k}`,
        model: `m${k}`,
        width: 64,
        depth: 2,
        step: 1,
        tokens: c / (6 * params),
        params,
        flops: c,
        gpu_hours: 1,
        loss: 2 + 100 * Math.pow(c, -0.1) + 0.05 * (0.4 * k) ** 2,
        subset: "synthetic",
      });
    }
  }
  return rows;
}

Deno.test("approach2 fits table rows: the exponents and coefficients of a known isoFLOP optimum", () => {
  const rec = approach2Record(knownRows(), { ...DEFAULT_APPROACH2, variant: "synthetic" });
  assert.equal(rec.available, true);
  const rows = approach2Rows(rec, { fit: "approach2.synthetic", subsets: ["synthetic"], noEmbeds: false });
  const value = (q: string) => rows.find((r) => r.quantity === q)!.ours;
  assert.ok(Math.abs(value("slope N_opt(C)") - 0.5) < 1e-9);
  assert.ok(Math.abs(value("k N_opt(C)") / G - 1) < 1e-8);
  assert.ok(Math.abs(value("slope D_opt(C)") - 0.5) < 1e-9);
  assert.ok(Math.abs(value("k D_opt(C)") * 6 * G - 1) < 1e-8);
  assert.deepEqual(new Set(rows.map((r) => r.form)), new Set(["approach2 isoFLOP (FLOPs)"]));
  assert.ok(rows.every((r) => r.authors === null && r.fit === "approach2.synthetic"));
  // 3 decades at 4 budgets per decade: 13 budgets, 4 of them hold the rows, 9 are empty.
  assert.equal(
    approach2Note(rec, { rows: 28 }),
    "Approach 2 (Chinchilla's isoFLOP profiles) was fitted on these data: 4 of 13 isoFLOP bins could be " +
      "fitted with a parabola in ln params (it needs 3), giving N_opt ∝ C^0.5 and D_opt ∝ C^0.5 over those " +
      `4 bins (rows "approach2 isoFLOP" of the fits table). 4 of the 13 bins have >= 3 distinct model ` +
      "sizes, which a parabola needs; the other 9 hold no checkpoint. All 4 were fitted. A bin holds the " +
      "checkpoints within ±0.05 in ln FLOPs of one of 13 budgets log-spaced over the data's FLOP range; " +
      "28 of the 28 checkpoints fall in one.",
  );
  // An unavailable Approach 2 has no rows in the fits table.
  const few = approach2Record(knownRows().filter((r) => r.flops <= 1e19), {
    ...DEFAULT_APPROACH2,
    variant: "synthetic",
  });
  assert.equal(few.available, false);
  assert.deepEqual(approach2Rows(few, { fit: "f", subsets: [], noEmbeds: false }), []);
});

const SKIPPED: Approach2Record = {
  kind: "approach2",
  variant: "v",
  available: false,
  reason: "only 1 of 5",
  budgets: [1e18, 1e19, 1e20, 1e21, 1e22],
  tolerance: 0.05,
  minBins: 3,
  bins: [{ flops: 1e20, points: 4, paramsOpt: 1e8, tokensOpt: 2e9, lossOpt: 3.1 }],
  skipped: [
    { flops: 1e18, points: 1, sizes: 1, code: "too_few_sizes", reason: "only 1 distinct parameter count(s)" },
    { flops: 1e19, points: 3, sizes: 2, code: "too_few_sizes", reason: "only 2 distinct parameter count(s)" },
    {
      flops: 1e21,
      points: 3,
      sizes: 3,
      code: "no_minimum",
      reason: "parabola has no minimum (curvature -1)",
    },
    { flops: 1e22, points: 0, sizes: 0, code: "no_points", reason: "no points" },
  ],
  params: null,
  tokens: null,
};

Deno.test("approach2 note: an unavailable Approach 2 says how many bins were usable and why the others not", () => {
  assert.equal(
    approach2Note(SKIPPED, { rows: 40 }),
    "Approach 2 (Chinchilla's isoFLOP profiles) is not available on these data: only 1 of 5 isoFLOP bins " +
      "could be fitted with a parabola in ln params, and Approach 2 needs 3 to fit N_opt(C) and D_opt(C). " +
      "2 of the 5 bins have >= 3 distinct model sizes, which a parabola needs; of the other 3, 2 have only " +
      "1 or 2 and 1 holds no checkpoint. Of those 2, 1 was fitted; 1 has a parabola with no minimum (loss " +
      "is not convex in ln params). A bin holds the checkpoints within ±0.05 in ln FLOPs of one of 5 " +
      "budgets log-spaced over the data's FLOP range; 11 of the 40 checkpoints fall in one.",
  );
  const html = approach2SectionHtml(SKIPPED);
  assert.match(html, /^<section id="approach2"><h2>Approach 2 \(isoFLOP profiles\)<\/h2>/);
  // One table row per budget, in FLOP order, the fitted one among them.
  const cells = [...html.matchAll(/<tr><td>([^<]*)<\/td><td>(\d+)<\/td><td>([^<]*)<\/td>/g)].map((m) =>
    m.slice(1).join(" ")
  );
  assert.deepEqual(cells, [
    "1.00e+18 1 1",
    "1.00e+19 3 2",
    "1.00e+20 4 &gt;= 3",
    "1.00e+21 3 3",
    "1.00e+22 0 0",
  ]);
  assert.ok(html.includes("fitted: N_opt 1.00e+8, D_opt 2.00e+9, loss 3.1"));
});

Deno.test("approach2 record: a bad field is an error naming the file and the field", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/approach2.json`;
    const write = (rec: unknown) => Deno.writeTextFile(path, JSON.stringify(rec));
    await write(SKIPPED);
    assert.deepEqual(await readApproach2Record(path), SKIPPED);
    await write({ ...SKIPPED, skipped: [{ ...SKIPPED.skipped[0], code: "tiny" }] });
    await assert.rejects(readApproach2Record(path), (e: Error) => {
      assert.ok(
        e.message.startsWith(`${path}: field "skipped[0].code": expected one of no_points,`),
        e.message,
      );
      return true;
    });
    await write({ ...SKIPPED, skipped: [{ ...SKIPPED.skipped[0], sizes: undefined }] });
    await assert.rejects(readApproach2Record(path), /field "skipped\[0\]\.sizes": expected a number/);
    await write({ ...SKIPPED, minBins: "3" });
    await assert.rejects(readApproach2Record(path), /field "minBins": expected a number, got "3"/);
    await write({ ...SKIPPED, kind: "approach1" });
    await assert.rejects(readApproach2Record(path), /field "kind": expected "approach2"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every law profile's report reads its variant's approach2 stage", () => {
  // (The state profiles fit no Chinchilla laws: their report is report_state.)
  for (const profile of LAW_PROFILES) {
    const stages = buildVariant("paper", profile);
    const report = stages.find((s) => s.id === "report.paper");
    assert.ok(report, profile);
    assert.ok(report.deps.includes("approach2.paper"), `${profile}: ${report.deps.join(", ")}`);
    assert.ok(stages.some((s) => s.id === "approach2.paper"), profile);
  }
});
