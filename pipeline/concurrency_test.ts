import assert from "node:assert/strict";
import { CachePaths, verifyEntry } from "./store.ts";
import { StatHashCache } from "./statcache.ts";
import { planFingerprints } from "./status.ts";
import { toyStages } from "../testing/engine/toy_pipeline.ts";

const script = new URL("../testing/engine/toy_pipeline.ts", import.meta.url).pathname;

function spawnToy(root: string, env: Record<string, string> = {}): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--deny-net", script, root],
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

interface ToyOutput {
  pid: number;
  results: { id: string; fingerprint: string; cached: boolean; outDir: string }[];
  outputs: Record<string, string>;
}

async function finish(child: Deno.ChildProcess): Promise<ToyOutput> {
  const out = await child.output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, `toy pipeline failed:\n${stdout}\n${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as ToyOutput;
}

async function waitFor(path: string, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!(await Deno.stat(path).then(() => true, () => false))) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${path}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const expected = {
  "slow/slow.txt": "slow output for toy\n",
  "fast/fast.txt": "SLOW OUTPUT FOR TOY\n",
  "side/side.txt": "side\n",
};

async function counts(root: string): Promise<string[]> {
  return (await Deno.readTextFile(`${root}/counts.log`)).trim().split("\n").sort();
}

Deno.test("SIGKILL during a stage leaves the store consistent; the next run completes", async () => {
  const root = await Deno.makeTempDir({ prefix: "pipeline-kill-" });
  await Deno.writeTextFile(`${root}/hold`, "");
  const child = spawnToy(root);
  await waitFor(`${root}/started-slow`);
  child.kill("SIGKILL");
  const status = await child.status;
  assert.equal(status.signal, "SIGKILL");
  await child.stdout.cancel().catch(() => {});
  await child.stderr.cancel().catch(() => {});

  const paths = new CachePaths(root);
  const hashes = await StatHashCache.load();
  const entries = await Array.fromAsync(Deno.readDir(paths.store)).catch(() => []);
  for (const e of entries) {
    assert.ok(
      (await verifyEntry(paths, e.name, hashes)).ok,
      `every entry left in the store verifies: ${e.name}`,
    );
  }
  assert.ok(entries.length <= 1, "at most the independent side stage was committed");
  // The independent side stage may have run before the kill, and may even have been computed but not yet
  // committed (then the next run computes it again; a committed one it restores).
  const { fingerprints } = await planFingerprints(toyStages(), paths);
  const sideFp = fingerprints.get("side")!;
  const sideCommitted = entries.some((e) => e.name === sideFp);
  const before = await counts(root).catch(() => [] as string[]);
  const sideBefore = before.filter((c) => c === "side").length;
  assert.deepEqual(before.filter((c) => c !== "side"), [], "nothing but side finished before the kill");
  if (sideCommitted) assert.equal(sideBefore, 1, "a committed side stage ran once");
  const slowFp = fingerprints.get("slow")!;
  const locks = (await Array.fromAsync(Deno.readDir(paths.locks))).map((e) => e.name);
  assert.ok(locks.includes(`${slowFp}.lock`), "the killed run left the lock of the slow stage behind");

  await Deno.remove(`${root}/hold`);
  const next = await finish(spawnToy(root));
  assert.deepEqual(next.outputs, expected);
  assert.deepEqual(next.results.find((r) => r.id === "slow")!.cached, false);
  assert.deepEqual(next.results.find((r) => r.id === "side")!.cached, sideCommitted);
  const sideRuns = sideBefore + (sideCommitted ? 0 : 1);
  assert.deepEqual(await counts(root), ["fast", ...Array(sideRuns).fill("side"), "slow"]);
  assert.deepEqual(await Array.fromAsync(Deno.readDir(paths.locks)), [], "the stale lock was recovered");
});

Deno.test("two concurrent runs finish with identical outputs and compute each stage once", async () => {
  const root = await Deno.makeTempDir({ prefix: "pipeline-concurrent-" });
  const env = { TOY_SLEEP_MS: "1500" };
  const a = spawnToy(root, env);
  const b = spawnToy(root, env);
  const [ra, rb] = await Promise.all([finish(a), finish(b)]);
  assert.deepEqual(ra.outputs, expected);
  assert.deepEqual(rb.outputs, expected);
  assert.deepEqual(
    ra.results.map((r) => [r.id, r.fingerprint, r.outDir]),
    rb.results.map((r) => [r.id, r.fingerprint, r.outDir]),
  );
  assert.deepEqual(await counts(root), ["fast", "side", "slow"], "each stage computed exactly once");
  const computed = [...ra.results, ...rb.results].filter((r) => !r.cached).map((r) => r.id).sort();
  assert.deepEqual(computed, ["fast", "side", "slow"], "each stage ran in exactly one of the two processes");
});
