import assert from "node:assert/strict";
import { runCli, runEstimate } from "./cli.ts";
import type { PipelineDefinition, Stage } from "./stage.ts";
import type { ExecutorKind } from "./executor.ts";
import { makeToyProject, type ToyProject } from "../testing/engine/toy_project.ts";

function definition(p: ToyProject, paperOffset = 0): PipelineDefinition {
  const offsets: Record<string, number> = { paper: paperOffset, cooldown: 10 };
  return {
    variants: ["paper", "cooldown"],
    profiles: ["default", "micro"],
    build: ({ variant }) => p.stages({ offset: offsets[variant] }),
    diff({ a, b }) {
      const [source] = p.stages();
      const sumA = { ...p.stages({ offset: offsets[a] })[1], id: `sum-${a}` };
      const sumB = { ...p.stages({ offset: offsets[b] })[1], id: `sum-${b}` };
      const diff: Stage = {
        name: "diff",
        module: source.module,
        deps: [sumA.id!, sumB.id!],
        params: {},
        inputs: [],
        outputs: ["diff.txt", "summary.txt"],
        async run(ctx) {
          p.calls.diff = (p.calls.diff ?? 0) + 1;
          const [x, y] = await Promise.all(this.deps.map((d) => Deno.readTextFile(`${ctx.deps[d]}/sum.txt`)));
          await Deno.writeTextFile(`${ctx.outDir}/diff.txt`, `${x.trim()} vs ${y.trim()}\n`);
          await Deno.writeTextFile(
            `${ctx.outDir}/summary.txt`,
            `summary: ${a} ${x.trim()}, ${b} ${y.trim()}\n`,
          );
        },
      };
      return [source, sumA, sumB, diff];
    },
    publish: ["report"],
  };
}

async function cli(p: ToyProject, args: string[], def = definition(p)) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, def, {
    root: p.root,
    write: (l) => out.push(l),
    writeError: (l) => err.push(l),
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

Deno.test("cli: bad usage exits 2 with a hint; unknown variant or profile lists the valid ones", async () => {
  const p = await makeToyProject();
  let r = await cli(p, ["reproduce", "--bogus"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /reproduce: unknown option --bogus; valid options: --variant, --all-variants, /);
  assert.match(r.err, /hint: run "deno task reproduce --help"/);
  r = await cli(p, ["reproduce", "--variant", "nope"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown variant "nope"; valid variants: paper, cooldown/);
  r = await cli(p, ["status", "--profile", "huge"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown profile "huge"; valid profiles: default, micro/);
  r = await cli(p, ["reproduce", "--jobs", "0"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /--jobs: expected a positive integer, got "0"/);
  r = await cli(p, ["gc", "--max-size", "lots"]);
  assert.equal(r.code, 2);
  r = await cli(p, ["diff", "paper"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /diff: expected 2 argument\(s\), got 1/);
  r = await cli(p, ["frobnicate"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown command "frobnicate"; valid commands: reproduce, status, gc, diff/);
  // Unknown stage ids are bad usage too, with the graph's stages listed.
  r = await cli(p, ["reproduce", "--force", "nosuch.paper"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /reproduce: --force nosuch\.paper: unknown stage; valid stages: source, sum, report/);
  r = await cli(p, ["reproduce", "--only", "sums"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /reproduce: --only sums: unknown stage; valid stages: source, sum, report/);
  r = await cli(p, ["diff", "paper", "cooldown", "--force", "nope"]);
  assert.equal(r.code, 2);
  assert.match(
    r.err,
    /diff: --force nope: unknown stage; valid stages: source, sum-paper, sum-cooldown, diff/,
  );
  r = await cli(p, ["diff", "paper", "cooldown"], { ...definition(p), diff: undefined });
  assert.equal(r.code, 2);
  assert.match(r.err, /defines no diff/);
  for (const command of ["reproduce", "status", "gc", "diff"]) {
    r = await cli(p, [command, "--help"]);
    assert.equal(r.code, 0);
    assert.match(r.out, new RegExp(`^usage: ${command}`));
  }
  assert.deepEqual(p.calls, {});
});

Deno.test("cli: a no-op reproduce publishes nothing, yet restores a deleted or edited published file", async () => {
  const p = await makeToyProject();
  const published = `${p.root}/reports/paper/report/report/summary.txt`;
  let r = await cli(p, ["reproduce"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^published report -> reports\/paper\/report\/$/m);
  const before = (await Deno.stat(published)).ino;
  r = await cli(p, ["reproduce"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /3 stage\(s\): 0 ran, 3 cached/);
  assert.doesNotMatch(r.out, /^published /m, "nothing is republished");
  assert.match(r.out, /^1 published output folder\(s\) already up to date$/m);
  assert.equal((await Deno.stat(published)).ino, before, "the published file was left in place");
  await Deno.remove(published);
  r = await cli(p, ["reproduce"]);
  assert.match(r.out, /^published report -> reports\/paper\/report\/$/m);
  assert.equal(await Deno.readTextFile(published), "sum=12 files=2\n", "a deleted file is back");
  await Deno.writeTextFile(published, "sum=99 files=2\n"); // same size, other content
  r = await cli(p, ["reproduce"]);
  assert.match(r.out, /^published report -> reports\/paper\/report\/$/m);
  assert.equal(await Deno.readTextFile(published), "sum=12 files=2\n", "an edited file is restored");
  await Deno.writeTextFile(`${p.root}/reports/paper/report/report/extra.txt`, "x\n");
  r = await cli(p, ["reproduce"]);
  assert.match(r.out, /^published report -> reports\/paper\/report\/$/m);
  await assert.rejects(Deno.stat(`${p.root}/reports/paper/report/report/extra.txt`), Deno.errors.NotFound);
  assert.deepEqual(p.calls, { source: 1, sum: 1, report: 1 }, "no stage ran again");
});

Deno.test("cli: the generic CLI knows no executor flags; an executor kind brings its own", async () => {
  const p = await makeToyProject();
  let r = await cli(p, ["reproduce", "--executor", "slurm"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /--executor: expected "local", got "slurm"/);
  r = await cli(p, ["reproduce", "--partition", "gpu"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown option --partition/);
  const seen: unknown[] = [];
  const kind: ExecutorKind = {
    name: "toy",
    label: "Toy",
    summary: "toy (runs units here)",
    flags: { "toy-queue": { type: "string" } },
    help: "Toy flags:\n  --toy-queue Q   the queue",
    settings: (values) => Promise.resolve(values["toy-queue"]),
    prepare(settings, setup) {
      seen.push(settings, setup.expected.length);
      return {
        executor: { name: "toy", remote: false, unitDir: (fp) => fp, run: (_u, here) => here() },
        describe: () => ["toy: 0 unit(s)"],
      };
    },
  };
  const withKind = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, {
      ...definition(p),
      unitTask: { command: () => "", isComplete: () => Promise.resolve(true) },
    }, {
      root: p.root,
      executors: [kind],
      write: (l) => out.push(l),
      writeError: (l) => err.push(l),
    });
    return { code, out: out.join("\n"), err: err.join("\n") };
  };
  r = await withKind(["reproduce", "--help"]);
  assert.match(r.out, /--executor local\|toy \[Toy flags\]/);
  assert.match(r.out, /^Toy flags:\n {2}--toy-queue Q/m);
  r = await withKind(["reproduce", "--toy-queue", "q1"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /reproduce: Toy flags need --executor toy/);
  r = await withKind(["reproduce", "--executor", "toy", "--toy-queue", "q1", "--dry-run"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^toy: 0 unit\(s\)$/m);
  assert.deepEqual(seen, ["q1", 0], "the kind got its own flag's value and the run's units (none here)");
});

Deno.test("cli: --dry-run runs nothing and says why", async () => {
  const p = await makeToyProject();
  const r = await cli(p, ["reproduce", "--dry-run"]);
  assert.equal(r.code, 0);
  assert.match(r.out, /source\s+would run\s+never run/);
  assert.deepEqual(p.calls, {});
  await assert.rejects(Deno.stat(`${p.root}/.cache/store`), Deno.errors.NotFound);
  await assert.rejects(Deno.stat(`${p.root}/reports`), Deno.errors.NotFound);
});

Deno.test("cli: reproduce publishes, status explains, diff reuses the variants' entries", async () => {
  const p = await makeToyProject();
  let r = await cli(p, ["reproduce"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /3 stage\(s\): 3 ran, 0 cached/);
  assert.equal(
    await Deno.readTextFile(`${p.root}/reports/paper/report/report/summary.txt`),
    "sum=12 files=2\n",
  );
  await assert.rejects(Deno.stat(`${p.root}/reports/paper/source`), Deno.errors.NotFound);
  r = await cli(p, ["reproduce", "--variant", "cooldown", "--profile", "micro"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /3 stage\(s\): 2 ran, 1 cached/);
  assert.equal(
    await Deno.readTextFile(`${p.root}/reports/micro/cooldown/report/report/summary.txt`),
    "sum=22 files=2\n",
  );
  r = await cli(p, ["status", "--variant", "cooldown"]);
  assert.match(r.out, /source\s+cached\s+cached: ran/);
  assert.match(
    r.out,
    /sum\s+cached\s+cached: ran/,
    "entries are shared across profiles when fingerprints agree",
  );
  r = await cli(p, ["reproduce", "--variant", "cooldown"]);
  assert.match(r.out, /3 stage\(s\): 0 ran, 3 cached/);
  r = await cli(p, ["diff", "paper", "cooldown"]);
  assert.equal(r.code, 0, r.err);
  assert.equal(p.calls.diff, 1);
  assert.deepEqual(p.calls, { source: 1, sum: 2, report: 2, diff: 1 });
  assert.equal(
    await Deno.readTextFile(`${p.root}/reports/diff/paper-vs-cooldown/diff/diff.txt`),
    "12 vs 22\n",
  );
  assert.match(r.out, /^summary: paper 12, cooldown 22$/m, "the diff stage's summary.txt is printed");
  r = await cli(p, ["status", "--all-variants"]);
  assert.match(r.out, /== variant paper[\s\S]*== variant cooldown/);
});

Deno.test("cli: diffPublish names what a diff publishes (default: the graph's sinks)", async () => {
  const p = await makeToyProject();
  const def = { ...definition(p), diffPublish: ({ a }: { a: string; b: string }) => [`sum-${a}`] };
  const r = await cli(p, ["diff", "paper", "cooldown"], def);
  assert.equal(r.code, 0, r.err);
  const published = [...Deno.readDirSync(`${p.root}/reports/diff/paper-vs-cooldown`)].map((e) => e.name);
  assert.deepEqual(published, ["sum-paper"]);
  assert.doesNotMatch(r.out, /^summary:/m, "only published stages' summaries are printed");
});

Deno.test("cli: gc removes unreferenced entries, keeps the last N runs, evicts for size", async () => {
  const p = await makeToyProject();
  assert.equal((await cli(p, ["reproduce"], definition(p, 0))).code, 0);
  assert.equal((await cli(p, ["reproduce"], definition(p, 1))).code, 0);
  const entries = () => [...Deno.readDirSync(`${p.root}/.cache/store`)].length;
  assert.equal(entries(), 5);
  let r = await cli(p, ["gc", "--dry-run"]);
  assert.match(
    r.out,
    /would remove 2 entries and 0 temporary folders: [\d.]+ [kM]?B would be freed; kept 3 entries/,
  );
  assert.equal(entries(), 5);
  r = await cli(p, ["gc", "--keep-last", "2"]);
  assert.match(r.out, /removed 0 entries/);
  r = await cli(p, ["gc"]);
  assert.match(r.out, /removed 2 entries/);
  assert.equal(entries(), 3);
  r = await cli(p, ["reproduce"], definition(p, 1));
  assert.match(r.out, /0 ran, 3 cached/);
  r = await cli(p, ["gc", "--max-size", "0"]);
  assert.match(r.out, /removed 3 entries/);
  assert.match(r.out, /evicted for size/);
  assert.equal(entries(), 0);
});

Deno.test("cli: reproduce says how many stages will run and what their previous runs here took", () => {
  const s = (lastSeconds?: number) => ({ status: { lastSeconds } });
  assert.equal(
    runEstimate([s(1.25), s(2)]),
    "2 stage(s) to run; their previous runs here took 3.3 s of stage time (stages in parallel take less wall time)",
  );
  assert.equal(
    runEstimate([s(4), s()]),
    "2 stage(s) to run; their previous runs here took 4.0 s of stage time (1 of them; the others never ran " +
      "here) (stages in parallel take less wall time)",
  );
  assert.equal(runEstimate([s()]), "1 stage(s) to run; none has run on this machine before, so no estimate");
});
