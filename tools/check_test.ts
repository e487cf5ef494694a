// `deno task check` says so when every step passed, and names the step that failed.
import assert from "node:assert/strict";
import { CHECK_STEPS, runCheck } from "./check.ts";

Deno.test("check: one line on success naming the steps; a failing step is named, exit 1", async () => {
  const out: string[] = [];
  assert.equal(await runCheck([], [["eval", "0"], ["eval", "1"]], (l) => out.push(l)), 0);
  assert.deepEqual(out, ["check: all clean (deno eval 0, deno eval 1)"]);
  assert.equal(await runCheck([], [["eval", "Deno.exit(3)"]], (l) => out.push(l)), 1);
  assert.equal(out.length, 1, "no success line after a failure");
  assert.deepEqual(CHECK_STEPS, [["fmt", "--check"], ["lint"], ["check", "."]]);
});
