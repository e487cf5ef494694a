/**
 * The worker rule over every graph the project builds: each stage that does not compute on a device runs in
 * a worker, and its worker spec rebuilds the very stage of the graph (an export of its module, called with
 * plain-data arguments, giving the same parameters).
 */
import assert from "node:assert/strict";
import type { Stage } from "../pipeline/stage.ts";
import { requireWorkers, usesDevice } from "../pipeline/graph.ts";
import { validatedParams } from "../pipeline/fingerprint.ts";
import { canonicalJson } from "../pipeline/hash.ts";
import { buildVariant, diffStages, LAW_PROFILES, PROFILES } from "./pipeline.ts";
import { VARIANT_NAMES } from "./variants.ts";

/** Every graph: each profile with every variant, and the diff graph of two variants under each profile. */
function everyGraph(): [string, Stage[]][] {
  return [
    ...PROFILES.flatMap((profile) =>
      VARIANT_NAMES.map((v): [string, Stage[]] => [`${profile} ${v}`, buildVariant(v, profile)])
    ),
    ...LAW_PROFILES.map((profile): [string, Stage[]] => [
      `${profile} diff paper over_100b`,
      diffStages("paper", "over_100b", profile),
    ]),
  ];
}

Deno.test("every graph of every profile: each non-device stage has a worker spec that rebuilds it", async () => {
  const modules = new Map<string, Record<string, unknown>>();
  const checked = new Set<string>();
  let graphs = 0;
  for (const [name, stages] of everyGraph()) {
    graphs++;
    for (const s of stages) {
      const id = s.id ?? s.name;
      if (usesDevice(s)) {
        assert.equal(s.name, "train", `${name}: ${id} uses a device but is no train stage`);
        continue;
      }
      assert.ok(s.worker !== undefined, `${name}: ${id} has no worker spec`);
      const key = `${id} ${canonicalJson(s.params)}`;
      if (checked.has(key)) continue;
      checked.add(key);
      if (!modules.has(s.module)) modules.set(s.module, await import(s.module));
      const factory = modules.get(s.module)![s.worker.factory];
      assert.equal(typeof factory, "function", `${name}: ${id}: ${s.module} exports no ${s.worker.factory}`);
      const args = structuredClone(s.worker.args);
      const rebuilt = (factory as (...a: unknown[]) => Stage)(...args);
      assert.equal(
        canonicalJson(validatedParams(rebuilt)),
        canonicalJson(validatedParams(s)),
        `${name}: ${id} rebuilt with other parameters`,
      );
      assert.equal(rebuilt.name, s.name, `${name}: ${id}`);
    }
  }
  assert.equal(graphs, PROFILES.length * VARIANT_NAMES.length + LAW_PROFILES.length);
  assert.ok(checked.size > 200, `${checked.size} distinct stages checked`);
});

Deno.test("the paper graph: all 85 stages in workers; the micro graph: only its train stages on the main thread", () => {
  const paper = buildVariant("paper", "paper");
  assert.equal(paper.length, 85);
  assert.deepEqual(paper.filter((s) => s.worker === undefined).map((s) => s.id), []);
  const micro = buildVariant("paper", "micro");
  const main = micro.filter((s) => s.worker === undefined);
  // 17 runs of the study (13 shapes, 4 with a second seed) and the sweep's 4 models × 7 learning rates.
  assert.equal(main.length, 17 + 28);
  assert.ok(main.every((s) => s.name === "train" && s.envIdentity !== undefined));
});

Deno.test("a graph stage stripped of its worker is refused, by name", () => {
  const paper = buildVariant("paper", "paper");
  const stripped = paper.map((s) => s.id === "grid_size_study" ? { ...s, worker: undefined } : s);
  assert.throws(() => requireWorkers(stripped), /^Error: stage grid_size_study would run on the main thread/);
});
