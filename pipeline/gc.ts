/**
 * Garbage collection of the store: remove entries not referenced by the latest run (or the last N runs)
 * of any profile + variant, then, under a size cap, evict least-recently-used entries. Leftover
 * temporary builds are removed as soon as no live process holds their entry's lock (a run killed even by
 * SIGKILL leaves its build behind, but the OS releases its lock at once).
 * @module
 */
import { CachePaths, lastUsed } from "./store.ts";
import { allHistories } from "./runs.ts";
import { diskUsage } from "./fsutil.ts";
import { readLockInfo, staleReason, tryLock } from "./lock.ts";

/** Options of `gc`. */
export interface GcOptions {
  /** Absolute project root. */
  root: string;
  /** Keep entries referenced by the last N runs of every variant (default 1). */
  keepLast?: number;
  /** After that, evict least-recently-used entries until the store is at most this many bytes. */
  maxSizeBytes?: number;
  /** Say what would be removed, remove nothing. */
  dryRun?: boolean;
}

/** What `gc` removed (or would remove). */
export interface GcResult {
  /** Fingerprints of removed entries, unreferenced ones first, then evicted ones. */
  removed: string[];
  /** Of those, the ones evicted for size. */
  evicted: string[];
  /** Names of the removed temporary folders under `.cache/tmp/` (builds of runs that died). */
  tmpRemoved: string[];
  /** Bytes freed (entries and temporary folders). */
  freedBytes: number;
  /** Entries kept. */
  kept: number;
  /** Bytes the kept entries occupy. */
  keptBytes: number;
}

/** Returns the byte count of a size written as a number of bytes or with a K/M/G/T suffix (powers of 1024). */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$/i.exec(text);
  if (!m) throw new Error(`invalid size "${text}": expected bytes or a number with K, M, G or T (e.g. 2G)`);
  const exp = { "": 0, k: 1, m: 2, g: 3, t: 4 }[m[2].toLowerCase() as "" | "k" | "m" | "g" | "t"];
  return Math.floor(Number(m[1]) * 1024 ** exp);
}

async function removeEntry(paths: CachePaths, fp: string): Promise<boolean> {
  // Take the entry's lock so that no run is rebuilding it while we delete it.
  const lock = await tryLock(paths.lock(fp));
  if (!lock) return false;
  try {
    await Deno.remove(paths.entry(fp), { recursive: true });
    return true;
  } finally {
    await lock.release();
  }
}

/** Removes unreferenced (then least-recently-used) store entries; returns what was removed. */
export async function gc(options: GcOptions): Promise<GcResult> {
  const paths = new CachePaths(options.root);
  const keepLast = Math.max(1, options.keepLast ?? 1);
  const referenced = new Set<string>();
  for (const [, , history] of await allHistories(paths)) {
    for (const run of history.runs.slice(-keepLast)) {
      for (const fp of Object.values(run.stages)) referenced.add(fp);
    }
  }
  const entries: string[] = [];
  try {
    for await (const e of Deno.readDir(paths.store)) if (e.isDirectory) entries.push(e.name);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  entries.sort();
  const result: GcResult = { removed: [], evicted: [], tmpRemoved: [], freedBytes: 0, kept: 0, keptBytes: 0 };
  const survivors: { fp: string; bytes: number; used: number }[] = [];
  for (const fp of entries) {
    const bytes = await diskUsage(paths.entry(fp));
    if (!referenced.has(fp)) {
      if (options.dryRun || (await removeEntry(paths, fp))) {
        result.removed.push(fp);
        result.freedBytes += bytes;
        continue;
      }
    }
    survivors.push({ fp, bytes, used: await lastUsed(paths, fp) });
  }
  if (options.maxSizeBytes !== undefined) {
    let total = survivors.reduce((a, s) => a + s.bytes, 0);
    survivors.sort((a, b) => a.used - b.used);
    while (total > options.maxSizeBytes && survivors.length > 0) {
      const victim = survivors.shift()!;
      if (options.dryRun || (await removeEntry(paths, victim.fp))) {
        result.removed.push(victim.fp);
        result.evicted.push(victim.fp);
        result.freedBytes += victim.bytes;
        total -= victim.bytes;
      }
    }
  }
  result.kept = survivors.length;
  result.keptBytes = survivors.reduce((a, s) => a + s.bytes, 0);
  const tmp = await cleanTmp(paths, options.dryRun ?? false);
  result.tmpRemoved = tmp.removed;
  result.freedBytes += tmp.bytes;
  return result;
}

/**
 * Removes every temporary folder whose entry's lock no live process holds (a build `<fp16>-<pid>-<rand>`
 * is live only while process `pid` holds the lock of its fingerprint; a `trash-<fp16>-<rand>` folder
 * while anyone does), then stale lock files; returns the folders removed and the bytes freed.
 */
async function cleanTmp(paths: CachePaths, dryRun: boolean): Promise<{ removed: string[]; bytes: number }> {
  let bytes = 0;
  const removed: string[] = [];
  const live = new Map<string, Set<number>>(); // fingerprint prefix -> pids of live lock holders
  try {
    for await (const e of Deno.readDir(paths.locks)) {
      const path = `${paths.locks}/${e.name}`;
      if (!e.name.endsWith(".lock") || (await staleReason(path)) !== undefined) continue;
      const pids = live.get(e.name.slice(0, 16)) ?? new Set<number>();
      pids.add((await readLockInfo(path))?.pid ?? -1); // -1: a lock being written, holder not yet known
      live.set(e.name.slice(0, 16), pids);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const isLive = (name: string): boolean => {
    const trash = name.startsWith("trash-");
    const pids = live.get((trash ? name.slice(6) : name).slice(0, 16));
    if (pids === undefined) return false;
    const pid = Number(/^[0-9a-f]{16}-(\d+)-/.exec(name)?.[1]);
    return trash || !Number.isInteger(pid) || pids.has(pid) || pids.has(-1);
  };
  try {
    for await (const e of Deno.readDir(paths.tmp)) {
      if (isLive(e.name)) continue;
      const p = `${paths.tmp}/${e.name}`;
      bytes += await diskUsage(p);
      removed.push(e.name);
      if (!dryRun) await Deno.remove(p, { recursive: true }).catch(() => {});
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  try {
    for await (const e of Deno.readDir(paths.locks)) {
      if (!e.name.endsWith(".lock")) continue;
      const p = `${paths.locks}/${e.name}`;
      if (!dryRun && (await staleReason(p)) !== undefined) await Deno.remove(p).catch(() => {});
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return { removed: removed.sort(), bytes };
}
