/**
 * Garbage collection of the store: remove entries not referenced by the latest run (or the last N runs)
 * of any profile + variant, then, under a size cap, evict least-recently-used entries. Leftover
 * temporary builds of dead runs are removed too.
 * @module
 */
import { CachePaths, lastUsed } from "./store.ts";
import { allHistories } from "./runs.ts";
import { diskUsage } from "./fsutil.ts";
import { staleReason, tryLock } from "./lock.ts";

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
  /** Temporary builds older than this many ms are removed (default 1 hour). */
  tmpMaxAgeMs?: number;
}

/** What `gc` removed (or would remove). */
export interface GcResult {
  /** Fingerprints of removed entries, unreferenced ones first, then evicted ones. */
  removed: string[];
  /** Of those, the ones evicted for size. */
  evicted: string[];
  /** Bytes freed (entries and temporary builds). */
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
  const result: GcResult = { removed: [], evicted: [], freedBytes: 0, kept: 0, keptBytes: 0 };
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
  result.freedBytes += await cleanTmp(paths, options.tmpMaxAgeMs ?? 3_600_000, options.dryRun ?? false);
  return result;
}

/** Removes temporary builds older than `maxAgeMs` and stale lock files; returns the bytes freed. */
async function cleanTmp(paths: CachePaths, maxAgeMs: number, dryRun: boolean): Promise<number> {
  let freed = 0;
  const now = Date.now();
  const live = new Set<string>(); // fingerprint prefixes of builds whose lock holder is alive
  try {
    for await (const e of Deno.readDir(paths.locks)) {
      if (e.name.endsWith(".lock") && (await staleReason(`${paths.locks}/${e.name}`)) === undefined) {
        live.add(e.name.slice(0, 16));
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  try {
    for await (const e of Deno.readDir(paths.tmp)) {
      const p = `${paths.tmp}/${e.name}`;
      const info = await Deno.lstat(p);
      if (live.has(e.name.slice(0, 16)) || now - (info.mtime?.getTime() ?? now) < maxAgeMs) continue;
      freed += await diskUsage(p);
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
  return freed;
}
