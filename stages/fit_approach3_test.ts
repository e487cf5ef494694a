import assert from "node:assert/strict";
import { gemstonesPoints, readGemstones } from "../testing/gemstones.ts";
import { approach3Record, DEFAULT_FIT_OPTIONS } from "./fit_approach3.ts";

// The fits issue 12 names as silently bad are now flagged in their records.
Deno.test("health in the record: Eq. 1 on the width-512 models runs an exponent away; Eq. 3 on hot sends E to 0", () => {
  const w512 = gemstonesPoints(
    readGemstones("wandb_df_for_fitting_hot_100b+_512x.jsonl").filter((r) => r.width === 512),
  );
  const eq1 = approach3Record("width_512_only", "eq1", w512, {
    ...DEFAULT_FIT_OPTIONS.eq1,
    bootstrapSamples: 0,
  });
  const alpha = eq1.terms.find((t) => t.variable === "params")!.alpha;
  assert.ok(alpha > 3, `alpha_params ${alpha}`);
  assert.equal(eq1.health.verdict, "warn");
  assert.ok(eq1.health.findings.some((f) => f.code === "exponent_at_bound"), JSON.stringify(eq1.health));

  const hot = gemstonesPoints(readGemstones("wandb_df_for_fitting_hot.jsonl"));
  const eq3 = approach3Record("paper", "eq3", hot, { ...DEFAULT_FIT_OPTIONS.eq3, bootstrapSamples: 0 });
  assert.ok(eq3.E < 1e-10, `E ${eq3.E}`);
  const codes = eq3.health.findings.map((f) => f.code);
  assert.ok(codes.includes("E_at_zero") && codes.includes("ill_conditioned"), codes.join(", "));
});
