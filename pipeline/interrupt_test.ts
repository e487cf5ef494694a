// The words of a run stopped by a signal: what it kept, what it dropped, what the next run does.
import assert from "node:assert/strict";
import { interruptedLines, RunProgress } from "./interrupt.ts";
import { plainReporter } from "./progress.ts";

Deno.test("interrupt: the lines name the stored, restored and dropped stages and the state of the reports", () => {
  const p = new RunProgress();
  const seen: string[] = [];
  const r = p.track(plainReporter((l) => seen.push(l)));
  for (const id of ["a", "b", "c"]) r.stageStart(id);
  r.stageEnd("a", true, 0.1);
  r.stageEnd("b", false, 2);
  assert.deepEqual(interruptedLines("reproduce: SIGINT", p, "reports/paper/", "deno task reproduce"), [
    "reproduce: SIGINT received: stopped; exit 130",
    "  kept in the store (.cache/store/): the 1 stage(s) this run computed (b) and the 1 it restored",
    '  dropped: the unfinished work of c (its temporary build under .cache/tmp/ is removed by "deno task gc")',
    "  reports/paper/ was not updated by this run",
    '  next: "deno task reproduce" restores what was kept, computes the rest and removes the leftovers of ' +
    "this run under reports/paper/",
  ]);
  r.stageEnd("c", false, 1);
  p.publishing = true;
  const lines = interruptedLines(
    "reproduce: SIGTERM",
    p,
    "reports/paper/",
    "deno task reproduce --variant x",
  );
  assert.equal(lines.length, 4, lines.join("\n"));
  assert.equal(
    lines[2],
    "  publishing under reports/paper/ was cut short: each folder there is either the old or the new one",
  );
  assert.match(lines[3], /computes the rest, republishes what differs and removes the leftovers/);
});
