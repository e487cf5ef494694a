import assert from "node:assert/strict";
import type { Stage } from "../pipeline/stage.ts";
import { buildVariant, LAW_PROFILES, PROFILES, profileStages } from "./pipeline.ts";
import {
  MICRO,
  MICRO_STUDY,
  MICRO_STUDY_GRID,
  NANO_GRID,
  PAPER,
  SIMULATE_GRID,
  type TrainingProfile,
} from "./profile_settings.ts";
import { microRuns } from "./micro_study.ts";
import { buildGrid } from "./grid.ts";
import { FIGURE20_GRID_SIZES } from "../scaling/fit/sensitivity.ts";

function assertWellFormed(stages: readonly Stage[]): Map<string, Stage> {
  const byId = new Map<string, Stage>();
  for (const s of stages) {
    const id = s.id ?? s.name;
    assert.ok(!byId.has(id), `duplicate stage id ${id}`);
    byId.set(id, s);
  }
  for (const s of stages) for (const d of s.deps) assert.ok(byId.has(d), `${s.id}: unknown dependency ${d}`);
  return byId;
}

Deno.test("micro profile: the micro study, every train stage at the sweep's optimum on the jargon-text corpus", () => {
  const stages = assertWellFormed(buildVariant("paper", "micro"));
  const grid = buildGrid(MICRO_STUDY_GRID);
  assert.equal(grid.length, 13); // the 0.02M target has one feasible shape (16×3)
  assert.ok(
    grid.every((r) => r.params >= 0.85 * 2e4 && r.params <= 1.15 * 5e5),
    "params within 0.02M-0.5M ±15 %",
  );
  const runs = microRuns(MICRO_STUDY);
  assert.equal(runs.length, 13 + 4);
  for (const r of runs) {
    const s = stages.get(`train.${r.runId}`)!;
    // Depends on the sweep's optimum, carries no lrBase of its own, trains to 100 tokens/param.
    assert.deepEqual(s.deps, ["corpus", "lr_optimum"]);
    const p = s.params as {
      model: { vocabSize: number };
      train: { steps: number; lrBase?: number; evalSteps: number[]; seed: number };
    };
    assert.equal(p.model.vocabSize, 259);
    assert.equal(p.train.lrBase, undefined);
    assert.deepEqual(p.train.evalSteps, r.evalSteps);
    assert.equal(p.train.evalSteps.length, 6);
    assert.ok(Math.abs(p.train.steps * 64 * 128 / (100 * r.params) - 1) < 64 * 128 / (100 * r.params));
    assert.equal(p.train.seed, r.runId.endsWith("_s1") ? 1 : 0);
  }
  assert.deepEqual(stages.get("lr_optimum")!.deps, ["lr_sweep"]);
  assert.equal(stages.get("seed_spread")!.deps.length, 8);
  assert.deepEqual(stages.get("study_plan")!.inputs, ["data/micro-h100/timings.json"]);
  assert.deepEqual(stages.get("corpus")!.params, { source: "debian", package: "jargon-text" });
  assert.equal(stages.get("lr_sweep")!.deps.length, 4 * 7);
  for (
    const id of [
      "collect_trained",
      "select.paper",
      "select_approach1.paper",
      "approach1.paper",
      "approach3_eq1.paper",
      "approach3_eq2.paper",
      "report.paper",
    ]
  ) {
    assert.ok(stages.has(id), id);
  }
  assert.equal(stages.get("collect_trained")!.deps.length, 17);
  assert.ok(stages.get("report.paper")!.deps.includes("lr_sweep"), "the micro report draws the lr sweep");
  const nano = assertWellFormed(buildVariant("paper", "nano"));
  assert.ok(!nano.get("report.paper")!.deps.includes("lr_sweep"), "nano has no sweep");
});

/** The evaluation and checkpoint settings of the study's train stages (the sweep's left out) of `stages`. */
function studyTrainSettings(stages: readonly Stage[]) {
  return stages.filter((s) => s.name === "train" && s.deps.includes("lr_optimum")).map((s) => {
    const t = (s.params as { train: { evalSteps: number[]; evalBatches: number; checkpointEvery: number } })
      .train;
    return {
      checkpoints: t.evalSteps.length,
      evalBatches: t.evalBatches,
      checkpointEvery: t.checkpointEvery,
    };
  });
}

Deno.test("micro profile: its evalsPerRun, evalBatches and checkpointEvery reach every train stage of the study", () => {
  assert.deepEqual([MICRO.evalsPerRun, MICRO.evalBatches, MICRO.checkpointEvery], [6, 4, 500]);
  const micro = studyTrainSettings(buildVariant("paper", "micro"));
  assert.equal(micro.length, 17);
  for (const t of micro) assert.deepEqual(t, { checkpoints: 6, evalBatches: 4, checkpointEvery: 500 });
  // Edit the profile: the stages follow.
  const edited: TrainingProfile = { ...MICRO, evalsPerRun: 4, evalBatches: 3, checkpointEvery: 70 };
  const changed = studyTrainSettings(profileStages(edited, "paper"));
  assert.equal(changed.length, 17);
  for (const t of changed) assert.deepEqual(t, { checkpoints: 4, evalBatches: 3, checkpointEvery: 70 });
});

Deno.test("nano profile: each train stage's parameters as published (steps, evaluations, checkpoints, lr)", () => {
  const nano = buildVariant("paper", "nano").filter((s) => s.name === "train");
  assert.deepEqual(nano.map((s) => s.id), ["train.nano_32x1", "train.nano_32x2", "train.nano_64x1"]);
  for (const s of nano) {
    assert.deepEqual((s.params as { train: unknown }).train, {
      steps: 120,
      batchSize: 8,
      lrBase: 2.5,
      evalEveryTokens: 24 * 8 * 32, // 120 steps / 5 evaluations
      evalBatches: 8,
      logEvery: 24,
      checkpointEvery: 50,
      seed: 0,
    });
    assert.deepEqual(s.deps, ["corpus"]);
  }
});

Deno.test("paper profile: grid_size_study runs the profile's Figure 20 grid sizes (8 by default, all 20 when set)", () => {
  const sizes = (stages: readonly Stage[]) =>
    (stages.find((s) => s.id === "grid_size_study")!.params as { gridSizes: number[] }).gridSizes;
  assert.deepEqual(sizes(buildVariant("paper")), [3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000]);
  // The authors' three Huber deltas (plotters/slope_analysis.py), 1e-5 included.
  const study = buildVariant("paper").find((s) => s.id === "grid_size_study")!;
  assert.deepEqual((study.params as { deltas: number[] }).deltas, [1e-3, 1e-4, 1e-5]);
  const full = sizes(profileStages({ ...PAPER, figure20GridSizes: FIGURE20_GRID_SIZES }, "paper"));
  assert.equal(full.length, 20);
  assert.deepEqual(full, FIGURE20_GRID_SIZES);
});

Deno.test("nano profile: exactly three tiny models; simulate profile: the paper grid through simulate", () => {
  const nano = assertWellFormed(buildVariant("paper", "nano"));
  assert.deepEqual(buildGrid(NANO_GRID).map((r) => r.model), ["32x1", "32x2", "64x1"]);
  assert.equal([...nano.keys()].filter((id) => id.startsWith("train.")).length, 3);
  assert.equal(nano.get("corpus")!.params.source, "synthetic");
  const sim = assertWellFormed(buildVariant("paper", "simulate"));
  assert.deepEqual(sim.get("simulate")!.deps, ["grid", "paper_law"]);
  assert.equal(buildGrid(SIMULATE_GRID).length, 15);
  assert.ok(buildGrid(SIMULATE_GRID).every((r) => r.tokens === 1e11 - (1e11 % (1024 * 2048)) + 1024 * 2048));
  assert.deepEqual(sim.get("paper_law")!.deps, ["paper_collect"]);
  assert.deepEqual(sim.get("collect_simulated")!.deps, ["simulate"]);
  assert.equal([...sim.keys()].filter((id) => id.startsWith("train.")).length, 0);
  assert.deepEqual(sim.get("select.cooldown") ?? null, null);
  const cool = assertWellFormed(buildVariant("cooldown", "simulate"));
  assert.deepEqual((cool.get("select.cooldown")!.params as { subsets: string[] }).subsets, [
    "simulated_cool",
  ]);
});

Deno.test("unknown profile or variant names are errors listing the valid ones", () => {
  assert.deepEqual(PROFILES, ["paper", "micro", "nano", "simulate", "micro-h100", "state", "state-h100"]);
  assert.throws(
    () => buildVariant("paper", "mini"),
    /unknown profile "mini"; valid profiles: paper, micro, nano, simulate, micro-h100, state, state-h100$/,
  );
  assert.throws(() => buildVariant("papr", "nano"), /unknown variant "papr"/);
});

Deno.test("every profile: one collect node per graph, each collect stage its own id, the same fit stages", () => {
  const collectIds: Record<string, string> = {};
  for (const profile of LAW_PROFILES) {
    const stages = assertWellFormed(buildVariant("paper", profile));
    const collects = [...stages.values()].filter((s) => s.name.startsWith("collect"));
    for (const s of collects) {
      const id = s.id ?? s.name;
      // A stage id names one kind of stage across profiles (paper_collect is collect under another id).
      if (id !== "paper_collect") {
        assert.ok(
          collectIds[id] === undefined || collectIds[id] === s.name,
          `${id}: ${s.name} vs ${collectIds[id]}`,
        );
        collectIds[id] = s.name;
      }
    }
    // (The paper profile adds its sensitivity study on the shipped runs: the tornado's refits.)
    const fits = [...stages.keys()].filter((id) =>
      id.endsWith(".paper") && !id.startsWith("report.") && id !== "sensitivity.paper"
    );
    assert.equal(stages.has("sensitivity.paper"), profile === "paper", profile);
    assert.deepEqual(fits.sort(), [
      "approach1.paper",
      "approach2.paper",
      "approach3_eq1.paper",
      "approach3_eq2.paper",
      "approach3_eq3.paper",
      "backtest.paper",
      "overspend.paper",
      "overtraining.paper",
      "prescribe.paper",
      "select.paper",
      "select_approach1.paper",
    ], profile);
    const select = stages.get("select.paper")!;
    assert.equal(select.deps.length, 1);
    // (The report's deps come in the order of its inputs table, figures/inputs.ts.)
    const report = stages.get("report.paper")!;
    assert.ok(report.deps.includes(select.deps[0]), `${profile}: report reads the same collect`);
    assert.equal(report.deps.filter((d) => d.startsWith("collect")).length, 1, `${profile}: one collect`);
  }
  assert.deepEqual(collectIds, {
    collect: "collect",
    collect_trained: "collect_trained",
    collect_simulated: "collect_simulated",
    collect_imported: "collect_imported",
  });
});

Deno.test("the state profiles: corpora, sweep, runs, collect_state, state_fits and report_state; the same for every variant", () => {
  const state = assertWellFormed(buildVariant("paper", "state"));
  const ids = [...state.keys()];
  assert.equal(ids.filter((id) => id.startsWith("corpus_")).length, 5);
  // 38 runs and the sweep's 3 learning rates; everything else in workers.
  assert.equal(ids.filter((id) => id.startsWith("train.")).length, 41);
  assert.deepEqual(state.get("report_state")!.deps, ["collect_state", "state_fits"]);
  assert.deepEqual(state.get("state_fits")!.deps, ["collect_state"]);
  assert.deepEqual([...assertWellFormed(buildVariant("cooldown", "state")).keys()], ids);
});
