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
 * state, state-h100 (seed 003, its own graph, no Chinchilla fits; stages/state_study.ts):
 *   corpus_T<T>_K<K> × contexts ──► lr sweep ──► lr_optimum ──► train.<run> × N ──► collect_state
 *     ──► state_fits ──► report_state
 * fits, from the collect node C:
 *   C ──► select_approach1.V ──► approach1.V
 *   C ──► select.V ──► approach2.V
 *            ├──────► approach3_eq1.V ──┐
 *            ├──────► approach3_eq2.V ──┼──► prescribe.V
 *            ├──────► approach3_eq3.V ──┘
 *            │            eq2 ──────────────► overtraining.V
 *            └────────────eq2 ──────────────► overspend.V
 *   C ──► grid_size_study (paper only: Figure 20), sensitivity.V (paper only: the tornado)
 *            └── prescribe_relaxed.V (variants with relaxedPrescriptions: the paper's Appendix D)
 * report.V, from all of the above (+ lr_sweep) and, paper only: the nodes of V's width-depth variant
 *   (over_100b for paper: Figures 5, 7, 8, 12, 21, 23), the rainbow's 14 approach3_eq1 and 10 approach1 fits
 *   (Figure 6) and prescribe_relaxed of the Appendix D variants (Figures 13-19)
 * diff A B: the stages of A and B ──► diff.A.B
 * ```
 * Each train stage depends only on the corpus (never on the grid stage), so editing one grid entry
 * changes one train stage's parameters and retrains that run alone. Stages of profiles with their own
 * runs fit subset "own" (or "simulated"/"simulated_cool"); diverged runs are left out by collect_trained.
 *
 * Every CPU-bound stage is built with `offThread`, so the runner runs it in a worker of its own and
 * `--jobs N` keeps N cores busy; train stages (GPU: they name their adapter in `envIdentity`) run on the
 * main thread. {@link buildVariant} and {@link diffStages} enforce it (pipeline/graph.ts `requireWorkers`),
 * and a node shared by two parts of a graph (a rainbow fit that Appendix D fits too) must be the same stage
 * in both (`uniqueStages`). This module alone composes the graph: the stage modules (the lr sweep and the
 * micro study included) export stage factories, and the profiles' settings are data.
 * @module
 */
import type { PipelineDefinition, Stage } from "../pipeline/stage.ts";
import { offThread } from "../pipeline/off_thread.ts";
import { requireWorkers, uniqueStages } from "../pipeline/graph.ts";
import { collectStage } from "./collect.ts";
import { collectImportedStage, collectSimulatedStage, collectTrainedStage } from "./collect_own.ts";
import { selectParams, selectStage } from "./select.ts";
import { approach1Stage } from "./fit_approach1.ts";
import { approach2Stage } from "./fit_approach2.ts";
import { approach3Stage, type FitOptions } from "./fit_approach3.ts";
import { prescribeStage } from "./fit_prescribe.ts";
import { backtestStage } from "./fit_backtest.ts";
import { overtrainingStage } from "./fit_overtraining.ts";
import { overspendStage } from "./fit_overspend.ts";
import { reportStage } from "./report.ts";
import { perceiverReportStage } from "./report_perceiver.ts";
import { GRID_SIZE_SUBSET, gridSizeStudyStage, sensitivityParams, sensitivityStage } from "./sensitivity.ts";
import { FIGURE20_DELTAS } from "../scaling/fit/sensitivity.ts";
import { diffStage, diffStageId } from "./diff.ts";
import { buildGrid, gridStage, modelOfRow } from "./grid.ts";
import { SIMULATED_COOL_SUBSET, SIMULATED_SUBSET, simulateStage } from "./simulate.ts";
import { importedLrSweepStage, type LrSweepSettings, lrSweepStage, sweepTrainStage } from "./lr_sweep.ts";
import { corpusStage, trainStage } from "./train.ts";
import {
  lrOptimumStage,
  microRuns,
  type MicroStudySettings,
  microTrainStage,
  seedSpreadStage,
  studyPlanStage,
} from "./micro_study.ts";
import { paperLawStage } from "./paper_law.ts";
import { collectStateStage, stateFitsStage, stateRunInfos, stateTrainStage } from "./state_study.ts";
import { contextLabel, stateCorpora, stateLrSweep, stateRuns } from "./state_design.ts";
import { stateReportStage } from "./report_state.ts";
import {
  RAINBOW_APPROACH1,
  RAINBOW_EQ1,
  resolveVariant,
  VARIANT_NAMES,
  type VariantSettings,
} from "./variants.ts";
import { selectChinchillaStage } from "./select_chinchilla.ts";
import { authorsApproach3Path } from "../records/importers/authors_parameters.ts";
import { authorsLawKey } from "../figures/specs/authors_fit.ts";
import { type LawForm, stageId } from "../records/schemas.ts";
import { RELAXED_FORMS } from "../figures/inputs.ts";
import { LAW_NAMES } from "../scaling/laws/registry.ts";
import {
  type FitTable,
  PAPER,
  PROFILE_SETTINGS,
  type ProfileSettings,
  type SimulateProfile,
  type StateProfile,
  studySettingsOf,
  type TrainingProfile,
} from "./profile_settings.ts";

/** Names of the profiles, the default (`paper`: the real runs shipped under data/) first. */
export const PROFILES: readonly string[] = Object.keys(PROFILE_SETTINGS);

/** The profiles whose runs the law variants fit and diff (all but the state profiles, which have their own fits). */
export const LAW_PROFILES: readonly string[] = PROFILES.filter((p) => PROFILE_SETTINGS[p].kind !== "state");

/** The law forms every variant fits: every form of the law registry (scaling/laws). */
const FORMS: readonly LawForm[] = LAW_NAMES;

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
  /**
   * Prescribe the authors' stored laws of the same subset and δ beside ours (default false): only for the
   * Gemstones data the authors fitted (the paper profile), never for simulated or our own runs.
   */
  readonly authors?: boolean;
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
  const authors = (forms: readonly LawForm[]) => options.authors === true ? authorsLawsOf(v, forms) : {};
  return [
    // The rows this variant fits (subsets, exclusions, counting conventions resolved).
    offThread(selectStage, variant, v, { collect }),
    // Approach 1 (convex hull and Chinchilla binning, on FLOPs and GPU-hours) on its own (dense)
    // selection of checkpoints; Approach 2 (isoFLOP) where the data allows it.
    offThread(selectStage, variant, v, { purpose: "approach1", collect }),
    offThread(approach1Stage, variant, {}, stageId("select_approach1", variant)),
    offThread(approach2Stage, variant),
    // Approach 3: every form of the law registry, Eq. 1, 2 and 3 (Huber δ from the variant).
    ...FORMS.map((f) => offThread(approach3Stage, variant, f, { ...fit[f], huberDelta: v.huberDelta })),
    // Does each law extrapolate? Every form refitted without the 3 largest-compute runs.
    offThread(backtestStage, variant, {
      huberDelta: v.huberDelta,
      grids: Object.fromEntries(FORMS.map((f) => [f, fit[f].grid])) as Record<LawForm, FitOptions["grid"]>,
    }),
    // What the laws prescribe: compute-optimal N, D (Eq. 1 closed form; Eq. 2/3 brute force over shapes),
    // and, for the paper's Appendix D figures, the same with the integer constraints removed.
    offThread(prescribeStage, variant, v, { authorsLaws: authors(LAW_NAMES) }),
    // (Eq. 1 and Eq. 2 only: Figures 13-19 draw no Eq. 3 line, and each Eq. 3 fit costs seconds.)
    ...(v.relaxedPrescriptions
      ? [offThread(prescribeStage, variant, v, {
        relaxed: true,
        forms: [...RELAXED_FORMS],
        authorsLaws: authors(RELAXED_FORMS),
      })]
      : []),
    // Figure 8 (overtraining) and Figure 7 (overspend: measured checkpoints of Approach 1's dense selection
    // against their frontier, and the Eq. 2 law's view).
    // Each beside the authors' stored Eq. 2 fit of the same subset and δ, where they publish one.
    offThread(overtrainingStage, variant, v, "eq2", authors(["eq2"]).eq2 ?? ""),
    offThread(
      overspendStage,
      variant,
      v,
      "eq2",
      stageId("select_approach1", variant),
      authors(["eq2"]).eq2 ?? "",
    ),
  ];
}

/** The variants whose relaxed prescriptions the paper's Appendix D figures (13-19) draw. */
export const APPENDIX_D_VARIANTS: readonly string[] = [
  "lr_ablation",
  "cooldown",
  "over_120b_only",
  "over_100b",
  "over_100b_huber_1e-3",
  "lr_ablation_huber_1e-3",
  "cooldown_huber_1e-3",
];

/** Hoffmann et al.'s points (collect's chinchilla.csv) as a rainbow law of their own: name -> subset. */
const CHINCHILLA_POINTS: Readonly<Record<string, string>> = { slim_chinchilla: "slim_chinchilla" };

/**
 * Returns the repository path of the authors' stored fit of law `form` on the data of variant settings `s` (its
 * one subset, Huber δ and params convention), or null when `s` fits more than one subset.
 */
export function authorsLawPath(
  s: Pick<VariantSettings, "subsets" | "huberDelta" | "paramsConvention">,
  form: LawForm,
): string | null {
  if (s.subsets.length !== 1) return null;
  return authorsApproach3Path(form, s.subsets[0], {
    huberDelta: s.huberDelta,
    noEmbeds: s.paramsConvention.startsWith("non_embedding"),
  });
}

/** Returns form -> the authors' stored fit of `forms` on the data of `s` (the prescribe stage's authorsLaws). */
function authorsLawsOf(s: VariantSettings, forms: readonly LawForm[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const form of forms) {
    const path = authorsLawPath(s, form);
    if (path !== null) out[form] = path;
  }
  return out;
}

/** Returns the report's `authorsLaws` dep: fit key -> the authors' stored counterpart, for `fits` (variant, forms). */
function authorsLaws(fits: readonly (readonly [string, readonly LawForm[]])[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [w, forms] of fits) {
    const points = CHINCHILLA_POINTS[w];
    const s = points === undefined ? resolveVariant(w) : { ...resolveVariant("paper"), subsets: [points] };
    for (const [form, path] of Object.entries(authorsLawsOf(s, forms))) out[authorsLawKey(w, form)] = path;
  }
  return out;
}

/**
 * Returns the paper profile's extra report inputs for `variant` and their stages: the fits of its width-depth
 * variant, the rainbow's 14 Eq. 1 and 10 Approach 1 fits (Figure 6) and the relaxed prescriptions of
 * Appendix D (Figures 13-19).
 */
function paperReportStages(
  variant: string,
  v: VariantSettings,
  fit: FitTable,
  collect: string,
): { stages: Stage[]; deps: Record<string, unknown> } {
  const wd = v.widthDepthVariant === "" ? variant : v.widthDepthVariant;
  // (Its backtest is not drawn: only the variant's own goes into the fit-health notes.)
  const stages: Stage[] = wd === variant
    ? []
    : fitStages(wd, resolveVariant(wd), { fit, collect, authors: true }).filter((s) =>
      s.id !== stageId("backtest", wd)
    );
  const rainbow: Record<string, string> = {};
  // Another variant's fit stages, `kinds` of them only: the very stages its own graph builds.
  const fitsOf = (w: string, kinds: readonly string[]) => {
    const keep = kinds.map((k) => stageId(k, w));
    return fitStages(w, resolveVariant(w), { fit, collect, authors: true }).filter((s) =>
      keep.includes(s.id ?? "")
    );
  };
  for (const { variant: w, label } of RAINBOW_EQ1) {
    if (CHINCHILLA_POINTS[w] !== undefined) {
      stages.push(
        offThread(selectChinchillaStage, w, CHINCHILLA_POINTS[w]),
        offThread(approach3Stage, w, "eq1", fit.eq1),
      );
    } else {
      stages.push(...fitsOf(w, ["select", "approach3_eq1"]));
    }
    rainbow[label] = stageId("approach3_eq1", w);
  }
  const rainbowApproach1: Record<string, string> = {};
  for (const { variant: w, label } of RAINBOW_APPROACH1) {
    stages.push(...fitsOf(w, ["select_approach1", "approach1"]));
    rainbowApproach1[label] = stageId("approach1", w);
  }
  const relaxed: Record<string, string> = {};
  for (const w of APPENDIX_D_VARIANTS) {
    stages.push(...fitsOf(w, ["select", "approach3_eq1", "approach3_eq2", "prescribe_relaxed"]));
    relaxed[w] = stageId("prescribe_relaxed", w);
  }
  return {
    stages,
    deps: {
      rainbow,
      rainbowApproach1,
      relaxed,
      approach1Ablations: Object.fromEntries(
        ["lr_ablation", "cooldown"].map((w) => [w, {
          select: stageId("select_approach1", w),
          approach1: stageId("approach1", w),
        }]),
      ),
      selectApproach1: stageId("select_approach1", variant),
      longRuns: stageId("select_approach1", wd),
      widthDepthEq2: stageId("approach3_eq2", wd),
      // The authors' stored counterparts of every law the figures draw (their "authors' fit" lines).
      authorsLaws: authorsLaws([
        [variant, LAW_NAMES],
        [wd, LAW_NAMES],
        ...RAINBOW_EQ1.map(({ variant: w }) => [w, ["eq1"]] as const),
        ...APPENDIX_D_VARIANTS.map((w) => [w, ["eq1", "eq2"]] as const),
      ]),
      prescribe: stageId("prescribe", wd),
      overtraining: stageId("overtraining", wd),
      overspend: stageId("overspend", wd),
    },
  };
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

/** Returns the stages of learning-rate sweep `s`: one train stage per (model, lr), model-major, then `lr_sweep`. */
export function lrSweepStagesOf(s: LrSweepSettings): Stage[] {
  return [
    ...s.models.flatMap((m) => s.learningRates.map((lr) => sweepTrainStage(s, m, lr))),
    offThread(lrSweepStage, s),
  ];
}

/**
 * Returns the stages of micro study `s` after its corpus and sweep: `lr_optimum`, one train stage per run
 * (stages/micro_study.ts `microRuns`), `seed_spread` and `study_plan` (which costs the sweep `sweep` too,
 * when given).
 */
export function microStudyStagesOf(s: MicroStudySettings, sweep: LrSweepSettings | null = null): Stage[] {
  return [
    offThread(lrOptimumStage, s.lrSweep),
    ...microRuns(s).map((r) => microTrainStage(s, r)),
    offThread(seedSpreadStage, s),
    offThread(studyPlanStage, s, sweep),
  ];
}

/**
 * Returns the stages of a state profile (seed 003): its MQAR corpora, the lr sweep and its optimum, one
 * train stage per run (or, with `runsDir`, none: collect reads shipped logs), `collect_state`, `state_fits`
 * and `report_state`. The study has its own fits, not the
 * Chinchilla ones, so the variant does not change it.
 */
export function stateStagesOf(p: StateProfile): Stage[] {
  const s = p.study;
  // Shipped logs (the GPU tier run elsewhere): no corpora, sweep or training, collect reads the folder.
  const training = p.runsDir === undefined
    ? [
      ...stateCorpora(s).map(({ id, spec }) => offThread(corpusStage, spec, id)),
      ...lrSweepStagesOf(stateLrSweep(s)),
      offThread(lrOptimumStage, "lr_sweep"),
      ...stateRuns(s).map((r) => stateTrainStage(s, r)),
    ]
    : [];
  return uniqueStages([
    ...training,
    offThread(collectStateStage, stateRunInfos(s), p.runsDir ?? null),
    offThread(stateFitsStage, {
      growing: s.regimes.growing.map(contextLabel),
      fixed: s.regimes.fixed.map(contextLabel),
      vocabSize: s.task.vocabSize,
      bootstrapSamples: p.bootstrapSamples,
    }),
    offThread(stateReportStage, {
      growing: s.regimes.growing.map(contextLabel),
      fixed: s.regimes.fixed.map(contextLabel),
      tier: p.tier,
    }),
  ]);
}

/** Returns the sources of the simulate profile `s` for `variant` (its cooldown variants fit the cooled runs). */
function simulateSources(s: SimulateProfile, variant: string): Sources {
  const paper = resolveVariant("paper");
  const { targetParams: _t, include: _i, ...architecture } = s.grid;
  const lawStages: Stage[] = s.law === null
    // The generating law: the paper's Eq. 2 fit on the shipped Gemstones runs.
    ? [
      { ...offThread(collectStage), id: "paper_collect" },
      offThread(
        paperLawStage,
        { ...PAPER.fit.eq2, huberDelta: paper.huberDelta, bootstrapSamples: 0 },
        selectParams("paper", paper),
      ),
    ]
    : [];
  return {
    stages: [
      ...lawStages,
      offThread(gridStage, s.grid),
      offThread(simulateStage, {
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
      offThread(collectSimulatedStage, ["simulate"]),
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
      return { stages: [offThread(collectStage)], collect: "collect", subset: null };
    case "train": {
      // The micro-study design (lr from the sweep, log-spaced checkpoints, seeds) or one run per grid row.
      const trains = p.study ? microStudyStagesOf(studySettingsOf(p, p.study), p.lrSweep) : trainStagesOf(p);
      return {
        stages: [
          offThread(gridStage, p.grid),
          offThread(corpusStage, p.corpus),
          ...trains,
          ...(p.lrSweep ? lrSweepStagesOf(p.lrSweep) : []),
          offThread(collectTrainedStage, trains.filter((t) => t.name === "train").map((t) => t.id!)),
        ],
        collect: "collect_trained",
        subset: "own",
        ...(p.lrSweep ? { lrSweep: "lr_sweep" } : {}),
      };
    }
    case "simulate":
      return simulateSources(p, variant);
    case "state":
      throw new Error(
        "the state profiles have their own graph (stateStagesOf) and no Chinchilla fits to diff",
      );
    case "imported":
      return {
        stages: [
          offThread(collectImportedStage, p.runs.map((id) => `${p.runsDir}/${id}`)),
          ...(p.lrSweep ? [offThread(importedLrSweepStage, p.lrSweep, p.lrSweepDir)] : []),
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
    // Own runs have no hot_100b+ and no Appendix D: every figure draws the profile's own fits.
    widthDepthVariant: "",
    relaxedPrescriptions: false,
  };
}

/**
 * Returns every stage of `variant` under the profile settings `p`: its sources, the fit stages, (paper
 * only) the width-depth variant's fits, the rainbow's fits and Appendix D's relaxed prescriptions, and the
 * report.
 */
export function profileStages(p: ProfileSettings, variant: string): Stage[] {
  if (p.kind === "state") return stateStagesOf(p);
  const sources = sourcesOf(p, variant);
  const v = variantOfSources(variant, sources);
  const stages = [
    ...sources.stages,
    ...fitStages(variant, v, { fit: p.fit, collect: sources.collect, authors: p.kind === "paper" }),
  ];
  // Sensitivity (paper only): Gemstones Figure 20 (one grid-size study for all variants) and the tornado.
  const sensitivity = p.kind === "paper"
    ? { gridSizeStudy: "grid_size_study", sensitivity: stageId("sensitivity", variant) }
    : {};
  if (p.kind === "paper") {
    stages.push(
      offThread(gridSizeStudyStage, {
        subset: GRID_SIZE_SUBSET,
        gridSizes: [...p.figure20GridSizes],
        deltas: [...FIGURE20_DELTAS],
      }),
      offThread(sensitivityStage, sensitivityParams(variant, selectParams(variant, v), v)),
    );
  }
  const lrSweep = sources.lrSweep === undefined ? {} : { lrSweep: sources.lrSweep };
  if (p.kind !== "paper") {
    stages.push(
      offThread(reportStage, {
        variant,
        deps: {
          collect: sources.collect,
          selectApproach1: stageId("select_approach1", variant),
          rainbow: {},
          backtest: stageId("backtest", variant),
          ...lrSweep,
        },
      }),
    );
    return uniqueStages(stages);
  }
  const extra = paperReportStages(variant, v, p.fit, sources.collect);
  stages.push(
    ...extra.stages,
    offThread(reportStage, {
      variant,
      deps: {
        collect: sources.collect,
        ...extra.deps,
        backtest: stageId("backtest", variant),
        ...lrSweep,
        ...sensitivity,
      },
    }),
    // The Perceiver AR runs (seed 000, shipped with the paper's data): their own report.
    offThread(perceiverReportStage, { collect: sources.collect }),
  );
  return uniqueStages(stages);
}

/** Returns the settings of profile `name`; throws listing the valid names. */
export function profileSettings(name: string): ProfileSettings {
  const p = PROFILE_SETTINGS[name];
  if (p === undefined || !Object.hasOwn(PROFILE_SETTINGS, name)) {
    throw new Error(`unknown profile "${name}"; valid profiles: ${PROFILES.join(", ")}`);
  }
  return p;
}

/**
 * Returns every stage of one variant's run under `profile` (default "paper"); throws naming any stage that
 * would compute on the CPU on the main thread (pipeline/graph.ts `requireWorkers`).
 */
export function buildVariant(variant: string, profile = "paper"): Stage[] {
  const stages = profileStages(profileSettings(profile), variant);
  requireWorkers(stages);
  return stages;
}

/** Returns the stages of the diff of variants `a` and `b` under `profile`: both sides' sources and fits, and the diff. */
export function diffStages(a: string, b: string, profile = "paper"): Stage[] {
  const p = profileSettings(profile);
  const stages = uniqueStages([a, b].flatMap((variant) => {
    const sources = sourcesOf(p, variant);
    const v = variantOfSources(variant, sources);
    return [
      ...sources.stages,
      ...fitStages(variant, v, { fit: p.fit, collect: sources.collect, authors: p.kind === "paper" }),
    ];
  }));
  stages.push(offThread(diffStage, { a, b }));
  requireWorkers(stages);
  return stages;
}

/**
 * Node ids published under `reports/<variant>/` after a run: each variant's report and fit records, and
 * the Perceiver AR report (`report_perceiver`).
 */
export const PUBLISH: readonly string[] = [
  "report_perceiver",
  "report_state",
  "state_fits",
  "collect_state",
  ...VARIANT_NAMES.flatMap((v) =>
    [
      "report",
      "approach1",
      "approach2",
      ...FORMS.map((f) => `approach3_${f}`),
      "backtest",
      "prescribe",
      "prescribe_relaxed",
      "overtraining",
      "overspend",
    ]
      .map((s) => stageId(s, v))
  ),
  ...Object.keys(CHINCHILLA_POINTS).map((w) => stageId("approach3_eq1", w)),
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
