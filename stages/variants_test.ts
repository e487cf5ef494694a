import assert from "node:assert/strict";
import {
  PAPER,
  RAINBOW_APPROACH1,
  RAINBOW_EQ1,
  resolveVariant,
  VARIANT_NAMES,
  VARIANT_OVERRIDES,
} from "./variants.ts";
import { buildVariant, definition, fitStages, LAW_PROFILES, PUBLISH } from "./pipeline.ts";
import type { Stage } from "../pipeline/stage.ts";

Deno.test("variants: the named variants, paper first", () => {
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
    "cooldown_no_embeds",
    "lr_ablation_no_embeds",
    "over_100b_no_embeds",
    "over_120b_only_no_embeds",
    "lr_ablation_reduced_sampling",
    "over_100b_huber_1e-3",
    "lr_ablation_huber_1e-3",
    "cooldown_huber_1e-3",
  ]);
  assert.deepEqual(definition.variants, VARIANT_NAMES);
});

Deno.test("variants: each resolves to PAPER plus its overrides", () => {
  assert.deepEqual(resolveVariant("paper"), PAPER);
  assert.deepEqual(resolveVariant("huber_1e-3"), {
    ...PAPER,
    huberDelta: 1e-3,
    widthDepthVariant: "over_100b_huber_1e-3",
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
    for (const { variant: w } of RAINBOW_EQ1) assert.ok(all.includes(`approach3_eq1.${w}`), `${v}: ${w}`);
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
    // The state profiles fit no law variants, so they have no diff graph (diff refuses them).
    const graphs = [definition.build({ variant: "paper", profile })];
    if (LAW_PROFILES.includes(profile)) {
      graphs.push(definition.diff!({ a: "paper", b: "huber_1e-3", profile }));
    }
    for (const stages of graphs) {
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

Deno.test("pipeline: changing the Huber delta changes only the parameters of the Approach 3, backtest and law-drawing stages", () => {
  const before = fitStages("paper", PAPER, { authors: true });
  const after = fitStages("paper", { ...PAPER, huberDelta: 5e-3 }, { authors: true });
  const changed = before.filter((s, i) => JSON.stringify(s.params) !== JSON.stringify(after[i].params)).map((
    s,
  ) => s.id);
  assert.deepEqual(changed, [
    "approach3_eq1.paper",
    "approach3_eq2.paper",
    "approach3_eq3.paper",
    "backtest.paper",
    // The authors' stored law each draws beside ours is the one of the same δ (none at 5e-3).
    "prescribe.paper",
    "overtraining.paper",
    "overspend.paper",
  ]);
  // The stages downstream of them (prescribe, overtraining, overspend) depend on them, so they rerun too.
  const downstream = before.filter((s) => s.deps.some((d) => d.startsWith("approach3_"))).map((s) => s.id);
  assert.deepEqual(downstream, ["prescribe.paper", "overtraining.paper", "overspend.paper"]);
});

Deno.test("pipeline: the paper report draws the authors' subsets, the 24-line rainbow and Appendix D", () => {
  const stages = buildVariant("paper");
  const report = stages.find((s) => s.id === "report.paper")!;
  // Figures 5, 7, 8, 12, 21, 23: the width-depth fits and long runs of over_100b (hot_100b+, hot_100b+_477).
  for (
    const id of [
      "approach3_eq2.over_100b",
      "prescribe.over_100b",
      "overtraining.over_100b",
      "overspend.over_100b",
    ]
  ) {
    assert.ok(report.deps.includes(id), id);
  }
  // The variant's own Eq. 2 (hot) is still read, for the fits table; the figures draw over_100b's.
  assert.ok(report.deps.includes("approach3_eq2.paper"));
  assert.ok(report.deps.includes("select_approach1.paper"), "Figure 4's curves from Approach 1's rows");
  assert.ok(report.deps.includes("select_approach1.over_100b"), "Figure 23's long runs");
  const select = (id: string) => stages.find((s) => s.id === id)!.params as { subsets: string[] };
  assert.deepEqual(select("select.over_100b").subsets, ["hot_100b+"]);
  assert.deepEqual(select("select_approach1.over_100b").subsets, ["hot_100b+_477"]);
  assert.deepEqual(select("select_approach1.paper").subsets, ["hot_477"]);
  // The rainbow: the authors' 14 Eq. 1 fits and 10 Approach 1 lines (plotters/rainbow.py), 24 in all.
  // (The report also reads the δ = 1e-3 Eq. 1 fits of Figures 17-19, for fits.csv: 14 + 3 Eq. 1 deps.)
  const eq1 = report.deps.filter((d) => d.startsWith("approach3_eq1.") && !d.endsWith("_huber_1e-3"));
  const a1 = report.deps.filter((d) => d.startsWith("approach1."));
  assert.equal(RAINBOW_EQ1.length, 14);
  assert.equal(RAINBOW_APPROACH1.length, 10);
  assert.equal(eq1.length, 14);
  assert.equal(a1.length, 10);
  assert.equal(
    report.deps.filter((d) => d.startsWith("approach3_eq1.") && d.endsWith("_huber_1e-3")).length,
    3,
  );
  assert.equal(
    new Set(RAINBOW_EQ1.map((r) => r.label)).size + new Set(RAINBOW_APPROACH1.map((r) => r.label)).size,
    24,
  );
  assert.deepEqual(
    (report.params as { rainbowVariants: string[] }).rainbowVariants,
    RAINBOW_EQ1.map((r) => r.label),
  );
  // Hoffmann et al.'s own points: a select of collect's chinchilla.csv, subset slim_chinchilla.
  const slim = stages.find((s) => s.id === "select.slim_chinchilla")!;
  assert.equal(slim.name, "select_chinchilla");
  assert.deepEqual(slim.params, { variant: "slim_chinchilla", subset: "slim_chinchilla" });
  // Appendix D (Figures 13-19): relaxed prescriptions of seven variants, Huber δ 1e-3 where the paper says.
  const relaxed = report.deps.filter((d) => d.startsWith("prescribe_relaxed."));
  assert.equal(relaxed.length, 7);
  for (const id of relaxed) {
    assert.equal((stages.find((s) => s.id === id)!.params as { relaxed: boolean }).relaxed, true);
  }
  // Figures 13-19 draw Eq. 1 and Eq. 2 only, so the relaxed stages need no Eq. 3 fit (one fewer fit each).
  assert.deepEqual(stages.find((s) => s.id === "prescribe_relaxed.lr_ablation")!.deps, [
    "approach3_eq1.lr_ablation",
    "approach3_eq2.lr_ablation",
  ]);
  assert.ok(!stages.some((s) => s.id === "approach3_eq3.lr_ablation"));
  assert.ok(stages.some((s) => s.id === "approach3_eq3.over_100b"), "Figure 21's Eq. 3 fit");
  const delta = (id: string) =>
    (stages.find((s) => s.id === id)!.params as { huberDelta: number }).huberDelta;
  assert.equal(delta("approach3_eq2.over_100b_huber_1e-3"), 1e-3);
  assert.equal(delta("approach3_eq2.over_100b"), 1e-4);
});
