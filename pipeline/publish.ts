/**
 * Publishing: copy a stage's store outputs to a stable path (e.g. `reports/<variant>/<stage id>/`),
 * written beside the target and renamed into place — unless the target already holds exactly those
 * outputs, which is checked against the entry's manifest through the stat-keyed hash cache (a published
 * file is read only when its stat changed since it was last hashed), so a no-op run writes nothing.
 * @module
 */
import { copyDir, listFiles } from "./fsutil.ts";
import type { StatHashCache } from "./statcache.ts";
import type { OutputRecord } from "./store.ts";
import { dirname, exists, randomHex } from "../util/fs.ts";

/** Returns the folder (relative to the root) where a variant's stage outputs are published. */
export function publishDir(profile: string, defaultProfile: string, variant: string, id: string): string {
  const base = profile === defaultProfile ? `reports/${variant}` : `reports/${profile}/${variant}`;
  return `${base}/${id}`;
}

/** Replaces `target` by a copy of `source` (a folder): copied beside it, then renamed into place. Returns nothing. */
export async function publishFolder(source: string, target: string): Promise<void> {
  const parent = dirname(target);
  await Deno.mkdir(parent, { recursive: true });
  const name = target.slice(parent.length + 1);
  const fresh = `${parent}/.${name}.new-${randomHex(8)}`;
  const old = `${parent}/.${name}.old-${randomHex(8)}`;
  try {
    await copyDir(source, fresh);
    if (await exists(target)) await Deno.rename(target, old);
    await Deno.rename(fresh, target);
  } finally {
    await Deno.remove(fresh, { recursive: true }).catch(() => {});
    await Deno.remove(old, { recursive: true }).catch(() => {});
  }
}

/**
 * Returns true when the folder `target` holds exactly the files of `outputs` (same relative paths, sizes
 * in bytes and SHA-256) and nothing else; false when it is missing, lacks or adds a file, or one differs.
 */
export async function isPublished(
  target: string,
  outputs: readonly OutputRecord[],
  hashes: StatHashCache,
): Promise<boolean> {
  let present: string[];
  try {
    present = listFiles(target);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return false;
    throw e;
  }
  if (present.length !== outputs.length) return false;
  const expected = new Map(outputs.map((o) => [o.path, o]));
  for (const file of present) {
    const want = expected.get(file);
    if (want === undefined) return false;
    const { sha256, size } = await hashes.hash(`${target}/${file}`);
    if (size !== want.size || sha256 !== want.sha256) return false;
  }
  return true;
}

/**
 * Publishes a store entry's output folder `source` at `target` unless `target` already holds exactly
 * `outputs` (see {@link isPublished}). Returns true when it copied, false when the target was in place.
 */
export async function publishEntry(
  source: string,
  target: string,
  outputs: readonly OutputRecord[],
  hashes: StatHashCache,
): Promise<boolean> {
  if (outputs.length > 0 && await isPublished(target, outputs, hashes)) return false;
  await publishFolder(source, target);
  return true;
}
