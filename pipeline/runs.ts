/**
 * Run records: for each profile and variant, the most recent runs as node id -> fingerprint, in
 * `.cache/runs/<profile>/<variant>.json`. `status` compares against the latest; `gc` keeps what the
 * latest N runs of every variant reference.
 * @module
 */
import { readJsonOr } from "./fsutil.ts";
import type { CachePaths } from "./store.ts";
import { writeFileAtomic } from "../util/fs.ts";

/** One recorded run. */
export interface RunRecord {
  /** ISO time the run started. */
  startedAt: string;
  /** ISO time the run ended. */
  endedAt: string;
  /** Node id -> fingerprint of every stage the variant's latest runs computed or restored. */
  stages: Record<string, string>;
}

/** The history file of one profile + variant, newest run last. */
export interface RunHistory {
  /** Recorded runs, oldest first. */
  runs: RunRecord[];
}

/** How many runs each history keeps. */
export const HISTORY_LENGTH = 20;

/** Returns the file name stem used for a variant key (safe characters only). */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, "_");
}

/** Returns the path of the run history of a profile + variant. */
export function historyPath(paths: CachePaths, profile: string, variant: string): string {
  return `${paths.runs}/${safeName(profile)}/${safeName(variant)}.json`;
}

/** Returns the run history of a profile + variant (empty when none). */
export async function readHistory(paths: CachePaths, profile: string, variant: string): Promise<RunHistory> {
  const h = await readJsonOr<RunHistory>(historyPath(paths, profile, variant));
  return h && Array.isArray(h.runs) ? h : { runs: [] };
}

/** Returns node id -> fingerprint of the latest run of a profile + variant (empty when never run). */
export async function latestRun(
  paths: CachePaths,
  profile: string,
  variant: string,
): Promise<Record<string, string>> {
  const h = await readHistory(paths, profile, variant);
  return h.runs.at(-1)?.stages ?? {};
}

/**
 * Appends a run to the history; stages not part of this run (e.g. with `--only`) keep their fingerprint
 * from the previous record. Returns nothing.
 */
export async function recordRun(
  paths: CachePaths,
  profile: string,
  variant: string,
  run: RunRecord,
  knownIds: readonly string[],
): Promise<void> {
  const history = await readHistory(paths, profile, variant);
  const previous = history.runs.at(-1)?.stages ?? {};
  const known = new Set(knownIds);
  const merged: Record<string, string> = {};
  for (const [id, fp] of Object.entries(previous)) if (known.has(id)) merged[id] = fp;
  Object.assign(merged, run.stages);
  history.runs.push({ ...run, stages: merged });
  history.runs = history.runs.slice(-HISTORY_LENGTH);
  await writeFileAtomic(historyPath(paths, profile, variant), JSON.stringify(history, null, 1));
}

/** Returns every run history under `.cache/runs` as [profile, variant, history] triples. */
export async function allHistories(paths: CachePaths): Promise<[string, string, RunHistory][]> {
  const out: [string, string, RunHistory][] = [];
  try {
    for await (const profile of Deno.readDir(paths.runs)) {
      if (!profile.isDirectory) continue;
      for await (const file of Deno.readDir(`${paths.runs}/${profile.name}`)) {
        if (!file.isFile || !file.name.endsWith(".json")) continue;
        const h = await readJsonOr<RunHistory>(`${paths.runs}/${profile.name}/${file.name}`);
        if (h && Array.isArray(h.runs)) out.push([profile.name, file.name.slice(0, -5), h]);
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out;
}
