import assert from "node:assert/strict";
import { type FitCliResult, LARGE_FIT, parseFitArgs, progressReporter, runFitCli } from "./fit_cli.ts";
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
  // More than two variables: variable projection (the full grid's exponents; 135,000 starts would be slow).
  assert.equal(parseFitArgs(["--input", "f", "--x", "w,d,t", "--loss", "l"])!.grid, "projection");
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

Deno.test("fit judges: ok on the generating law's data; two rows refused with exit 4; duplicates warned by line", async () => {
  const ok = JSON.parse(
    (await run(["--input", CSV, "--x", "params,tokens", "--loss", "loss", "--json"])).out[0],
  );
  assert.deepEqual([ok.health.verdict, ok.health.findings], ["ok", []]);
  assert.equal(ok.health.measures.starts, 4500);

  const two = `${dir}/two.csv`;
  await Deno.writeTextFile(two, lines.slice(0, 3).join("\n") + "\n");
  const refused = await run(["--input", two, "--x", "params,tokens", "--loss", "loss", "--json"]);
  assert.equal(refused.code, 4);
  const r = JSON.parse(refused.out[0]) as FitCliResult;
  assert.equal(r.health.verdict, "refused");
  assert.equal(r.health.findings[0].code, "too_few_rows");
  assert.match(refused.err[0], /^fit: refused: 2 rows cannot determine the 5 parameters/);

  const dup = `${dir}/dup.csv`;
  await Deno.writeTextFile(dup, [...lines, lines[4], lines[7]].join("\n") + "\n");
  const warned = await run(["--input", dup, "--x", "params,tokens", "--loss", "loss", "--json"]);
  assert.equal(warned.code, 0);
  const w = JSON.parse(warned.out[0]) as FitCliResult;
  assert.equal(w.health.verdict, "warn");
  const d = w.health.findings.find((f) => f.code === "duplicate_rows");
  assert.ok(d, JSON.stringify(w.health));
  assert.match(d.message, /\(lines 5 = 27; 8 = 28\)/);
  const text = await run(["--input", dup, "--x", "params,tokens", "--loss", "loss"]);
  assert.match(text.out[0], /health: warn\n {2}duplicate_rows: 4 rows repeat/);
});

Deno.test("fit --holdout-top: held-out rows are predicted by the generating law", async () => {
  const { code, out } = await run([
    "--input",
    CSV,
    "--x",
    "params,tokens",
    "--loss",
    "loss",
    "--holdout-top",
    "3",
    "--json",
  ]);
  assert.equal(code, 0);
  const r = JSON.parse(out[0]) as FitCliResult;
  assert.equal(r.rows, 22);
  const bt = r.backtest!;
  // The 3 largest 6ND rows: N·D = 2e9·1e11, 1e9·1e11, 2e9·3e10 (lines 26, 21, 25).
  assert.deepEqual(bt.heldOut.map((h) => h.row), [26, 21, 25]);
  for (const h of bt.heldOut) {
    const [, n, d] = lines[h.row - 1].split(",").map(Number);
    assert.ok(Math.abs(h.predicted / evaluateLaw(LAW, { params: n, tokens: d }) - 1) < 1e-6);
    assert.ok(Math.abs(h.relError) < 1e-6);
  }
  assert.ok(bt.meanAbsRelError < 1e-6);
  // --holdout-by params: five rows tie at 2e9 (lines 22-26); the earliest two are held out.
  const by = JSON.parse(
    (await run([
      "--input",
      CSV,
      "--x",
      "params,tokens",
      "--loss",
      "loss",
      "--holdout-top",
      "2",
      "--holdout-by",
      "params",
      "--grid",
      "300",
      "--bootstrap",
      "5",
      "--json",
    ])).out[0],
  ) as FitCliResult;
  assert.deepEqual(by.backtest!.heldOut.map((h) => h.row), [22, 23]);
  for (const h of by.backtest!.heldOut) assert.equal(typeof h.inside, "boolean");
});

Deno.test("fit: a full grid too large for its table runs as variable projection and recovers the law", async () => {
  // 5,000 rows: 4,500 starts x 5,000 rows > LARGE_FIT, so --grid gemstones runs as projection.
  const big = ["params,tokens,loss"];
  for (let i = 0; i < 5000; i++) {
    const n = 5e7 * Math.pow(40, (i % 50) / 49), d = 1e9 * Math.pow(100, Math.floor(i / 50) / 99);
    big.push(`${n},${d},${evaluateLaw(LAW, { params: n, tokens: d })}`);
  }
  assert.ok(4500 * 5000 > LARGE_FIT);
  const path = `${dir}/big.csv`;
  await Deno.writeTextFile(path, big.join("\n") + "\n");
  const { code, out } = await run([
    "--input",
    path,
    "--x",
    "params,tokens",
    "--loss",
    "loss",
    "--grid",
    "gemstones",
    "--json",
  ]);
  assert.equal(code, 0);
  const r = JSON.parse(out[0]) as FitCliResult;
  assert.equal(r.grid.kind, "projection");
  assert.equal(r.starts, 101 * 101); // exponents 0, 0.02, …, 2
  assert.ok(
    Math.abs(r.E / 1.8 - 1) < 1e-6 && Math.abs(r.terms[0].alpha - 0.34) < 1e-6,
    JSON.stringify(r.terms),
  );
  assert.ok(Math.abs(r.terms[1].alpha - 0.28) < 1e-6);
  // The small table keeps the full grid; --grid projection asks for projection; eq2's default is projection.
  const small = await run(["--input", CSV, "--x", "params,tokens", "--loss", "loss", "--grid", "projection"]);
  assert.equal(small.code, 0);
  assert.match(small.out[0], /variable projection: 10201 exponent cells, \d+ grid minima polished/);
  assert.equal(parseFitArgs(["--input", CSV, "--law", "eq2", "--loss", "loss"])?.grid, "projection");
  assert.equal(parseFitArgs(["--input", CSV, "--x", "a,b,c", "--loss", "loss"])?.grid, "projection");
});

Deno.test("fit progress: redrawn on a terminal with the time left; on a pipe only after 10 s, whole lines, every 30 s", () => {
  let t = 0;
  const tty: string[] = [];
  const a = progressReporter((s) => tty.push(s), true, () => t);
  t = 1000;
  a.progress("grid", 100, 400); // 1 s for a quarter: 3 s left
  t = 1100;
  a.progress("grid", 110, 400); // within 250 ms of the last line: not drawn
  t = 2000;
  a.progress("polish", 1, 4);
  a.finish();
  assert.deepEqual(tty, [
    "\rfit: exponent grid 25% (100 of 400 cells), about 3 s left",
    "\rfit: polishing grid minimum 1 of 4, about 0 s left".padEnd(58),
    `\r${" ".repeat(50)}\r`,
  ]);
  t = 0;
  const pipe: string[] = [];
  const b = progressReporter((s) => pipe.push(s), false, () => t);
  for (t = 0; t <= 70000; t += 1000) b.progress("grid", t / 1000, 100);
  b.finish();
  assert.deepEqual(pipe, [
    "fit: exponent grid 10% (10 of 100 cells), about 1 min 30 s left\n",
    "fit: exponent grid 40% (40 of 100 cells), about 1 min 00 s left\n",
    "fit: exponent grid 70% (70 of 100 cells), about 30 s left\n",
  ]);
});

Deno.test({
  name: "fit: cleanup",
  fn: async () => await Deno.remove(dir, { recursive: true }),
});
