/**
 * The code fingerprints of the pipeline's stages must not reach files whose edits concern other stages:
 * editing one variant in `stages/variants.ts` or one profile in `stages/profile_settings.ts` must not
 * change the code of any stage of any profile (variants and profile settings reach stages only as
 * parameters, so only the stages they parameterise rerun), and the report must not depend on the trainer.
 * No module of a stage's graph imports a `mod.ts` barrel: a barrel would put every module it re-exports
 * under the stage's fingerprint, so an edit of one would rerun stages that never call it.
 */
import assert from "node:assert/strict";
import { CodeGraphCache } from "../pipeline/codegraph.ts";
import { buildVariant, diffStages, LAW_PROFILES, PROFILES } from "../stages/pipeline.ts";
import { VARIANT_NAMES } from "../stages/variants.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const GRAPH_ONLY = ["stages/variants.ts", "stages/profile_settings.ts", "stages/pipeline.ts"];

/** Returns the module of every stage of every profile (variant and diff graphs) → the stage ids using it. */
function stageModules(): Map<string, Set<string>> {
  const modules = new Map<string, Set<string>>();
  for (const profile of PROFILES) {
    for (
      const s of [
        ...buildVariant(VARIANT_NAMES[0], profile),
        ...(LAW_PROFILES.includes(profile) ? diffStages(VARIANT_NAMES[0], VARIANT_NAMES[1], profile) : []),
      ]
    ) {
      const ids = modules.get(s.module) ?? new Set<string>();
      ids.add(`${profile}:${s.id ?? s.name}`);
      modules.set(s.module, ids);
    }
  }
  return modules;
}

Deno.test("stage code graphs of every profile: no stage reaches variants, profile settings or the graph", async () => {
  const cache = await CodeGraphCache.load(undefined, ROOT);
  const modules = stageModules();
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

Deno.test("libraries loaded lazily (dynamic import in run) are still part of the stage's code fingerprint", async () => {
  const cache = await CodeGraphCache.load(undefined, ROOT);
  const packages = async (file: string) =>
    (await cache.graph(new URL(`../${file}`, import.meta.url).href)).packages;
  assert.ok((await packages("stages/collect.ts")).some((p) => p.startsWith("npm:danfojs@")));
  const report = await packages("stages/report.ts");
  for (const lib of ["vega", "vega-lite", "@resvg/resvg-wasm"]) {
    assert.ok(report.some((p) => p.startsWith(`npm:${lib}@`)), `report reaches ${lib}`);
  }
});

Deno.test("no module of any stage's code graph imports a mod.ts barrel", async () => {
  const cache = await CodeGraphCache.load(undefined, ROOT);
  const files = new Set<string>();
  for (const module of stageModules().keys()) {
    for (const f of (await cache.graph(module)).files) files.add(f.slice(ROOT.length + 1));
  }
  assert.ok(files.has("stages/fit_approach3.ts") && files.has("stages/collect.ts"), [...files].join(" "));
  const barrels: string[] = [];
  // A barrel in the graph is reached only through an importer, which is what the check names.
  for (const file of [...files].filter((f) => !f.endsWith("mod.ts")).sort()) {
    const text = (await Deno.readTextFile(`${ROOT}/${file}`)).replace(/\/\*[\s\S]*?\*\//g, "");
    for (const m of text.matchAll(/(?:\bfrom|\bimport\(?)\s*"(\.[^"]*)"/g)) {
      const target = new URL(m[1], `file://${ROOT}/${file}`).pathname.slice(ROOT.length + 1);
      if (target.endsWith("/mod.ts") || target === "mod.ts") barrels.push(`${file} imports ${target}`);
    }
  }
  assert.deepEqual(barrels, [], "stage modules import the modules they use, not a barrel");
});
