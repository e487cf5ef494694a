/**
 * The code fingerprints of the pipeline's stages must not reach files whose edits concern other stages:
 * editing one variant in `stages/variants.ts` must not change the code of any stage (variants reach stages
 * only as parameters, so only that variant's stages rerun), and the report must not depend on the trainer.
 */
import assert from "node:assert/strict";
import { CodeGraphCache } from "../pipeline/codegraph.ts";
import { buildVariant } from "../stages/pipeline.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

Deno.test("stage code graphs: no stage reaches variants.ts; the report does not reach kernels/", async () => {
  const cache = await CodeGraphCache.load(undefined, ROOT);
  const modules = new Map<string, string[]>();
  for (const s of buildVariant("paper")) {
    const ids = modules.get(s.module) ?? [];
    modules.set(s.module, [...ids, s.id ?? s.name]);
  }
  assert.ok(modules.size >= 8, `expected the stage modules of the paper variant, got ${modules.size}`);
  for (const [module, ids] of modules) {
    const files = (await cache.graph(module)).files.map((f) => f.slice(ROOT.length + 1));
    assert.ok(files.length > 0, module);
    assert.ok(!files.includes("stages/variants.ts"), `${ids.join(", ")} depend on stages/variants.ts`);
    if (ids.some((id) => id.startsWith("report."))) {
      const trainer = files.filter((f) => f.startsWith("kernels/"));
      assert.deepEqual(trainer, [], `the report depends on trainer code: ${trainer.join(", ")}`);
    }
  }
});
