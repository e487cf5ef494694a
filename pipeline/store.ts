/**
 * The content-addressed store under `<root>/.cache/`: one folder per fingerprint holding `out/` (the
 * stage's outputs), `manifest.json` (every fingerprint field, output hashes and sizes, timing, host) and
 * `log.txt`. Entries are built in `.cache/tmp/` and renamed into place only when complete; a hit is
 * verified against the manifest, so a missing or altered output is a miss, never a false hit.
 * @module
 */
import type { FingerprintFields } from "./fingerprint.ts";
import type { StatHashCache } from "./statcache.ts";
import { listFiles } from "./fsutil.ts";
import { exists, randomHex } from "../util/fs.ts";

/** One output file recorded in a manifest. */
export interface OutputRecord {
  /** Path relative to the entry's `out/` folder. */
  path: string;
  /** Size in bytes. */
  size: number;
  /** Hex SHA-256 of the content. */
  sha256: string;
}

/** The manifest of a store entry. */
export interface Manifest {
  /** Format version. */
  version: 1;
  /** The entry's fingerprint (hex SHA-256). */
  fingerprint: string;
  /** Node id of the run that created the entry. */
  id: string;
  /** Every field the fingerprint was computed from. */
  fields: FingerprintFields;
  /** Every output file, sorted by path. */
  outputs: OutputRecord[];
  /** ISO time the stage started. */
  startedAt: string;
  /** ISO time the stage ended. */
  endedAt: string;
  /** Wall time of the stage in seconds. */
  seconds: number;
  /** Where it ran. */
  host: { hostname: string; pid: number; os: string; deno: string };
}

/** The result of verifying a store entry. */
export type Verification = { ok: true; manifest: Manifest } | { ok: false; reason: string };

/** Paths of the engine's cache folder under a project root. */
export class CachePaths {
  /** Absolute `.cache` folder. */
  readonly cache: string;
  /** Creates the paths for the project at `root` (absolute). */
  constructor(readonly root: string) {
    this.cache = `${root}/.cache`;
  }
  /** Returns the folder of store entries. */
  get store(): string {
    return `${this.cache}/store`;
  }
  /** Returns the folder for temporary builds (same filesystem as the store, so rename is atomic). */
  get tmp(): string {
    return `${this.cache}/tmp`;
  }
  /** Returns the folder of lock files. */
  get locks(): string {
    return `${this.cache}/locks`;
  }
  /** Returns the folder where logs of failed runs are kept. */
  get logs(): string {
    return `${this.cache}/logs`;
  }
  /** Returns the folder of per-variant run records. */
  get runs(): string {
    return `${this.cache}/runs`;
  }
  /** Returns the stat-keyed hash cache file. */
  get hashCache(): string {
    return `${this.cache}/hashes.json`;
  }
  /** Returns the module graph cache file. */
  get graphCache(): string {
    return `${this.cache}/codegraph.json`;
  }
  /** Returns the folder of one store entry. */
  entry(fingerprint: string): string {
    return `${this.store}/${fingerprint}`;
  }
  /** Returns the output folder of one store entry. */
  outDir(fingerprint: string): string {
    return `${this.store}/${fingerprint}/out`;
  }
  /** Returns the lock file of one store entry. */
  lock(fingerprint: string): string {
    return `${this.locks}/${fingerprint}.lock`;
  }
}

/** Returns the manifest of an entry, or undefined when it is missing or unreadable. */
export function readManifest(paths: CachePaths, fingerprint: string): Manifest | undefined {
  let m: Manifest;
  try {
    // Synchronous: a no-op reads every stage's manifest, each a few kB.
    m = JSON.parse(Deno.readTextFileSync(`${paths.entry(fingerprint)}/manifest.json`)) as Manifest;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof SyntaxError) return undefined;
    throw e;
  }
  return m && m.fingerprint === fingerprint && Array.isArray(m.outputs) ? m : undefined;
}

/** Returns whether a path exists (a synchronous stat). */
function isPresent(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** Verifies an entry against its manifest: every output present with its size and hash, nothing extra. */
export async function verifyEntry(
  paths: CachePaths,
  fingerprint: string,
  hashes: StatHashCache,
): Promise<Verification> {
  if (!isPresent(paths.entry(fingerprint))) return { ok: false, reason: "no store entry" };
  const manifest = readManifest(paths, fingerprint);
  if (!manifest) return { ok: false, reason: "store entry has no valid manifest" };
  const outDir = paths.outDir(fingerprint);
  let present: string[];
  try {
    present = listFiles(outDir);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { ok: false, reason: "store entry has no output folder" };
    throw e;
  }
  const expected = new Set(manifest.outputs.map((o) => o.path));
  for (const file of present) {
    if (!expected.has(file)) return { ok: false, reason: `cached output ${file} is not in the manifest` };
  }
  const presentSet = new Set(present);
  for (const out of manifest.outputs) {
    if (!presentSet.has(out.path)) return { ok: false, reason: `cached output ${out.path} is missing` };
    const info = Deno.statSync(`${outDir}/${out.path}`);
    if (info.size !== out.size) {
      return {
        ok: false,
        reason: `cached output ${out.path} changed size (${out.size} -> ${info.size} bytes)`,
      };
    }
    const { sha256 } = await hashes.hash(`${outDir}/${out.path}`);
    if (sha256 !== out.sha256) return { ok: false, reason: `cached output ${out.path} changed content` };
  }
  return { ok: true, manifest };
}

/**
 * Checks a finished stage's output folder against its declared outputs (a trailing "/" declares a
 * folder) and returns the output records; throws listing undeclared and missing outputs.
 */
export async function collectOutputs(
  id: string,
  outDir: string,
  declared: readonly string[],
  hashes: StatHashCache,
): Promise<OutputRecord[]> {
  const files = listFiles(outDir);
  const declaredFiles = new Set(declared.filter((d) => !d.endsWith("/")).map((d) => d.replace(/^\.\//, "")));
  const declaredDirs = declared.filter((d) => d.endsWith("/")).map((d) => d.replace(/^\.\//, ""));
  const undeclared = files.filter((f) => !declaredFiles.has(f) && !declaredDirs.some((d) => f.startsWith(d)));
  const present = new Set(files);
  const missing = [...declaredFiles].filter((f) => !present.has(f));
  for (const dir of declaredDirs) {
    try {
      if (!(await Deno.stat(`${outDir}/${dir}`)).isDirectory) missing.push(dir);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) missing.push(dir);
      else throw e;
    }
  }
  const problems: string[] = [];
  if (undeclared.length > 0) problems.push(`wrote undeclared output(s): ${undeclared.join(", ")}`);
  if (missing.length > 0) problems.push(`did not write declared output(s): ${missing.join(", ")}`);
  if (problems.length > 0) {
    throw new Error(
      `stage ${id} ${problems.join("; ")} (declared outputs: ${declared.join(", ") || "none"})`,
    );
  }
  const records: OutputRecord[] = [];
  for (const file of files) {
    const { sha256, size } = await hashes.hash(`${outDir}/${file}`);
    records.push({ path: file, size, sha256 });
  }
  return records;
}

/**
 * Moves a complete entry folder (built under `.cache/tmp`) into the store, replacing an existing entry
 * of the same fingerprint (the caller holds its lock). Returns nothing.
 */
export async function commitEntry(paths: CachePaths, fingerprint: string, builtDir: string): Promise<void> {
  await Deno.mkdir(paths.store, { recursive: true });
  const target = paths.entry(fingerprint);
  if (await exists(target)) {
    const trash = `${paths.tmp}/trash-${fingerprint.slice(0, 16)}-${randomHex(8)}`;
    await Deno.rename(target, trash);
    await Deno.rename(builtDir, target);
    await Deno.remove(trash, { recursive: true });
  } else {
    await Deno.rename(builtDir, target);
  }
}

/** Records that an entry was used now (for least-recently-used eviction). Returns nothing. */
export function touchEntry(paths: CachePaths, fingerprint: string): void {
  const mark = `${paths.entry(fingerprint)}/last-used`;
  const now = new Date();
  try {
    // Synchronous, and only the mark's times when it exists: a no-op touches every cached stage's entry,
    // and rewriting a file costs far more than setting its modification time.
    Deno.utimeSync(mark, now, now);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) {
      if (e instanceof Deno.errors.NotCapable) return;
      throw e;
    }
    try {
      Deno.writeTextFileSync(mark, now.toISOString());
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotCapable)) throw e;
    }
  }
}

/** Returns when an entry was last used (ms since epoch), from its `last-used` mark or its manifest. */
export async function lastUsed(paths: CachePaths, fingerprint: string): Promise<number> {
  for (const name of ["last-used", "manifest.json"]) {
    try {
      return (await Deno.stat(`${paths.entry(fingerprint)}/${name}`)).mtime?.getTime() ?? 0;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return 0;
}
