import assert from "node:assert/strict";
import { describeError, parseFlags, pickChoice, UsageError, userPath } from "./mod.ts";

Deno.test("parseFlags: unknown flags, missing values and stray arguments are usage errors listing the flags", () => {
  const flags = { input: { type: "string" as const }, json: { type: "boolean" as const } };
  assert.deepEqual({ ...parseFlags("fit", ["--input", "a.csv", "--json"], flags).values }, {
    input: "a.csv",
    json: true,
  });
  const cases: [string[], RegExp][] = [
    [["--bogus"], /^fit: unknown option --bogus; valid options: --input, --json, --help$/],
    [["--input"], /^fit: option --input needs a value$/],
    [["--json=1"], /^fit: option --json takes no value$/],
    [["stray"], /^fit: unexpected argument stray; this command takes only flags/],
  ];
  for (const [args, want] of cases) {
    assert.throws(() => parseFlags("fit", args, flags), UsageError);
    try {
      parseFlags("fit", args, flags);
    } catch (err) {
      assert.match((err as Error).message, want);
      assert.equal((err as UsageError).hint, 'hint: run "deno task fit --help" for the valid flags');
      // Balanced quotes: every quote the message has comes in pairs.
      assert.equal(((err as Error).message.match(/["']/g) ?? []).length % 2, 0);
    }
  }
});

Deno.test("pickChoice lists the valid choices", () => {
  assert.equal(pickChoice("reproduce", "variant", "paper", ["paper", "cooldown"]), "paper");
  assert.throws(
    () => pickChoice("reproduce", "variant", "papr", ["paper", "cooldown"]),
    /^UsageError: reproduce: unknown variant "papr"; valid variants: paper, cooldown$/,
  );
});

Deno.test("userPath resolves relative paths against INIT_CWD, the folder the command was typed in", () => {
  const before = Deno.env.get("INIT_CWD");
  try {
    Deno.env.set("INIT_CWD", "/work/project/stages");
    assert.equal(userPath("runs.csv"), "/work/project/stages/runs.csv");
    assert.equal(userPath("../data/./x.csv"), "/work/project/data/x.csv");
    assert.equal(userPath("/abs/x.csv"), "/abs/x.csv");
    Deno.env.delete("INIT_CWD");
    assert.equal(userPath("x.csv"), `${Deno.cwd()}/x.csv`);
  } finally {
    if (before === undefined) Deno.env.delete("INIT_CWD");
    else Deno.env.set("INIT_CWD", before);
  }
});

Deno.test("describeError explains a refused write in words, not as a Deno flag", () => {
  const e = new Deno.errors.NotCapable(
    'Requires write access to "/tmp/out", run again with the --allow-write flag',
  );
  assert.equal(
    describeError(e, { write: "may write only inside the project folder /p" }),
    "cannot write /tmp/out: this task may write only inside the project folder /p; choose a path inside the project folder",
  );
  assert.equal(describeError(new Error("plain")), "plain");
});
