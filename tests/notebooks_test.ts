/**
 * The notebooks, executed as a user runs them (`deno task notebooks`, the task's own permissions, on the
 * `deno` Jupyter kernel), and every number they display checked against the library's own results computed
 * here by another route, so a notebook cannot drift from the code:
 *
 * - Fit your own runs: against `deno task fit` on the same file (its `--json` output, run in process);
 * - the Gemstones reproduction: against the pipeline's own stages (collect and select of the `paper` variant,
 *   then its Approach 1 record and Eq. 1 fit) and the authors' stored files;
 * - Reading a report: against a report published from the real data by the report stage (small grids, as the
 *   report tests build it), read back with the diff's own comparisons.
 *
 * Also: the committed notebooks carry no outputs, every figure is a Vega-Lite spec with its PNG, and the task
 * stops at the first cell that throws (exit 1, naming the notebook and the error; later notebooks not run).
 */
import assert from "node:assert/strict";
import type { Params, Stage, StageContext } from "../pipeline/stage.ts";
import { buildFixture } from "../testing/report_fixture.ts";
import { reportStage } from "../stages/report.ts";
import { type FitCliResult, runFitCli } from "../stages/fit_cli.ts";
import { approach1Record, DEFAULT_APPROACH1 } from "../stages/fit_approach1.ts";
import { fitPointsOf } from "../stages/fit_approach3.ts";
import {
  type Approach1Record,
  type Approach3Record,
  type PrescriptionsRecord,
  readRecord,
  readSelectedRows,
} from "../records/schemas.ts";
import {
  authorsApproach1Path,
  authorsApproach3Path,
  parseAuthorsApproach1,
  readAuthorsApproach3,
} from "../records/importers/authors_parameters.ts";
import { fitApproach3 } from "../scaling/fit/approach3.ts";
import { lawSpec } from "../scaling/laws/registry.ts";
import { chinchillaOptimum } from "../scaling/prescribe/chinchilla.ts";
import { compareApproach1, compareApproach3, comparePrescriptions } from "../figures/compare.ts";
import { base64, type Cell, VALUES_MIME, VEGALITE_MIME } from "../notebooks/show.ts";

const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");
const EXAMPLE = `${ROOT}/data/example/runs.csv`;

type Row = Readonly<Record<string, Cell>>;

/** What an executed notebook displayed: its tables by id, its figure bundles and its printed text. */
interface Executed {
  readonly tables: ReadonlyMap<string, { title: string; rows: Row[] }>;
  readonly figures: readonly Record<string, unknown>[];
  readonly printed: string;
}

async function readExecuted(path: string): Promise<Executed> {
  const nb = JSON.parse(await Deno.readTextFile(path)) as {
    cells: {
      cell_type: string;
      outputs?: { output_type: string; data?: Record<string, unknown>; text?: unknown }[];
    }[];
  };
  const tables = new Map<string, { title: string; rows: Row[] }>();
  const figures: Record<string, unknown>[] = [];
  let printed = "";
  for (const cell of nb.cells) {
    for (const o of cell.outputs ?? []) {
      if (o.output_type === "error") assert.fail(`${path}: a cell failed: ${JSON.stringify(o)}`);
      if (o.output_type === "stream") printed += [o.text].flat().join("");
      const values = o.data?.[VALUES_MIME] as { id: string; title: string; rows: Row[] } | undefined;
      if (values) tables.set(values.id, { title: values.title, rows: values.rows });
      if (o.data?.[VEGALITE_MIME]) figures.push(o.data);
    }
  }
  return { tables, figures, printed };
}

function table(e: Executed, id: string): { title: string; rows: Row[] } {
  const t = e.tables.get(id);
  assert.ok(t, `no table "${id}" among ${[...e.tables.keys()].join(", ")}`);
  return t;
}

/** Asserts |a − b| ≤ 1e-10·|b| (the notebook and the reference run the same deterministic code). */
function near(a: Cell, b: number, what: string): void {
  assert.equal(typeof a, "number", `${what}: not a number: ${a}`);
  const ok = (a as number) === b || Math.abs((a as number) - b) <= 1e-10 * Math.abs(b);
  assert.ok(ok, `${what}: notebook ${a}, library ${b}`);
}

async function fitJson(args: string[]): Promise<FitCliResult> {
  let out = "";
  const code = await runFitCli(
    ["--input", EXAMPLE, "--loss", "loss", "--group", "run", "--bootstrap", "40", "--json", ...args],
    (t) => out = t,
    (t) => console.error(t),
  );
  assert.equal(code, 0, `deno task fit ${args.join(" ")} exited ${code}`);
  return JSON.parse(out);
}

/** Asserts every figure is one bundle of a Vega-Lite spec and a PNG. */
function checkFigures(e: Executed, count: number, where: string): void {
  assert.equal(e.figures.length, count, `${where}: figures`);
  for (const f of e.figures) {
    const spec = f[VEGALITE_MIME] as Record<string, unknown>;
    assert.match(String(spec.$schema), /vega-lite/);
    const png = Uint8Array.from(atob(String(f["image/png"])), (c) => c.charCodeAt(0));
    assert.deepEqual([...png.subarray(1, 4)], [80, 78, 71], `${where}: the fallback is a PNG`);
  }
}

async function checkFitYourOwnRuns(e: Executed): Promise<void> {
  const t = table(e, "table").rows[0];
  assert.equal(t.rows, 110);
  assert.equal(t.runs, 22);
  const health = table(e, "health").rows;
  const findings = table(e, "findings").rows;
  const summary = table(e, "backtest").rows;
  for (const form of ["eq1", "eq3"]) {
    // The fit and its intervals: deno task fit --law F --group run --bootstrap 40.
    const cli = await fitJson(["--law", form]);
    const fit = table(e, `fit.${form}`);
    assert.ok(fit.title.includes(`${cli.converged} of ${cli.starts} starts converged`), fit.title);
    assert.ok(fit.title.includes(`objective ${cli.objective.toExponential(4)}`), fit.title);
    assert.ok(cli.bootstrap, `${form}: the CLI gave no bootstrap`);
    const names = Object.keys(cli.bootstrap.parameters);
    assert.deepEqual(fit.rows.map((r) => r.parameter), names);
    for (const r of fit.rows) {
      const p = cli.bootstrap!.parameters[r.parameter as string];
      near(r.estimate, p.estimate, `${form} ${r.parameter}`);
      near(r["95% lower"], p.lower, `${form} ${r.parameter} lower`);
      near(r["95% upper"], p.upper, `${form} ${r.parameter} upper`);
    }
    near(fit.rows[0].estimate, cli.E, `${form} E`);
    // The verdict and its findings, message for message.
    const h = health.find((r) => r.form === form)!;
    assert.equal(h.verdict, cli.health.verdict, `${form} verdict`);
    assert.deepEqual(
      findings.filter((r) => r.form === form).map((r) => [r.code, r.message]),
      cli.health.findings.map((f: { code: string; message: string }) => [f.code, f.message]),
    );
    // The backtest of the three largest runs: --holdout-top 15 --holdout-by params.
    const bt = (await fitJson(["--law", form, "--holdout-top", "15", "--holdout-by", "params"])).backtest;
    assert.ok(bt, `${form}: the CLI gave no backtest`);
    const rows = table(e, `backtest.${form}`).rows;
    assert.equal(rows.length, bt.heldOut.length);
    for (const h of bt.heldOut) {
      const r = rows.find((x) => x.line === h.row);
      assert.ok(r, `${form}: held-out line ${h.row} missing`);
      near(r.predicted, h.predicted, `${form} line ${h.row} predicted`);
      near(r.actual, h.actual, `${form} line ${h.row} actual`);
      near(r.lower, h.interval!.lower, `${form} line ${h.row} lower`);
      near(r.upper, h.interval!.upper, `${form} line ${h.row} upper`);
      assert.equal(r.inside, h.inside);
    }
    near(
      summary.find((r) => r.form === form)!["mean |rel. error|"],
      bt.meanAbsRelError,
      `${form} mean error`,
    );
    if (form === "eq1") {
      // The prescription: Eq. 1's closed form at the CLI's law.
      const law = { E: cli.E, terms: cli.terms };
      for (const o of table(e, "optimum").rows) {
        const ref = chinchillaOptimum(law, o.FLOPs as number);
        near(o.N_opt, ref.paramsOpt, `N_opt at ${o.FLOPs}`);
        near(o.D_opt, ref.tokensOpt, `D_opt at ${o.FLOPs}`);
      }
    }
  }
  checkFigures(e, 2, "fit_your_own_runs");
}

async function checkGemstones(e: Executed, dirs: Readonly<Record<string, string>>): Promise<void> {
  const dense = await readSelectedRows(`${dirs["select_approach1.paper"]}/rows.csv`);
  const hot = await readSelectedRows(`${dirs["select.paper"]}/rows.csv`);
  assert.deepEqual(
    table(e, "subsets").rows.map((r) => [r.subset, r.checkpoints]),
    [["hot_477", dense.length], ["hot", hot.length]],
  );
  // Approach 1 as the pipeline's approach1 stage computes it from select_approach1.paper.
  const hull = approach1Record(dense, { ...DEFAULT_APPROACH1, variant: "paper" }).flops.hull;
  for (const r of table(e, "approach1").rows) {
    const q = String(r.law).startsWith("N_opt") ? "params" : "tokens";
    const path = authorsApproach1Path(q, "hot_477", false)!;
    const authors = parseAuthorsApproach1(await Deno.readTextFile(`${ROOT}/${path}`), path);
    near(r["exponent (ours)"], hull[q].exponent, `${q} exponent`);
    near(r["k (ours)"], hull[q].k, `${q} k`);
    near(r["95% lower"], hull.bootstrap!.exponents[q].lower, `${q} lower`);
    near(r["95% upper"], hull.bootstrap!.exponents[q].upper, `${q} upper`);
    near(r["exponent (authors)"], authors.slope, `${q} authors' slope`);
    near(r["k (authors)"], authors.k, `${q} authors' k`);
  }
  // Eq. 1 as the approach3_eq1 stage fits it from select.paper, beside the authors' file.
  const eq1 = lawSpec("eq1");
  const fit = fitApproach3(fitPointsOf(hot, "eq1"), {
    variables: eq1.variables,
    huberDelta: 1e-4,
    grid: "gemstones",
  });
  const path = authorsApproach3Path("eq1", "hot", { huberDelta: 1e-4, noEmbeds: false })!;
  const authors = await readAuthorsApproach3(`${ROOT}/${path}`);
  const ours: Record<string, number> = { E: fit.law.E };
  const theirs: Record<string, number> = { E: authors.E };
  fit.law.terms.forEach((t, i) => {
    ours[`A_${t.variable}`] = t.A;
    ours[`alpha_${t.variable}`] = t.alpha;
    theirs[`A_${t.variable}`] = authors.A[i];
    theirs[`alpha_${t.variable}`] = authors.alpha[i];
  });
  ours.objective = fit.objective;
  theirs.objective = authors.objective;
  const rows = table(e, "approach3").rows;
  assert.deepEqual(rows.map((r) => r.parameter), Object.keys(ours));
  for (const r of rows) {
    near(r.ours, ours[r.parameter as string], `Eq. 1 ${r.parameter}`);
    near(r.authors, theirs[r.parameter as string], `authors' Eq. 1 ${r.parameter}`);
  }
  checkFigures(e, 1, "gemstones_reproduction");
}

async function checkReport(e: Executed, published: string): Promise<void> {
  const manifest = JSON.parse(await Deno.readTextFile(`${published}/report.paper/figures/figures.json`)) as {
    stem: string;
    files: { path: string }[];
  }[];
  assert.deepEqual(table(e, "figures").rows.map((r) => r.stem), manifest.map((f) => f.stem));
  const inputs = new Set(manifest.flatMap((f) => f.files.map((x) => x.path)));
  const provenance = table(e, "provenance").rows;
  assert.deepEqual(provenance.map((r) => r.file), [...inputs].sort());
  for (const r of provenance) {
    const here = await Deno.stat(`${published}/${r.file}`).then(() => true, () => false);
    const state = here || String(r.file).startsWith("data/") ? "unchanged" : "not published";
    assert.equal(r.state, state, `${r.file}`);
  }
  const rec = <T>(id: string, file: string) => readRecord<T>(`${published}/${id}/${file}`);
  const coefficients = [
    ...await Promise.all(["eq1", "eq2", "eq3"].map(async (f) =>
      compareApproach3(
        await rec<Approach3Record>(`approach3_${f}.paper`, "fit.json"),
        await rec<Approach3Record>(`approach3_${f}.over_100b`, "fit.json"),
      )
    )),
    compareApproach1(
      await rec<Approach1Record>("approach1.paper", "approach1.json"),
      await rec<Approach1Record>("approach1.over_100b", "approach1.json"),
    ).filter((c) => c.fit.endsWith("(FLOPs)")),
  ].flat();
  const shown = table(e, "diff.coefficients").rows;
  assert.equal(shown.length, coefficients.length);
  coefficients.forEach((c, i) => {
    assert.deepEqual([shown[i].fit, shown[i].coefficient], [c.fit, c.name]);
    near(shown[i].A, c.a, `${c.fit} ${c.name} A`);
    near(shown[i].B, c.b, `${c.fit} ${c.name} B`);
  });
  const prescriptions = comparePrescriptions(
    await rec<PrescriptionsRecord>("prescribe.paper", "prescriptions.json"),
    await rec<PrescriptionsRecord>("prescribe.over_100b", "prescriptions.json"),
  );
  const rows = table(e, "diff.prescriptions").rows;
  assert.equal(rows.length, prescriptions.length);
  prescriptions.forEach((p, i) => {
    assert.equal(rows[i].law, p.form);
    if (p.a) near(rows[i]["A params"], p.a.params, `${p.form} ${p.flops} A params`);
    if (p.b) near(rows[i]["B tokens"], p.b.tokens, `${p.form} ${p.flops} B tokens`);
  });
  checkFigures(e, 2, "reading_a_report");
  const fig5 = manifest.find((f) => f.stem.startsWith("fig05"))!;
  const png = await Deno.readFile(`${published}/report.paper/figures/${fig5.stem}.png`);
  assert.equal(e.figures[1]["image/png"], base64(png), "the published Figure 5 is shown as published");
}

async function copyFlat(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const f of Deno.readDir(from)) {
    if (f.isFile) await Deno.copyFile(`${from}/${f.name}`, `${to}/${f.name}`);
    else if (f.isDirectory) await copyFlat(`${from}/${f.name}`, `${to}/${f.name}`);
  }
}

async function task(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "notebooks", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

Deno.test("the committed notebooks carry no outputs", async () => {
  for await (const f of Deno.readDir(`${ROOT}/notebooks`)) {
    if (!f.name.endsWith(".ipynb")) continue;
    const nb = JSON.parse(await Deno.readTextFile(`${ROOT}/notebooks/${f.name}`));
    assert.equal(nb.metadata.kernelspec.name, "deno", f.name);
    for (const c of nb.cells) {
      if (c.cell_type !== "code") continue;
      assert.deepEqual([c.outputs, c.execution_count], [[], null], `${f.name}: cell ${c.id} has outputs`);
    }
  }
});

Deno.test({
  name: "deno task notebooks executes every notebook and each number it shows is the library's",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const fixture = await buildFixture(["paper", "over_100b"], { starts: 4 });
    const reports = await Deno.makeTempDir({ prefix: "notebooks-reports-" });
    const out = await Deno.makeTempDir({ dir: `${ROOT}/reports`, prefix: ".notebooks-test-" });
    try {
      // A published report: the stages' folders as reproduce publishes them, and the report stage's output.
      const published = `${reports}/paper`;
      for (const [id, dir] of Object.entries(fixture.dirs)) await copyFlat(dir, `${published}/${id}`);
      const stage = reportStage({ variant: "paper", deps: fixture.reportDeps["paper"] });
      const ctx: StageContext<Params> = {
        id: stage.id!,
        params: stage.params,
        outDir: `${published}/report.paper`,
        root: ROOT,
        deps: fixture.dirs,
        progress() {},
        log() {},
        signal: new AbortController().signal,
      };
      await Deno.mkdir(ctx.outDir);
      await (stage as unknown as Stage<Params>).run(ctx);

      const r = await task(["--out", out, "--reports", reports]);
      assert.equal(r.code, 0, r.out + r.err);
      for (const n of ["fit_your_own_runs", "gemstones_reproduction", "reading_a_report"]) {
        assert.match(r.out, new RegExp(`ran notebooks/${n}\\.ipynb in`));
      }
      await checkFitYourOwnRuns(await readExecuted(`${out}/fit_your_own_runs.ipynb`));
      await checkGemstones(await readExecuted(`${out}/gemstones_reproduction.ipynb`), fixture.dirs);
      await checkReport(await readExecuted(`${out}/reading_a_report.ipynb`), published);
    } finally {
      await Deno.remove(out, { recursive: true });
      await Deno.remove(reports, { recursive: true });
      await fixture.cleanup();
    }
  },
});

Deno.test({
  name: "deno task notebooks stops at the first cell that throws: exit 1, the cell's error, nothing after it",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "notebooks-failing-" });
    const out = await Deno.makeTempDir({ dir: `${ROOT}/reports`, prefix: ".notebooks-test-" });
    try {
      const notebook = (sources: string[]) =>
        JSON.stringify({
          cells: sources.map((s, i) => ({
            cell_type: "code",
            id: `c${i}`,
            metadata: {},
            execution_count: null,
            outputs: [],
            source: [s],
          })),
          metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
          nbformat: 4,
          nbformat_minor: 5,
        });
      await Deno.writeTextFile(
        `${dir}/a_fails.ipynb`,
        notebook(['console.log("cell one ran");', 'throw new Error("cell two fails on purpose");', "1;"]),
      );
      await Deno.writeTextFile(`${dir}/b_after.ipynb`, notebook(['console.log("never");']));
      const r = await task(["--out", out, `${dir}/a_fails.ipynb`, `${dir}/b_after.ipynb`]);
      assert.equal(r.code, 1, r.out + r.err);
      assert.match(r.err, /a_fails\.ipynb failed \(later notebooks not run\)/);
      assert.match(r.err, /cell two fails on purpose/);
      assert.doesNotMatch(r.out, /b_after/);
      assert.deepEqual([...Deno.readDirSync(out)], [], "no executed copy of a failed or later notebook");
    } finally {
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(out, { recursive: true });
    }
  },
});
