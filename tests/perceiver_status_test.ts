/**
 * Fingerprints follow real use: a comment added to `scaling/count/perceiver.ts`, the
 * Perceiver AR counts that only the Perceiver report draws, makes the real `status` of the paper profile
 * name only `report_perceiver` as changed. Before stages imported modules directly, the `scaling/count`
 * barrel put that file under all 85 stages, `collect` included.
 */
import assert from "node:assert/strict";
import { changedStages, copyProject, RECORD_FINGERPRINTS, runDeno } from "../testing/project_copy.ts";

Deno.test("an edit of the Perceiver counts changes, in the paper profile's status, only the Perceiver report stage", async () => {
  const tmp = await copyProject("perceiver_status_");
  try {
    await Deno.writeTextFile(`${tmp}/record.ts`, RECORD_FINGERPRINTS);
    await runDeno(tmp, ["run", "-A", "record.ts"]);
    const perceiver = `${tmp}/scaling/count/perceiver.ts`;
    await Deno.writeTextFile(perceiver, (await Deno.readTextFile(perceiver)) + "// an edit\n");
    const out = await runDeno(tmp, ["run", "-A", "stages/main.ts", "status", "--profile", "paper"]);
    const all = out.split("\n").filter((l) => /\s(cached|would run)\s/.test(l));
    assert.ok(all.length >= 80, `the paper profile has its 85 stages:\n${out}`);
    const changed = changedStages(out);
    // Only report_perceiver draws the Perceiver counts (its own stage module and figure registry).
    assert.deepEqual(
      changed,
      ["report_perceiver"],
      `only the Perceiver report reruns:\n${changed.join("\n")}`,
    );
    assert.match(out, /report_perceiver .*code file changed: scaling\/count\/perceiver\.ts/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
