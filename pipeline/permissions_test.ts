import assert from "node:assert/strict";
import { copyDir } from "./fsutil.ts";
import { taskPermissions } from "../testing/deno_tasks.ts";

const repo = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** Runs the toy entry point in `root` with the exact permissions of the deno.json task `task`. */
async function task(root: string, name: string, args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...taskPermissions(name), "testing/engine/toy_main.ts", ...args],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { code: out.code, text };
}

Deno.test("the CLI works under exactly the permissions of the deno.json tasks", async () => {
  const root = await Deno.makeTempDir({ prefix: "pipeline-perms-" });
  for (const f of ["deno.json", "deno.lock"]) await Deno.copyFile(`${repo}/${f}`, `${root}/${f}`);
  await Deno.symlink(`${repo}/node_modules`, `${root}/node_modules`);
  await Deno.mkdir(`${root}/pipeline`);
  for (const e of Deno.readDirSync(`${repo}/pipeline`)) {
    if (e.isFile && /\.(ts|js)$/.test(e.name)) {
      await Deno.copyFile(`${repo}/pipeline/${e.name}`, `${root}/pipeline/${e.name}`);
    }
  }
  await copyDir(`${repo}/testing/engine`, `${root}/testing/engine`);
  await copyDir(`${repo}/cli`, `${root}/cli`);
  await copyDir(`${repo}/util`, `${root}/util`);

  let r = await task(root, "reproduce", ["reproduce"]);
  assert.equal(r.code, 0, r.text);
  assert.match(r.text, /2 stage\(s\): 2 ran, 0 cached/);
  assert.equal(await Deno.readTextFile(`${root}/reports/small/total/total.txt`), "55\n");
  r = await task(root, "reproduce", ["reproduce", "--variant", "big"]);
  assert.equal(r.code, 0, r.text);
  assert.equal(await Deno.readTextFile(`${root}/reports/big/total/total.txt`), "5050\n");
  r = await task(root, "status", ["status", "--all-variants"]);
  assert.equal(r.code, 0, r.text);
  assert.equal(r.text.match(/cached: ran/g)?.length, 4);
  r = await task(root, "reproduce", ["reproduce"]);
  assert.match(r.text, /2 stage\(s\): 0 ran, 2 cached/);
  r = await task(root, "gc", ["gc"]);
  assert.equal(r.code, 0, r.text);
  assert.match(r.text, /removed 0 entries/);
});
