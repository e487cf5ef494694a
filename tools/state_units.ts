/**
 * The state study's GPU tier as one command on a machine without a package registry (the device that the
 * `state-h100` profile is sized for): prepares the study's MQAR corpora, trains the lr sweep as units
 * (stages/run_units.ts), takes the sweep's lowest final loss as the learning rate (lr·width·√depth), then
 * trains every run of the study at it, and writes each run's `config.json`, `log.jsonl`, `result.json` and
 * `run.json` under `<out>/runs/`, the sweep's under `<out>/sweep/`, with `timings.json` each and
 * `lr.json`. The pipeline's own `lr_optimum` takes the parabola vertex instead (figures/specs/lr_sweep.ts,
 * which needs npm packages); the grid's lrs differ by less than one step of the sweep.
 *
 * Usage (from the repository root):
 *   deno run --allow-read=. --allow-write=. tools/state_units.ts --out .cache/state-units [--profile state-h100]
 *     [--backend gpu|reference] [--only-plan]
 * @module
 */
import { parseArgs } from "node:util";
import { STATE_STUDIES } from "../stages/state_profiles.ts";
import {
  contextLabel,
  stateCorpora,
  stateEvalSteps,
  stateLrSweep,
  statePlanRuns,
  stateRuns,
  type StateStudySettings,
} from "../stages/state_design.ts";
import { prepareMqar, resolveMqarPrepare } from "../kernels/data/mqar.ts";
import { resolveTrainConfig, type TrainConfig } from "../kernels/train/config.ts";
import { runUnits } from "../stages/run_units.ts";
import type { BackendName } from "../kernels/backend_of.ts";
import { writeFileAtomic } from "../util/fs.ts";

/** Writes one unit folder `<dir>/<runId>/run.json` per config. */
async function writeUnitFiles(dir: string, configs: ReadonlyMap<string, TrainConfig>, backend: BackendName) {
  for (const [runId, config] of configs) {
    await Deno.mkdir(`${dir}/${runId}`, { recursive: true });
    await writeFileAtomic(
      `${dir}/${runId}/run.json`,
      JSON.stringify({ runId, backend, config }, null, 2) + "\n",
    );
  }
}

/** Returns the sweep's unit configs (peak lr exactly each sweep lr) over corpora under `corpora`. */
export function sweepConfigs(s: StateStudySettings, corpora: string): Map<string, TrainConfig> {
  const w = stateLrSweep(s);
  const m = w.models[0];
  const model = { ...w.architecture, width: m.width, depth: m.depth };
  return new Map(w.learningRates.map((lr) => {
    const runId = `lr_${m.width}x${m.depth}_${lr.toExponential().replace("+", "")}`;
    return [
      runId,
      resolveTrainConfig({
        model,
        corpus: `${corpora}/${contextLabel(s.lrSweep.context)}`,
        steps: w.steps,
        batchSize: w.batchSize,
        lrBase: lr * m.width * Math.sqrt(m.depth),
        evalSteps: [w.steps],
        evalBatches: w.evalBatches,
        logEvery: Math.max(1, Math.min(50, w.steps)),
        checkpointEvery: 0,
        seed: 0,
      }, `state sweep unit ${runId}`),
    ];
  }));
}

/** Returns the study's unit configs at lr·width·√depth `lrBase`, corpora under `corpora`. */
export function runConfigs(s: StateStudySettings, corpora: string, lrBase: number): Map<string, TrainConfig> {
  return new Map(
    stateRuns(s).map((r) => [
      r.runId,
      resolveTrainConfig({
        model: r.model,
        corpus: `${corpora}/${contextLabel(r.context)}`,
        steps: s.steps,
        batchSize: s.batchSize,
        lrBase,
        evalSteps: stateEvalSteps(s),
        evalBatches: s.evalBatches,
        logEvery: Math.max(1, Math.min(50, Math.floor(s.steps / s.evalsPerRun))),
        checkpointEvery: 0,
        seed: r.seed,
      }, `state unit ${r.runId}`),
    ]),
  );
}

/**
 * Runs the whole tier into `out`: corpora, sweep, lr choice, runs. Returns the chosen lr·width·√depth.
 * `root` is the repository root (corpus paths in the shipped configs are relative to it).
 */
export async function runStateTier(
  s: StateStudySettings,
  out: string,
  backend: BackendName,
  root: string,
  log: (line: string) => void = console.log,
): Promise<number> {
  const corpora = `${out}/corpora`;
  for (const { spec } of stateCorpora(s)) {
    if (spec.source !== "mqar") continue;
    const { source: _s, ...task } = spec;
    const dir = `${corpora}/T${spec.seqLen}_K${spec.pairs}`;
    await prepareMqar(resolveMqarPrepare({ ...task, outDir: dir }));
    log(`corpus ${dir}: ${spec.trainExamples} train, ${spec.testExamples} test examples`);
  }
  const sweep = sweepConfigs(s, corpora);
  await writeUnitFiles(`${out}/sweep_units`, sweep, backend);
  const st = await runUnits(`${out}/sweep_units`, `${out}/sweep`, { root, log });
  const m = stateLrSweep(s).models[0];
  const finite = st.runs.filter((r) =>
    r.status === "done" && r.finalValLoss !== null && Number.isFinite(r.finalValLoss)
  );
  if (finite.length === 0) throw new Error("state tier: every sweep run diverged or has no final loss");
  const best = finite.reduce((a, b) => (b.finalValLoss! < a.finalValLoss! ? b : a));
  const lrBase = sweep.get(best.runId)!.lrBase;
  await writeFileAtomic(
    `${out}/lr.json`,
    JSON.stringify({ lrWidthSqrtDepth: lrBase, from: best.runId, model: `${m.width}x${m.depth}` }, null, 2) +
      "\n",
  );
  log(
    `lr: ${best.runId} has the lowest final loss ${
      best.finalValLoss!.toFixed(4)
    }: lr·width·√depth = ${lrBase}`,
  );
  await writeUnitFiles(`${out}/units`, runConfigs(s, corpora, lrBase), backend);
  await runUnits(`${out}/units`, `${out}/runs`, { root, log });
  return lrBase;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      out: { type: "string", default: ".cache/state-units" },
      profile: { type: "string", default: "state-h100" },
      backend: { type: "string" },
      "only-plan": { type: "boolean", default: false },
    },
  });
  const p = STATE_STUDIES[values.profile!];
  if (p === undefined) {
    console.error(`unknown profile "${values.profile}"; valid: ${Object.keys(STATE_STUDIES).join(", ")}`);
    Deno.exit(2);
  }
  const backend = (values.backend ?? p.backend) as BackendName;
  if (backend !== "gpu" && backend !== "reference") {
    console.error(`--backend must be gpu or reference, got "${backend}"`);
    Deno.exit(2);
  }
  const plan = statePlanRuns(p);
  console.log(
    `${plan.length} units, ${plan.reduce((a, r) => a + r.tokens, 0).toExponential(2)} training tokens`,
  );
  if (!values["only-plan"]) await runStateTier(p, values.out!, backend, Deno.cwd());
}
