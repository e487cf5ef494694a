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

/** Returns the folder (relative to the root) under which a variant's stage outputs are published. */
export function publishBase(profile: string, defaultProfile: string, variant: string): string {
  return profile === defaultProfile ? `reports/${variant}` : `reports/${profile}/${variant}`;
}

/** Returns the folder (relative to the root) where a variant's stage outputs are published. */
export function publishDir(profile: string, defaultProfile: string, variant: string, id: string): string {
  return `${publishBase(profile, defaultProfile, variant)}/${id}`;
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
 * Returns how the folder `target` differs from the files of `outputs` (same relative paths, sizes in bytes
 * and SHA-256, nothing else), in words ("is missing", "lacks fig01.svg", "has a file not in the store:
 * x.tmp", "fig01.svg differs (size 10 -> 12 bytes)", "fig01.svg differs in content"), or null when it holds
 * exactly them.
 */
export async function publishedDifference(
  target: string,
  outputs: readonly OutputRecord[],
  hashes: StatHashCache,
): Promise<string | null> {
  let present: string[];
  try {
    present = listFiles(target);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return "is missing";
    throw e;
  }
  const have = new Set(present);
  const lacking = outputs.filter((o) => !have.has(o.path)).map((o) => o.path);
  if (lacking.length > 0) {
    return `lacks ${lacking.length} of its ${outputs.length} file(s) (${lacking.slice(0, 3).join(", ")}${
      lacking.length > 3 ? ", ..." : ""
    })`;
  }
  const expected = new Map(outputs.map((o) => [o.path, o]));
  for (const file of present) {
    const want = expected.get(file);
    if (want === undefined) return `has a file not in the store: ${file}`;
    const { sha256, size } = await hashes.hash(`${target}/${file}`);
    if (size !== want.size) return `${file} differs (size ${want.size} -> ${size} bytes)`;
    if (sha256 !== want.sha256) return `${file} differs in content`;
  }
  return null;
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
  return (await publishedDifference(target, outputs, hashes)) === null;
}

/** The name of a folder {@link publishFolder} writes beside a target (a copy, or the replaced one). */
const LEFTOVER = /^\..+\.(new|old)-[0-9a-f]{16}$/;

/**
 * Returns the names of the folders in `dir` that an interrupted {@link publishFolder} left behind
 * (`.<name>.new-<hex>`, `.<name>.old-<hex>`); none when `dir` does not exist.
 */
export function publishLeftovers(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].filter((e) => LEFTOVER.test(e.name)).map((e) => e.name).sort();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return [];
    throw e;
  }
}

/**
 * Removes the leftovers of an interrupted publish in `dir` (see {@link publishLeftovers}); the caller holds
 * the publishing lock of `dir`, so none is a live one. Returns the names removed.
 */
export async function removePublishLeftovers(dir: string): Promise<string[]> {
  const names = publishLeftovers(dir);
  for (const name of names) await Deno.remove(`${dir}/${name}`, { recursive: true });
  return names;
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
