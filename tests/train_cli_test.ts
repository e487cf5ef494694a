// The `deno task train` command line: flag parsing over a --config file, usage errors, exit codes for
// divergence and for resuming under another configuration (in-process, reference backend).
import assert from "node:assert/strict";
import { main, parseTrainArgs, runTrainCommand } from "../kernels/cli.ts";
import { prepareCorpus } from "../kernels/data/corpus.ts";
import { readLog, resolveTrainConfig, type StepRecord } from "../kernels/train/mod.ts";
import { nanAtStep, wrappedBackendOf } from "../testing/train_seams.ts";

Deno.test("train cli: --mixer and its knob flags replace the config file's mixer; bad knobs name the field", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/run.json`;
  await Deno.writeTextFile(
    file,
    JSON.stringify({ model: { mixer: { kind: "taylor", featureDim: 8 } }, steps: 2, corpus: "x" }),
  );
  const kept = await parseTrainArgs(["--config", file, "--feature-dim", "4", "--out", `${dir}/o`]);
  assert.deepEqual(resolveTrainConfig(kept!.config, kept!.where).model.mixer, {
    kind: "taylor",
    featureDim: 4,
  });
  const win = await parseTrainArgs([
    "--config",
    file,
    "--mixer",
    "window",
    "--window",
    "16",
    "--out",
    `${dir}/o`,
  ]);
  assert.deepEqual(resolveTrainConfig(win!.config, win!.where).model.mixer, { kind: "window", window: 16 });
  const bad = await parseTrainArgs([
    "--config",
    file,
    "--mixer",
    "power",
    "--power",
    "3",
    "--out",
    `${dir}/o`,
  ]);
  assert.throws(
    () => resolveTrainConfig(bad!.config, bad!.where),
    /model\.mixer\.power must be a positive even integer, got 3/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("train cli: flags override the --config file; usage errors name the flag or file", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/run.json`;
  await Deno.writeTextFile(
    file,
    JSON.stringify({ model: { width: 64, depth: 3 }, steps: 10, lrBase: 4, corpus: "x" }),
  );
  const a = await parseTrainArgs([
    "--config",
    file,
    "--depth",
    "2",
    "--lr-base",
    "2.5",
    "--cooldown-fraction",
    "0.2",
    "--schedule",
    "cosine",
    "--spike-factor",
    "4",
    "--out",
    `${dir}/o`,
    "--backend",
    "reference",
  ]);
  assert.ok(a !== null);
  const cfg = resolveTrainConfig(a.config, a.where);
  assert.deepEqual(
    [
      cfg.model.width,
      cfg.model.depth,
      cfg.steps,
      cfg.lrBase,
      cfg.cooldownFraction,
      cfg.schedule,
      cfg.divergence.spikeFactor,
    ],
    [64, 2, 10, 2.5, 0.2, "cosine", 4],
  );
  assert.equal(a.backend, "reference");
  assert.equal(await parseTrainArgs(["--help"]), null);
  await assert.rejects(
    parseTrainArgs(["--out", "o", "--width", "3.5"]),
    /--width: expected an integer, got "3.5"/,
  );
  await assert.rejects(
    parseTrainArgs(["--out", "o", "--backend", "cuda"]),
    /--backend: expected "gpu" or "reference"/,
  );
  await assert.rejects(parseTrainArgs(["--width", "8"]), /--out DIR is required/);
  await assert.rejects(parseTrainArgs(["--out", "o", "--widht", "8"]), /widht/);
  await Deno.writeTextFile(file, "{ nope");
  await assert.rejects(parseTrainArgs(["--config", file, "--out", "o"]), /run\.json: not valid JSON/);
  await Deno.writeTextFile(file, JSON.stringify({ steps: 5, corpus: "x", lr: 1 }));
  const b = await parseTrainArgs(["--config", file, "--out", "o"]);
  assert.throws(() => resolveTrainConfig(b!.config, b!.where), /run\.json \+ flags: unknown field "lr"/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("train cli: exit 3 on divergence, 1 when resuming under another config, 2 on bad usage", async () => {
  const corpus = await Deno.makeTempDir();
  await prepareCorpus({ outDir: corpus, source: "synthetic", tokens: 10_000, seed: 5 });
  const out = await Deno.makeTempDir();
  const args = [
    "--backend=reference",
    `--corpus=${corpus}`,
    "--width=16",
    "--depth=1",
    "--head-size=8",
    "--seq-len=8",
    "--batch-size=2",
    "--steps=12",
    "--log-every=3",
    "--checkpoint-every=3",
    "--quiet",
  ];
  const poisoned = wrappedBackendOf((b) => nanAtStep(b, 4));
  assert.equal(await runTrainCommand([...args, `--out=${out}/nan`], poisoned), 3);
  const last = (await readLog(`${out}/nan/log.jsonl`)).at(-1);
  assert.deepEqual(last, { event: "diverged", reason: "non-finite train loss NaN", step: 6, tokens: 6 * 16 });
  assert.equal(await main([...args, `--out=${out}/ok`, "--steps=6"]), 0);
  assert.equal(await main([...args, `--out=${out}/ok`, "--steps=6", "--resume", "--lr-base=1"]), 1);
  // `--resume --out` alone takes the run's own config.json: the finished run only re-emits its done line.
  assert.equal(await main([`--out=${out}/ok`, "--resume", "--backend=reference", "--quiet"]), 0);
  assert.deepEqual((await readLog(`${out}/ok/log.jsonl`)).map((r) => "event" in r ? r.event : r.step), [
    3,
    6,
    "done",
  ]);
  assert.equal(await main([...args, `--out=${out}/ok`, "--depth=0"]), 2);
  await Deno.remove(out, { recursive: true });
  await Deno.remove(corpus, { recursive: true });
});

Deno.test("train cli (child process): prints the throughput it measured, warm-up excluded, and the time left", async () => {
  const corpus = await Deno.makeTempDir();
  await prepareCorpus({ outDir: corpus, source: "synthetic", tokens: 10_000, seed: 5 });
  const out = await Deno.makeTempDir();
  const cli = new URL("../kernels/cli.ts", import.meta.url).pathname;
  const args = ["--backend=reference", `--corpus=${corpus}`, "--width=16", "--depth=1", "--head-size=8"];
  args.push("--seq-len=8", "--batch-size=2", "--steps=12", "--log-every=3", `--out=${out}/run`);
  const p = await new Deno.Command(Deno.execPath(), {
    args: ["run", `--allow-read`, `--allow-write`, cli, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(p.stdout);
  assert.equal(p.code, 0, text + new TextDecoder().decode(p.stderr));
  const lines = text.trim().split("\n");
  // The estimate comes right after the second step line, the first being warm-up.
  const steps = lines.map((l, i) => [l, i] as const).filter(([l]) => l.startsWith("step "));
  const at = lines.findIndex((l) => l.startsWith("train: measured "));
  assert.equal(at, steps[1][1] + 1, text);
  assert.equal(lines.filter((l) => l.startsWith("train: measured ")).length, 1, "printed once");
  assert.doesNotMatch(steps[0][0], / left$/);
  for (const [l] of steps.slice(1)) assert.match(l, / {2}(\d+ s|\d+ min \d\d s) left$/);
  // Its numbers are those of log.jsonl: tokens of steps 3-6 over their training time and their wall time.
  const log = (await readLog(`${out}/run/log.jsonl`)).filter((r) => !("event" in r)) as StepRecord[];
  const [first, second] = log;
  const train = Math.round(
    (second.tokens - first.tokens) / ((second.tokens - first.tokens) / second.tokens_per_s),
  );
  const wall = Math.round((second.tokens - first.tokens) / (second.seconds - first.seconds));
  const m = lines[at].match(
    /^train: measured (\d+) tok\/s training, (\d+) tok\/s with evaluations \(from step 3,/,
  );
  assert.ok(m, lines[at]);
  assert.deepEqual([Number(m[1]), Number(m[2])], [train, wall]);
  await Deno.remove(out, { recursive: true });
  await Deno.remove(corpus, { recursive: true });
});
