/**
 * The pipeline, declared top to bottom (the project's `dvc.yaml`): for every profile, which stages run
 * for a variant, what each depends on, and what is published. Per-variant stage ids are
 * `<stage>.<variant>`. Every profile feeds the same fit stages ({@link fitStages}); profiles differ only
 * in where their runs come from ({@link sourcesOf}), and their settings are data
 * (stages/profile_settings.ts).
 *
 * ```
 * sources (one of):
 *   paper:      data/ (the shipped runs) ──► collect
 *   micro/nano: grid (recorded) ; corpus ──► train.<run> × N ──► collect_trained   (+ lr sweep: train × 28 ──► lr_sweep)
 *   simulate:   collect (as paper_collect) ──► paper_law ; grid ──► simulate ──► collect_simulated
 *   micro-h100: data/micro-h100/<run> ──► collect_imported ; data/micro-h100-lr-sweep ──► lr_sweep
 * fits, from the collect node C:
 *   C ──► select_approach1.V ──► approach1.V
 *   C ──► select.V ──► approach2.V
 *            ├──────► approach3_eq1.V ──┐
 *            ├──────► approach3_eq2.V ──┼──► prescribe.V
 *            ├──────► approach3_eq3.V ──┘
 *            │            eq2 ──────────────► overtraining.V
 *            └────────────eq2 ──────────────► overspend.V
 * all of the above (+ lr_sweep) + approach3_eq1.W of every variant W (paper only: Figure 6, the rainbow) ──► report.V
 * diff A B: the stages of A and B ──► diff.A.B
 * ```
 * Each train stage depends only on the corpus (never on the grid stage), so editing one grid entry
 * changes one train stage's parameters and retrains that run alone. Stages of profiles with their own
 * runs fit subset "own" (or "simulated"/"simulated_cool"); diverged runs are left out by collect_trained.
 * @module
 */
import type { PipelineDefinition, Stage } from "../pipeline/stage.ts";
import { collectStage } from "./collect.ts";
import { collectImportedStage, collectSimulatedStage, collectTrainedStage } from "./collect_own.ts";
import { selectParams, selectStage } from "./select.ts";
import { approach1Stage } from "./fit_approach1.ts";
import { approach2Stage } from "./fit_approach2.ts";
import { approach3Stage } from "./fit_approach3.ts";
import { prescribeStage } from "./fit_prescribe.ts";
import { overtrainingStage } from "./fit_overtraining.ts";
import { overspendStage } from "./fit_overspend.ts";
import { perceiverReportStage, type RainbowFit, reportStage } from "./report.ts";
import { diffStage, diffStageId } from "./diff.ts";
import { buildGrid, gridStage, modelOfRow } from "./grid.ts";
import { SIMULATED_COOL_SUBSET, SIMULATED_SUBSET, simulateStage } from "./simulate.ts";
import { importedLrSweepStage, lrSweepStages } from "./lr_sweep.ts";
import { corpusStage, trainStage } from "./train.ts";
import { paperLawStage } from "./paper_law.ts";
import { resolveVariant, VARIANT_NAMES, type VariantSettings } from "./variants.ts";
import { type LawForm, stageId } from "./schemas.ts";
import {
  type FitTable,
  PAPER,
  PROFILE_SETTINGS,
  type ProfileSettings,
  type SimulateProfile,
  type TrainingProfile,
} from "./profile_settings.ts";

/** Names of the profiles, the default (`paper`: the real runs shipped under data/) first. */
export const PROFILES: readonly string[] = Object.keys(PROFILE_SETTINGS);

const FORMS: readonly LawForm[] = ["eq1", "eq2", "eq3"];

/** Where a profile's runs come from: the stages that make or read them, ending in one collect node. */
export interface Sources {
  /** The stages, in order. */
  readonly stages: Stage[];
  /** Node id of the collect stage the fits read. */
  readonly collect: string;
  /** The subset every variant fits (null: the variant's own subsets, as in the paper profile). */
  readonly subset: string | null;
  /** Node id of an lr_sweep stage the report draws (figure 10), if any. */
  readonly lrSweep?: string;
}

/** Options of {@link fitStages}. */
export interface FitStagesOptions {
  /** Approach 3 options per form (default: the paper profile's). */
  readonly fit?: FitTable;
  /** Node id of the collect stage read (default "collect"). */
  readonly collect?: string;
}
import { TRAIN_UNIT_TASK } from "./train.ts";
import { trainCost } from "./train_cost.ts";

/**
 * Returns the fitting stages of one variant (select, Approach 1/2/3, prescriptions, overtraining,
 * overspend); `v` defaults to the variant's settings from stages/variants.ts.
 */
export function fitStages(
  variant: string,
  v: VariantSettings = resolveVariant(variant),
  options: FitStagesOptions = {},
): Stage[] {
  const fit = options.fit ?? PAPER.fit;
  const collect = options.collect ?? "collect";
  return [
    // The rows this variant fits (subsets, exclusions, counting conventions resolved).
    selectStage(variant, v, { collect }),
    // Approach 1 (convex hull and Chinchilla binning, on FLOPs and GPU-hours) on its own (dense)
    // selection of checkpoints; Approach 2 (isoFLOP) where the data allows it.
    selectStage(variant, v, { purpose: "approach1", collect }),
    approach1Stage(variant, {}, stageId("select_approach1", variant)),
    approach2Stage(variant),
    // Approach 3: Eq. 1, Eq. 2 and Eq. 3 (Huber δ from the variant).
    ...FORMS.map((f) => approach3Stage(variant, f, { ...fit[f], huberDelta: v.huberDelta })),
    // What the laws prescribe: compute-optimal N, D (Eq. 1 closed form; Eq. 2/3 brute force over shapes).
    prescribeStage(variant, v),
    // Figure 8 (overtraining) and Figure 7 (overspend in FLOPs and GPU-hours), from the Eq. 2 law.
    overtrainingStage(variant, v),
    overspendStage(variant, v),
  ];
}

/** Returns one train stage per grid row of `s` (ids `train.<profile>_<W>x<D>`), reading corpus `corpusId`. */
export function trainStagesOf(s: TrainingProfile, corpusId = "corpus"): Stage[] {
  const perStep = s.grid.batchSize * s.grid.seqLen;
  return buildGrid(s.grid).filter((r) => !(s.drop ?? []).includes(r.model)).map((row) => {
    const steps = row.tokens / perStep;
    const evalSteps = Math.max(1, Math.floor(steps / s.evalsPerRun));
    return trainStage({
      runId: `${s.name}_${row.model}`,
      model: modelOfRow(s.grid, row),
      train: {
        steps,
        batchSize: s.grid.batchSize,
        lrBase: s.grid.lrBase,
        evalEveryTokens: evalSteps * perStep,
        evalBatches: s.evalBatches,
        logEvery: Math.max(1, Math.min(evalSteps, 50)),
        checkpointEvery: s.checkpointEvery,
        seed: 0,
      },
      corpus: corpusId,
      backend: s.backend,
    });
  });
}

/** Returns the sources of the simulate profile `s` for `variant` (its cooldown variants fit the cooled runs). */
function simulateSources(s: SimulateProfile, variant: string): Sources {
  const paper = resolveVariant("paper");
  const { targetParams: _t, include: _i, ...architecture } = s.grid;
  const lawStages: Stage[] = s.law === null
    // The generating law: the paper's Eq. 2 fit on the shipped Gemstones runs.
    ? [
      { ...collectStage(), id: "paper_collect" },
      paperLawStage(
        { ...PAPER.fit.eq2, huberDelta: paper.huberDelta, bootstrapSamples: 0 },
        selectParams("paper", paper),
      ),
    ]
    : [];
  return {
    stages: [
      ...lawStages,
      gridStage(s.grid),
      simulateStage({
        grid: "grid",
        architecture,
        law: s.law === null ? null : { E: s.law.E, terms: s.law.terms.map((t) => ({ ...t })) },
        lawFrom: s.law === null ? "paper_law" : null,
        paramsConvention: paper.paramsConvention,
        checkpoints: s.checkpoints,
        firstFraction: s.firstFraction,
        tokensPerStep: s.grid.batchSize * s.grid.seqLen,
        cooldown: { ...s.cooldown },
        noise: s.noise,
        seed: s.seed,
      }),
      collectSimulatedStage(["simulate"]),
    ],
    collect: "collect_simulated",
    subset: resolveVariant(variant).subsets.some((x) => x.startsWith("cool"))
      ? SIMULATED_COOL_SUBSET
      : SIMULATED_SUBSET,
  };
}

/** Returns where the runs of profile `p` come from, for `variant`. */
export function sourcesOf(p: ProfileSettings, variant: string): Sources {
  switch (p.kind) {
    case "paper":
      // Every real run, one tidy table (all counting conventions side by side).
      return { stages: [collectStage()], collect: "collect", subset: null };
    case "train": {
      const trains = trainStagesOf(p);
      return {
        stages: [
          gridStage(p.grid),
          corpusStage(p.corpus),
          ...trains,
          ...(p.lrSweep ? lrSweepStages(p.lrSweep) : []),
          collectTrainedStage(trains.map((t) => t.id!)),
        ],
        collect: "collect_trained",
        subset: "own",
        ...(p.lrSweep ? { lrSweep: "lr_sweep" } : {}),
      };
    }
    case "simulate":
      return simulateSources(p, variant);
    case "imported":
      return {
        stages: [
          collectImportedStage(p.runs.map((id) => `${p.runsDir}/${id}`)),
          ...(p.lrSweep ? [importedLrSweepStage(p.lrSweep, p.lrSweepDir)] : []),
        ],
        collect: "collect_imported",
        subset: "own",
        ...(p.lrSweep ? { lrSweep: "lr_sweep" } : {}),
      };
  }
}

/**
 * Returns the settings of `variant` for runs from `sources`: the variant's own, or, for a profile with its
 * own runs, the variant with its data selection pointed at the profile's subset (every run, every token).
 */
export function variantOfSources(variant: string, sources: Sources): VariantSettings {
  const v = resolveVariant(variant);
  if (sources.subset === null) return v;
  return {
    ...v,
    subsets: [sources.subset],
    approach1Subsets: [],
    excludeRuns: [],
    widths: [],
    minTokens: 0,
    maxTokens: null,
  };
}

/**
 * Returns every stage of `variant` under the profile settings `p`: its sources, the fit stages, (paper
 * only) the Eq. 1 fit of every other variant for the rainbow, and the report.
 */
export function profileStages(p: ProfileSettings, variant: string): Stage[] {
  const sources = sourcesOf(p, variant);
  const v = variantOfSources(variant, sources);
  const stages = [...sources.stages, ...fitStages(variant, v, { fit: p.fit, collect: sources.collect })];
  // The report: every figure of this variant, plus (paper) the Eq. 1 prescription of every variant (rainbow).
  const rainbow: Record<string, string> = {};
  const rainbowFits: Record<string, RainbowFit> = {};
  if (p.kind === "paper") {
    for (const w of VARIANT_NAMES) {
      const settings = resolveVariant(w);
      if (w !== variant) {
        stages.push(
          selectStage(w, settings, { collect: sources.collect }),
          approach3Stage(w, "eq1", { ...p.fit.eq1, huberDelta: settings.huberDelta }),
        );
      }
      rainbow[w] = stageId("approach3_eq1", w);
      rainbowFits[w] = {
        subsets: [...settings.subsets],
        noEmbeds: settings.paramsConvention.startsWith("non_embedding"),
      };
    }
  }
  const lrSweep = sources.lrSweep === undefined ? {} : { lrSweep: sources.lrSweep };
  stages.push(
    reportStage({
      variant,
      deps: {
        collect: sources.collect,
        selectApproach1: stageId("select_approach1", variant),
        rainbow,
        ...lrSweep,
      },
      rainbowFits,
    }),
  );
  // The Perceiver AR runs (seed 000, shipped with the paper's data): their own report.
  if (p.kind === "paper") stages.push(perceiverReportStage({ collect: sources.collect }));
  return stages;
}

/** Returns the settings of profile `name`; throws listing the valid names. */
export function profileSettings(name: string): ProfileSettings {
  const p = PROFILE_SETTINGS[name];
  if (p === undefined || !Object.hasOwn(PROFILE_SETTINGS, name)) {
    throw new Error(`unknown profile "${name}"; valid profiles: ${PROFILES.join(", ")}`);
  }
  return p;
}

/** Returns every stage of one variant's run under `profile` (default "paper"). */
export function buildVariant(variant: string, profile = "paper"): Stage[] {
  return profileStages(profileSettings(profile), variant);
}

/** Returns the stages of the diff of variants `a` and `b` under `profile`: both sides' sources and fits, and the diff. */
export function diffStages(a: string, b: string, profile = "paper"): Stage[] {
  const p = profileSettings(profile);
  const seen = new Set<string>();
  const stages: Stage[] = [];
  for (const variant of [a, b]) {
    const sources = sourcesOf(p, variant);
    const fits = fitStages(variant, variantOfSources(variant, sources), {
      fit: p.fit,
      collect: sources.collect,
    });
    for (const s of [...sources.stages, ...fits]) {
      const id = s.id ?? s.name;
      if (!seen.has(id)) {
        seen.add(id);
        stages.push(s);
      }
    }
  }
  stages.push(diffStage({ a, b }));
  return stages;
}

/**
 * Node ids published under `reports/<variant>/` after a run: each variant's report and fit records, and
 * the Perceiver AR report (`report_perceiver`).
 */
export const PUBLISH: readonly string[] = [
  "report_perceiver",
  ...VARIANT_NAMES.flatMap((v) =>
    [
      "report",
      "approach1",
      "approach2",
      "approach3_eq1",
      "approach3_eq2",
      "approach3_eq3",
      "prescribe",
      "overtraining",
      "overspend",
    ]
      .map((s) => stageId(s, v))
  ),
];

/** The pipeline definition handed to the CLI. */
export const definition: PipelineDefinition = {
  variants: VARIANT_NAMES,
  profiles: PROFILES,
  build: ({ variant, profile }) => buildVariant(variant, profile),
  diff: ({ a, b, profile }) => diffStages(a, b, profile),
  publish: PUBLISH,
  diffPublish: ({ a, b }) => [diffStageId(a, b)],
  unitTask: TRAIN_UNIT_TASK,
  preflight: (stages, toRun) => trainCost(stages, toRun),
};
