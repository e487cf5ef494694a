/**
 * Explanations: for each stage, whether its fingerprint has a verified store entry and, if not, why —
 * which code file, parameter, input file or upstream stage changed since the latest run of that node id,
 * or that it never ran.
 * @module
 */
import type { Stage } from "./stage.ts";
import {
  explainChanges,
  fingerprintDigest,
  type FingerprintFields,
  fingerprintFields,
  nodeIdOf,
} from "./fingerprint.ts";
import { topologicalOrder } from "./graph.ts";
import { CodeGraphCache } from "./codegraph.ts";
import { SourceSnapshot, StatHashCache } from "./statcache.ts";
import { CachePaths, type OutputRecord, readManifest, verifyEntry } from "./store.ts";
import { latestRun } from "./runs.ts";

/** The status of one stage. */
export interface StageStatus {
  /** Node id. */
  id: string;
  /** Current fingerprint (hex SHA-256). */
  fingerprint: string;
  /** Whether a verified store entry exists for the current fingerprint. */
  cached: boolean;
  /** Why, in words (one or more sentences). */
  reasons: string[];
  /** Wall time in seconds of the run that produced the entry (or of the previous run), if known. */
  lastSeconds?: number;
  /** The fields the fingerprint was computed from. */
  fields: FingerprintFields;
  /** The verified entry's output records (only when cached). */
  outputs?: readonly OutputRecord[];
}

/** Options shared by `statusOf` and the runner. */
export interface StatusOptions {
  /** Absolute project root (the store lives in `<root>/.cache`). */
  root: string;
  /** Profile name of the run record to compare with (default "default"). */
  profile?: string;
  /** Variant name of the run record to compare with (default "default"). */
  variant?: string;
}

/** Caches and fingerprints of a graph, computed once per command. */
export interface Planned {
  /** Stages in topological order. */
  order: Stage[];
  /** Node id -> fields. */
  fields: Map<string, FingerprintFields>;
  /** Node id -> fingerprint. */
  fingerprints: Map<string, string>;
  /** The stat-keyed hash cache (save it when done). */
  hashes: StatHashCache;
  /** The module graph cache (save it when done). */
  graphs: CodeGraphCache;
}

/** Returns the fingerprints of every stage of a graph (in topological order) with the caches used. */
export async function planFingerprints(stages: readonly Stage[], paths: CachePaths): Promise<Planned> {
  const order = topologicalOrder(stages);
  const hashes = await StatHashCache.load(paths.hashCache);
  const graphs = await CodeGraphCache.load(paths.graphCache, paths.root);
  const fields = new Map<string, FingerprintFields>();
  const fingerprints = new Map<string, string>();
  const sources = new SourceSnapshot(hashes);
  for (const stage of order) {
    const f = await fingerprintFields(stage, { root: paths.root, sources, graphs, upstream: fingerprints });
    fields.set(nodeIdOf(stage), f);
    fingerprints.set(nodeIdOf(stage), fingerprintDigest(f));
  }
  return { order, fields, fingerprints, hashes, graphs };
}

function when(iso: string): string {
  return iso.replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

/** Returns whether a stage's entry is cached and why, comparing with the previous fingerprint of its id. */
export async function explainStage(
  paths: CachePaths,
  hashes: StatHashCache,
  id: string,
  fields: FingerprintFields,
  fingerprint: string,
  previous: string | undefined,
): Promise<StageStatus> {
  const verified = await verifyEntry(paths, fingerprint, hashes);
  if (verified.ok) {
    const m = verified.manifest;
    return {
      id,
      fingerprint,
      cached: true,
      reasons: [`cached: ran ${when(m.endedAt)} on ${m.host.hostname}, runtime ${m.seconds.toFixed(2)} s`],
      lastSeconds: m.seconds,
      fields,
      outputs: m.outputs,
    };
  }
  if (previous === undefined) {
    const reasons = verified.reason === "no store entry" ? ["never run"] : [`never run (${verified.reason})`];
    return { id, fingerprint, cached: false, reasons, fields };
  }
  if (previous === fingerprint) {
    return {
      id,
      fingerprint,
      cached: false,
      reasons: [`unchanged since the last run, but ${verified.reason}`],
      fields,
    };
  }
  const before = readManifest(paths, previous);
  if (!before) {
    return {
      id,
      fingerprint,
      cached: false,
      reasons: ["fingerprint changed; the previous run's store entry is gone, so the change cannot be named"],
      fields,
    };
  }
  const reasons = explainChanges(before.fields, fields);
  if (reasons.length === 0) reasons.push("fingerprint changed");
  reasons.push(`previous runtime ${before.seconds.toFixed(2)} s`);
  return { id, fingerprint, cached: false, reasons, lastSeconds: before.seconds, fields };
}

/** Returns the status of every stage of a graph (topological order), without running anything. */
export async function statusOf(stages: readonly Stage[], options: StatusOptions): Promise<StageStatus[]> {
  const paths = new CachePaths(options.root);
  const plan = await planFingerprints(stages, paths);
  const previous = await latestRun(paths, options.profile ?? "default", options.variant ?? "default");
  const out: StageStatus[] = [];
  for (const stage of plan.order) {
    const id = nodeIdOf(stage);
    out.push(
      await explainStage(
        paths,
        plan.hashes,
        id,
        plan.fields.get(id)!,
        plan.fingerprints.get(id)!,
        previous[id],
      ),
    );
  }
  await saveCaches(plan);
  return out;
}

/** Saves the hash and module graph caches of a plan, ignoring a read-only cache folder. Returns nothing. */
export async function saveCaches(plan: Planned): Promise<void> {
  for (const cache of [plan.hashes, plan.graphs]) {
    try {
      await cache.save();
    } catch (e) {
      if (!(e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied)) throw e;
    }
  }
}

/** Returns the status lines of stages as text: "<id>  cached|would run  <reasons>". */
export function formatStatus(statuses: readonly StageStatus[]): string[] {
  const w = Math.max(5, ...statuses.map((s) => s.id.length));
  return statuses.map((s) =>
    `${s.id.padEnd(w)}  ${s.cached ? "cached   " : "would run"}  ${s.reasons.join("; ")}`
  );
}
