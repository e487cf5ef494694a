import assert from "node:assert/strict";
import { CodeGraphCache } from "./codegraph.ts";

Deno.test("the module graph lists local runtime imports and locked npm packages, and is cached", async () => {
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const dir = await Deno.makeTempDir();
  const graphs = await CodeGraphCache.load(`${dir}/graph.json`, root);
  const g = await graphs.graph(new URL("./progress.ts", import.meta.url).href);
  assert.deepEqual(g.files, [`${root}/pipeline/progress.ts`], "type-only declarations are not code");
  assert.ok(g.packages.includes("npm:cli-progress@3.12.0"));
  assert.ok(
    g.packages.some((p) => p.startsWith("npm:string-width@")),
    "transitive npm dependencies are included",
  );
  await graphs.save();
  const again = await CodeGraphCache.load(`${dir}/graph.json`, root);
  assert.deepEqual(await again.graph(new URL("./progress.ts", import.meta.url).href), g);
  assert.equal(again.infoCalls, 0, "an unchanged graph is answered from the cache");
  const runner = await again.graph(new URL("./runner.ts", import.meta.url).href);
  assert.ok(runner.files.includes(`${root}/pipeline/lock.ts`), "transitive local imports are included");
  assert.ok(!runner.files.includes(`${root}/pipeline/stage.ts`), "type-only imports are not");
  assert.equal(again.infoCalls, 1);
});

Deno.test("a module graph with a missing import is an error naming it", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/a.ts`, 'import "./nope.ts";\n');
  const graphs = await CodeGraphCache.load(undefined, dir);
  await assert.rejects(graphs.graph(`file://${dir}/a.ts`), /nope\.ts/);
});
