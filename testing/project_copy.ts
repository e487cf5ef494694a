/**
 * A copy of the project's code and data in a temporary folder, for tests that edit a module and run the
 * real commands (`status`) as child processes: the copy, a `deno` runner that fails on a non-zero exit,
 * and a script that records the current fingerprints of every stage of every profile as its latest run.
 * @module
 */
import assert from "node:assert/strict";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory) await copyTree(`${from}/${e.name}`, `${to}/${e.name}`);
    else if (e.isFile) await Deno.copyFile(`${from}/${e.name}`, `${to}/${e.name}`);
  }
}

/**
 * Copies every folder of code and data (not the store, the reports, docs, bench, the npm packages or git)
 * and deno.json/deno.lock into a new temporary folder, links the shared npm packages where the checkout
 * has them, and returns the folder's path (the caller removes it).
 */
export async function copyProject(prefix: string): Promise<string> {
  const tmp = await Deno.makeTempDir({ prefix });
  for (const e of Deno.readDirSync(ROOT)) {
    if (e.isDirectory && ![".cache", ".git", "node_modules", "reports", "docs", "bench"].includes(e.name)) {
      await copyTree(`${ROOT}/${e.name}`, `${tmp}/${e.name}`);
    }
  }
  for (const f of ["deno.json", "deno.lock"]) await Deno.copyFile(`${ROOT}/${f}`, `${tmp}/${f}`);
  if ((await Deno.stat(`${ROOT}/node_modules`).catch(() => null))?.isDirectory) {
    await Deno.symlink(`${ROOT}/node_modules`, `${tmp}/node_modules`);
  }
  return tmp;
}

/** Runs `deno args` in `cwd`; asserts exit 0 and returns stdout followed by stderr. */
export async function runDeno(cwd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `deno ${args.join(" ")} failed:\n${text}`);
  return text;
}

/**
 * A script, run in a project copy, that records the current fingerprints of every stage of every profile
 * (variant "paper") as that profile's latest run, with a manifest per entry (the fingerprint fields that
 * status compares with) but no outputs: afterwards `status` names as "would run" only what an edit changed.
 */
export const RECORD_FINGERPRINTS = `
import { CachePaths } from "./pipeline/store.ts";
import { planFingerprints } from "./pipeline/status.ts";
import { recordRun } from "./pipeline/runs.ts";
import { buildVariant, PROFILES } from "./stages/pipeline.ts";
const paths = new CachePaths(Deno.cwd());
for (const profile of PROFILES) {
  const plan = await planFingerprints(buildVariant("paper", profile), paths);
  const stages = Object.fromEntries(plan.fingerprints);
  const now = new Date().toISOString();
  for (const [id, fingerprint] of plan.fingerprints) {
    await Deno.mkdir(paths.entry(fingerprint), { recursive: true });
    const host = { hostname: "test", pid: 0, os: "", deno: "" };
    const manifest = { version: 1, fingerprint, id, fields: plan.fields.get(id), outputs: [], startedAt: now, endedAt: now, seconds: 1, host };
    await Deno.writeTextFile(paths.entry(fingerprint) + "/manifest.json", JSON.stringify(manifest));
  }
  await recordRun(paths, profile, "paper", { startedAt: now, endedAt: now, stages }, Object.keys(stages));
  await plan.hashes.save();
  await plan.graphs.save();
}
`;

/**
 * Returns, sorted, the ids of the stages that a `status` output (after {@link RECORD_FINGERPRINTS}) says
 * would run for a reason other than the recorded entries having no outputs: the stages an edit changed.
 */
export function changedStages(statusOutput: string): string[] {
  return statusOutput.split("\n").filter((l) => /\s(cached|would run)\s/.test(l))
    .filter((l) => !l.includes("unchanged since the last run")).map((l) => l.trim().split(/\s+/)[0]).sort();
}
