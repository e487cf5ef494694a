/**
 * The state profiles' studies as data (seed 003; stages/state_design.ts): the CI tier and the GPU tier. In a
 * module of its own, free of npm packages, so that tools/state_units.ts can read them on a machine without a
 * registry; stages/profile_settings.ts wraps them into the `state` and `state-h100` profiles.
 * @module
 */
import type { StateMixer, StateStudySettings } from "./state_design.ts";

/** Returns the mixers `<kind>_<knob><v>` of a knob's values (softmax alone has no knob). */
function knobMixers(kind: "window" | "taylor" | "power", values: readonly number[]): StateMixer[] {
  return values.map((v) => {
    switch (kind) {
      case "window":
        return { label: `window_w${v}`, mixer: { kind, window: v } };
      case "taylor":
        return { label: `taylor_d${v}`, mixer: { kind, featureDim: v } };
      case "power":
        return { label: `power_p2_d${v}`, mixer: { kind, power: 2, featureDim: v } };
    }
  });
}

/** Labels of a list of mixers. */
const labels = (ms: readonly StateMixer[]): string[] => ms.map((m) => m.label);

const CI_KNOBS = [2, 4, 6, 8];
const CI_WINDOW = knobMixers("window", [1, 2, 4, 8]);
const CI_TAYLOR = knobMixers("taylor", CI_KNOBS);
const CI_POWER = knobMixers("power", CI_KNOBS);
const SOFTMAX_MIXER: StateMixer = { label: "softmax", mixer: { kind: "softmax" } };
const CI_GROWING = [{ seqLen: 8, pairs: 1 }, { seqLen: 12, pairs: 2 }, { seqLen: 16, pairs: 3 }];
const CI_FIXED = [{ seqLen: 8, pairs: 1 }, { seqLen: 12, pairs: 1 }, { seqLen: 16, pairs: 1 }];

/**
 * The state profile's CI tier: MQAR over a vocabulary of 16, contexts 8-16, width 16 (and 32 for the
 * state-versus-parameters rule), one block, 24 steps of 8 examples on the float64 reference backend: 41
 * runs in about a minute here. A smoke-size run that checks the machinery end to end, not science.
 */
export const STATE_CI_STUDY: StateStudySettings = {
  name: "state",
  task: { vocabSize: 16, trainExamples: 512, testExamples: 32, seed: 1 },
  mixers: [SOFTMAX_MIXER, ...CI_WINDOW, ...CI_TAYLOR, ...CI_POWER],
  regimes: { growing: CI_GROWING, fixed: CI_FIXED },
  blocks: [
    // The state law of every mixer: all knobs at the largest growing context.
    {
      mixers: labels([SOFTMAX_MIXER, ...CI_WINDOW, ...CI_TAYLOR, ...CI_POWER]),
      widths: [16],
      contexts: [CI_GROWING[2]],
    },
    // A second width (state against parameters).
    { mixers: labels([SOFTMAX_MIXER, ...CI_TAYLOR]), widths: [32], contexts: [CI_GROWING[2]] },
    // The heat map in both regimes (Taylor's state does not grow with T; softmax's does).
    { mixers: labels([SOFTMAX_MIXER, ...CI_TAYLOR]), widths: [16], contexts: CI_GROWING.slice(0, 2) },
    { mixers: labels(CI_TAYLOR), widths: [16], contexts: CI_FIXED.slice(1) },
  ],
  seedCells: ["softmax_w16_T16_K3", "taylor_d4_w16_T16_K3"],
  architecture: { depth: 1, headSize: 8, gqaRatio: 1, mlpRatio: 2, ropeTheta: 10000, normEps: 1e-6 },
  steps: 24,
  batchSize: 8,
  evalsPerRun: 3,
  evalBatches: 2,
  lrSweep: {
    mixer: "softmax",
    width: 16,
    context: CI_GROWING[2],
    learningRates: [3e-3, 1e-2, 3e-2],
    steps: 24,
  },
  backend: "reference",
};

const H100_WINDOW = knobMixers("window", [4, 8, 16, 32, 64]);
const H100_TAYLOR = knobMixers("taylor", [4, 8, 16]);
const H100_POWER = knobMixers("power", [4, 8, 16]);
const H100_GROWING = [{ seqLen: 32, pairs: 2 }, { seqLen: 64, pairs: 4 }, { seqLen: 128, pairs: 8 }];
const H100_FIXED = [{ seqLen: 32, pairs: 4 }, { seqLen: 64, pairs: 4 }, { seqLen: 128, pairs: 4 }];

/**
 * The state profile's GPU tier (one H100, one command of at most 8 minutes, sized by tools/state_plan.ts from
 * the H100 throughput of data/micro-h100/timings.json): MQAR over a vocabulary of 32 (the setting the issue
 * saw learned: T 64, K 8, width 64, two layers, after about 3M tokens), contexts 32-128 with K = T/16 growing
 * or K = 4 fixed, widths 64 and 128, two layers, batch 64 examples, 1200 steps (2.5M-9.8M tokens a run:
 * the issue's ~10M tokens at T = 128), the lr from a 3-point sweep.
 */
export const STATE_H100_STUDY: StateStudySettings = {
  name: "state_h100",
  task: { vocabSize: 32, trainExamples: 80_000, testExamples: 256, seed: 1 },
  mixers: [SOFTMAX_MIXER, ...H100_WINDOW, ...H100_TAYLOR, ...H100_POWER],
  regimes: { growing: H100_GROWING, fixed: H100_FIXED },
  blocks: [
    {
      mixers: labels([SOFTMAX_MIXER, ...H100_WINDOW, ...H100_TAYLOR, ...H100_POWER]),
      widths: [64],
      contexts: [H100_GROWING[2]],
    },
    {
      mixers: labels([SOFTMAX_MIXER, ...H100_WINDOW, ...H100_TAYLOR]),
      widths: [128],
      contexts: [H100_GROWING[2]],
    },
    {
      mixers: labels([SOFTMAX_MIXER, ...H100_WINDOW, ...H100_TAYLOR]),
      widths: [64],
      contexts: H100_GROWING.slice(0, 2),
    },
    { mixers: labels([...H100_WINDOW, ...H100_TAYLOR]), widths: [64], contexts: H100_FIXED.slice(1) },
  ],
  seedCells: ["softmax_w64_T128_K8", "taylor_d8_w64_T128_K8", "window_w16_w64_T128_K8"],
  architecture: { depth: 2, headSize: 16, gqaRatio: 1, mlpRatio: 4, ropeTheta: 10000, normEps: 1e-6 },
  steps: 1200,
  batchSize: 64,
  evalsPerRun: 6,
  evalBatches: 4,
  lrSweep: {
    mixer: "softmax",
    width: 64,
    context: H100_GROWING[1],
    learningRates: [1e-3, 3e-3, 1e-2],
    steps: 600,
  },
  backend: "gpu",
};

/** The studies by profile name. */
export const STATE_STUDIES: Readonly<Record<string, StateStudySettings>> = {
  state: STATE_CI_STUDY,
  "state-h100": STATE_H100_STUDY,
};
