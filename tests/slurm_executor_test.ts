// The Slurm executor against a real single-node Slurm (slurmctld + slurmd on this machine, started by
// tools/slurm_local.sh, which tools/test.sh runs): the nano profile's three training units, made smaller
// and trained on the float64 reference backend (the executor is under test here, not the kernels: they
// have their own tests), go to Slurm as ONE array job and their logs are bit-identical to the local
// executor's; a unit warned with
// USR1 (`scancel --signal=USR1 --batch`, what `--signal=B:USR1@<s>` sends before a time limit)
// checkpoints, requeues itself, resumes and ends bit-identical; a unit cancelled with scancel is reported
// by stage name, job id and log path while the other unit's result enters the store; a rerun resubmits
// only the missing unit.
import assert from "node:assert/strict";
import { definition } from "../stages/pipeline.ts";
import { runPipeline, StageFailedError, type StageResult } from "../pipeline/runner.ts";
import { nodeIdOf } from "../pipeline/fingerprint.ts";
import { type SlurmConfig, SlurmExecutor } from "../pipeline/executor_slurm.ts";
import type { Stage } from "../pipeline/stage.ts";
import { type RunSpec, TRAIN_UNIT_TASK, trainStage } from "../stages/train.ts";
import { readLog, TIMING_FIELDS } from "../kernels/train/mod.ts";

const decoder = new TextDecoder();

async function sh(cmd: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  assert.equal(out.code, 0, `${cmd} ${args.join(" ")}: ${decoder.decode(out.stderr)}`);
  return decoder.decode(out.stdout);
}

/** Steps of each nano run. */
const STEPS = 120;

/**
 * The nano profile's corpus and train stages (what an executor runs), optionally only some runs; each run
 * trains on the float64 reference backend with 2 held-out batches per evaluation (the nano profile: WebGPU,
 * 8 batches), a few seconds a run. A checkpoint holds float32 state and a run goes on from exactly what it
 * saved; so that a run stopped at any step resumes bit-identical to one that was not (as a float32 WebGPU
 * run does), these checkpoint after every step.
 */
function nanoUnits(only?: string[]): Stage[] {
  return definition.build({ variant: "paper", profile: "nano" }).flatMap((s) => {
    if (s.name === "corpus") return [s];
    if (s.name !== "train" || (only && !only.includes(nodeIdOf(s)))) return [];
    const spec = s.params as unknown as RunSpec;
    assert.equal(spec.train.steps, STEPS);
    const reference = {
      ...spec,
      backend: "reference" as const,
      train: { ...spec.train, evalBatches: 2, checkpointEvery: 1 },
    };
    return [trainStage(reference) as unknown as Stage];
  });
}

function withoutTiming(rec: object): object {
  const o: Record<string, unknown> = { ...rec };
  for (const f of TIMING_FIELDS) delete o[f];
  return o;
}

async function logs(results: StageResult[]): Promise<Map<string, object[]>> {
  const out = new Map<string, object[]>();
  for (const r of results) {
    if (r.id.startsWith("train.")) out.set(r.id, (await readLog(`${r.outDir}/log.jsonl`)).map(withoutTiming));
  }
  return out;
}

const CONFIG: SlurmConfig = {
  cpusPerTask: 1,
  pollMinSeconds: 1,
  pollMaxSeconds: 2,
  jobName: "gemstones-test",
  deno: Deno.execPath(), // the nodes are this machine
};

function executor(
  root: string,
  lines: string[],
  config: SlurmConfig = CONFIG,
  detach = false,
) {
  return new SlurmExecutor({
    root,
    config,
    task: TRAIN_UNIT_TASK,
    expected: [], // submit after the last unit arrived (3 s); the CLI passes the planned units instead
    detach,
    write: (l) => lines.push(l),
  });
}

async function untilLogged(dir: string, step: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const recs = await readLog(`${dir}/log.jsonl`);
      if (recs.some((r) => !("event" in r) && r.step >= step)) return;
    } catch { /* not started yet */ }
    assert.ok(Date.now() < deadline, `${dir}: step ${step} not logged in time`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function firstDir(path: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(path)) if (e.isDirectory) out.push(`${path}/${e.name}`);
  } catch { /* none */ }
  return out;
}

Deno.test("slurm: nano through one array job equals the local executor; requeue, cancel and rerun", async (t) => {
  const info = await sh("sinfo", "-h", "-o", "%T");
  assert.match(
    info,
    /idle|mixed|allocated/,
    `no idle Slurm node (run bash tools/slurm_local.sh start): ${info}`,
  );
  const roots: string[] = [];
  const mkroot = async (p: string) => {
    const r = await Deno.makeTempDir({ prefix: `slurm_${p}_` });
    roots.push(r);
    return r;
  };
  try {
    const local = await logs(await runPipeline(nanoUnits(), { root: await mkroot("local"), jobs: 2 }));
    assert.equal(local.size, 3);

    await t.step("the nano grid as one array job: logs bit-identical to the local executor's", async () => {
      const root = await mkroot("array");
      const lines: string[] = [];
      const stages = nanoUnits();
      const results = await runPipeline(stages, { root, jobs: 2, executor: executor(root, lines) });
      const submitted = lines.filter((l) => /submitted \d+ unit\(s\) as array job/.test(l));
      assert.equal(submitted.length, 1, lines.join("\n"));
      assert.match(submitted[0], /submitted 3 unit\(s\) as array job \d+/);
      assert.deepEqual(await logs(results), local);
      // The units' folders are gone once their outputs are in the store; the logs of the tasks stay.
      assert.deepEqual(await firstDir(`${root}/.cache/slurm/units`), []);
      const jobId = /array job (\d+)/.exec(submitted[0])![1];
      for (const i of [0, 1, 2]) {
        assert.match(
          await Deno.readTextFile(`${root}/.cache/slurm/logs/${jobId}_${i}.out`),
          new RegExp(`: done at step ${STEPS}`),
        );
      }
      // A second run finds every unit in the store and submits nothing.
      const again: string[] = [];
      const cached = await runPipeline(stages, { root, executor: executor(root, again) });
      assert.ok(cached.every((r) => r.cached));
      assert.deepEqual(again, []);
    });

    await t.step(
      "USR1 before the time limit: checkpoint, requeue, resume bit-identical; scancel names the unit",
      async () => {
        const root = await mkroot("requeue");
        const lines: string[] = [];
        const stages = nanoUnits(["train.nano_32x1", "train.nano_32x2"]);
        // One task at a time: 32x1 runs while 32x2 waits in the queue.
        const run = runPipeline(stages, {
          root,
          executor: executor(root, lines, { ...CONFIG, parallel: 1 }),
        }).then(() => null, (e) => e);
        let units: string[] = [];
        while (units.length < 2) {
          units = (await firstDir(`${root}/.cache/slurm/units`)).filter((d) => {
            try {
              return Deno.statSync(`${d}/slurm.json`).isFile;
            } catch {
              return false;
            }
          });
          await new Promise((r) => setTimeout(r, 200));
        }
        const subs = await Promise.all(
          units.map(async (d) => ({
            dir: d,
            stage: `train.${JSON.parse(await Deno.readTextFile(`${d}/run.json`)).runId}`,
            ...JSON.parse(await Deno.readTextFile(`${d}/slurm.json`)),
          })),
        );
        // Task 0 runs first; task 1 waits for it in the queue.
        const first = subs.find((s) => s.task === 0)!, second = subs.find((s) => s.task === 1)!;
        await untilLogged(first.dir, 24, 300_000);
        await sh("scancel", "--signal=USR1", "--batch", `${first.jobId}_0`);
        await sh("scancel", `${second.jobId}_1`);
        const err = await run;
        assert.ok(err instanceof StageFailedError, `expected a failure, got ${err}`);
        assert.equal(err.stageId, second.stage);
        assert.match(
          err.message,
          new RegExp(
            `${
              second.stage.replace(".", "\\.")
            }: Slurm job ${second.jobId}_1 ended without finishing the unit.*` +
              `log: ${second.log}`,
          ),
        );
        // The other unit was requeued, resumed from its checkpoint and entered the store bit-identical.
        const log0 = await Deno.readTextFile(first.log);
        assert.match(log0, /checkpoint written; requeueing/);
        assert.match(log0, /restart 1:/);
        assert.match(log0, new RegExp(`done at step ${STEPS} .*\\(resumed from step \\d+\\)`));
        const ok = await runPipeline(nanoUnits([first.stage]), { root, dryRun: true });
        assert.ok(ok.every((r) => r.cached));
        const entry = ok.find((r) => r.id === first.stage)!;
        assert.deepEqual(
          (await readLog(`${entry.outDir}/log.jsonl`)).map(withoutTiming),
          local.get(first.stage),
        );
        const result = JSON.parse(await Deno.readTextFile(`${entry.outDir}/result.json`));
        assert.ok(
          result.resumedFrom >= 24 && result.resumedFrom < STEPS,
          `resumed from ${result.resumedFrom}`,
        );

        // A rerun resubmits only the missing unit (detached: it is then cancelled to free the node).
        const again: string[] = [];
        const detached = await runPipeline(stages, {
          root,
          executor: executor(root, again, CONFIG, true),
        })
          .then(() => null, (e) => e);
        assert.ok(detached instanceof StageFailedError && detached.stageId === second.stage, `${detached}`);
        const sub = again.find((l) => /submitted/.test(l)) ?? "";
        assert.match(sub, /submitted 1 unit\(s\) as array job (\d+)/);
        await sh("scancel", /array job (\d+)/.exec(sub)![1]);
      },
    );
  } finally {
    for (const r of roots) await Deno.remove(r, { recursive: true }).catch(() => {});
  }
});
