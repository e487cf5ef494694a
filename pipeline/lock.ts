/**
 * Per-entry locks: an O_EXCL lock file holding the owner's pid, host name and start time, on which the
 * owner also holds an exclusive flock for as long as it lives. A lock is stale (and removed) when its
 * holder is on this host and its flock is free (the OS drops it when a process dies, even by SIGKILL;
 * this needs no access to /proc, which Deno only grants with --allow-all), or, for a holder on another
 * host, when its heartbeat (the file's mtime, refreshed by a worker every 2 s) is older than the stale
 * window.
 * @module
 */
import { hostName } from "./fsutil.ts";
import { dirname } from "../util/fs.ts";

/** What a lock file contains. */
export interface LockInfo {
  /** Process id of the holder. */
  pid: number;
  /** Host name of the holder. */
  hostname: string;
  /** ISO time the lock was taken. */
  startedAt: string;
}

/** Options of `acquireLock`. */
export interface LockOptions {
  /** Age in ms of a lock's heartbeat beyond which it is considered abandoned (default 30 000). */
  staleMs?: number;
  /** Poll interval in ms while waiting (default 100, growing to 1 000). */
  pollMs?: number;
  /** Called once when the lock is busy and the caller starts waiting. */
  onWait?(holder: LockInfo | undefined): void;
  /** Checked while waiting; when it returns true the wait ends without the lock (returns undefined). */
  satisfied?(): Promise<boolean>;
  /** Abort the wait. */
  signal?: AbortSignal;
}

/** A held lock. */
export interface HeldLock {
  /** Absolute path of the lock file. */
  readonly path: string;
  /** Releases the lock (removes the file). Returns nothing. */
  release(): Promise<void>;
}

const HEARTBEAT_MS = 2000;
let worker: Worker | undefined;
let heldCount = 0;

function startHeartbeat(path: string): void {
  if (!worker) {
    worker = new Worker(new URL("./heartbeat_worker.js", import.meta.url), { type: "module" });
    worker.postMessage({ op: "interval", ms: HEARTBEAT_MS });
  }
  heldCount++;
  worker.postMessage({ op: "add", path });
}

function stopHeartbeat(path: string): void {
  if (!worker) return;
  worker.postMessage({ op: "remove", path });
  heldCount--;
  if (heldCount <= 0) {
    worker.terminate();
    worker = undefined;
    heldCount = 0;
  }
}

/** Returns the content of a lock file, or undefined when it is gone or not yet written. */
export async function readLockInfo(path: string): Promise<LockInfo | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as LockInfo;
  } catch {
    return undefined;
  }
}

/** Returns why a lock is stale in words, or undefined when its holder may still be alive (or it is gone). */
export async function staleReason(path: string, staleMs = 30_000): Promise<string | undefined> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  try {
    const stat = await file.stat();
    const ageMs = Date.now() - (stat.mtime?.getTime() ?? 0);
    const info = await readLockInfo(path);
    if (!info) return ageMs > 5000 ? `unreadable lock file, ${(ageMs / 1000).toFixed(1)} s old` : undefined;
    if (info.hostname === hostName()) {
      if (!(await file.tryLock(true))) return undefined;
      await file.unlock();
      const now = await Deno.stat(path).catch(() => undefined);
      if (!now || now.ino !== stat.ino) return undefined; // replaced meanwhile: judge the new one next time
      return `holder pid ${info.pid} on ${info.hostname} is gone (its lock is free)`;
    }
    if (ageMs > staleMs) return `no heartbeat from ${info.hostname} for ${(ageMs / 1000).toFixed(1)} s`;
    return undefined;
  } finally {
    file.close();
  }
}

/** Tries once to create the lock file exclusively; returns the held lock, or undefined when it exists. */
export async function tryLock(path: string): Promise<HeldLock | undefined> {
  await Deno.mkdir(dirname(path), { recursive: true });
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { write: true, createNew: true });
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) return undefined;
    throw e;
  }
  const info: LockInfo = { pid: Deno.pid, hostname: hostName(), startedAt: new Date().toISOString() };
  try {
    await file.lock(true); // held until release or death; the file is fresh, so this never blocks
    await file.write(new TextEncoder().encode(JSON.stringify(info)));
  } catch (e) {
    file.close();
    await Deno.remove(path).catch(() => {});
    throw e;
  }
  startHeartbeat(path);
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      stopHeartbeat(path);
      await Deno.remove(path).catch(() => {});
      file.close(); // after the removal, so no one sees this file with a free flock
    },
  };
}

/** Removes a stale lock under a short-lived breaker lock, so two recoverers never delete a fresh lock. */
async function breakStaleLock(path: string, staleMs: number): Promise<void> {
  const breaker = `${path}.break`;
  let file: Deno.FsFile;
  try {
    file = await Deno.open(breaker, { write: true, createNew: true });
  } catch (e) {
    if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    const mtime = (await Deno.stat(breaker).catch(() => undefined))?.mtime?.getTime();
    if (mtime !== undefined && Date.now() - mtime > 10_000) await Deno.remove(breaker).catch(() => {});
    return;
  }
  file.close();
  try {
    if ((await staleReason(path, staleMs)) !== undefined) await Deno.remove(path).catch(() => {});
  } finally {
    await Deno.remove(breaker).catch(() => {});
  }
}

/**
 * Acquires a lock file, waiting while another live process holds it and removing it when stale.
 * Returns the held lock, or undefined when `satisfied()` became true while waiting.
 */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<HeldLock | undefined> {
  const staleMs = options.staleMs ?? 30_000;
  let poll = options.pollMs ?? 100;
  let waited = false;
  while (true) {
    options.signal?.throwIfAborted();
    const held = await tryLock(path);
    if (held) return held;
    const stale = await staleReason(path, staleMs);
    if (stale !== undefined) {
      await breakStaleLock(path, staleMs);
      continue;
    }
    if (!waited) {
      waited = true;
      options.onWait?.(await readLockInfo(path));
    }
    if (options.satisfied && (await options.satisfied())) return undefined;
    await new Promise((r) => setTimeout(r, poll));
    poll = Math.min(poll * 1.5, 1000);
  }
}
