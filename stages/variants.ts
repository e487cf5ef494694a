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
};

/** What a variant entry may set: a description plus any keys of {@link VariantSettings}. */
export type VariantOverrides = Partial<VariantSettings> & { readonly description: string };

/** Per-variant overrides of {@link PAPER}. Keep `paper` first (the default). */
export const VARIANT_OVERRIDES: Readonly<Record<string, VariantOverrides>> = {
  paper: { description: PAPER.description },
  no_embeds: {
    description:
      "Embeddings not counted in params, as the authors do: one vocab x width matrix dropped for Approach 3, both for Approach 1",
    paramsConvention: "non_embedding_one",
    approach1ParamsConvention: "non_embedding",
  },
  cooldown: {
    description:
      "Only the cooled-down checkpoints (learning rate linearly annealed to 0 over ~10% more tokens)",
    subsets: ["cool_end"],
    approach1Subsets: [],
  },
  lr_ablation: {
    description: "Only the learning-rate ablation runs (learning rate halved)",
    subsets: ["lr_ablation_hot"],
    approach1Subsets: ["lr_ablation_hot_477"],
  },
  over_100b: {
    description: "All checkpoints, including those beyond 100B tokens (to 350B)",
    subsets: ["hot_100b+"],
    approach1Subsets: ["hot_100b+_477"],
  },
  over_120b_only: {
    description: "Only checkpoints with more than 120B tokens",
    subsets: ["hot_120b+_only"],
    approach1Subsets: ["hot_120b+_only_477"],
  },
  width_512_only: {
    description: "Only the width-512 models (depth varies), all checkpoints to 350B tokens",
    subsets: ["hot_100b+_512x"],
    approach1Subsets: [],
    widths: [512],
  },
  chinchilla_reduced_sampling: {
    description: "5 models and token counts chosen to mimic Chinchilla's sampling (Besiroglu et al. points)",
    subsets: ["hot_sampled_like_chinchilla"],
    approach1Subsets: [],
  },
  "huber_1e-3": {
    description: "The paper's data with Huber δ=1e-3 (Appendix D.5)",
    huberDelta: 1e-3,
  },
};

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
