import assert from "node:assert/strict";
import {
  requireWorkers,
  sinks,
  topologicalOrder,
  uniqueStages,
  usesDevice,
  withDependencies,
} from "./graph.ts";
import type { Stage } from "./stage.ts";

const node = (id: string, deps: string[] = []): Stage => ({
  name: id,
  module: "file:///dev/null",
  deps,
  params: {},
  inputs: [],
  outputs: [],
  run: () => Promise.resolve(),
});

Deno.test("topological order puts deps first and keeps declaration order otherwise", () => {
  const order = topologicalOrder([node("c", ["b"]), node("a"), node("b", ["a"]), node("d")]).map((s) =>
    s.name
  );
  assert.deepEqual(order, ["a", "b", "c", "d"]);
  assert.deepEqual(sinks([node("a"), node("b", ["a"]), node("c", ["a"])]), ["b", "c"]);
  assert.deepEqual([...withDependencies([node("a"), node("b", ["a"]), node("c")], "b")].sort(), ["a", "b"]);
});

Deno.test("cycles, unknown deps and duplicate ids are errors naming them", () => {
  assert.throws(() => topologicalOrder([node("a", ["c"]), node("b", ["a"]), node("c", ["b"])]), {
    message: "dependency cycle: a -> c -> b -> a",
  });
  assert.throws(
    () => topologicalOrder([node("a", ["zz"])]),
    /stage a depends on unknown stage zz \(known: a\)/,
  );
  assert.throws(() => topologicalOrder([node("a"), node("a")]), /duplicate stage id: a/);
  assert.throws(() => withDependencies([node("a")], "q"), /unknown stage q \(known: a\)/);
});

Deno.test("uniqueStages keeps a repeated node once, at its first place, and refuses two stages under one id", () => {
  const a = { ...node("a"), params: { x: 1 }, worker: { factory: "f", args: [1] } };
  const b = node("b", ["a"]);
  const merged = uniqueStages([a, b, { ...a, params: { x: 1 } }, node("c")]);
  assert.deepEqual(merged.map((s) => s.name), ["a", "b", "c"]);
  assert.equal(merged[0], a);
  assert.throws(
    () => uniqueStages([a, { ...a, params: { x: 2 } }]),
    { message: 'two different stages share the id a: params "{\\"x\\":1}" vs "{\\"x\\":2}"' },
  );
  assert.throws(
    () => uniqueStages([a, { ...a, worker: undefined }]),
    /two different stages share the id a: worker \{"factory":"f","args":\[1\]\} vs null/,
  );
  assert.throws(
    () => uniqueStages([a, { ...a, worker: { factory: "f", args: [2] } }]),
    /share the id a: worker/,
  );
  assert.throws(() => uniqueStages([b, node("b", ["c"])]), /share the id b: deps \["a"\] vs \["c"\]/);
});

Deno.test("requireWorkers refuses a CPU stage without a worker, naming it; device stages may run here", () => {
  const cpu = (id: string) => ({ ...node(id), worker: { factory: "make", args: [id] } });
  const gpu = { ...node("train.x"), envIdentity: () => Promise.resolve("webgpu:test") };
  requireWorkers([cpu("a"), gpu, cpu("b")]);
  assert.equal(usesDevice(gpu), true);
  assert.equal(usesDevice(cpu("a")), false);
  assert.throws(() => requireWorkers([cpu("a"), node("collect"), gpu]), {
    message: "stage collect would run on the main thread: a stage that computes on the CPU must be built " +
      "with offThread (pipeline/off_thread.ts), so that it runs in a worker",
  });
  assert.throws(
    () => requireWorkers([node("p"), node("q")]),
    /^Error: stages p, q would run on the main thread/,
  );
});
