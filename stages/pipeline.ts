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
 * collect ──► grid_size_study (Figure 20), sensitivity.V (tornado) ──┐
 * all of the above + approach3_eq1.W of every variant W (Figure 6, the rainbow) ──► report.V
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
import { resolveVariant, VARIANT_NAMES, type VariantSettings } from "./variants.ts";
import { stageId } from "./schemas.ts";
import { buildProfile, IMPORTED_PROFILES, PROFILES as TRAINING_PROFILES } from "./profiles.ts";
import {
  GRID_SIZE_SUBSET,
  gridSizesFromEnv,
  gridSizeStudyStage,
  sensitivityParams,
  sensitivityStage,
} from "./sensitivity.ts";
import { FIGURE20_DELTAS } from "../scaling/fit/sensitivity.ts";
import { selectParams } from "./select.ts";

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
    // 5. What the laws prescribe: compute-optimal N, D (Eq. 1 closed form; Eq. 2/3 brute force over shapes).
    prescribeStage(variant, v),
    // 6. Figure 8 (overtraining) and Figure 7 (overspend in FLOPs and GPU-hours), from the Eq. 2 law.
    overtrainingStage(variant, v),
    overspendStage(variant, v),
  ];
}

/** Returns every stage of one variant's run: collect, its fitting stages, the rainbow fits and its report. */
export function buildVariant(variant: string, profile = "paper"): Stage[] {
  if (!PROFILES.includes(profile)) {
    throw new Error(`unknown profile "${profile}"; valid profiles: ${PROFILES.join(", ")}`);
  }
  if (profile !== "paper") return buildProfile(profile, variant);
  // 1. Every real run, one tidy table (all counting conventions side by side).
  const stages: Stage[] = [collectStage(), ...fitStages(variant)];
  // 7. The report: every figure of this variant, plus the Eq. 1 prescription of every variant (rainbow).
  const rainbow: Record<string, string> = {};
  for (const w of VARIANT_NAMES) {
    const settings = resolveVariant(w);
    if (w !== variant) {
      stages.push(
        selectStage(w, settings),
        approach3Stage(w, "eq1", { ...DEFAULT_FIT_OPTIONS.eq1, huberDelta: settings.huberDelta }),
      );
    }
    rainbow[w] = stageId("approach3_eq1", w);
  }
  // 8. Sensitivity: Gemstones Figure 20 (one grid-size study for all variants) and the variant's tornado.
  stages.push(
    gridSizeStudyStage({
      subset: GRID_SIZE_SUBSET,
      gridSizes: gridSizesFromEnv(),
      deltas: [...FIGURE20_DELTAS],
    }),
    sensitivityStage(
      sensitivityParams(variant, selectParams(variant, resolveVariant(variant)), resolveVariant(variant)),
    ),
  );
  const sensitivity = { gridSizeStudy: "grid_size_study", sensitivity: stageId("sensitivity", variant) };
  stages.push(reportStage({ variant, deps: { rainbow, ...sensitivity } }));
  return stages;
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
    "overtraining",
    "overspend",
  ]
    .map((s) => stageId(s, v))
);

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
