/**
 * Law variants: named sets of parameter overrides applied to the fitting stages (seed 002, Figure 6
 * and Appendices C-D). `paper` is the default; every other variant lists only what it changes.
 *
 * To add a variant: add an entry to `VARIANT_OVERRIDES` below with a `description` and the keys it
 * overrides (any key of {@link VariantSettings}), then run `deno task reproduce --variant <name>`.
 * Subset names are the Gemstones files `data/gemstones/wandb_dfs/wandb_df_for_fitting_<subset>.jsonl`
 * (see `data/gemstones/SOURCE.md`), or "own" for runs trained by this project (kernels/train), or
 * "user" for runs imported with a column mapping. A misspelt variant name or key is an error that
 * lists the valid ones.
 * @module
 */

/** Everything a variant can set. Units: tokens in tokens; widths in d_model units. */
export interface VariantSettings {
  /** One line saying what the variant is. */
  readonly description: string;
  /** Subset files whose rows are fitted (Approach 3, overspend) and listed by `select`. */
  readonly subsets: readonly string[];
  /**
   * Subset files for Approach 1 (empty: the same as `subsets`). The Gemstones Approach 1 fits use the
   * dense checkpoint files (every 477 steps, "we can use all recorded validation losses"); with these
   * the published Approach 1 exponents are reproduced exactly (stages/fit_stages_test.ts).
   */
  readonly approach1Subsets: readonly string[];
  /** Parameter-counting convention of scaling/count used as "params" (see collect's `params_<name>` columns). */
  readonly paramsConvention: string;
  /**
   * The params convention of Approach 1's rows ("": the same as `paramsConvention`). The authors count
   * params differently in their two no-embeddings fits: Approach 1 counts no embedding matrix at all
   * (their `param_counter(..., vocab_size=0)`), Approach 3 drops one vocabulary x width matrix
   * (`params - 50304 * width`).
   */
  readonly approach1ParamsConvention: string;
  /** FLOP counter of scaling/count FLOP_COUNTERS used as "flops" (see collect's `flops_<name>` columns). */
  readonly flopsCounter: string;
  /** Huber delta of the Approach 3 objective (on log loss). */
  readonly huberDelta: number;
  /** Run ids left out of every fit. */
  readonly excludeRuns: readonly string[];
  /** When non-empty, only these widths are kept. */
  readonly widths: readonly number[];
  /** Rows with fewer tokens are dropped (0 keeps all). */
  readonly minTokens: number;
  /** Rows with more tokens are dropped (Infinity keeps all; JSON null). */
  readonly maxTokens: number | null;
  /**
   * The variant whose Eq. 2 / Eq. 3 fits, prescriptions, overtraining, overspend and long loss curves this
   * variant's report draws (paper Figures 5, 7, 8, 12, 16, 21, 23); "" for the variant itself. The paper fits
   * its width-depth laws on `hot_100b+` (approach_3_brute_force.py --over_100), not on `hot`.
   */
  readonly widthDepthVariant: string;
  /**
   * Whether the variant's graph also prescribes with the integer constraints removed (continuous width and
   * depth, at least one head; node `prescribe_relaxed.<variant>`), as the paper's Appendix D figures do.
   */
  readonly relaxedPrescriptions: boolean;
}

/** The default variant: the paper's main fits (≤100B tokens, all params incl. embeddings, Appendix G FLOPs). */
export const PAPER: VariantSettings = {
  description:
    "Gemstones main fits: constant-LR runs to 100B tokens, all params, Appendix G FLOPs, Huber δ=1e-4",
  subsets: ["hot"],
  approach1Subsets: ["hot_477"],
  paramsConvention: "total",
  approach1ParamsConvention: "",
  flopsCounter: "gemstones",
  huberDelta: 1e-4,
  excludeRuns: [],
  widths: [],
  minTokens: 0,
  maxTokens: null,
  widthDepthVariant: "over_100b",
  relaxedPrescriptions: false,
};

/** The keys of every no-embeddings variant (one place for the convention). */
const NO_EMBEDS: Partial<VariantSettings> = {
  paramsConvention: "non_embedding_one",
  approach1ParamsConvention: "non_embedding",
};

/** What a variant entry may set: a description plus any keys of {@link VariantSettings}. */
export type VariantOverrides = Partial<VariantSettings> & { readonly description: string };

/** Per-variant overrides of {@link PAPER}. Keep `paper` first (the default). */
export const VARIANT_OVERRIDES: Readonly<Record<string, VariantOverrides>> = {
  paper: { description: PAPER.description },
  no_embeds: {
    description:
      "Embeddings not counted in params, as the authors do: one vocab x width matrix dropped for Approach 3, both for Approach 1",
    ...NO_EMBEDS,
    widthDepthVariant: "over_100b_no_embeds",
  },
  cooldown: {
    description:
      "Only the cooled-down checkpoints (learning rate linearly annealed to 0 over ~10% more tokens)",
    subsets: ["cool_end"],
    approach1Subsets: [],
    widthDepthVariant: "",
    relaxedPrescriptions: true,
  },
  lr_ablation: {
    description: "Only the learning-rate ablation runs (learning rate halved)",
    subsets: ["lr_ablation_hot"],
    approach1Subsets: ["lr_ablation_hot_477"],
    widthDepthVariant: "",
    relaxedPrescriptions: true,
  },
  over_100b: {
    description: "All checkpoints, including those beyond 100B tokens (to 350B)",
    subsets: ["hot_100b+"],
    approach1Subsets: ["hot_100b+_477"],
    widthDepthVariant: "",
    relaxedPrescriptions: true,
  },
  over_120b_only: {
    description: "Only checkpoints with more than 120B tokens",
    subsets: ["hot_120b+_only"],
    approach1Subsets: ["hot_120b+_only_477"],
    widthDepthVariant: "",
    relaxedPrescriptions: true,
  },
  width_512_only: {
    description: "Only the width-512 models (depth varies), all checkpoints to 350B tokens",
    subsets: ["hot_100b+_512x"],
    approach1Subsets: [],
    widths: [512],
    widthDepthVariant: "",
  },
  chinchilla_reduced_sampling: {
    description: "5 models and token counts chosen to mimic Chinchilla's sampling (Besiroglu et al. points)",
    subsets: ["hot_sampled_like_chinchilla"],
    approach1Subsets: [],
    widthDepthVariant: "",
  },
  "huber_1e-3": {
    description: "The paper's data with Huber δ=1e-3 (Appendix D.5)",
    huberDelta: 1e-3,
    widthDepthVariant: "over_100b_huber_1e-3",
  },
  // The rest complete the rainbow (Figure 6: every law the authors draw) and Appendix D (Figures 13-19).
  cooldown_no_embeds: {
    description: "Cooled-down checkpoints, embedding parameters not counted",
    subsets: ["cool_end"],
    approach1Subsets: [],
    ...NO_EMBEDS,
    widthDepthVariant: "",
  },
  lr_ablation_no_embeds: {
    description: "Learning-rate ablation runs, embedding parameters not counted",
    subsets: ["lr_ablation_hot"],
    approach1Subsets: ["lr_ablation_hot_477"],
    ...NO_EMBEDS,
    widthDepthVariant: "",
  },
  over_100b_no_embeds: {
    description: "All checkpoints to 350B tokens, embedding parameters not counted",
    subsets: ["hot_100b+"],
    approach1Subsets: ["hot_100b+_477"],
    ...NO_EMBEDS,
    widthDepthVariant: "",
  },
  over_120b_only_no_embeds: {
    description: "Only checkpoints with more than 120B tokens, embedding parameters not counted",
    subsets: ["hot_120b+_only"],
    approach1Subsets: ["hot_120b+_only_477"],
    ...NO_EMBEDS,
    widthDepthVariant: "",
  },
  lr_ablation_reduced_sampling: {
    description: "Learning-rate ablation runs at the Chinchilla-like reduced sampling (5 models)",
    subsets: ["lr_ablation_hot_sampled_like_chinchilla"],
    approach1Subsets: [],
    widthDepthVariant: "",
  },
  "over_100b_huber_1e-3": {
    description: "All checkpoints to 350B tokens with Huber δ=1e-3 (Appendix D.5, Figure 17)",
    subsets: ["hot_100b+"],
    approach1Subsets: ["hot_100b+_477"],
    huberDelta: 1e-3,
    widthDepthVariant: "",
    relaxedPrescriptions: true,
  },
  "lr_ablation_huber_1e-3": {
    description: "Learning-rate ablation runs with Huber δ=1e-3 (Appendix D.5, Figure 18)",
    subsets: ["lr_ablation_hot"],
    approach1Subsets: ["lr_ablation_hot_477"],
    huberDelta: 1e-3,
    widthDepthVariant: "",
    relaxedPrescriptions: true,
  },
  "cooldown_huber_1e-3": {
    description: "Cooled-down checkpoints with Huber δ=1e-3 (Appendix D.5, Figure 19)",
    subsets: ["cool_end"],
    approach1Subsets: [],
    huberDelta: 1e-3,
    widthDepthVariant: "",
    relaxedPrescriptions: true,
  },
};

/**
 * The laws of the rainbow (paper Figure 6, plotters/rainbow.py): the 14 Approach 3 Eq. 1 fits the authors
 * draw, as variants of this file, in their order, with their legend names. `slim_chinchilla` is fitted on
 * Hoffmann et al.'s points (collect's chinchilla.csv), the rest on select's rows.
 */
export const RAINBOW_EQ1: readonly { readonly variant: string; readonly label: string }[] = [
  { variant: "paper", label: "<=100b Tokens" },
  { variant: "no_embeds", label: "<=100b Tokens No Embeds" },
  { variant: "cooldown", label: "Cooldown" },
  { variant: "cooldown_no_embeds", label: "Cooldown No Embeds" },
  { variant: "lr_ablation", label: "LR Ablation" },
  { variant: "lr_ablation_no_embeds", label: "LR Ablation No Embeds" },
  { variant: "chinchilla_reduced_sampling", label: "Chinchilla Reduced Sampling (Our Data)" },
  { variant: "lr_ablation_reduced_sampling", label: "LR Ablation Chinchilla Reduced Sampling (Our Data)" },
  { variant: "slim_chinchilla", label: "Chinchilla Reduced Sampling (Hoffmann et al. data)" },
  { variant: "over_120b_only", label: ">120b Tokens Only" },
  { variant: "over_120b_only_no_embeds", label: ">120b Tokens Only No Embeds" },
  { variant: "over_100b", label: "All Tokens" },
  { variant: "over_100b_no_embeds", label: "All Tokens No Embeds" },
  { variant: "width_512_only", label: "All Tokens, width=512 Only" },
];

/** The 10 Approach 1 lines of the rainbow (N_opt of the FLOPs hull), as variants, with the authors' legend names. */
export const RAINBOW_APPROACH1: readonly { readonly variant: string; readonly label: string }[] = [
  { variant: "paper", label: "Approach 1 <=100b Tokens" },
  { variant: "no_embeds", label: "Approach 1 <=100b Tokens No Embeds" },
  { variant: "cooldown", label: "Approach 1 Cooldown" },
  { variant: "cooldown_no_embeds", label: "Approach 1 Cooldown No Embeds" },
  { variant: "lr_ablation", label: "Approach 1 LR Ablation" },
  { variant: "lr_ablation_no_embeds", label: "Approach 1 LR Ablation No Embeds" },
  { variant: "over_100b", label: "Approach 1 All Tokens" },
  { variant: "over_100b_no_embeds", label: "Approach 1 All Tokens No Embeds" },
  { variant: "over_120b_only", label: "Approach 1 >120b Tokens Only" },
  { variant: "over_120b_only_no_embeds", label: "Approach 1 >120b Tokens Only No Embeds" },
];

/** Names of all variants, the default (`paper`) first. */
export const VARIANT_NAMES: readonly string[] = Object.keys(VARIANT_OVERRIDES);

const SETTING_KEYS: readonly (keyof VariantSettings)[] = Object.keys(PAPER) as (keyof VariantSettings)[];

/** Returns the full settings of variant `name`; throws listing the valid names or keys on a typo. */
export function resolveVariant(
  name: string,
  overrides: Readonly<Record<string, Partial<VariantSettings>>> = VARIANT_OVERRIDES,
): VariantSettings {
  const own = overrides[name];
  if (own === undefined || !Object.hasOwn(overrides, name)) {
    throw new Error(`unknown variant "${name}"; valid variants: ${Object.keys(overrides).join(", ")}`);
  }
  for (const key of Object.keys(own)) {
    if (!(SETTING_KEYS as readonly string[]).includes(key)) {
      throw new Error(
        `variant "${name}": unknown key "${key}"; valid keys: ${SETTING_KEYS.join(", ")}`,
      );
    }
  }
  const settings: VariantSettings = { ...PAPER, ...own };
  if (settings.subsets.length === 0) throw new Error(`variant "${name}": subsets must not be empty`);
  if (!(settings.huberDelta > 0)) {
    throw new Error(`variant "${name}": huberDelta must be > 0, got ${settings.huberDelta}`);
  }
  return settings;
}
