// SIGTERM, SIGUSR1 and SIGINT sent to a real training process (`kernels/cli.ts`, slowed by a test seam)
// each stop it with a checkpoint written first, a message naming the signal and exit status 130; the
// resumed run ends bit-identical to an uninterrupted one on the WebGPU backend (llvmpipe here). A
// `--resume` with no checkpoint to resume says so and exits 1 instead of starting again at step 0.
import assert from "node:assert/strict";
import { prepareCorpus } from "../kernels/data/corpus.ts";
import { readLog, TIMING_FIELDS } from "../kernels/train/mod.ts";

const SLOWED_CLI = new URL("./train_cli_slowed.ts", import.meta.url).pathname;
const STEPS = 16;

function command(args: string[], stepDelayMs: number): Deno.Command {
  const env: Record<string, string> = { NO_COLOR: "1", TRAIN_TEST_STEP_DELAY_MS: String(stepDelayMs) };
  if (!Deno.env.get("XDG_RUNTIME_DIR")) env.XDG_RUNTIME_DIR = Deno.makeTempDirSync();
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-sys",
      "--allow-ffi",
      SLOWED_CLI,
      ...args,
    ],
    env,
    stdout: "piped",
    stderr: "piped",
  });
}

function withoutTiming(rec: object): object {
  const o: Record<string, unknown> = { ...rec };
  for (const f of TIMING_FIELDS) delete o[f];
  return o;
}

async function maxLoggedStep(dir: string): Promise<number> {
  try {
    return Math.max(0, ...(await readLog(`${dir}/log.jsonl`)).map((r) => ("event" in r ? 0 : r.step)));
  } catch {
    return 0;
  }
}

async function corpusAndArgs(backend: string): Promise<{ corpus: string; common: string[] }> {
  const corpus = await Deno.makeTempDir({ prefix: "train_signal_corpus_" });
  await prepareCorpus({ outDir: corpus, source: "synthetic", tokens: 10_000, seed: 4 });
  const common = [
    `--backend=${backend}`,
    `--corpus=${corpus}`,
    "--width=16",
    "--depth=1",
    "--head-size=8",
    "--seq-len=8",
    "--batch-size=2",
    `--steps=${STEPS}`,
    "--log-every=2",
    "--eval-batches=1",
    "--quiet",
  ];
  return { corpus, common };
}

/** Starts a slowed run in `out`, sends `signal` once it logged step 4; returns its output. */
async function interrupt(common: string[], out: string, signal: Deno.Signal): Promise<Deno.CommandOutput> {
  const child = command([...common, `--out=${out}`], 100).spawn();
  let exited = false;
  const output = child.output().finally(() => (exited = true));
  const deadline = Date.now() + 120_000;
  while ((await maxLoggedStep(out)) < 4) {
    assert.ok(!exited, "the run ended before it could be signalled");
    assert.ok(Date.now() < deadline, "the run did not reach step 4 in time");
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill(signal);
  return await output;
}

Deno.test("train signals: SIGTERM checkpoints, exits 130, and the resumed WebGPU run is bit-identical", async () => {
  const { corpus, common } = await corpusAndArgs("gpu");
  const a = await Deno.makeTempDir(), b = await Deno.makeTempDir();
  try {
    const full = await command([...common, `--out=${a}`], 0).output();
    assert.equal(full.code, 0, new TextDecoder().decode(full.stderr));
    const cut = await interrupt(common, b, "SIGTERM");
    const err = new TextDecoder().decode(cut.stderr);
    assert.equal(cut.code, 130, err);
    assert.match(err, /SIGTERM received: stopping at the next step, writing a checkpoint first/);
    assert.match(err, /stopped by SIGTERM at step \d+; checkpoint .*checkpoint\.json written; exit 130/);
    const ckStep = JSON.parse(await Deno.readTextFile(`${b}/checkpoint.json`)).step;
    assert.ok(ckStep >= 4 && ckStep < STEPS, `checkpoint step ${ckStep}`);
    const resumed = await command([...common, `--out=${b}`, "--resume"], 0).output();
    assert.equal(resumed.code, 0, new TextDecoder().decode(resumed.stderr));
    assert.match(new TextDecoder().decode(resumed.stdout), new RegExp(`\\(resumed at step ${ckStep}\\)`));
    const la = await readLog(`${a}/log.jsonl`), lb = await readLog(`${b}/log.jsonl`);
    assert.deepEqual(lb.map(withoutTiming), la.map(withoutTiming));
    assert.deepEqual(await Deno.readFile(`${b}/checkpoint.bin`), await Deno.readFile(`${a}/checkpoint.bin`));
  } finally {
    for (const d of [a, b, corpus]) await Deno.remove(d, { recursive: true });
  }
});

Deno.test("train signals: SIGUSR1 and SIGINT stop like SIGTERM; --resume without a checkpoint says so", async () => {
  const { corpus, common } = await corpusAndArgs("reference");
  const out = await Deno.makeTempDir();
  try {
    for (const sig of ["SIGUSR1", "SIGINT"] as const) {
      const dir = `${out}/${sig}`;
      const cut = await interrupt(common, dir, sig);
      const err = new TextDecoder().decode(cut.stderr);
      assert.equal(cut.code, 130, err);
      assert.match(err, new RegExp(`stopped by ${sig} at step \\d+; checkpoint`));
      const ckStep = JSON.parse(await Deno.readTextFile(`${dir}/checkpoint.json`)).step;
      assert.ok(ckStep >= 4 && ckStep < STEPS, `${sig}: checkpoint step ${ckStep}`);
      const resumed = await command([`--out=${dir}`, "--resume", "--backend=reference", "--quiet"], 0)
        .output();
      assert.equal(resumed.code, 0, new TextDecoder().decode(resumed.stderr));
      const log = await readLog(`${dir}/log.jsonl`);
      assert.deepEqual(log.at(-1), {
        event: "done",
        step: STEPS,
        tokens: STEPS * 16,
        final_val_loss: (log.at(-1) as { final_val_loss: number }).final_val_loss,
      });
      assert.deepEqual(log.filter((r) => !("event" in r)).map((r) => (r as { step: number }).step), [
        2,
        4,
        6,
        8,
        10,
        12,
        14,
        16,
      ]);
    }
    const none = await command([...common, `--out=${out}/fresh`, "--resume"], 0).output();
    assert.equal(none.code, 1);
    assert.match(
      new TextDecoder().decode(none.stderr),
      /--resume: no checkpoint in .*fresh \(no checkpoint\.json\); nothing to resume\. Run without --resume/,
    );
    assert.ok(!(await maxLoggedStep(`${out}/fresh`)), "nothing was trained");
  } finally {
    for (const d of [out, corpus]) await Deno.remove(d, { recursive: true });
  }
});
