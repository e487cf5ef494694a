/**
 * The code fingerprints of the pipeline's stages must not reach files whose edits concern other stages:
 * editing one variant in `stages/variants.ts` or one profile in `stages/profile_settings.ts` must not
 * change the code of any stage of any profile (variants and profile settings reach stages only as
 * parameters, so only the stages they parameterise rerun), and the report must not depend on the trainer.
 */
import assert from "node:assert/strict";
import { CodeGraphCache } from "../pipeline/codegraph.ts";
import { buildVariant, diffStages, PROFILES } from "../stages/pipeline.ts";
import { VARIANT_NAMES } from "../stages/variants.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const GRAPH_ONLY = ["stages/variants.ts", "stages/profile_settings.ts", "stages/pipeline.ts"];

Deno.test("stage code graphs of every profile: no stage reaches variants, profile settings or the graph", async () => {
  const cache = await CodeGraphCache.load(undefined, ROOT);
  const modules = new Map<string, Set<string>>();
  for (const profile of PROFILES) {
    for (
      const s of [
        ...buildVariant(VARIANT_NAMES[0], profile),
        ...diffStages(VARIANT_NAMES[0], VARIANT_NAMES[1], profile),
      ]
    ) {
      const ids = modules.get(s.module) ?? new Set<string>();
      ids.add(`${profile}:${s.id ?? s.name}`);
      modules.set(s.module, ids);
    }
  }
  // collect, collect_trained/simulated/imported, select, approach1-3, prescribe, overtraining, overspend,
  // report, diff, grid, corpus/train, simulate, paper_law, lr_sweep.
  assert.ok(modules.size >= 16, `expected the stage modules of every profile, got ${modules.size}`);
  for (const [module, ids] of modules) {
    const files = (await cache.graph(module)).files.map((f) => f.slice(ROOT.length + 1));
    assert.ok(files.length > 0, module);
    for (const f of GRAPH_ONLY) assert.ok(!files.includes(f), `${[...ids].join(", ")} depend on ${f}`);
    if ([...ids].some((id) => id.includes(":report."))) {
      const trainer = files.filter((f) => f.startsWith("kernels/"));
      assert.deepEqual(trainer, [], `the report depends on trainer code: ${trainer.join(", ")}`);
    }
  }
});
