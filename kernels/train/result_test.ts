import assert from "node:assert/strict";
import { runResultOf } from "./result.ts";
import type { TrainResult } from "./loop.ts";

Deno.test("runResultOf: the answer accuracy is recorded only for a run that has one", () => {
  const res: TrainResult = {
    status: "done",
    steps: 10,
    tokens: 640,
    finalTrainLoss: 2.1,
    finalValLoss: 2.2,
    resumedFrom: 0,
    seconds: 1.5,
  };
  const text = runResultOf("r", res, 1e-3, "reference-f64");
  assert.equal("finalValAccuracy" in text, false);
  assert.equal(text.finalValLoss, 2.2);
  const recall = runResultOf("r", { ...res, finalValAccuracy: 0.75 }, 1e-3, "reference-f64");
  assert.equal(recall.finalValAccuracy, 0.75);
  assert.deepEqual({ ...recall, finalValAccuracy: undefined }, { ...text, finalValAccuracy: undefined });
});
