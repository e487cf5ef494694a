import assert from "node:assert/strict";
import { PAPER, resolveVariant, VARIANT_NAMES, VARIANT_OVERRIDES } from "./variants.ts";
import { buildVariant, definition, fitStages, PUBLISH } from "./pipeline.ts";
import type { Stage } from "../pipeline/stage.ts";

Deno.test("variants: the nine named variants, paper first", () => {
  assert.deepEqual(VARIANT_NAMES, [
    "paper",
    "no_embeds",
    "cooldown",
    "lr_ablation",
    "over_100b",
    "over_120b_only",
    "width_512_only",
    "chinchilla_reduced_sampling",
    "huber_1e-3",
  ]);
  assert.deepEqual(definition.variants, VARIANT_NAMES);
});

Deno.test("variants: each resolves to PAPER plus its overrides", () => {
  assert.deepEqual(resolveVariant("paper"), PAPER);
  assert.deepEqual(resolveVariant("huber_1e-3"), {
    ...PAPER,
    huberDelta: 1e-3,
    description: resolveVariant("huber_1e-3").description,
  });
  assert.equal(resolveVariant("no_embeds").paramsConvention, "non_embedding_one");
  assert.equal(resolveVariant("no_embeds").approach1ParamsConvention, "non_embedding");
  assert.equal(resolveVariant("paper").approach1ParamsConvention, "");
  assert.deepEqual(resolveVariant("cooldown").subsets, ["cool_end"]);
  assert.deepEqual(resolveVariant("width_512_only").widths, [512]);
  assert.equal(PAPER.huberDelta, 1e-4);
});

Deno.test("variants: a typo in a variant name lists the valid ones", () => {
  assert.throws(() => resolveVariant("coldown"), (e: Error) => {
    assert.match(e.message, /unknown variant "coldown"/);
    for (const name of VARIANT_NAMES) assert.ok(e.message.includes(name), name);
    return true;
  });
  assert.throws(
    () => definition.build({ variant: "papr", profile: "paper" }),
    /valid variants: paper, no_embeds/,
  );
  assert.throws(() => resolveVariant("toString"), /unknown variant/);
});

Deno.test("variants: a typo in a key lists the valid keys", () => {
  const overrides = { ...VARIANT_OVERRIDES, mine: { description: "x", hubrDelta: 1e-2 } };
  assert.throws(() => resolveVariant("mine", overrides), (e: Error) => {
    assert.match(e.message, /variant "mine": unknown key "hubrDelta"/);
    assert.match(e.message, /huberDelta/);
    assert.match(e.message, /subsets/);
    return true;
  });
});

const ids = (stages: readonly Stage[]) => stages.map((s) => s.id ?? s.name);

Deno.test("pipeline: every variant's graph has unique ids and satisfied dependencies", () => {
  for (const v of VARIANT_NAMES) {
    const stages = buildVariant(v);
    const all = ids(stages);
    assert.equal(new Set(all).size, all.length, `duplicate ids in ${v}`);
    for (const s of stages) for (const d of s.deps) assert.ok(all.includes(d), `${s.id}: missing dep ${d}`);
    assert.ok(all.includes(`report.${v}`));
    for (const w of VARIANT_NAMES) assert.ok(all.includes(`approach3_eq1.${w}`));
  }
  const diff = definition.diff!({ a: "paper", b: "cooldown", profile: "paper" });
  const dids = ids(diff);
  assert.ok(dids.includes("diff.paper.cooldown"));
  assert.equal(new Set(dids).size, dids.length);
  for (const s of diff) for (const d of s.deps) assert.ok(dids.includes(d), `${s.id}: missing dep ${d}`);
  assert.ok(PUBLISH.includes("report.cooldown"));
});

Deno.test("pipeline: every profile's graph and diff graph are well formed", () => {
  assert.equal(definition.profiles[0], "paper");
  for (const profile of definition.profiles) {
    for (
      const stages of [
        definition.build({ variant: "paper", profile }),
        definition.diff!({ a: "paper", b: "huber_1e-3", profile }),
      ]
    ) {
      const all = ids(stages);
      assert.equal(new Set(all).size, all.length, `duplicate ids in ${profile}`);
      for (const s of stages) {
        for (const d of s.deps) assert.ok(all.includes(d), `${profile} ${s.id}: missing dep ${d}`);
      }
    }
  }
  assert.throws(
    () => definition.build({ variant: "paper", profile: "huge" }),
    /valid profiles: paper, micro/,
  );
});

Deno.test("pipeline: changing the Huber delta changes only the Approach 3 stages' parameters", () => {
  const before = fitStages("paper");
  const after = fitStages("paper", { ...PAPER, huberDelta: 5e-3 });
  const changed = before.filter((s, i) => JSON.stringify(s.params) !== JSON.stringify(after[i].params)).map((
    s,
  ) => s.id);
  assert.deepEqual(changed, ["approach3_eq1.paper", "approach3_eq2.paper", "approach3_eq3.paper"]);
  // The stages downstream of them (prescribe, overtraining, overspend) depend on them, so they rerun too.
  const downstream = before.filter((s) => s.deps.some((d) => d.startsWith("approach3_"))).map((s) => s.id);
  assert.deepEqual(downstream, ["prescribe.paper", "overtraining.paper", "overspend.paper"]);
});
