/**
 * The code identity of a stage: every local module its module imports transitively (by content) and
 * the locked third-party packages that graph reaches. The graph comes from `deno info --json`, and is
 * cached keyed on the stat of every file in it plus deno.json and deno.lock, so a no-op rerun does not
 * spawn `deno info`.
 * @module
 */
import { denoOutput } from "../util/deno_command.ts";
import { readJsonOr } from "./fsutil.ts";
import { statKey } from "./statcache.ts";
import { writeFileAtomic } from "../util/fs.ts";

/** The module graph of one stage module. */
export interface CodeGraph {
  /** Absolute paths of the local modules reached through runtime (non type-only) imports, sorted. */
  files: string[];
  /** Third-party packages reached, as "npm:name@version" or a remote URL, sorted. */
  packages: string[];
}

interface CachedGraph {
  graph: CodeGraph;
  stats: Record<string, string>;
}

interface InfoDependency {
  specifier: string;
  code?: { specifier?: string };
}

interface InfoModule {
  specifier: string;
  kind?: string;
  local?: string;
  error?: string;
  npmPackage?: string;
  dependencies?: InfoDependency[];
}

interface InfoOutput {
  roots: string[];
  modules: InfoModule[];
  redirects?: Record<string, string>;
  npmPackages?: Record<string, { name: string; version: string; dependencies?: string[] }>;
}

function statOrMissing(path: string): string {
  try {
    return statKey(Deno.statSync(path));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "missing";
    throw e;
  }
}

/** Runs `deno info --json` on a module and returns its parsed output; throws with deno's message on failure. */
async function denoInfo(moduleUrl: string, root: string): Promise<InfoOutput> {
  const args = ["info", "--json", moduleUrl];
  // Resolve with the project's configuration (import map, lock) when the root has one; otherwise with
  // whatever configuration the current directory has.
  const hasConfig = statOrMissing(`${root}/deno.json`) !== "missing" ||
    statOrMissing(`${root}/deno.jsonc`) !== "missing";
  const opts: Deno.CommandOptions = {
    args,
    stdout: "piped",
    stderr: "piped",
    ...(hasConfig ? { cwd: root } : {}),
  };
  const output = await denoOutput(opts);
  if (!output.success) {
    const err = new TextDecoder().decode(output.stderr).trim();
    throw new Error(`deno info ${moduleUrl} failed (exit ${output.code}): ${err}`);
  }
  return JSON.parse(new TextDecoder().decode(output.stdout)) as InfoOutput;
}

/** Returns the code graph of a module from `deno info` output: local files and packages reached by code edges. */
export function graphFromInfo(info: InfoOutput, moduleUrl: string): CodeGraph {
  const bySpec = new Map(info.modules.map((m) => [m.specifier, m]));
  const redirect = (s: string) => info.redirects?.[s] ?? s;
  const files = new Set<string>();
  const npm = new Set<string>();
  const packages = new Set<string>();
  const seen = new Set<string>();
  const stack = [redirect(info.roots[0] ?? moduleUrl)];
  while (stack.length > 0) {
    const spec = stack.pop()!;
    if (seen.has(spec)) continue;
    seen.add(spec);
    const mod = bySpec.get(spec);
    if (!mod) continue;
    if (mod.error) throw new Error(`module graph of ${moduleUrl}: ${spec}: ${mod.error}`);
    if (mod.npmPackage) {
      npm.add(mod.npmPackage);
      continue;
    }
    if (spec.startsWith("file:") && mod.local) files.add(mod.local);
    else if (!spec.startsWith("node:")) packages.add(spec);
    for (const dep of mod.dependencies ?? []) {
      if (dep.code?.specifier) stack.push(redirect(dep.code.specifier));
    }
  }
  // Close over npm dependencies as locked by deno.lock (ids carry the resolved versions).
  const npmStack = [...npm];
  while (npmStack.length > 0) {
    const id = npmStack.pop()!;
    for (const dep of info.npmPackages?.[id]?.dependencies ?? []) {
      if (!npm.has(dep)) {
        npm.add(dep);
        npmStack.push(dep);
      }
    }
  }
  for (const id of npm) packages.add(`npm:${id}`);
  return { files: [...files].sort(), packages: [...packages].sort() };
}

/** Caches module graphs in a JSON file under the cache folder, keyed on file stats. */
export class CodeGraphCache {
  #data: Record<string, CachedGraph> = {};
  #stats = new Map<string, string>();
  #dirty = false;
  /** Number of `deno info` calls made by this instance. */
  infoCalls = 0;

  private constructor(readonly path: string | undefined, readonly root: string) {}

  /** Returns a cache loaded from `path` (empty when missing), resolving modules from `root`. */
  static async load(path: string | undefined, root: string): Promise<CodeGraphCache> {
    const cache = new CodeGraphCache(path, root);
    if (path) cache.#data = (await readJsonOr<Record<string, CachedGraph>>(path)) ?? {};
    return cache;
  }

  #configFiles(): string[] {
    return [`${this.root}/deno.json`, `${this.root}/deno.jsonc`, `${this.root}/deno.lock`];
  }

  /** Returns the stat key of a path (or "missing"), stat'ed once per instance: one plan's snapshot. */
  #statOf(path: string): string {
    let key = this.#stats.get(path);
    if (key === undefined) {
      key = statOrMissing(path);
      this.#stats.set(path, key);
    }
    return key;
  }

  /** Returns the code graph of a module URL, calling `deno info` only when a file of the graph changed. */
  async graph(moduleUrl: string): Promise<CodeGraph> {
    const cached = this.#data[moduleUrl];
    if (cached) {
      let fresh = true;
      for (const [path, key] of Object.entries(cached.stats)) {
        if (this.#statOf(path) !== key) {
          fresh = false;
          break;
        }
      }
      if (fresh) return cached.graph;
    }
    const stats: Record<string, string> = {};
    for (const path of this.#configFiles()) stats[path] = statOrMissing(path);
    this.infoCalls++;
    const graph = graphFromInfo(await denoInfo(moduleUrl, this.root), moduleUrl);
    for (const path of graph.files) stats[path] = statOrMissing(path);
    this.#data[moduleUrl] = { graph, stats };
    this.#dirty = true;
    return graph;
  }

  /** Writes the cache back to its file (atomically) if it changed. Returns nothing. */
  async save(): Promise<void> {
    if (!this.path || !this.#dirty) return;
    await writeFileAtomic(this.path, JSON.stringify(this.#data));
    this.#dirty = false;
  }
}
