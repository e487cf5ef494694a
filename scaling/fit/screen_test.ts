import assert from "node:assert/strict";
import type { AdditiveLaw } from "../law.ts";
import { gemstonesPoints, readGemstones, synthesise } from "../../testing/gemstones.ts";
import { EQ2_VARIABLES, fitApproach3, lawParameters } from "./approach3.ts";
import { fitApproach3Parallel } from "./parallel.ts";
import { SCREEN_CANDIDATES, SCREEN_ITERATIONS, screenSettings } from "./screen.ts";

const hot = gemstonesPoints(readGemstones("wandb_df_for_fitting_hot.jsonl"));
const grid = { kind: "random" as const, starts: 800, seed: 3 };

Deno.test("screen: the fast Eq. 2 path and the exhaustive f64 path agree on a reduced grid to 1e-9 relative", () => {
  // Exhaustive: every start runs to the default stopping rules (the screen's cap is maxIterations), then the
  // 32 lowest endpoints are polished. Fast: every start runs 10 iterations, then the 32 lowest are polished.
  const exhaustive = fitApproach3(hot, {
    variables: EQ2_VARIABLES,
    grid,
    screen: { iterations: 1000, candidates: 32 },
  });
  const fast = fitApproach3(hot, {
    variables: EQ2_VARIABLES,
    grid,
    screen: { iterations: 10, candidates: 32 },
  });
  const plain = fitApproach3(hot, { variables: EQ2_VARIABLES, grid });
  const rel = Math.abs(fast.objective - exhaustive.objective) / exhaustive.objective;
  assert.ok(rel <= 1e-9, `fast ${fast.objective} vs exhaustive ${exhaustive.objective} (${rel} relative)`);
  // Polishing only lowers: the polished optimum is at or below the unpolished exhaustive best.
  assert.ok(exhaustive.objective <= plain.objective, `${exhaustive.objective} vs ${plain.objective}`);
  for (const [name, v] of Object.entries(lawParameters(fast.law))) {
    const w = lawParameters(exhaustive.law)[name];
    assert.ok(Math.abs(v - w) <= 1e-4 * Math.abs(w), `${name}: ${v} vs ${w}`);
  }
  const s = fast.screen;
  assert.ok(s !== undefined);
  assert.equal(s.screened, 800);
  assert.equal(s.polished, 32);
  assert.ok(s.atBest >= 1 && s.atBest <= 32);
  assert.ok(s.screenIterations <= 800 * 10);
  assert.deepEqual(fast.settings.screen?.iterations, 10);
  assert.equal(fast.converged, 32);
  assert.equal(plain.screen, undefined);
  assert.equal(plain.settings.screen, undefined);
});

Deno.test("screen: workers give the same screened fit, byte for byte", async () => {
  const options = {
    variables: EQ2_VARIABLES,
    grid: { kind: "lhs" as const, starts: 300, seed: 1 },
    screen: { candidates: 16 },
  };
  const one = fitApproach3(hot, options);
  const two = await fitApproach3Parallel(hot, { ...options, workers: 2, parallelThreshold: 0 });
  assert.equal(JSON.stringify(two), JSON.stringify(one));
  assert.equal(one.settings.screen?.candidates, 16);
  assert.deepEqual(screenSettings(true), {
    iterations: SCREEN_ITERATIONS,
    candidates: SCREEN_CANDIDATES,
    polish: { rounds: 20, maxIterations: 20000, tolerance: 1e-14, relativeTolerance: 0 },
  });
  assert.equal(SCREEN_ITERATIONS, 10);
  assert.equal(SCREEN_CANDIDATES, 128);
});

Deno.test("screen: recovers a known width-depth law from noise-free data to 1e-6", () => {
  const law: AdditiveLaw = {
    E: 1.8,
    terms: [
      { variable: "width", A: 50, alpha: 0.5 },
      { variable: "depth", A: 2, alpha: 0.6 },
      { variable: "params", A: 400, alpha: 0.34 },
      { variable: "tokens", A: 410, alpha: 0.28 },
    ],
  };
  // 22 Gemstones shapes at 7 token counts (10B-350B), as in approach3_test.ts.
  const shapes = gemstonesPoints(readGemstones("wandb_df_for_fitting_hot_100b+.jsonl")).filter((_, i) =>
    i % 5 === 0
  );
  const points = synthesise(shapes, law, 0, 1);
  const fit = fitApproach3(points, {
    variables: EQ2_VARIABLES,
    grid: { kind: "lhs", starts: 200, seed: 2 },
    screen: { candidates: 16 },
  });
  const got = lawParameters(fit.law), want = lawParameters(law);
  for (const name of Object.keys(want)) {
    assert.ok(
      Math.abs(got[name] - want[name]) <= 1e-6 * Math.abs(want[name]),
      `${name}: ${got[name]} vs ${want[name]}`,
    );
  }
});

Deno.test("screen: bad settings are named", () => {
  assert.throws(
    () => fitApproach3(hot, { variables: EQ2_VARIABLES, screen: { iterations: 0 } }),
    /screen.iterations must be an integer >= 1, got 0/,
  );
  assert.throws(
    () => fitApproach3(hot, { variables: EQ2_VARIABLES, screen: { candidates: 1.5 } }),
    /screen.candidates must be an integer >= 1, got 1.5/,
  );
});
