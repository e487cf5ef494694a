import assert from "node:assert/strict";
import { dirname, exists, writeFileAtomic } from "./fs.ts";

Deno.test("writeFileAtomic: creates the folder, writes text and bytes, leaves no temporary file", async () => {
  const root = await Deno.makeTempDir();
  await writeFileAtomic(`${root}/a/b/c.txt`, "héllo\n");
  assert.equal(await Deno.readTextFile(`${root}/a/b/c.txt`), "héllo\n");
  await writeFileAtomic(`${root}/a/b/c.txt`, new Uint8Array([1, 2, 3]), { sync: true });
  assert.deepEqual(await Deno.readFile(`${root}/a/b/c.txt`), new Uint8Array([1, 2, 3]));
  assert.deepEqual((await Array.fromAsync(Deno.readDir(`${root}/a/b`))).map((e) => e.name), ["c.txt"]);
  await Deno.remove(root, { recursive: true });
});

Deno.test("writeFileAtomic: a failed rename keeps the old target and removes the temporary file", async () => {
  const root = await Deno.makeTempDir();
  await Deno.mkdir(`${root}/target`);
  await Deno.writeTextFile(`${root}/target/keep`, "x");
  await assert.rejects(() => writeFileAtomic(`${root}/target`, "new"));
  assert.deepEqual((await Array.fromAsync(Deno.readDir(root))).map((e) => e.name), ["target"]);
  assert.equal(await Deno.readTextFile(`${root}/target/keep`), "x");
  await Deno.remove(root, { recursive: true });
});

Deno.test("exists and dirname", async () => {
  const root = await Deno.makeTempDir();
  assert.equal(await exists(root), true);
  assert.equal(await exists(`${root}/nope`), false);
  assert.deepEqual([dirname("a/b/c"), dirname("a"), dirname("/a"), dirname("a/b/")], ["a/b", ".", "/", "a"]);
  await Deno.remove(root);
});
