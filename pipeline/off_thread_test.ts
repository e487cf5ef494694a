import assert from "node:assert/strict";
import { runPipeline, StageFailedError } from "./runner.ts";
import { offThread } from "./off_thread.ts";
import { threadStage } from "../testing/engine/toy_worker_stage.ts";
import type { Stage } from "./stage.ts";

async function tempRoot(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "off_thread_" });
}

Deno.test("offThread stages run in a worker, the others on the main thread; progress and logs come back", async () => {
  const root = await tempRoot();
  try {
    const progress: string[] = [];
    const reporter = {
      line() {},
      stageStart() {},
      stageProgress(id: string, done: number, total: number, message?: string) {
        progress.push(`${id} ${done}/${total} ${message}`);
      },
      stageEnd() {},
      close() {},
    };
    const stages = [offThread(threadStage, "a"), offThread(threadStage, "b"), threadStage("main")];
    assert.deepEqual(stages[0].worker, { factory: "threadStage", args: ["a"] });
    const results = await runPipeline(stages, { root, jobs: 2, reporter });
    const where = (id: string) =>
      Deno.readTextFileSync(`${results.find((r) => r.id === id)!.outDir}/where.txt`);
    assert.equal(where("thread.a"), "DedicatedWorkerGlobalScope");
    assert.equal(where("thread.b"), "DedicatedWorkerGlobalScope");
    assert.equal(where("thread.main"), "Window");
    assert.deepEqual(progress.sort(), [
      "thread.a 1/2 half way",
      "thread.b 1/2 half way",
      "thread.main 1/2 half way",
    ]);
    const log = Deno.readTextFileSync(`${results.find((r) => r.id === "thread.a")!.outDir}/../log.txt`);
    assert.match(log, /hello from a/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a stage failing in its worker fails the run with its message, its log kept", async () => {
  const root = await tempRoot();
  try {
    const err = await runPipeline([offThread(threadStage, "x", true)], { root }).then(
      () => undefined,
      (e) => e,
    );
    assert.ok(err instanceof StageFailedError, String(err));
    assert.match(err.message, /stage thread\.x failed: boom in x/);
    assert.match(Deno.readTextFileSync(err.logPath), /hello from x/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a worker that rebuilds a stage with other parameters than the graph's is an error", async () => {
  const root = await tempRoot();
  try {
    const real = threadStage("p");
    const lying: Stage = {
      ...real,
      params: { ...real.params, label: "q" },
      worker: { factory: "threadStage", args: ["p"] },
    };
    await assert.rejects(
      () => runPipeline([lying], { root }),
      /rebuilt stage thread\.p with other parameters than the graph's/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
