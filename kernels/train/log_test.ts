import assert from "node:assert/strict";
import { appendLog, readLog, type StepRecord, truncateLog } from "./log.ts";

const rec = (step: number): StepRecord => ({
  step,
  tokens: 10 * step,
  train_loss: 1 / step,
  train_loss_last: 1 / step,
  lr: 0.1,
  grad_norm: 0.5,
  seconds: step,
  tokens_per_s: 10,
  flops_per_s: 100,
});

Deno.test("log: truncate keeps complete step lines up to the checkpoint, drops events and torn lines", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/log.jsonl`;
  for (const s of [2, 4, 6, 8]) await appendLog(path, rec(s));
  await appendLog(path, { event: "done", step: 8, tokens: 80, final_val_loss: null });
  await Deno.writeTextFile(path, '{"step": 10, "tok', { append: true });
  await assert.rejects(readLog(path), /log\.jsonl:6: not valid JSON/);
  assert.equal(await truncateLog(path, 6), 3);
  assert.deepEqual(await readLog(path), [rec(2), rec(4), rec(6)]);
  assert.equal(await truncateLog(path, -1), 0);
  assert.equal(await Deno.readTextFile(path), "");
  await Deno.remove(dir, { recursive: true });
});
