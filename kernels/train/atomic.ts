/**
 * Crash-safe file writes: write a temporary file beside the target, flush it to disk, rename it into
 * place. A reader never sees a half-written file under the final name.
 * @module
 */

/** Writes `data` to `tmpPath`, syncs it to disk and leaves it there (the caller renames it). */
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

/** Writes `data` to `path` atomically (temporary file `path.tmp`, sync, rename). */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const tmp = `${path}.tmp`;
  await writeSynced(tmp, bytes);
  await Deno.rename(tmp, path);
}

/** Returns true when `path` exists (file or folder). */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}
