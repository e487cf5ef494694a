import assert from "node:assert/strict";
import { runPipeline, StageFailedError, type StageResult } from "./runner.ts";
import { statusOf } from "./status.ts";
import { CachePaths } from "./store.ts";
import { makeToyProject, put } from "../testing/engine/toy_project.ts";
import type { Stage } from "./stage.ts";

const ran = (results: StageResult[]) => results.filter((r) => !r.cached).map((r) => r.id);
const read = (results: StageResult[], id: string, file: string) =>
  Deno.readTextFileSync(`${results.find((r) => r.id === id)!.outDir}/${file}`);

Deno.test("an unchanged pipeline run twice runs nothing the second time", async () => {
  const p = await makeToyProject();
  const first = await runPipeline(p.stages(), { root: p.root });
  assert.deepEqual(ran(first), ["source", "sum", "report"]);
  assert.equal(read(first, "source", "numbers.txt"), "2\n4\n6\n");
  assert.equal(read(first, "sum", "sum.txt"), "12\n");
  assert.equal(read(first, "report", "report/summary.txt"), "sum=12 files=2\n");
  const second = await runPipeline(p.stages(), { root: p.root });
  assert.deepEqual(ran(second), []);
  assert.deepEqual(p.calls, { source: 1, sum: 1, report: 1 });
  assert.deepEqual(second.map((r) => r.fingerprint), first.map((r) => r.fingerprint));
  assert.equal(read(second, "report", "report/summary.txt"), "sum=12 files=2\n");
});

Deno.test("changing one parameter reruns that stage and its downstream only", async () => {
  const p = await makeToyProject();
  await runPipeline(p.stages(), { root: p.root });
  const r = await runPipeline(p.stages({ offset: 5 }), { root: p.root });
  assert.deepEqual(ran(r), ["sum", "report"]);
  assert.equal(read(r, "sum", "sum.txt"), "17\n");
  assert.equal(read(r, "report", "report/summary.txt"), "sum=17 files=2\n");
  const back = await runPipeline(p.stages(), { root: p.root });
  assert.deepEqual(ran(back), [], "going back to the old parameter restores the old entries");
});

Deno.test("editing an indirectly imported module reruns; editing an unrelated file does not", async () => {
  const p = await makeToyProject();
  await runPipeline(p.stages(), { root: p.root });
  await put(p.root, "unrelated.ts", "export const u = 2; // edited\n");
  assert.deepEqual(ran(await runPipeline(p.stages(), { root: p.root })), []);
  await put(p.root, "lib/util.ts", "export const k = 2;\n");
  assert.deepEqual(ran(await runPipeline(p.stages(), { root: p.root })), ["source", "sum", "report"]);
  const status = await statusOf(p.stages(), { root: p.root });
  assert.ok(status.every((s) => s.cached));
});

Deno.test("an input changed with its size and mtime restored is detected (no false hit)", async () => {
  const p = await makeToyProject();
  const path = `${p.root}/data/in.csv`;
  // Let the input's ctime leave the racy window, so that its hash is cached by stat key.
  await new Promise((r) => setTimeout(r, 2100));
  await runPipeline(p.stages(), { root: p.root });
  const cache = JSON.parse(await Deno.readTextFile(new CachePaths(p.root).hashCache));
  assert.ok(cache[path], "the input's hash was cached under its stat key");
  const before = await Deno.stat(path);
  await Deno.writeTextFile(path, "1\n2\n4\n");
  await Deno.utime(path, before.atime!, before.mtime!);
  const after = await Deno.stat(path);
  assert.equal(after.size, before.size);
  assert.equal(after.mtime!.getTime(), before.mtime!.getTime());
  const status = await statusOf(p.stages(), { root: p.root });
  assert.deepEqual(status.find((s) => s.id === "source")!.reasons.slice(0, 1), [
    "input file changed: data/in.csv",
  ]);
  const r = await runPipeline(p.stages(), { root: p.root });
  assert.deepEqual(ran(r), ["source", "sum", "report"]);
  assert.equal(read(r, "sum", "sum.txt"), "14\n");
});

Deno.test("a corrupted or deleted cached output makes the next run recompute", async () => {
  const p = await makeToyProject();
  const first = await runPipeline(p.stages(), { root: p.root });
  const sumFile = `${first.find((r) => r.id === "sum")!.outDir}/sum.txt`;
  await Deno.writeTextFile(sumFile, "99\n"); // same size, different content
  let status = await statusOf(p.stages(), { root: p.root });
  assert.match(status.find((s) => s.id === "sum")!.reasons[0], /cached output sum\.txt changed content/);
  let r = await runPipeline(p.stages(), { root: p.root });
  assert.deepEqual(ran(r), ["sum"]);
  assert.equal(Deno.readTextFileSync(sumFile), "12\n");
  await Deno.remove(`${first.find((r) => r.id === "report")!.outDir}/report/summary.txt`);
  status = await statusOf(p.stages(), { root: p.root });
  assert.match(
    status.find((s) => s.id === "report")!.reasons[0],
    /cached output report\/summary\.txt is missing/,
  );
  r = await runPipeline(p.stages(), { root: p.root });
  assert.deepEqual(ran(r), ["report"]);
  assert.equal(read(r, "report", "report/summary.txt"), "sum=12 files=2\n");
});

Deno.test("status explains in words: never run, parameter, code file, input, upstream, runtime", async () => {
  const p = await makeToyProject();
  let status = await statusOf(p.stages(), { root: p.root });
  assert.deepEqual(status.map((s) => [s.id, s.cached, s.reasons]), [
    ["source", false, ["never run"]],
    ["sum", false, ["never run"]],
    ["report", false, ["never run"]],
  ]);
  await runPipeline(p.stages(), { root: p.root });
  status = await statusOf(p.stages(), { root: p.root });
  for (const s of status) {
    assert.equal(s.cached, true);
    assert.match(s.reasons[0], /^cached: ran .* runtime \d+\.\d\d s$/);
  }
  await put(p.root, "lib/util.ts", "export const k = 3;\n");
  await put(p.root, "data/dir/c.txt", "gamma\n");
  await put(p.root, "data/dir/a.txt", "ALPHA\n");
  status = await statusOf(p.stages({ offset: 5 }), { root: p.root });
  const why = Object.fromEntries(status.map((s) => [s.id, s.reasons]));
  assert.equal(why.source[0], "code file changed: lib/util.ts");
  assert.match(why.source.at(-1)!, /^previous runtime \d+\.\d\d s$/);
  assert.deepEqual(why.sum.slice(0, 2), [
    "parameter offset changed from 0 to 5",
    "upstream stage source changed",
  ]);
  assert.deepEqual(why.report.slice(0, 3), [
    "input file changed: data/dir/a.txt",
    "input file added: data/dir/c.txt",
    "upstream stage sum changed",
  ]);
});

Deno.test("a stage that writes an undeclared output or misses a declared one fails; nothing is stored", async () => {
  const p = await makeToyProject();
  const [source] = p.stages();
  const bad: Stage = {
    ...source,
    name: "bad",
    outputs: ["numbers.txt", "missing.txt"],
    async run(ctx) {
      ctx.log("writing");
      await Deno.writeTextFile(`${ctx.outDir}/numbers.txt`, "1\n");
      await Deno.writeTextFile(`${ctx.outDir}/extra.txt`, "x\n");
    },
  };
  const err = await runPipeline([bad], { root: p.root }).then(() => undefined, (e) => e);
  assert.ok(err instanceof StageFailedError);
  assert.equal(err.stageId, "bad");
  assert.match(err.message, /wrote undeclared output\(s\): extra\.txt/);
  assert.match(err.message, /did not write declared output\(s\): missing\.txt/);
  assert.match(err.message, /\n {2}log: .*\.cache\/logs\/bad-.*\.log$/);
  const log = await Deno.readTextFile(err.logPath);
  assert.match(log, /writing\n/);
  assert.match(log, /FAILED/);
  const paths = new CachePaths(p.root);
  assert.deepEqual([...Deno.readDirSync(paths.tmp)], [], "no temporary build is left behind");
  assert.equal(await Deno.stat(paths.store).then(() => true, () => false), false, "the store stays empty");
});

Deno.test("a failing stage stops downstream stages and keeps its log", async () => {
  const p = await makeToyProject();
  const [source, sum, report] = p.stages();
  const failing: Stage = {
    ...sum,
    run() {
      return Promise.reject(new Error("boom: bad record"));
    },
  };
  const err = await runPipeline([source, failing, report], { root: p.root }).then(() => undefined, (e) => e);
  assert.ok(err instanceof StageFailedError);
  assert.match(err.message, /^stage sum failed: boom: bad record/);
  assert.deepEqual(p.calls, { source: 1 });
  assert.ok((await Deno.stat(err.logPath)).isFile);
});

Deno.test("two ids of an equal stage share one store entry; --only and --force select work", async () => {
  const p = await makeToyProject();
  const [source, sum] = p.stages();
  const twin: Stage = { ...sum, id: "sum-twin" };
  const r = await runPipeline([source, sum, twin], { root: p.root, jobs: 2 });
  assert.equal(r[1].fingerprint, r[2].fingerprint);
  assert.equal((p.calls.sum ?? 0) + (p.calls["sum-twin"] ?? 0), 1, "computed once for both ids");
  const only = await runPipeline(p.stages({ offset: 1 }), { root: p.root, only: "sum" });
  assert.deepEqual(only.map((x) => [x.id, x.cached]), [["source", true], ["sum", false]]);
  const forced = await runPipeline(p.stages(), { root: p.root, force: ["source"] });
  assert.deepEqual(ran(forced), ["source", "report"], "report never ran before");
  const dry = await runPipeline(p.stages({ offset: 9 }), { root: p.root, dryRun: true });
  assert.deepEqual(dry.map((x) => x.cached), [true, false, false]);
  assert.deepEqual(dry[1].reasons.slice(0, 1), ["parameter offset changed from 0 to 9"]);
  assert.equal(p.calls.source, 2, "computed by the first run and by --force only");
  await assert.rejects(runPipeline(p.stages(), { root: p.root, only: "nope" }), /unknown stage nope/);
});
