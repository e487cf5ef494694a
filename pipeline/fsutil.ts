/**
 * Small file-system helpers of the engine: recursive listing and copying, path helpers, JSON reading
 * (atomic writes, `exists` and `dirname` are in `util/fs.ts`).
 * @module
 */

/** Returns the path joined with "/" separators, without duplicate slashes. */
export function join(...parts: string[]): string {
  return parts.filter((p) => p !== "").join("/").replace(/\/+/g, "/");
}

/** Returns the parsed JSON of a file, or undefined when the file does not exist or is not valid JSON. */
export async function readJsonOr<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as T;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof SyntaxError) return undefined;
    throw e;
  }
}

/**
 * Returns the relative paths (sorted, "/"-separated) of every regular file under a folder, recursively.
 * Synchronous: the engine lists small folders (store entries, published outputs, declared inputs) by the
 * hundred in a no-op, and a blocking call costs microseconds where an async one waits for a pool thread.
 */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  function walk(rel: string): void {
    const abs = rel === "" ? dir : `${dir}/${rel}`;
    for (const entry of Deno.readDirSync(abs)) {
      const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory) walk(child);
      else if (entry.isSymlink) {
        if (Deno.statSync(`${dir}/${child}`).isDirectory) walk(child);
        else out.push(child);
      } else out.push(child);
    }
  }
  walk("");
  return out.sort();
}

/** Returns the total size in bytes of the regular files under a path (0 when it does not exist). */
export async function diskUsage(path: string): Promise<number> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return 0;
    throw e;
  }
  if (!info.isDirectory) return info.size;
  let total = 0;
  for await (const entry of Deno.readDir(path)) total += await diskUsage(`${path}/${entry.name}`);
  return total;
}

/** Copies a folder recursively (regular files and folders). Returns nothing. */
export async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const src = `${from}/${entry.name}`;
    const dst = `${to}/${entry.name}`;
    if (entry.isDirectory) await copyDir(src, dst);
    else await Deno.copyFile(src, dst);
  }
}

/** Returns the host name, or "unknown" when the permission to read it is missing. */
export function hostName(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown";
  }
}
