/**
 * gc and temporary folders: a build left behind by a process killed with SIGKILL is removed by the
 * next gc at once (its lock died with it), a live process's build is kept, and gc says how much it freed.
 */
import assert from "node:assert/strict";
import { gc } from "./gc.ts";
import { CachePaths } from "./store.ts";

const LOCK_MODULE = new URL("./lock.ts", import.meta.url).href;
const FP = "ab".repeat(32);

// A child that takes the entry lock of FP, writes a 1 MB build into .cache/tmp, says "ready" and waits.
const CHILD = `
import { acquireLock } from "${LOCK_MODULE}";
const [root, fp] = Deno.args;
await acquireLock(root + "/.cache/locks/" + fp + ".lock");
const dir = root + "/.cache/tmp/" + fp.slice(0, 16) + "-" + Deno.pid + "-x1";
Deno.mkdirSync(dir + "/out", { recursive: true });
Deno.writeFileSync(dir + "/out/big.bin", new Uint8Array(1_000_000));
console.log("ready");
await new Promise(() => {});
`;

Deno.test("gc: a killed run's temporary folder goes at once, a live one stays; the bytes freed are counted", async () => {
  const root = await Deno.makeTempDir({ prefix: "gc_tmp_" });
  try {
    const paths = new CachePaths(root);
    await Deno.writeTextFile(`${root}/child.ts`, CHILD);
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${root}/child.ts`, root, FP],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.getReader();
    const { value } = await reader.read();
    assert.match(new TextDecoder().decode(value), /ready/);
    // A leftover of a process that is gone (no lock at all), and an old trash folder.
    await Deno.mkdir(`${paths.tmp}/${"cd".repeat(8)}-999999-zz/out`, { recursive: true });
    await Deno.writeFile(`${paths.tmp}/${"cd".repeat(8)}-999999-zz/out/a.bin`, new Uint8Array(2000));
    await Deno.mkdir(`${paths.tmp}/trash-${"ef".repeat(8)}-qq`, { recursive: true });

    let r = await gc({ root });
    assert.deepEqual(r.tmpRemoved, [`${"cd".repeat(8)}-999999-zz`, `trash-${"ef".repeat(8)}-qq`]);
    assert.ok(r.freedBytes >= 2000 && r.freedBytes < 1_000_000, `freed ${r.freedBytes}`);
    const kept = [...Deno.readDirSync(paths.tmp)].map((e) => e.name);
    assert.deepEqual(kept, [`${FP.slice(0, 16)}-${child.pid}-x1`], "the live build is kept");

    child.kill("SIGKILL");
    await child.status;
    await reader.cancel();
    r = await gc({ root, dryRun: true });
    assert.deepEqual(r.tmpRemoved, [`${FP.slice(0, 16)}-${child.pid}-x1`]);
    assert.equal([...Deno.readDirSync(paths.tmp)].length, 1, "a dry run removes nothing");
    r = await gc({ root });
    assert.deepEqual(r.tmpRemoved, [`${FP.slice(0, 16)}-${child.pid}-x1`]);
    assert.ok(r.freedBytes >= 1_000_000, `freed ${r.freedBytes}`);
    assert.deepEqual([...Deno.readDirSync(paths.tmp)], []);
    assert.deepEqual([...Deno.readDirSync(paths.locks)], [], "the dead run's stale lock is removed too");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
