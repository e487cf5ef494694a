/**
 * Issue 10 items 4 and 6 through real child processes: `deno task fit | prepare | train | reproduce`
 * typed in a subdirectory resolve the user's relative paths against that directory (INIT_CWD), and a
 * write outside the project is explained in words (exit 1), not as a Deno flag.
 */
import assert from "node:assert/strict";
import type { AdditiveLaw } from "../scaling/law.ts";
import { evaluateLaw } from "../scaling/law.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const CHINCHILLA: AdditiveLaw = {
  E: 1.69,
  terms: [{ variable: "params", A: 406.4, alpha: 0.34 }, { variable: "tokens", A: 410.7, alpha: 0.28 }],
};

async function task(cwd: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  // As typed in a shell: `deno task` sets INIT_CWD only when it is not set already, and this suite may
  // itself run under `npx deno task test`, whose npm sets INIT_CWD to the project root.
  const env = Deno.env.toObject();
  delete env.INIT_CWD;
  const o = await new Deno.Command("deno", {
    args: ["task", "-q", ...args],
    cwd,
    clearEnv: true,
    env,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  return { code: o.code, out: new TextDecoder().decode(o.stdout), err: new TextDecoder().decode(o.stderr) };
}

Deno.test("fit, prepare, train and reproduce typed in a subdirectory use paths relative to it", async () => {
  await Deno.mkdir(`${ROOT}/.cache`, { recursive: true });
  const sub = await Deno.makeTempDir({ dir: `${ROOT}/.cache`, prefix: "subdir_test_" });
  try {
    // fit: a table of exact Chinchilla losses in the subdirectory, named relatively.
    const rows = ["params,tokens,loss"];
    for (const params of [1e8, 3e8, 1e9]) {
      for (const tokens of [1e9, 1e10, 1e11]) {
        rows.push(`${params},${tokens},${evaluateLaw(CHINCHILLA, { params, tokens })}`);
      }
    }
    await Deno.writeTextFile(`${sub}/myruns.csv`, rows.join("\n") + "\n");
    let r = await task(sub, [
      "fit",
      "--input",
      "myruns.csv",
      "--x",
      "params,tokens",
      "--loss",
      "loss",
      "--json",
    ]);
    assert.equal(r.code, 0, r.err);
    const fit = JSON.parse(r.out.trim().split("\n").at(-1)!);
    assert.ok(Math.abs(fit.E - 1.69) < 1e-6, `E = ${fit.E}`);
    r = await task(sub, ["fit", "--input", "nosuch.csv", "--x", "params,tokens", "--loss", "loss"]);
    assert.equal(r.code, 1);
    assert.match(r.err, new RegExp(`${sub}/nosuch\\.csv`), "the path is resolved against the subdirectory");

    // prepare and train: --out and --corpus relative to the subdirectory.
    r = await task(sub, [
      "prepare",
      "--source",
      "synthetic",
      "--tokens",
      "4000",
      "--seed",
      "3",
      "--out",
      "corpus",
    ]);
    assert.equal(r.code, 0, r.err);
    assert.ok((await Deno.stat(`${sub}/corpus/train.bin`)).isFile);
    // A missing input file is a failure (exit 1), like fit's and train's, not bad usage.
    r = await task(sub, ["prepare", "--source", "text", "--files", "nosuch.txt", "--out", "c2"]);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, new RegExp(`prepare: .*${sub}/nosuch\\.txt`));
    const train = ["train", "--backend", "reference", "--corpus", "corpus", "--width", "16", "--depth", "1"];
    const small = ["--head-size", "8", "--seq-len", "8", "--batch-size", "2", "--steps", "2", "--quiet"];
    r = await task(sub, [...train, ...small, "--out", "run"]);
    assert.equal(r.code, 0, r.err);
    assert.ok((await Deno.stat(`${sub}/run/log.jsonl`)).isFile);

    // A write outside the project folder: exit 1, explained as the task's limit.
    const outside = await Deno.makeTempDir({ prefix: "outside_project_" });
    try {
      r = await task(sub, [...train, ...small, "--out", `${outside}/run`]);
      assert.equal(r.code, 1, r.err);
      assert.match(
        r.err,
        /cannot write .*outside_project_.*: this task may write only inside the project folder/,
      );
      assert.doesNotMatch(r.err, /--allow-write/);
    } finally {
      await Deno.remove(outside, { recursive: true });
    }

    // reproduce from the subdirectory still works on the project (a dry run of the H100 profile).
    r = await task(sub, ["reproduce", "--dry-run", "--profile", "micro-h100"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /collect_imported\s+(cached|would run)/);
    // Bad usage in every task: exit 2 with a hint that names the task.
    for (const t of ["fit", "prepare", "train", "reproduce", "check"]) {
      r = await task(sub, [t, "--bogus"]);
      assert.equal(r.code, 2, `${t}: ${r.err}`);
      assert.match(
        r.err,
        new RegExp(`unknown option --bogus; valid options: .*\\n.*hint: run "deno task ${t} --help"`),
      );
    }
  } finally {
    await Deno.remove(sub, { recursive: true });
  }
});
