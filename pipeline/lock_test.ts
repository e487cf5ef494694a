import assert from "node:assert/strict";
import { acquireLock, staleReason, tryLock } from "./lock.ts";
import { hostName } from "./fsutil.ts";

Deno.test("a held lock excludes others, is not stale, and disappears on release", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/x.lock`;
  const held = await tryLock(path);
  assert.ok(held);
  assert.equal(await tryLock(path), undefined);
  assert.equal(await staleReason(path), undefined);
  const info = JSON.parse(await Deno.readTextFile(path));
  assert.equal(info.pid, Deno.pid);
  await held.release();
  await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
});

Deno.test("a lock of a dead holder on this host (free flock) is recovered at once", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/x.lock`;
  await Deno.writeTextFile(path, JSON.stringify({ pid: 999_999, hostname: hostName(), startedAt: "x" }));
  assert.match((await staleReason(path))!, /holder pid 999999 on .* is gone/);
  const held = await acquireLock(path, { pollMs: 10 });
  assert.ok(held);
  assert.equal(JSON.parse(await Deno.readTextFile(path)).pid, Deno.pid);
  await held.release();
});

Deno.test("a lock held by another host is stale only when its heartbeat is older than the window", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/x.lock`;
  await Deno.writeTextFile(path, JSON.stringify({ pid: 1, hostname: "elsewhere.invalid", startedAt: "x" }));
  assert.equal(await staleReason(path, 30_000), undefined);
  const old = new Date(Date.now() - 60_000);
  await Deno.utime(path, old, old);
  assert.match((await staleReason(path, 30_000))!, /no heartbeat from elsewhere\.invalid for 6\d\.\d s/);
});

Deno.test("a waiter ends without the lock when the work became done meanwhile", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/x.lock`;
  const held = await tryLock(path);
  let waited = 0;
  let checks = 0;
  const got = await acquireLock(path, {
    pollMs: 5,
    onWait: () => waited++,
    satisfied: () => Promise.resolve(++checks >= 3),
  });
  assert.equal(got, undefined);
  assert.equal(waited, 1);
  assert.equal(checks, 3);
  await held!.release();
});
