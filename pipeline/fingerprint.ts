/**
 * Stage fingerprints: every field that determines a stage's outputs, kept whole (so `status` can say
 * which one changed) and digested as length-prefixed fields with SHA-256.
 * @module
 */
import type { Params, Stage } from "./stage.ts";
import { canonicalJson, hashFields } from "./hash.ts";
import type { CodeGraphCache } from "./codegraph.ts";
import type { SourceSnapshot } from "./statcache.ts";

/** Every field folded into a stage's fingerprint. */
export interface FingerprintFields {
  /** The stage name. */
  name: string;
  /** Local module path (relative to the root when inside it) -> SHA-256 of its content. */
  code: Record<string, string>;
  /** Locked third-party packages reached by the module graph ("npm:name@version"), sorted. */
  packages: string[];
  /** Canonical (sorted-key) JSON of the parameters. */
  params: string;
  /** Every declared input file (folders expanded; relative to the root) -> SHA-256 of its content. */
  inputs: Record<string, string>;
  /** Upstream stages in declared order: node id (for explanations only) and fingerprint (hashed). */
  deps: { id: string; fingerprint: string }[];
  /** Runtime identity: Deno version, OS and architecture. */
  runtime: string;
  /** Optional environment identity (e.g. the GPU adapter), "" when the stage declares none. */
  env: string;
}

/** Returns the runtime identity string, e.g. "deno 2.9.6 linux/x86_64". */
export function runtimeIdentity(): string {
  return `deno ${Deno.version.deno} ${Deno.build.os}/${Deno.build.arch}`;
}

/** Returns the fingerprint (hex SHA-256) of a set of fields, each length-prefixed; ids of deps are not hashed. */
export function fingerprintDigest(fields: FingerprintFields): string {
  const parts: string[] = ["stage-fingerprint-v1", "name", fields.name, "code"];
  for (const path of Object.keys(fields.code).sort()) parts.push(path, fields.code[path]);
  parts.push("packages", ...fields.packages);
  parts.push("params", fields.params, "inputs");
  for (const path of Object.keys(fields.inputs).sort()) parts.push(path, fields.inputs[path]);
  parts.push("deps", ...fields.deps.map((d) => d.fingerprint));
  parts.push("runtime", fields.runtime, "env", fields.env);
  return hashFields(parts);
}

/** Returns the path relative to the root when it lies inside it, else the absolute path. */
export function relativeToRoot(root: string, absPath: string): string {
  const prefix = root.endsWith("/") ? root : `${root}/`;
  return absPath.startsWith(prefix) ? absPath.slice(prefix.length) : absPath;
}

/** What fingerprinting needs besides the stage: the project root, caches and the upstream fingerprints. */
export interface FingerprintContext {
  /** Absolute project root. */
  root: string;
  /** The plan's view of code and input files: each stat'ed, listed and hashed once (stat-keyed cache). */
  sources: SourceSnapshot;
  /** Cache of module graphs. */
  graphs: CodeGraphCache;
  /** Upstream node id -> fingerprint. */
  upstream: ReadonlyMap<string, string>;
}

/** Returns the node id of a stage: its `id`, or its `name` when absent. */
export function nodeIdOf(stage: Stage): string {
  return stage.id ?? stage.name;
}

/** Returns the validated parameters of a stage (via its `validate`, when it has one). */
export function validatedParams(stage: Stage): Params {
  return stage.validate ? stage.validate(stage.params) : stage.params;
}

/** Returns the fingerprint fields of a stage, hashing its code and inputs; throws naming a missing input. */
export async function fingerprintFields(stage: Stage, ctx: FingerprintContext): Promise<FingerprintFields> {
  const id = nodeIdOf(stage);
  let graph;
  try {
    graph = await ctx.graphs.graph(stage.module);
  } catch (e) {
    throw new Error(`stage ${id}: cannot read the module graph of ${stage.module}: ${(e as Error).message}`);
  }
  const code: Record<string, string> = {};
  for (const file of graph.files) {
    code[relativeToRoot(ctx.root, file)] = (await ctx.sources.hash(file)).sha256;
  }
  let params: string;
  try {
    params = canonicalJson(validatedParams(stage), "params");
  } catch (e) {
    throw new Error(`stage ${id}: invalid parameters: ${(e as Error).message}`);
  }
  const inputs: Record<string, string> = {};
  for (const input of stage.inputs) {
    const abs = input.startsWith("/") ? input : `${ctx.root}/${input}`;
    let info: Deno.FileInfo;
    try {
      info = ctx.sources.stat(abs);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new Error(`stage ${id}: declared input ${input} does not exist (looked at ${abs})`);
      }
      throw e;
    }
    const base = input.replace(/\/+$/, "");
    if (info.isDirectory) {
      for (const rel of ctx.sources.files(abs)) {
        inputs[`${base}/${rel}`] = (await ctx.sources.hash(`${abs.replace(/\/+$/, "")}/${rel}`)).sha256;
      }
    } else {
      inputs[base] = (await ctx.sources.hash(abs)).sha256;
    }
  }
  const deps = stage.deps.map((dep) => {
    const fp = ctx.upstream.get(dep);
    if (fp === undefined) throw new Error(`stage ${id}: upstream stage ${dep} has no fingerprint yet`);
    return { id: dep, fingerprint: fp };
  });
  const env = stage.envIdentity ? await stage.envIdentity() : "";
  return {
    name: stage.name,
    code,
    packages: graph.packages,
    params,
    inputs,
    deps,
    runtime: runtimeIdentity(),
    env,
  };
}

function short(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function flattenParams(value: unknown, prefix: string, out: Map<string, string>): void {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const keys = Object.keys(value as Record<string, unknown>);
    if (keys.length === 0 && prefix !== "") out.set(prefix, "{}");
    for (const key of keys) {
      flattenParams((value as Record<string, unknown>)[key], prefix ? `${prefix}.${key}` : key, out);
    }
  } else {
    out.set(prefix, canonicalJson(value, "params"));
  }
}

function diffRecords(kind: string, before: Record<string, string>, after: Record<string, string>): string[] {
  const reasons: string[] = [];
  for (const key of Object.keys(after).sort()) {
    if (!(key in before)) reasons.push(`${kind} added: ${key}`);
    else if (before[key] !== after[key]) reasons.push(`${kind} changed: ${key}`);
  }
  for (const key of Object.keys(before).sort()) if (!(key in after)) reasons.push(`${kind} removed: ${key}`);
  return reasons;
}

/**
 * Returns a parameter change in words: for two lists, what was added and removed (or that only the order
 * changed), since their full texts may be too long to show apart; otherwise both values.
 */
export function paramChange(key: string, before: string, after: string): string {
  const b = JSON.parse(before), a = JSON.parse(after);
  if (Array.isArray(b) && Array.isArray(a)) {
    const bs = b.map((x) => canonicalJson(x)), as = a.map((x) => canonicalJson(x));
    const added = as.filter((x) => !bs.includes(x)), removed = bs.filter((x) => !as.includes(x));
    const parts = [
      ...(added.length > 0 ? [`added ${short(added.join(", "))}`] : []),
      ...(removed.length > 0 ? [`removed ${short(removed.join(", "))}`] : []),
    ];
    if (parts.length === 0) parts.push(bs.length === as.length ? "reordered" : "duplicates changed");
    return `parameter ${key} (a list): ${parts.join("; ")}`;
  }
  return `parameter ${key} changed from ${short(before)} to ${short(after)}`;
}

/** Returns, in words, every difference between two sets of fingerprint fields (empty when equal). */
export function explainChanges(before: FingerprintFields, after: FingerprintFields): string[] {
  const reasons: string[] = [];
  if (before.name !== after.name) reasons.push(`stage name changed from ${before.name} to ${after.name}`);
  reasons.push(...diffRecords("code file", before.code, after.code));
  const pb = new Set(before.packages);
  const pa = new Set(after.packages);
  const added = after.packages.filter((p) => !pb.has(p));
  const removed = before.packages.filter((p) => !pa.has(p));
  if (added.length > 0 || removed.length > 0) {
    reasons.push(
      `packages changed: ${short(removed.join(", ") || "none")} -> ${short(added.join(", ") || "none")}`,
    );
  }
  if (before.params !== after.params) {
    const mb = new Map<string, string>();
    const ma = new Map<string, string>();
    flattenParams(JSON.parse(before.params), "", mb);
    flattenParams(JSON.parse(after.params), "", ma);
    for (const [key, value] of ma) {
      if (!mb.has(key)) reasons.push(`parameter ${key} added (= ${short(value)})`);
      else if (mb.get(key) !== value) reasons.push(paramChange(key, mb.get(key)!, value));
    }
    for (const [key, value] of mb) {
      if (!ma.has(key)) reasons.push(`parameter ${key} removed (was ${short(value)})`);
    }
  }
  reasons.push(...diffRecords("input file", before.inputs, after.inputs));
  const depsBefore = new Map(before.deps.map((d) => [d.id, d.fingerprint]));
  for (const dep of after.deps) {
    const prev = depsBefore.get(dep.id);
    if (prev === undefined) reasons.push(`upstream stage ${dep.id} added`);
    else if (prev !== dep.fingerprint) reasons.push(`upstream stage ${dep.id} changed`);
  }
  const depsAfter = new Set(after.deps.map((d) => d.id));
  for (const dep of before.deps) if (!depsAfter.has(dep.id)) reasons.push(`upstream stage ${dep.id} removed`);
  if (before.deps.length === after.deps.length && reasons.length === 0) {
    const order = before.deps.map((d) =>
      d.fingerprint
    ).join() !== after.deps.map((d) => d.fingerprint).join();
    if (order) reasons.push("upstream stages reordered");
  }
  if (before.runtime !== after.runtime) {
    reasons.push(`runtime changed from ${before.runtime} to ${after.runtime}`);
  }
  if (before.env !== after.env) {
    reasons.push(`environment changed from ${short(before.env || "none")} to ${short(after.env || "none")}`);
  }
  return reasons;
}
