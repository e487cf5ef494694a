/**
 * Issue 10 item 1, end to end: editing one variant's Huber δ in `stages/variants.ts` changes, in every
 * profile's `status`, only the stages whose parameters that δ reaches. A copy of the project's code in a
 * temporary folder records a run of every profile (fingerprints only, nothing computed), the copy's
 * variants.ts is edited, and the real `status` command (a child process) explains every stage.
 */
import assert from "node:assert/strict";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const DENO = Deno.execPath();

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory) await copyTree(`${from}/${e.name}`, `${to}/${e.name}`);
    else if (e.isFile) await Deno.copyFile(`${from}/${e.name}`, `${to}/${e.name}`);
  }
}

async function run(cwd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(DENO, { args, cwd, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `deno ${args.join(" ")} failed:\n${text}`);
  return text;
}

// Records the current fingerprints of every stage of every profile as that profile's latest run, with a
// manifest per entry (the fingerprint fields status compares with) but no outputs.
const RECORD = `
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

Deno.test("a variant's Huber δ edit changes, in the status of every profile, only the stages it parameterises", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "profile_status_" });
  try {
    // Every folder of code and data (not the store, the reports, the npm packages or git).
    for (const e of Deno.readDirSync(ROOT)) {
      if (e.isDirectory && ![".cache", ".git", "node_modules", "reports", "docs", "bench"].includes(e.name)) {
        await copyTree(`${ROOT}/${e.name}`, `${tmp}/${e.name}`);
      }
    }
    for (const f of ["deno.json", "deno.lock"]) await Deno.copyFile(`${ROOT}/${f}`, `${tmp}/${f}`);
    // The npm packages are shared, where the checkout has them installed already.
    if ((await Deno.stat(`${ROOT}/node_modules`).catch(() => null))?.isDirectory) {
      await Deno.symlink(`${ROOT}/node_modules`, `${tmp}/node_modules`);
    }
    await Deno.writeTextFile(`${tmp}/record.ts`, RECORD);
    await run(tmp, ["run", "-A", "record.ts"]);
    const variants = `${tmp}/stages/variants.ts`;
    const text = await Deno.readTextFile(variants);
    // over_100b_huber_1e-3 is one of the paper profile's Appendix D variants (Figure 17).
    const edited = text.replace(/("over_100b_huber_1e-3": \{[^}]*huberDelta: )1e-3/, "$12e-3");
    assert.notEqual(edited, text, "the over_100b_huber_1e-3 entry was edited");
    await Deno.writeTextFile(variants, edited);
    const profiles = (await run(tmp, [
      "eval",
      'import { PROFILES } from "./stages/pipeline.ts"; console.log(PROFILES.join(" "))',
    ]))
      .trim().split(" ");
    assert.deepEqual(profiles, ["paper", "micro", "nano", "simulate", "micro-h100"]);
    for (const profile of profiles) {
      const out = await run(tmp, ["run", "-A", "stages/main.ts", "status", "--profile", profile]);
      const lines = out.split("\n").filter((l) => /\s(cached|would run)\s/.test(l));
      assert.ok(lines.length >= 12, `${profile}: ${out}`);
      // No entry has outputs, so an unchanged stage says "unchanged since the last run, but store entry has no
      // output folder"; a changed one names what changed.
      const changed = lines.filter((l) => !l.includes("unchanged since the last run")).map((l) =>
        l.split(/\s+/)[0]
      );
      // Figure 17's two fits, its relaxed prescriptions drawn from them, and the report.
      const want = profile === "paper"
        ? [
          "approach3_eq1.over_100b_huber_1e-3",
          "approach3_eq2.over_100b_huber_1e-3",
          "prescribe_relaxed.over_100b_huber_1e-3",
          "report.paper",
        ]
        : [];
      assert.deepEqual(changed.sort(), want, `${profile}:\n${lines.join("\n")}`);
      if (profile === "paper") {
        assert.match(
          out,
          /approach3_eq1\.over_100b_huber_1e-3 .*parameter huberDelta changed from 0\.001 to 0\.002/,
        );
        assert.match(
          out,
          /prescribe_relaxed\.over_100b_huber_1e-3 .*upstream stage approach3_eq2\.over_100b_huber_1e-3 changed/,
        );
        assert.doesNotMatch(out, /code file changed: stages\/variants\.ts/);
      }
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
