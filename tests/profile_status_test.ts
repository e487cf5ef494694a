/**
 * Issue 10 item 1, end to end: editing one variant's Huber δ in `stages/variants.ts` changes, in every
 * profile's `status`, only the stages whose parameters that δ reaches. A copy of the project's code in a
 * temporary folder records a run of every profile (fingerprints only, nothing computed), the copy's
 * variants.ts is edited, and the real `status` command (a child process) explains every stage.
 */
import assert from "node:assert/strict";
import { changedStages, copyProject, RECORD_FINGERPRINTS, runDeno } from "../testing/project_copy.ts";

Deno.test("a variant's Huber δ edit changes, in the status of every profile, only the stages it parameterises", async () => {
  const tmp = await copyProject("profile_status_");
  try {
    await Deno.writeTextFile(`${tmp}/record.ts`, RECORD_FINGERPRINTS);
    await runDeno(tmp, ["run", "-A", "record.ts"]);
    const variants = `${tmp}/stages/variants.ts`;
    const text = await Deno.readTextFile(variants);
    // over_100b_huber_1e-3 is one of the paper profile's Appendix D variants (Figure 17).
    const edited = text.replace(/("over_100b_huber_1e-3": \{[^}]*huberDelta: )1e-3/, "$12e-3");
    assert.notEqual(edited, text, "the over_100b_huber_1e-3 entry was edited");
    await Deno.writeTextFile(variants, edited);
    const profiles = (await runDeno(tmp, [
      "eval",
      'import { PROFILES } from "./stages/pipeline.ts"; console.log(PROFILES.join(" "))',
    ]))
      .trim().split(" ");
    assert.deepEqual(profiles, ["paper", "micro", "nano", "simulate", "micro-h100", "state", "state-h100"]);
    for (const profile of profiles) {
      const out = await runDeno(tmp, ["run", "-A", "stages/main.ts", "status", "--profile", profile]);
      const lines = out.split("\n").filter((l) => /\s(cached|would run)\s/.test(l));
      assert.ok(lines.length >= 12, `${profile}: ${out}`);
      const changed = changedStages(out);
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
