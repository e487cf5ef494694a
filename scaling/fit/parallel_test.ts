import assert from "node:assert/strict";
import { CHINCHILLA_LAW } from "../laws/reference.ts";
import { gemstonesPoints, readGemstones, synthesise } from "../../testing/gemstones.ts";
import { EQ1_VARIABLES, fitApproach3 } from "./approach3.ts";
import { fitApproach3Parallel } from "./parallel.ts";

Deno.test("fitApproach3Parallel: 2 and 3 workers give byte-identical JSON to the single-thread fit", async () => {
  const shapes = gemstonesPoints(readGemstones("wandb_df_for_fitting_hot.jsonl")).filter((_, i) =>
    i % 4 === 0
  );
  const points = synthesise(shapes, CHINCHILLA_LAW, 0.01, 3);
  const options = { variables: EQ1_VARIABLES, grid: { kind: "random" as const, starts: 120, seed: 5 } };
  const single = JSON.stringify(fitApproach3(points, options));
  const two = JSON.stringify(
    await fitApproach3Parallel(points, { ...options, workers: 2, parallelThreshold: 10 }),
  );
  const three = JSON.stringify(
    await fitApproach3Parallel(points, { ...options, workers: 3, parallelThreshold: 10 }),
  );
  assert.equal(two, single);
  assert.equal(three, single);
});
