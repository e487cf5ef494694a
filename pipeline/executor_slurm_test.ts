import assert from "node:assert/strict";
import {
  batchScript,
  parseSqueue,
  readSlurmConfig,
  sharedDir,
  validateSlurmConfig,
} from "./executor_slurm.ts";

const TASK = {
  command: (deno: string, r: readonly string[], w: readonly string[]) =>
    `${deno} run --allow-read=${r.join(",")} --allow-write=${w.join(",")} worker.ts "$UNIT"`,
  isComplete: () => Promise.resolve(false),
};

Deno.test("slurm: squeue lines (single tasks and pending ranges) become task states per job", () => {
  const q = parseSqueue("12_0|RUNNING\n12_[1-3,5%2]|PENDING\n13_4|REQUEUED\nnot a line\n");
  assert.deepEqual([...q.get("12")!.entries()], [[0, "RUNNING"], [1, "PENDING"], [2, "PENDING"], [
    3,
    "PENDING",
  ], [
    5,
    "PENDING",
  ]]);
  assert.deepEqual([...q.get("13")!.entries()], [[4, "REQUEUED"]]);
  assert.equal(q.size, 2);
});

Deno.test("slurm: the batch script carries every setting, one unit per array task", () => {
  const script = batchScript(["/s/units/a", "/s/units/b b"], {
    config: {
      partition: "gpu",
      account: "p42",
      time: "02:00:00",
      gres: "gpu:1",
      cpusPerTask: 4,
      mem: "16G",
      parallel: 8,
      sbatch: ["--qos=normal"],
      shared: "/s",
      setup: ["module load deno"],
      deno: "/opt/deno",
      signalSeconds: 300,
    },
    root: "/home/me/repo",
    task: TASK,
  });
  const lines = script.split("\n");
  for (
    const want of [
      "#SBATCH --array=0-1%8",
      "#SBATCH --output=/s/logs/%A_%a.out",
      "#SBATCH --requeue",
      "#SBATCH --signal=B:USR1@300",
      "#SBATCH --partition=gpu",
      "#SBATCH --account=p42",
      "#SBATCH --time=02:00:00",
      "#SBATCH --gres=gpu:1",
      "#SBATCH --cpus-per-task=4",
      "#SBATCH --mem=16G",
      "#SBATCH --qos=normal",
      "module load deno",
      "cd /home/me/repo",
      "  /s/units/a",
      "  '/s/units/b b'",
      '/opt/deno run --allow-read=/home/me/repo,/s --allow-write=/s worker.ts "$UNIT" &',
      'if [ "$rc" = 130 ] && [ "$got" = USR1 ]; then',
    ]
  ) assert.ok(lines.includes(want), `missing line: ${want}\n${script}`);
  // Every #SBATCH line comes before the first command (sbatch stops reading them there).
  const firstCommand = lines.findIndex((l) => l !== "" && !l.startsWith("#"));
  assert.ok(lines.findLastIndex((l) => l.startsWith("#SBATCH")) < firstCommand);
  assert.equal(sharedDir({}, "/r"), "/r/.cache/slurm");
  assert.equal(sharedDir({ shared: "scratch/x/" }, "/r"), "/r/scratch/x");
});

Deno.test("slurm: slurm.json is validated field by field; a missing file is no settings", async () => {
  assert.throws(
    () => validateSlurmConfig({ partiton: "gpu" }, "slurm.json"),
    /slurm\.json: unknown field "partiton"/,
  );
  assert.throws(
    () => validateSlurmConfig({ parallel: 0 }, "slurm.json"),
    /field "parallel" must be a positive number/,
  );
  assert.throws(
    () => validateSlurmConfig({ setup: "module load deno" }, "s"),
    /field "setup" must be an array/,
  );
  assert.throws(
    () => validateSlurmConfig({ time: "1:00\n#SBATCH --x" }, "s"),
    /field "time" must be a one-line/,
  );
  assert.deepEqual(validateSlurmConfig({ gres: "gpu:1", cpusPerTask: 2 }, "s"), {
    gres: "gpu:1",
    cpusPerTask: 2,
  });
  const dir = await Deno.makeTempDir();
  try {
    assert.deepEqual(await readSlurmConfig(`${dir}/slurm.json`), {});
    await Deno.writeTextFile(`${dir}/slurm.json`, "{ nope");
    await assert.rejects(() => readSlurmConfig(`${dir}/slurm.json`), /slurm\.json: not valid JSON/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
