/**
 * A stat-keyed cache of file hashes: a file whose (dev, inode, size, mtime, ctime) is unchanged is not
 * re-read. ctime cannot be set by a user, so an edit that restores size and mtime still misses the cache.
 * Deno reports ctime at one-second resolution, so a file whose ctime is within the last 2 s of the moment
 * it is hashed is hashed again next time ("racy" entries are never stored).
 * @module
 */
import { sha256File } from "./hash.ts";
import { listFiles, readJsonOr } from "./fsutil.ts";
import { writeFileAtomic } from "../util/fs.ts";

/** One cached hash: stat key -> SHA-256 and size in bytes. */
interface CacheEntry {
  key: string;
  sha256: string;
  size: number;
}

/** The window (ms) within which a file's ctime makes its hash uncacheable. */
export const RACY_WINDOW_MS = 2000;

/** Returns the stat key of a file: dev, inode, size, mtime (ms) and ctime (ms). */
export function statKey(info: Deno.FileInfo): string {
  return `${info.dev}:${info.ino}:${info.size}:${info.mtime?.getTime() ?? -1}:${info.ctime?.getTime() ?? -1}`;
}

/** A persistent map absolute path -> (stat key, hash), saved as JSON under the cache folder. */
export class StatHashCache {
  #entries = new Map<string, CacheEntry>();
  #dirty = false;
  /** Number of files actually read and hashed by this instance. */
  hashedFiles = 0;
  /** Number of bytes actually read and hashed by this instance. */
  hashedBytes = 0;

  private constructor(readonly path: string | undefined) {}

  /** Returns a cache loaded from `path` (empty when missing or unreadable), or an in-memory one. */
  static async load(path?: string): Promise<StatHashCache> {
    const cache = new StatHashCache(path);
    if (path) {
      const data = await readJsonOr<Record<string, CacheEntry>>(path);
      if (data && typeof data === "object") {
        for (const [k, v] of Object.entries(data)) {
          if (v && typeof v.key === "string" && typeof v.sha256 === "string") cache.#entries.set(k, v);
        }
      }
    }
    return cache;
  }

  /** Returns the SHA-256 (hex) and size in bytes of a file, reading it only when its stat key changed. */
  async hash(absPath: string): Promise<{ sha256: string; size: number }> {
    const now = Date.now();
    // Synchronous: on a hit this stat is all the work, and a no-op makes thousands of them.
    const before = Deno.statSync(absPath);
    const key = statKey(before);
    const hit = this.#entries.get(absPath);
    if (hit && hit.key === key) return { sha256: hit.sha256, size: hit.size };
    const result = await sha256File(absPath);
    this.hashedFiles++;
    this.hashedBytes += result.size;
    const after = await Deno.stat(absPath);
    const ctime = after.ctime?.getTime();
    const racy = ctime === undefined || now - ctime < RACY_WINDOW_MS;
    if (statKey(after) === key && !racy && result.size === after.size) {
      this.#entries.set(absPath, { key, sha256: result.sha256, size: result.size });
      this.#dirty = true;
    } else if (hit) {
      this.#entries.delete(absPath);
      this.#dirty = true;
    }
    return result;
  }

  /** Writes the cache back to its file (atomically) if it changed. Returns nothing. */
  async save(): Promise<void> {
    if (!this.path || !this.#dirty) return;
    await writeFileAtomic(this.path, JSON.stringify(Object.fromEntries(this.#entries)));
    this.#dirty = false;
  }
}

/** A file's SHA-256 (hex) and size in bytes. */
export interface FileHash {
  /** Hex SHA-256 of the content. */
  sha256: string;
  /** Size in bytes. */
  size: number;
}

/**
 * The source files of one plan, each stat'ed, listed or hashed at most once: a plan fingerprints every
 * stage of a graph at one moment, and the stages share most of their modules and inputs, so a file seen
 * by one stage is not looked at again for the next (hashes go through the stat-keyed `cache`). Only for
 * files that do not change while the plan is made (code and declared inputs), never for outputs.
 */
export class SourceSnapshot {
  #hashes = new Map<string, Promise<FileHash>>();
  #stats = new Map<string, Deno.FileInfo>();
  #lists = new Map<string, string[]>();

  /** Creates a snapshot reading hashes through `cache`. */
  constructor(readonly cache: StatHashCache) {}

  /** Returns the SHA-256 and size of a file (see StatHashCache.hash), once per snapshot. */
  hash(absPath: string): Promise<FileHash> {
    return memo(this.#hashes, absPath, () => this.cache.hash(absPath));
  }

  /** Returns `Deno.statSync` of a path, once per snapshot (throws, e.g. NotFound, each time it is asked). */
  stat(absPath: string): Deno.FileInfo {
    return memo(this.#stats, absPath, () => Deno.statSync(absPath));
  }

  /** Returns the files under a folder (relative, sorted), once per snapshot. */
  files(dir: string): string[] {
    return memo(this.#lists, dir, () => listFiles(dir));
  }
}

function memo<T>(map: Map<string, T>, key: string, make: () => T): T {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
