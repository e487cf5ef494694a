/**
 * Fingerprints follow real use: a comment added to `scaling/count/perceiver.ts`, the
 * Perceiver AR counts that only the Perceiver report draws, makes the real `status` of the paper profile
 * name only the report stages as changed. Before stages imported modules directly, the `scaling/count`
 * barrel put that file under all 85 stages, `collect` included.
 */
import assert from "node:assert/strict";
import { changedStages, copyProject, RECORD_FINGERPRINTS, runDeno } from "../testing/project_copy.ts";

Deno.test("an edit of the Perceiver counts changes, in the paper profile's status, only the Perceiver report stages", async () => {
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
    // report_perceiver draws the Perceiver counts; the paper report may too (it shares the report module).
    assert.ok(changed.includes("report_perceiver"), `report_perceiver reruns:\n${out}`);
    const others = changed.filter((id) => !["report_perceiver", "report.paper"].includes(id));
    assert.deepEqual(others, [], `only the Perceiver report stages rerun:\n${changed.join("\n")}`);
    assert.match(out, /report_perceiver .*code file changed: scaling\/count\/perceiver\.ts/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
