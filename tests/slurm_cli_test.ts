// `reproduce --executor slurm --dry-run` prints the batch script of the units not in the store (the nano
// profile's three) and submits
// nothing; bad executor names and Slurm flags without the Slurm executor are usage errors (exit 2).
import assert from "node:assert/strict";
import { runCli } from "../pipeline/cli.ts";
import { SLURM_EXECUTOR } from "../pipeline/executor_slurm_cli.ts";
import { definition } from "../stages/pipeline.ts";

async function cli(args: string[], root: string): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await runCli(args, definition, {
    root,
    executors: [SLURM_EXECUTOR],
    write: (l) => lines.push(l),
    writeError: (l) => lines.push(l),
  });
  return { code, out: lines.join("\n") };
}

Deno.test("slurm cli: --dry-run prints the array script of the nano units; usage errors exit 2", async () => {
  const root = await Deno.makeTempDir({ prefix: "slurm_cli_" });
  try {
    // The graph's declared inputs (the report's fonts, ...) as the project has them.
    const repo = new URL("..", import.meta.url).pathname;
    for (const d of ["stages", "figures", "data"]) await Deno.symlink(`${repo}${d}`, `${root}/${d}`);
    await Deno.writeTextFile(`${root}/slurm.json`, JSON.stringify({ partition: "gpu", parallel: 4 }));
    const dry = await cli(
      [
        "reproduce",
        "--profile",
        "nano",
        "--executor",
        "slurm",
        "--dry-run",
        "--time",
        "00:30:00",
        "--sbatch=--qos=x",
      ],
      root,
    );
    assert.equal(dry.code, 0, dry.out);
    assert.match(dry.out, /slurm: would submit 3 unit\(s\) as one array job/);
    for (
      const l of [
        "#SBATCH --array=0-2%4",
        "#SBATCH --partition=gpu",
        "#SBATCH --time=00:30:00",
        "#SBATCH --qos=x",
      ]
    ) {
      assert.ok(dry.out.split("\n").includes(l), `${l} missing:\n${dry.out}`);
    }
    assert.equal(
      (dry.out.match(new RegExp(`^  ${root}/\\.cache/slurm/units/[0-9a-f]{64}$`, "gm")) ?? []).length,
      3,
    );
    assert.match(dry.out, /train\.nano_32x1\s+would run/);
    await assert.rejects(() => Deno.stat(`${root}/.cache/slurm/jobs`), Deno.errors.NotFound); // nothing submitted
    // `status` names a unit that a detached reproduce left in Slurm (its folder's slurm.json).
    const unit = /^ {2}(\S+\/units\/[0-9a-f]{64})$/m.exec(dry.out)![1];
    await Deno.mkdir(unit, { recursive: true });
    await Deno.writeTextFile(
      `${unit}/slurm.json`,
      JSON.stringify({ jobId: "77", task: 1, log: "/l/77_1.out" }),
    );
    const st = await cli(["status", "--profile=nano"], root);
    assert.equal(st.code, 0, st.out);
    assert.equal(
      (st.out.match(
        /would run .*submitted to Slurm as job 77_1 \(log \/l\/77_1\.out\); reproduce --executor slurm waits for it/g,
      ) ?? [])
        .length,
      1,
      st.out,
    );
    const bad = await cli(["reproduce", "--profile", "nano", "--executor", "pbs"], root);
    assert.equal(bad.code, 2);
    assert.match(bad.out, /--executor: expected "local" or "slurm", got "pbs"/);
    const stray = await cli(["reproduce", "--profile", "nano", "--partition", "gpu"], root);
    assert.equal(stray.code, 2);
    assert.match(stray.out, /Slurm flags need --executor slurm/);
    await Deno.writeTextFile(`${root}/slurm.json`, JSON.stringify({ partion: "gpu" }));
    const typo = await cli([
      "reproduce",
      "--profile=nano",
      "--only=train.nano_32x1",
      "--executor=slurm",
      "--dry-run",
    ], root);
    assert.equal(typo.code, 1);
    assert.match(typo.out, /slurm\.json: unknown field "partion"/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
