/**
 * Publishing: copy a stage's store outputs to a stable path (e.g. `reports/<variant>/<stage id>/`),
 * written beside the target and renamed into place.
 * @module
 */
import { copyDir } from "./fsutil.ts";
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
