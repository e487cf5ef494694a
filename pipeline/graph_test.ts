import assert from "node:assert/strict";
import { sinks, topologicalOrder, withDependencies } from "./graph.ts";
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
