// Kill a real training process (`deno run kernels/cli.ts`) with SIGKILL after it wrote a checkpoint,
// resume it, and compare its log with an uninterrupted run: every line after the resume must be equal
// except the timing fields, and the final checkpoints must be byte-identical. Runs on the WebGPU backend
// (Mesa llvmpipe here; fails, not skips, without an adapter) and on the float64 reference backend.
import assert from "node:assert/strict";
import { prepareCorpus } from "../kernels/data/corpus.ts";
import { readLog, type StepRecord, TIMING_FIELDS } from "../kernels/train/mod.ts";

const CLI = new URL("../kernels/cli.ts", import.meta.url).pathname;
const SLOWED_CLI = new URL("./train_cli_slowed.ts", import.meta.url).pathname;
const STEPS = 24, CKPT = 6;

function command(args: string[], stepDelayMs = 0): Deno.Command {
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
      "--deny-net",
      stepDelayMs > 0 ? SLOWED_CLI : CLI,
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

async function resumeIsBitIdentical(backend: "gpu" | "reference"): Promise<void> {
  const corpus = await Deno.makeTempDir({ prefix: "train_resume_corpus_" });
  await prepareCorpus({ outDir: corpus, source: "synthetic", tokens: 20_000, seed: 3 });
  const common = [
    `--backend=${backend}`,
    `--corpus=${corpus}`,
    "--width=16",
    "--depth=2",
    "--head-size=8",
    "--seq-len=8",
    "--batch-size=4",
    `--steps=${STEPS}`,
    "--lr-base=2",
    "--log-every=2",
    `--checkpoint-every=${CKPT}`,
    `--eval-every-tokens=${4 * 8 * 5}`,
    "--eval-batches=2",
    "--quiet",
  ];
  const a = await Deno.makeTempDir({ prefix: "train_resume_a_" });
  const b = await Deno.makeTempDir({ prefix: "train_resume_b_" });

  const full = await command([...common, `--out=${a}`]).output();
  assert.equal(full.code, 0, new TextDecoder().decode(full.stderr));

  // Slow the second run down so that it is surely killed mid-way, after its first checkpoint and
  // after at least one log line past it (which the resume must drop and write again).
  const child = command([...common, `--out=${b}`], 150).spawn();
  let exited = false;
  child.status.then(() => (exited = true));
  const deadline = Date.now() + 120_000;
  try {
    for (;;) {
      let maxStep = 0;
      try {
        const text = await Deno.readTextFile(`${b}/log.jsonl`);
        for (const line of text.split("\n")) {
          if (line.startsWith('{"step"')) maxStep = Math.max(maxStep, JSON.parse(line).step);
        }
      } catch { /* not yet there */ }
      if (maxStep >= CKPT + 2) break;
      assert.ok(!exited, "the run ended before it could be killed");
      assert.ok(Date.now() < deadline, "the run did not log past its first checkpoint in time");
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    if (!exited) child.kill("SIGKILL");
  }
  const killed = await child.output();
  assert.equal(killed.signal, "SIGKILL", new TextDecoder().decode(killed.stderr));
  const partial = await readLog(`${b}/log.jsonl`);
  assert.ok(!partial.some((r) => "event" in r), "killed before the end");
  const ckStep = JSON.parse(await Deno.readTextFile(`${b}/checkpoint.json`)).step;
  assert.ok(ckStep >= CKPT && ckStep < STEPS && ckStep % CKPT === 0, `checkpoint step ${ckStep}`);

  // Without --resume the CLI refuses to overwrite; with it, it continues from the checkpoint.
  const refused = await command([...common, `--out=${b}`]).output();
  assert.equal(refused.code, 1);
  assert.match(new TextDecoder().decode(refused.stderr), /checkpoint exists; pass --resume/);
  const resumed = await command([...common, `--out=${b}`, "--resume"]).output();
  const out = new TextDecoder().decode(resumed.stdout);
  assert.equal(resumed.code, 0, new TextDecoder().decode(resumed.stderr));
  assert.match(out, new RegExp(`done: ${STEPS} steps, .*\\(resumed at step ${ckStep}\\)`));

  const la = await readLog(`${a}/log.jsonl`), lb = await readLog(`${b}/log.jsonl`);
  assert.equal(lb.length, la.length);
  assert.ok(lb.filter((r) => !("event" in r) && r.step > ckStep).length >= 2);
  for (let i = 0; i < la.length; i++) {
    assert.deepEqual(withoutTiming(lb[i]), withoutTiming(la[i]), `line ${i + 1}`);
  }
  const vals = la.filter((r): r is StepRecord => !("event" in r) && r.val_loss !== undefined);
  assert.deepEqual(vals.map((r) => r.step), [5, 10, 15, 20, 24]);
  assert.deepEqual(await Deno.readFile(`${b}/checkpoint.bin`), await Deno.readFile(`${a}/checkpoint.bin`));
  for (const d of [a, b, corpus]) await Deno.remove(d, { recursive: true });
}

Deno.test("train resume: SIGKILL + --resume is bit-identical on the WebGPU backend", async () => {
  await resumeIsBitIdentical("gpu");
});

Deno.test("train resume: SIGKILL + --resume is bit-identical on the reference backend", async () => {
  await resumeIsBitIdentical("reference");
});
