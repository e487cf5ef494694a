/**
 * Benchmark of the engine: a synthetic 20-stage pipeline with 200 MB of declared inputs, in a temporary
 * root under `.cache/bench/`. Prints cold fingerprinting throughput (every input read and hashed), warm
 * throughput (stat-keyed fast path), and the wall time of a no-op rerun, in-process and as a fresh
 * `deno run` process beside a bare `deno run` baseline measured in the same session. Then the real
 * pipeline: `deno task reproduce` in the project root, once to bring its cache up to date, then five
 * rounds of a no-op `deno task reproduce`, a `deno task status` and Deno's own start-up (`deno eval 0`),
 * interleaved; it prints the median of each and how far the two commands exceed the start-up (goal: under
 * 0.3 s each).
 *
 * usage: deno run --allow-read=. --allow-write=. --allow-run=<the deno executable> --allow-env --allow-sys bench/engine.ts
 * @module
 */
import type { Stage } from "../pipeline/stage.ts";
import { runPipeline } from "../pipeline/runner.ts";
import { planFingerprints } from "../pipeline/status.ts";
import { CachePaths } from "../pipeline/store.ts";
import { denoOutput } from "../util/deno_command.ts";

const STAGES = 20;
const INPUT_MB = 10;

/** Returns the 20 synthetic stages of a bench root: stage i reads input i and depends on stage (i-1)/2. */
export function benchStages(root: string): Stage[] {
  const module = new URL(`file://${root}/stages/bench_stage.ts`).href;
  return Array.from({ length: STAGES }, (_, i): Stage => ({
    name: `s${i}`,
    module,
    deps: i === 0 ? [] : [`s${Math.floor((i - 1) / 2)}`],
    params: { index: i },
    inputs: [`inputs/in${i}.bin`],
    outputs: ["out.txt"],
    async run(ctx) {
      const size = (await Deno.stat(`${ctx.root}/inputs/in${i}.bin`)).size;
      await Deno.writeTextFile(`${ctx.outDir}/out.txt`, `${ctx.id} ${size}\n`);
    },
  }));
}

async function makeRoot(): Promise<string> {
  const base = `${Deno.cwd()}/.cache/bench`;
  await Deno.mkdir(base, { recursive: true });
  const root = await Deno.makeTempDir({ dir: base, prefix: "engine-" });
  await Deno.mkdir(`${root}/stages`);
  await Deno.mkdir(`${root}/inputs`);
  await Deno.writeTextFile(`${root}/stages/bench_stage.ts`, "export const benchStage = 1;\n");
  const block = new Uint8Array(1 << 20);
  for (let off = 0; off < block.length; off += 65536) {
    crypto.getRandomValues(block.subarray(off, off + 65536));
  }
  for (let i = 0; i < STAGES; i++) {
    using file = await Deno.open(`${root}/inputs/in${i}.bin`, { write: true, create: true });
    for (let m = 0; m < INPUT_MB; m++) {
      block[0] = i;
      block[1] = m;
      await file.write(block);
    }
  }
  return root;
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await f();
  return [value, (performance.now() - t0) / 1000];
}

async function processSeconds(args: string[]): Promise<number> {
  const t0 = performance.now();
  const out = await denoOutput({ args, stdout: "null", stderr: "piped" });
  if (!out.success) throw new Error(`deno ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  return (performance.now() - t0) / 1000;
}

const PROJECT_ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** Stage counts of one `reproduce` run, parsed from its summary line `N stage(s): R ran, C cached`. */
interface ReproduceRun {
  /** Wall time of the whole command, Deno's start-up included (s). */
  readonly seconds: number;
  /** Stages in the graph. */
  readonly stages: number;
  /** Stages that ran (0 when nothing changed). */
  readonly ran: number;
}

/** Runs `deno <args>` in the project root; returns its wall time in seconds and its output (stdout+stderr). */
async function projectCommand(args: string[]): Promise<{ seconds: number; text: string }> {
  const t0 = performance.now();
  const out = await denoOutput({ args, cwd: PROJECT_ROOT, stdout: "piped", stderr: "piped" });
  const seconds = (performance.now() - t0) / 1000;
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`deno ${args.join(" ")} failed (exit ${out.code}):\n${text}`);
  return { seconds, text };
}

/** Runs `deno task reproduce` in the project root and returns its wall time and stage counts. */
async function reproduceOnce(): Promise<ReproduceRun> {
  const { seconds, text } = await projectCommand(["task", "--quiet", "reproduce"]);
  const m = text.match(/(\d+) stage\(s\): (\d+) ran, (\d+) cached/);
  if (!m) throw new Error(`deno task reproduce printed no summary line:\n${text}`);
  return { seconds, stages: Number(m[1]), ran: Number(m[2]) };
}

/** The no-op figures of the real pipeline: medians in seconds, Deno's start-up included. */
interface NoopFigures {
  /** The run that brought the cache up to date. */
  readonly first: ReproduceRun;
  /** `deno task reproduce` with nothing to do (ran is 0). */
  readonly reproduce: ReproduceRun;
  /** `deno task status` (every stage cached). */
  readonly status: number;
  /** Deno's own start-up: `deno eval 0`. */
  readonly startup: number;
}

/**
 * Measures the no-op commands: one `deno task reproduce` that brings the paper profile's cache up to date
 * (it computes what is missing), then `rounds` rounds of a no-op reproduce (it must run and publish
 * nothing), a `deno task status` (every stage must be cached) and `deno eval 0`. Returns the medians.
 */
async function benchNoop(rounds = 5): Promise<NoopFigures> {
  const first = await reproduceOnce();
  const reproduce: ReproduceRun[] = [];
  const status: number[] = [];
  const startup: number[] = [];
  for (let k = 0; k < rounds; k++) {
    startup.push((await projectCommand(["eval", "0"])).seconds);
    const r = await reproduceOnce();
    if (r.ran !== 0) throw new Error(`reproduce with nothing changed ran ${r.ran} stage(s)`);
    reproduce.push(r);
    const st = await projectCommand(["task", "--quiet", "status"]);
    if (/would run/.test(st.text)) {
      throw new Error(`status after a no-op names stages that would run:\n${st.text}`);
    }
    status.push(st.seconds);
  }
  return {
    first,
    reproduce: { ...reproduce[0], seconds: median(reproduce.map((r) => r.seconds)) },
    status: median(status),
    startup: median(startup),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs the engine benchmark and prints its figures (seconds, MB/s); returns nothing. */
export async function benchEngine(): Promise<void> {
  const row = (label: string, value: string) => console.log(`${label.padEnd(52)} ${value}`);
  const root = await makeRoot();
  const totalMB = STAGES * INPUT_MB;
  const paths = new CachePaths(root);
  try {
    // Let the inputs leave the 2 s racy-ctime window, so that their hashes may be cached.
    await new Promise((r) => setTimeout(r, 2100));
    const stages = benchStages(root);
    const [, first] = await timed(() => runPipeline(stages, { root }));
    await Deno.remove(paths.hashCache);
    const [, cold] = await timed(async () => {
      const plan = await planFingerprints(stages, paths);
      await plan.hashes.save();
    });
    const [, warm] = await timed(() => planFingerprints(stages, paths));
    const inProcess: number[] = [];
    for (let k = 0; k < 3; k++) inProcess.push((await timed(() => runPipeline(stages, { root })))[1]);
    const self = new URL(import.meta.url).pathname;
    const perms = [
      "--allow-read",
      "--allow-write",
      `--allow-run=${Deno.execPath()}`,
      "--allow-env",
      "--allow-sys",
    ];
    const bare = `${root}/bare.ts`;
    await Deno.writeTextFile(bare, "console.log(0);\n");
    const noop: number[] = [];
    const base: number[] = [];
    for (let k = 0; k < 3; k++) {
      base.push(await processSeconds(["run", ...perms, bare]));
      noop.push(await processSeconds(["run", ...perms, self, "--noop", root]));
    }
    console.log(`engine benchmark: ${STAGES} stages, ${totalMB} MB of declared inputs (${root})`);
    row("first run (hash all + run 20 stages)", `${first.toFixed(3)} s`);
    row(
      "cold fingerprinting (read + SHA-256 every input)",
      `${cold.toFixed(3)} s = ${(totalMB / cold).toFixed(0)} MB/s`,
    );
    row(
      "warm fingerprinting (stat-keyed fast path)",
      `${warm.toFixed(3)} s = ${(totalMB / warm).toFixed(0)} MB/s`,
    );
    row("warm / cold speed-up", `${(cold / warm).toFixed(1)} x`);
    row("no-op rerun, in process (median of 3)", `${median(inProcess).toFixed(3)} s`);
    row("no-op rerun, fresh deno process (median of 3)", `${median(noop).toFixed(3)} s`);
    row("bare `deno run` start-up (median of 3)", `${median(base).toFixed(3)} s`);
    row("no-op rerun beyond start-up", `${(median(noop) - median(base)).toFixed(3)} s (goal < 0.3 s)`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
  // The real pipeline, as a user types it.
  const n = await benchNoop();
  row(
    "`deno task reproduce`, bringing the cache up to date",
    `${n.first.seconds.toFixed(2)} s (${n.first.ran} of ${n.first.stages} stages ran)`,
  );
  row(
    "`deno task reproduce`, nothing changed (median of 5)",
    `${n.reproduce.seconds.toFixed(3)} s (${n.reproduce.stages} stages, 0 ran; Deno's start-up included)`,
  );
  row("`deno task status`, nothing changed (median of 5)", `${n.status.toFixed(3)} s`);
  row("Deno's start-up, `deno eval 0` (median of 5)", `${n.startup.toFixed(3)} s`);
  row(
    "no-op reproduce beyond Deno's start-up",
    `${(n.reproduce.seconds - n.startup).toFixed(3)} s (goal < 0.3 s)`,
  );
  row("status beyond Deno's start-up", `${(n.status - n.startup).toFixed(3)} s (goal < 0.3 s)`);
}

if (import.meta.main) {
  if (Deno.args[0] === "--noop") {
    const root = Deno.args[1];
    const results = await runPipeline(benchStages(root), { root });
    const ran = results.filter((r) => !r.cached).length;
    if (ran !== 0) throw new Error(`no-op rerun ran ${ran} stage(s)`);
  } else {
    await benchEngine();
  }
}
