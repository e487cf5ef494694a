import assert from "node:assert/strict";
import { stateFitsOf } from "./state_study.ts";
import { cellLabel, stateRuns, type StateStudySettings } from "./state_design.ts";
import { STATE_CI_STUDY, STATE_H100_STUDY } from "./state_profiles.ts";
import type { StateRunRow } from "../records/state_runs.ts";
import { stateSize } from "../scaling/count/state.ts";

Deno.test("stateRuns: every cell of every block once, second seeds on the named cells, states in closed form", () => {
  const runs = stateRuns(STATE_CI_STUDY);
  assert.equal(runs.length, 38);
  assert.equal(new Set(runs.map((r) => r.runId)).size, runs.length);
  assert.deepEqual(runs.filter((r) => r.seed === 1).map((r) => r.runId), [
    "state_softmax_w16_T16_K3_s1",
    "state_taylor_d4_w16_T16_K3_s1",
  ]);
  const t = runs.find((r) => r.runId === "state_taylor_d4_w16_T16_K3")!;
  // Taylor, 2 kv heads of head size 8, d' = 4: 2·(1 + 4 + 10)·(8 + 1) = 270 floats, one layer.
  assert.equal(t.state, 270);
  assert.equal(t.state, stateSize(t.model, t.model.mixer!, 16).floats);
  assert.equal(stateRuns(STATE_H100_STUDY).length, 50);
  const bad: StateStudySettings = { ...STATE_CI_STUDY, seedCells: ["softmax_w64_T16_K3"] };
  assert.throws(() => stateRuns(bad), /seed cell "softmax_w64_T16_K3" is not a cell of any block/);
  const unknown: StateStudySettings = {
    ...STATE_CI_STUDY,
    blocks: [{ mixers: ["taylor_d3"], widths: [16], contexts: [{ seqLen: 8, pairs: 1 }] }],
  };
  assert.throws(() => stateRuns(unknown), /unknown mixer "taylor_d3"; defined: softmax, window_w1/);
  assert.equal(cellLabel("window_w4", 16, { seqLen: 12, pairs: 2 }), "window_w4_w16_T12_K2");
});

Deno.test("stateFitsOf recovers a state law and γ from runs generated with them, and S* ÷ N against softmax", () => {
  // Taylor runs of L = 0.5 + 20·T^0.25·S^−0.5 (γ = 1/2) over 4 states × 3 contexts, softmax at T 64.
  const row = (mixer: string, kind: string, state: number, context: number, loss: number): StateRunRow => ({
    run_id: `${mixer}_T${context}`,
    mixer,
    kind,
    width: 16,
    depth: 1,
    context,
    pairs: context / 16,
    seed: 0,
    state,
    params: 1000,
    tokens: 1,
    loss,
    accuracy: NaN,
    diverged: false,
  });
  const rows: StateRunRow[] = [];
  for (const context of [16, 32, 64]) {
    for (const state of [100, 400, 1600, 6400]) {
      rows.push(
        row(`taylor_${state}`, "taylor", state, context, 0.5 + 20 * context ** 0.25 / Math.sqrt(state)),
      );
    }
  }
  rows.push(row("softmax", "softmax", 2048, 64, 1.2));
  const fits = stateFitsOf(rows, {
    growing: ["T16_K1", "T32_K2", "T64_K4"],
    fixed: [],
    vocabSize: 16,
    bootstrapSamples: 0,
  });
  const law = fits.stateLaws.find((l) => l.kind === "taylor")!;
  assert.equal(law.context, 64);
  assert.ok(
    Math.abs(law.loss.alpha - 0.5) < 1e-3 && Math.abs(law.loss.E - 0.5) < 1e-3,
    JSON.stringify(law.loss),
  );
  // 1.05·1.2 = 1.26 = 0.5 + 20·64^0.25/√S  ⇒  S = (20·√8 / 0.76)² ≈ 5540; measured: 6400 (loss 1.207).
  assert.ok(
    Math.abs(law.star!.fitted! / (20 * Math.sqrt(8) / 0.76) ** 2 - 1) < 1e-2,
    JSON.stringify(law.star),
  );
  assert.equal(law.star!.measured, 6400);
  assert.equal(law.star!.params, 1000);
  const gamma = fits.contextLaws.find((c) => c.kind === "taylor" && c.regime === "growing")!.fit.gamma;
  assert.ok(Math.abs(gamma - 0.5) < 1e-2, `γ = ${gamma}`);
});
