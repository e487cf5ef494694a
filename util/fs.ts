/**
 * File helpers: crash-safe writes, an existence test and a path's parent folder. Crash-safe writes: the bytes go to a uniquely named temporary file beside the target (flushed to
 * disk on request), which is then renamed into place, so a reader never sees a half-written file under the
 * final name. The parent folder is created; the temporary file is removed when the write fails.
 * @module
 */
import { hex } from "./hex.ts";

/** Options of {@link writeFileAtomic}. */
export interface WriteAtomicOptions {
  /** Flush the temporary file to disk (fsync) before the rename (default false). */
  readonly sync?: boolean;
}

/** Writes `data` (text as UTF-8, or bytes) to `tmpPath`, syncs it to disk and leaves it there (the caller renames it). */
export async function writeSynced(tmpPath: string, data: Uint8Array): Promise<void> {
  const file = await Deno.open(tmpPath, { write: true, create: true, truncate: true });
  try {
    let off = 0;
    while (off < data.length) off += await file.write(data.subarray(off));
    await file.sync();
  } finally {
    file.close();
  }
}

/** Returns the parent folder of a path ("." for a bare name, "/" for a file in the root). */
export function dirname(path: string): string {
  const i = path.replace(/\/+$/, "").lastIndexOf("/");
  if (i < 0) return ".";
  return i === 0 ? "/" : path.slice(0, i);
}

/** Writes `data` (text as UTF-8, or bytes) to `path` atomically: temporary sibling, optional fsync, rename. */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: WriteAtomicOptions = {},
): Promise<void> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${randomHex(8)}`;
  try {
    if (options.sync) await writeSynced(tmp, bytes);
    else await Deno.writeFile(tmp, bytes);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/** Returns `bytes` random bytes from the system's CSPRNG as lowercase hex (2 chars a byte), for temporary names. */
export function randomHex(bytes: number): string {
  return hex(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** Returns true when `path` exists (file, folder or link, not followed). */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}
