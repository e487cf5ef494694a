/**
 * The pipeline, declared top to bottom (the project's `dvc.yaml`): which stages run for a variant,
 * what each depends on, and what is published. Per-variant stage ids are `<stage>.<variant>`.
 *
 * ```
 * collect ──► select_approach1.V ──► approach1.V
 *    └──────► select.V ──► approach2.V
 *                 ├──────► approach3_eq1.V ──┐
 *                 ├──────► approach3_eq2.V ──┼──► prescribe.V
 *                 ├──────► approach3_eq3.V ──┘
 *                 │            eq2 ──────────────► overtraining.V
 *                 └────────────eq2 ──────────────► overspend.V
 * all of the above (of V's width-depth variant, over_100b for paper, for Figures 5, 7, 8, 12, 21, 23)
 *   + the rainbow's 14 approach3_eq1 and 10 approach1 fits (Figure 6)
 *   + prescribe_relaxed of the Appendix D variants (Figures 13-19) ──► report.V
 * diff A B: the stages of A and B ──► diff.A.B
 * ```
 * Profiles micro, nano and simulate make their own runs (train with WebGPU, or simulate from the paper's
 * Eq. 2 law) and feed the same fit stages; their graphs are declared in stages/profiles.ts.
 * @module
 */
import type { PipelineDefinition, Stage } from "../pipeline/stage.ts";
import { collectStage } from "./collect.ts";
import { selectStage } from "./select.ts";
import { approach1Stage } from "./fit_approach1.ts";
import { approach2Stage } from "./fit_approach2.ts";
import { approach3Stage, DEFAULT_FIT_OPTIONS } from "./fit_approach3.ts";
import { prescribeStage } from "./fit_prescribe.ts";
import { overtrainingStage } from "./fit_overtraining.ts";
import { overspendStage } from "./fit_overspend.ts";
import { reportStage } from "./report.ts";
import { diffStage, diffStageId } from "./diff.ts";
import {
  RAINBOW_APPROACH1,
  RAINBOW_EQ1,
  resolveVariant,
  VARIANT_NAMES,
  type VariantSettings,
} from "./variants.ts";
import { selectChinchillaStage } from "./select_chinchilla.ts";
import { stageId } from "./schemas.ts";
import { buildProfile, IMPORTED_PROFILES, PROFILES as TRAINING_PROFILES } from "./profiles.ts";

/**
 * Profiles known to this definition: "paper" (real data shipped under data/, built here) first, then
 * the profiles that make their own data (micro, nano, simulate; built by stages/profiles.ts), then those
 * that read imported runs of this project's trainer (micro-h100: data/micro-h100).
 */
export const PROFILES: readonly string[] = ["paper", ...TRAINING_PROFILES, ...IMPORTED_PROFILES];

/**
 * Returns the fitting stages of one variant (select, fits, prescriptions, overtraining, overspend);
 * `v` defaults to the variant's settings from stages/variants.ts.
 */
export function fitStages(variant: string, v: VariantSettings = resolveVariant(variant)): Stage[] {
  return [
    // 2. The rows this variant fits (subsets, exclusions, counting conventions resolved).
    selectStage(variant, v),
    // 3. Approach 1 (convex hull and Chinchilla binning, on FLOPs and GPU-hours) on its own (dense)
    //    selection of checkpoints; Approach 2 (isoFLOP) where the data allows it.
    selectStage(variant, v, "approach1"),
    approach1Stage(variant, {}, stageId("select_approach1", variant)),
    approach2Stage(variant),
    // 4. Approach 3: Eq. 1, Eq. 2 and Eq. 3 (Huber δ from the variant; grids from DEFAULT_FIT_OPTIONS).
    approach3Stage(variant, "eq1", { ...DEFAULT_FIT_OPTIONS.eq1, huberDelta: v.huberDelta }),
    approach3Stage(variant, "eq2", { ...DEFAULT_FIT_OPTIONS.eq2, huberDelta: v.huberDelta }),
    approach3Stage(variant, "eq3", { ...DEFAULT_FIT_OPTIONS.eq3, huberDelta: v.huberDelta }),
    // 5. What the laws prescribe: compute-optimal N, D (Eq. 1 closed form; Eq. 2/3 brute force over shapes),
    //    and, for the paper's Appendix D figures, the same with the integer constraints removed.
    prescribeStage(variant, v),
    ...(v.relaxedPrescriptions ? [prescribeStage(variant, v, { relaxed: true })] : []),
    // 6. Figure 8 (overtraining) and Figure 7 (overspend: measured checkpoints against their frontier, and
    //    the Eq. 2 law's view).
    overtrainingStage(variant, v),
    overspendStage(variant, v, "eq2", stageId("select_approach1", variant)),
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

/** Returns the stages of the Eq. 1 fit of rainbow law `w` (a variant, or Hoffmann et al.'s points). */
function rainbowEq1Stages(w: string): Stage[] {
  if (CHINCHILLA_POINTS[w] !== undefined) {
    return [
      selectChinchillaStage(w, CHINCHILLA_POINTS[w]),
      approach3Stage(w, "eq1", DEFAULT_FIT_OPTIONS.eq1),
    ];
  }
  const v = resolveVariant(w);
  return [
    selectStage(w, v),
    approach3Stage(w, "eq1", { ...DEFAULT_FIT_OPTIONS.eq1, huberDelta: v.huberDelta }),
  ];
}

/** Returns `stages` with later duplicates of a node id dropped. */
function uniqueStages(stages: readonly Stage[]): Stage[] {
  const seen = new Set<string>();
  return stages.filter((s) => {
    const id = s.id ?? s.name;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** Returns every stage of one variant's run: collect, its fitting stages, the rainbow fits and its report. */
export function buildVariant(variant: string, profile = "paper"): Stage[] {
  if (!PROFILES.includes(profile)) {
    throw new Error(`unknown profile "${profile}"; valid profiles: ${PROFILES.join(", ")}`);
  }
  if (profile !== "paper") return buildProfile(profile, variant);
  const v = resolveVariant(variant);
  // The variant whose width-depth fits the report draws (the paper's: hot_100b+).
  const wd = v.widthDepthVariant === "" ? variant : v.widthDepthVariant;
  // 1. Every real run, one tidy table (all counting conventions side by side).
  const stages: Stage[] = [collectStage(), ...fitStages(variant, v)];
  if (wd !== variant) stages.push(...fitStages(wd));
  // 7. The report: every figure of this variant, plus the rainbow's 14 Eq. 1 fits and 10 Approach 1 fits
  //    (Figure 6) and the relaxed prescriptions of Appendix D (Figures 13-19).
  const rainbow: Record<string, string> = {};
  for (const { variant: w, label } of RAINBOW_EQ1) {
    stages.push(...rainbowEq1Stages(w));
    rainbow[label] = stageId("approach3_eq1", w);
  }
  const rainbowApproach1: Record<string, string> = {};
  for (const { variant: w, label } of RAINBOW_APPROACH1) {
    const settings = resolveVariant(w);
    stages.push(
      selectStage(w, settings, "approach1"),
      approach1Stage(w, {}, stageId("select_approach1", w)),
    );
    rainbowApproach1[label] = stageId("approach1", w);
  }
  const relaxed: Record<string, string> = {};
  for (const w of APPENDIX_D_VARIANTS) {
    const settings = resolveVariant(w);
    const keep = [stageId("select", w), stageId("prescribe_relaxed", w)];
    stages.push(...fitStages(w, settings).filter((s) => s.name === "approach3" || keep.includes(s.id ?? "")));
    relaxed[w] = stageId("prescribe_relaxed", w);
  }
  stages.push(reportStage({
    variant,
    deps: {
      rainbow,
      rainbowApproach1,
      relaxed,
      approach1Select: stageId("select_approach1", variant),
      longRuns: stageId("select_approach1", wd),
      approach3Eq2: stageId("approach3_eq2", wd),
      prescribe: stageId("prescribe", wd),
      overtraining: stageId("overtraining", wd),
      overspend: stageId("overspend", wd),
    },
  }));
  return uniqueStages(stages);
}

/** Node ids published under `reports/<variant>/` after a run: each variant's report and fit records. */
export const PUBLISH: readonly string[] = VARIANT_NAMES.flatMap((v) =>
  [
    "report",
    "approach1",
    "approach2",
    "approach3_eq1",
    "approach3_eq2",
    "approach3_eq3",
    "prescribe",
    "prescribe_relaxed",
    "overtraining",
    "overspend",
  ]
    .map((s) => stageId(s, v))
).concat(Object.keys(CHINCHILLA_POINTS).map((w) => stageId("approach3_eq1", w)));

/** The pipeline definition handed to the CLI. */
export const definition: PipelineDefinition = {
  variants: VARIANT_NAMES,
  profiles: PROFILES,
  build: ({ variant, profile }) => buildVariant(variant, profile),
  diff: ({ a, b, profile }) => {
    if (!PROFILES.includes(profile)) {
      throw new Error(`unknown profile "${profile}"; valid profiles: ${PROFILES.join(", ")}`);
    }
    const seen = new Set<string>();
    const stages: Stage[] = [];
    const side = (v: string) =>
      profile === "paper"
        ? [collectStage(), ...fitStages(v)]
        : buildProfile(profile, v).filter((s) => s.name !== "report");
    for (const s of [...side(a), ...side(b)]) {
      const id = s.id ?? s.name;
      if (!seen.has(id)) {
        seen.add(id);
        stages.push(s);
      }
    }
    stages.push(diffStage({ a, b }));
    return stages;
  },
  publish: PUBLISH,
  diffPublish: ({ a, b }) => [diffStageId(a, b)],
};
