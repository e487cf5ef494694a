/**
 * The state study (seed 003, issue 18): models whose sequence mixer carries a state of chosen size
 * (scaling/count/mixer.ts: softmax, window, taylor, power, each with its knob) trained on multi-query associative
 * recall (kernels/data/mqar.ts) across contexts T in two regimes (K pairs growing with T, and K fixed) and
 * two widths, at the learning rate of a short sweep, a second seed on a few cells; then the runs' tables,
 * seed 003's fits and its report. Its stages:
 *
 * ```
 * corpus_T<T>_K<K> × contexts ──► lr_<W>x<D>_<lr> × lrs ──► lr_sweep ──► lr_optimum
 *                         └──────────────────► train.<name>_<mixer>_w<W>_T<T>_K<K>[_s<seed>] × runs
 *                                                   ──► collect_state ──► state_fits ──► report_state
 * ```
 *
 * This module holds the stage factories of the runs, `collect_state` and `state_fits`; the design (which runs)
 * is stages/state_design.ts, stages/pipeline.ts composes the graph and stages/profile_settings.ts holds the
 * sizes.
 * @module
 */
import type { Params, Stage } from "../pipeline/stage.ts";
import { type RunResult, trainStageId } from "./train.ts";
import { sweptTrainStage } from "./micro_study.ts";
import {
  stateCorpusId,
  stateEvalSteps,
  type StateRun,
  stateRuns,
  type StateStudySettings,
} from "./state_design.ts";
import { readLog } from "../kernels/train/log.ts";
import { formatCsv } from "../records/importers/table.ts";
import {
  readStateRuns,
  STATE_CURVE_COLUMNS,
  STATE_RUN_COLUMNS,
  type StateCurveRow,
  type StateFits,
  type StateRunRow,
} from "../records/state_runs.ts";
import { writeFileAtomic } from "../util/fs.ts";
import { fitStateLaw } from "../scaling/state/state_law.ts";
import { fitRecallLaw } from "../scaling/state/recall_law.ts";
import { fitContextLaw } from "../scaling/state/context_law.ts";
import { stateStar } from "../scaling/state/state_star.ts";

/** Returns the train stage of run `r`, at the sweep's optimum lr (stages/micro_study.ts `sweptTrainStage`). */
export function stateTrainStage(s: StateStudySettings, r: StateRun): Stage {
  return sweptTrainStage({
    runId: r.runId,
    model: r.model,
    train: {
      steps: s.steps,
      batchSize: s.batchSize,
      evalSteps: stateEvalSteps(s),
      evalBatches: s.evalBatches,
      logEvery: Math.max(1, Math.min(50, Math.floor(s.steps / s.evalsPerRun))),
      checkpointEvery: 0,
      seed: r.seed,
    },
    corpus: stateCorpusId(r.context),
    backend: s.backend,
  });
}

/** A run as `collect_state` is told about it (JSON): what the table needs besides the run's log. */
export type StateRunInfo = {
  runId: string;
  stage: string;
  mixer: string;
  kind: string;
  width: number;
  depth: number;
  context: number;
  pairs: number;
  seed: number;
  state: number;
  params: number;
};

/** Returns the run information `collect_state` takes. */
export function stateRunInfos(s: StateStudySettings): StateRunInfo[] {
  return stateRuns(s).map((r) => ({
    runId: r.runId,
    stage: trainStageId(r.runId),
    mixer: r.mixer,
    kind: r.model.mixer?.kind ?? "softmax",
    width: r.model.width,
    depth: r.model.depth,
    context: r.context.seqLen,
    pairs: r.context.pairs,
    seed: r.seed,
    state: r.state,
    params: r.params,
  }));
}

/** Returns the accuracy logged at a validation checkpoint (`val_accuracy`), NaN when the log has none. */
function accuracyOf(rec: Record<string, unknown>): number {
  const a = rec.val_accuracy;
  return typeof a === "number" && Number.isFinite(a) ? a : NaN;
}

/** Parameters of `collect_state`: the runs and, for shipped logs, their folder (relative to the project root). */
export type CollectStateParams = { runs: StateRunInfo[]; runsDir: string | null };

/**
 * Returns the `collect_state` stage: reads every run's `log.jsonl` and `result.json` (from its train stage,
 * or, with `runsDir`, from `<runsDir>/<run id>/` as tools/state_units.ts writes them, checking each
 * `config.json`'s width and mixer against the design) and writes `state_runs.csv` (one row per run) and
 * `state_curves.csv` (one row per validation checkpoint).
 */
export function collectStateStage(
  runs: readonly StateRunInfo[],
  runsDir: string | null = null,
): Stage<CollectStateParams & Params> {
  const files = (r: StateRunInfo) =>
    ["config.json", "log.jsonl", "result.json"].map((f) => `${runsDir}/${r.runId}/${f}`);
  return {
    name: "collect_state",
    id: "collect_state",
    module: import.meta.url,
    deps: runsDir === null ? runs.map((r) => r.stage) : [],
    params: { runs: runs.map((r) => ({ ...r })), runsDir } as CollectStateParams & Params,
    inputs: runsDir === null ? [] : runs.flatMap(files),
    outputs: ["state_runs.csv", "state_curves.csv"],
    async run(ctx) {
      const rows: StateRunRow[] = [];
      const curves: StateCurveRow[] = [];
      const shipped = ctx.params.runsDir;
      for (const r of ctx.params.runs) {
        const dir = shipped === null ? ctx.deps[r.stage] : `${ctx.root}/${shipped}/${r.runId}`;
        if (shipped !== null) {
          const path = `${shipped}/${r.runId}/config.json`;
          const model = JSON.parse(await Deno.readTextFile(`${ctx.root}/${path}`)).model ?? {};
          const kind = model.mixer?.kind ?? "softmax";
          if (model.width !== r.width || kind !== r.kind) {
            throw new Error(
              `${path}: run ${r.runId} should have width ${r.width} and mixer ${r.kind}, got width ${model.width} ` +
                `and mixer ${JSON.stringify(model.mixer ?? "softmax")}`,
            );
          }
        }
        const result = JSON.parse(await Deno.readTextFile(`${dir}/result.json`)) as RunResult;
        const evals = (await readLog(`${dir}/log.jsonl`)).filter((x) =>
          "val_loss" in x && typeof x.val_loss === "number"
        ) as unknown as (Record<string, unknown> & { step: number; tokens: number; val_loss: number })[];
        for (const e of evals) {
          curves.push({
            run_id: r.runId,
            step: e.step,
            tokens: e.tokens,
            loss: e.val_loss,
            accuracy: accuracyOf(e),
          });
        }
        const last = evals.at(-1);
        rows.push({
          run_id: r.runId,
          mixer: r.mixer,
          kind: r.kind,
          width: r.width,
          depth: r.depth,
          context: r.context,
          pairs: r.pairs,
          seed: r.seed,
          state: r.state,
          params: r.params,
          tokens: result.tokens,
          loss: result.diverged || last === undefined ? NaN : last.val_loss,
          accuracy: result.diverged || last === undefined ? NaN : accuracyOf(last),
          diverged: result.diverged,
        });
        if (result.diverged) {
          ctx.log(`collect_state: run ${r.runId} diverged (${result.reason}); left out of the fits`);
        }
      }
      const cells = (o: object, cols: readonly string[]) =>
        cols.map((c) => (o as Record<string, string | number | boolean>)[c]);
      await writeFileAtomic(
        `${ctx.outDir}/state_runs.csv`,
        formatCsv(STATE_RUN_COLUMNS, rows.map((r) => cells(r, STATE_RUN_COLUMNS))),
      );
      await writeFileAtomic(
        `${ctx.outDir}/state_curves.csv`,
        formatCsv(STATE_CURVE_COLUMNS, curves.map((r) => cells(r, STATE_CURVE_COLUMNS))),
      );
      ctx.log(`collect_state: ${rows.length} runs, ${curves.length} checkpoints`);
    },
  };
}

/** Settings of the fits (JSON). */
export type StateFitSettings = {
  /** Contexts of the growing regime, "T<T>_K<K>". */
  growing: string[];
  /** Contexts of the fixed regime. */
  fixed: string[];
  /** Vocabulary (chance recall = 2 / V: one of the V/2 values). */
  vocabSize: number;
  /** Bootstrap resamples of each fit. */
  bootstrapSamples: number;
};

export type { StateFits };

/** Returns the fits of the study's runs (see {@link StateFits}); pure. */
export function stateFitsOf(rows: readonly StateRunRow[], f: StateFitSettings): StateFits {
  const ok = rows.filter((r) => !r.diverged && Number.isFinite(r.loss) && r.loss > 0);
  const label = (r: StateRunRow) => `T${r.context}_K${r.pairs}`;
  const growing = ok.filter((r) => f.growing.includes(label(r)));
  const skipped: string[] = [];
  const stateLaws: StateFits["stateLaws"][number][] = [];
  const kinds = [...new Set(ok.map((r) => r.kind))];
  const widths = [...new Set(ok.map((r) => r.width))].sort((a, b) => a - b);
  for (const width of widths) {
    const atWidth = growing.filter((r) => r.width === width);
    if (atWidth.length === 0) continue;
    const context = Math.max(...atWidth.map((r) => r.context));
    const here = atWidth.filter((r) => r.context === context);
    const pairs = here[0].pairs;
    const softmax = here.filter((r) => r.kind === "softmax");
    const softmaxLoss = softmax.length > 0 ? Math.min(...softmax.map((r) => r.loss)) : NaN;
    for (const kind of kinds.filter((k) => k !== "softmax")) {
      const pts = here.filter((r) => r.kind === kind);
      if (pts.length < 2) {
        skipped.push(`state law of ${kind} at width ${width}, T ${context}: ${pts.length} run(s)`);
        continue;
      }
      const loss = fitStateLaw(
        pts.map((r) => ({ state: r.state, lossNats: r.loss, group: r.run_id })),
        { bootstrapSamples: f.bootstrapSamples },
      );
      const acc = pts.filter((r) => Number.isFinite(r.accuracy));
      const recall = acc.length >= 2
        ? fitRecallLaw(acc.map((r) => ({ state: r.state, accuracy: r.accuracy })), 2 / f.vocabSize)
        : null;
      // N: the softmax model's non-embedding parameters at this width (the model size; a linear mixer's
      // q/k of d' per head changes N by a few per cent between knobs).
      const star = Number.isFinite(softmaxLoss)
        ? stateStar(
          loss,
          pts.map((r) => ({ state: r.state, lossNats: r.loss })),
          softmaxLoss,
          softmax[0].params,
        )
        : null;
      stateLaws.push({ kind, width, context, pairs, loss, recall, star });
    }
  }
  const contextLaws: StateFits["contextLaws"][number][] = [];
  for (const regime of ["growing", "fixed"] as const) {
    const inRegime = ok.filter((r) => f[regime].includes(label(r)));
    for (const width of widths) {
      for (const kind of kinds.filter((k) => k !== "softmax")) {
        const pts = inRegime.filter((r) => r.width === width && r.kind === kind);
        if (pts.length < 3) {
          if (pts.length > 0) {
            skipped.push(`heat-map law of ${kind}, ${regime} K, width ${width}: ${pts.length} run(s)`);
          }
          continue;
        }
        const fit = fitContextLaw(
          pts.map((r) => ({ state: r.state, context: r.context, lossNats: r.loss, group: r.run_id })),
          { bootstrapSamples: f.bootstrapSamples },
        );
        contextLaws.push({ regime, kind, width, fit });
      }
    }
  }
  return { stateLaws, contextLaws, skipped };
}

/** Returns the `state_fits` stage: reads `collect_state`'s state_runs.csv and writes `state_fits.json`. */
export function stateFitsStage(f: StateFitSettings): Stage<StateFitSettings & Params> {
  return {
    name: "state_fits",
    id: "state_fits",
    module: import.meta.url,
    deps: ["collect_state"],
    params: f as StateFitSettings & Params,
    inputs: [],
    outputs: ["state_fits.json"],
    async run(ctx) {
      const rows = await readStateRuns(`${ctx.deps["collect_state"]}/state_runs.csv`);
      const fits = stateFitsOf(rows, ctx.params);
      await writeFileAtomic(`${ctx.outDir}/state_fits.json`, JSON.stringify(fits, null, 1) + "\n");
      for (const l of fits.stateLaws) {
        ctx.log(
          `state_fits: ${l.kind} w${l.width} T${l.context}: L(S) = ${l.loss.E.toPrecision(3)} + ${
            l.loss.A.toPrecision(3)
          }·S^−${l.loss.alpha.toPrecision(3)} (${l.loss.health.verdict})`,
        );
      }
      for (const c of fits.contextLaws) {
        ctx.log(
          `state_fits: ${c.kind} ${c.regime} K w${c.width}: γ = ${
            c.fit.gamma.toPrecision(3)
          } (${c.fit.health.verdict})`,
        );
      }
      for (const s of fits.skipped) ctx.log(`state_fits: not fitted: ${s}`);
    },
  };
}
