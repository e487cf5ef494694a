/**
 * The simulate profile through the engine: the micro grid -> simulate (explicit law, no noise) ->
 * collect -> select -> Approach 3 recovers the generating law. The same fit stages as the paper profile.
 */
import assert from "node:assert/strict";
import { runPipeline } from "../pipeline/mod.ts";
import { readCsvObjects, readRecord, readRunsRows } from "../records/schemas.ts";
import type { Approach3Record } from "../records/schemas.ts";
import { buildGrid } from "../stages/grid.ts";
import { MICRO_GRID, SIMULATE, SMALL_FIT } from "../stages/profile_settings.ts";
import { profileStages } from "../stages/pipeline.ts";
import type { AdditiveLaw } from "../scaling/law.ts";

const LAW: AdditiveLaw = {
  E: 1.69,
  terms: [{ variable: "params", A: 406.4, alpha: 0.34 }, { variable: "tokens", A: 410.7, alpha: 0.28 }],
};

Deno.test("simulate profile: fitting the simulated runs recovers the generating law (Eq. 1, 1e-6)", async () => {
  const root = await Deno.makeTempDir({ prefix: "profile_simulate_" });
  try {
    // The report (which reads the project's font) is left out: this root is a bare temporary folder.
    const stages = profileStages({
      ...SIMULATE,
      law: LAW,
      // 1e8 tokens per model: the law's losses at the first checkpoints stay below runs.csv's 20 nats.
      grid: { ...MICRO_GRID, minTokens: 1e8, maxTokens: 1e8 },
      noise: 0,
      fit: { ...SMALL_FIT, eq1: { ...SMALL_FIT.eq1, bootstrapSamples: 0 } },
    }, "paper").filter((s) => !s.id!.startsWith("report."));
    const results = await runPipeline(stages, { root, only: "approach3_eq1.paper", jobs: 2 });
    const dir = (id: string) => results.find((r) => r.id === id)!.outDir;
    const grid = buildGrid(MICRO_GRID);
    assert.equal(grid.length, 15);
    const runs = await readRunsRows(`${dir("collect_simulated")}/runs.csv`);
    assert.equal(runs.filter((r) => r.subset === "simulated").length, 15 * 8);
    assert.equal(runs.filter((r) => r.subset === "simulated_cool").length, 15 * 8);
    assert.equal((await readCsvObjects(`${dir("select.paper")}/rows.csv`)).length, 15 * 8);
    const fit = await readRecord<Approach3Record>(`${dir("approach3_eq1.paper")}/fit.json`);
    const close = (a: number, b: number, what: string) =>
      assert.ok(Math.abs(a - b) <= 1e-6 * Math.abs(b), `${what}: fitted ${a}, generating ${b}`);
    close(fit.E, LAW.E, "E");
    LAW.terms.forEach((t, i) => {
      close(fit.terms[i].A, t.A, `A_${t.variable}`);
      close(fit.terms[i].alpha, t.alpha, `alpha_${t.variable}`);
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
