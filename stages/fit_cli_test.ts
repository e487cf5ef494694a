import assert from "node:assert/strict";
import { type FitCliResult, parseFitArgs, runFitCli } from "./fit_cli.ts";
import { evaluateLaw } from "../scaling/law.ts";

const dir = await Deno.makeTempDir();
const LAW = {
  E: 1.8,
  terms: [{ variable: "params", A: 400, alpha: 0.34 }, { variable: "tokens", A: 410, alpha: 0.28 }],
};
const lines = ["run,params,tokens,loss"];
for (const [i, n] of [5e7, 1e8, 3e8, 1e9, 2e9].entries()) {
  for (const d of [1e9, 3e9, 1e10, 3e10, 1e11]) {
    lines.push(`r${i},${n},${d},${evaluateLaw(LAW, { params: n, tokens: d })}`);
  }
}
const CSV = `${dir}/law.csv`;
await Deno.writeTextFile(CSV, lines.join("\n") + "\n");

async function run(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [], err: string[] = [];
  const code = await runFitCli(args, (t) => out.push(t), (t) => err.push(t));
  return { code, out, err };
}

Deno.test("fit --json recovers the law the data was generated from", async () => {
  const { code, out } = await run(["--input", CSV, "--x", "params,tokens", "--loss", "loss", "--json"]);
  assert.equal(code, 0);
  assert.equal(out.length, 1);
  const r = JSON.parse(out[0]) as FitCliResult;
  assert.ok(Math.abs(r.E - 1.8) < 1e-6, `E ${r.E}`);
  assert.deepEqual(r.terms.map((t) => t.variable), ["params", "tokens"]);
  assert.ok(Math.abs(r.terms[0].A / 400 - 1) < 1e-5 && Math.abs(r.terms[0].alpha - 0.34) < 1e-6);
  assert.ok(Math.abs(r.terms[1].A / 410 - 1) < 1e-5 && Math.abs(r.terms[1].alpha - 0.28) < 1e-6);
  assert.equal(r.starts, 4500);
  assert.ok(r.converged > 0);
  assert.equal(r.rows, 25);
  assert.equal(r.bootstrap, null);
  assert.ok(r.objective < 1e-12);
});

Deno.test("fit: JSONL input, random grid, bootstrap by group and a readable summary", async () => {
  const jsonl = `${dir}/law.jsonl`;
  await Deno.writeTextFile(
    jsonl,
    lines.slice(1).map((l) => {
      const [run, params, tokens, loss] = l.split(",");
      return JSON.stringify({ run, n: Number(params), d: Number(tokens), l: Number(loss) });
    }).join("\n"),
  );
  const { code, out } = await run([
    "--input",
    jsonl,
    "--x",
    "n,d",
    "--loss",
    "l",
    "--grid",
    "200",
    "--seed",
    "3",
    "--bootstrap",
    "4",
    "--group",
    "run",
  ]);
  assert.equal(code, 0);
  const text = out.join("\n");
  assert.match(text, /E = 1\.8000 nats/);
  assert.match(text, /n: A = 400\.00 +\[400\.00, 400\.00\], α = 0\.34000/);
  assert.match(text, /200 random starts, seed 3/);
  assert.match(text, /4 bootstrap resamples/);
});

Deno.test("fit: bad input names file, line and field (exit 1); bad usage exits 2", async () => {
  const bad = `${dir}/bad.csv`;
  await Deno.writeTextFile(bad, "run,params,tokens,loss\nr,1e8,1e9,3.1\nr,0,1e9,3.0\n");
  let r = await run(["--input", bad, "--x", "params,tokens", "--loss", "loss"]);
  assert.equal(r.code, 1);
  assert.match(r.err.join(""), /bad\.csv:3: field "params": expected a count > 0/);
  await Deno.writeTextFile(bad, "run,params,tokens,loss\nr,1e8,1e9,31\n");
  r = await run(["--input", bad, "--x", "params,tokens", "--loss", "loss"]);
  assert.match(r.err.join(""), /bad\.csv:2: field "loss": loss 31 is outside \(0, 20\)/);
  r = await run(["--input", bad, "--x", "params,width", "--loss", "loss"]);
  assert.match(r.err.join(""), /bad\.csv:1: field "width": missing column/);
  r = await run(["--input", `${dir}/none.csv`, "--x", "a", "--loss", "b"]);
  assert.equal(r.code, 1);
  assert.match(r.err.join(""), /none\.csv: cannot read/);
  r = await run(["--x", "a", "--loss", "b"]);
  assert.equal(r.code, 2);
  assert.match(r.err.join(""), /--input is required/);
  r = await run(["--input", bad, "--x", "a", "--loss", "b", "--grid", "lots"]);
  assert.equal(r.code, 2);
  r = await run(["--help"]);
  assert.equal(r.code, 0);
  assert.match(r.out.join(""), /usage: deno task fit/);
  assert.deepEqual(parseFitArgs(["--input", "f", "--x", "w,d,t", "--loss", "l"])!.grid, {
    kind: "random",
    starts: 1000,
    seed: 0,
  });
  assert.equal(parseFitArgs(["--input", "f", "--x", "n,d", "--loss", "l"])!.grid, "gemstones");
});

Deno.test("fit: runs with read permission only", async () => {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--allow-read",
      "stages/fit_cli.ts",
      "--input",
      CSV,
      "--x",
      "params,tokens",
      "--loss",
      "loss",
      "--json",
      "--grid",
      "50",
    ],
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  });
  const res = await cmd.output();
  assert.equal(res.code, 0, new TextDecoder().decode(res.stderr));
  const r = JSON.parse(new TextDecoder().decode(res.stdout)) as FitCliResult;
  assert.ok(Math.abs(r.E - 1.8) < 1e-3);
});

Deno.test("fit --law looks the form up in the registry: its variables are the columns, its grid the default", async () => {
  const { code, out } = await run(["--input", CSV, "--law", "eq1", "--loss", "loss", "--json"]);
  assert.equal(code, 0);
  const r = JSON.parse(out[0]) as FitCliResult;
  assert.deepEqual(r.terms.map((t) => t.variable), ["params", "tokens"]);
  assert.equal(r.grid.kind, "gemstones");
  assert.equal(r.starts, 4500);
  assert.ok(Math.abs(r.terms[1].alpha - 0.28) < 1e-6);
  const bad = await run(["--input", CSV, "--law", "eq9", "--loss", "loss"]);
  assert.equal(bad.code, 2);
  assert.match(bad.err[0], /--law: unknown law form "eq9"; registered: eq1, eq2, eq3/);
  const wrong = await run(["--input", CSV, "--law", "eq2", "--x", "params,tokens", "--loss", "loss"]);
  assert.equal(wrong.code, 2);
  assert.match(wrong.err[0], /law eq2 has 4 variables \(width, depth, params, tokens\), got 2 columns/);
});

Deno.test({
  name: "fit: cleanup",
  fn: async () => await Deno.remove(dir, { recursive: true }),
});
