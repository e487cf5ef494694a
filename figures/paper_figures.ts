/**
 * The Gemstones paper's figures (seed 002, McLeish et al. 2025), in the paper's order, each with what
 * it shows and the subset and law the authors drew it from (their `shells/plotting.sh` and
 * `plotters/*.py`). The report walks through this list: each paper figure gets its section, with our
 * figures that reproduce it, or a line saying it is not reproduced yet. Figure 1 is the paper's
 * overview (always aside); Figure 20 (exponents against grid size) comes from its own costly stage,
 * `grid_size_study`, and is aside in a report whose graph does not run it.
 * @module
 */

/** One figure of the paper. */
export interface PaperFigure {
  /** The paper's figure number, e.g. "5". */
  readonly number: string;
  /** What it shows, in a few words. */
  readonly topic: string;
  /** The authors' data subset file(s) (`wandb_df_for_fitting_<subset>.jsonl`) and law, in one line. */
  readonly authors: string;
  /** Why this report does not draw it, when it is aside on purpose. */
  readonly aside?: string;
}

/** Every figure of the Gemstones paper, in order (2-24; 1 aside, and 20 where grid_size_study does not run). */
export const PAPER_FIGURES: readonly PaperFigure[] = [
  { number: "1", topic: "overview", authors: "-", aside: "the paper's overview diagram, not a data figure" },
  {
    number: "2",
    topic: "the Gemstones shapes beside existing models (width against depth)",
    authors: "the 22 trained shapes; industry models from data/our_val_loss_data.json",
  },
  {
    number: "3",
    topic: "learning-rate sweep at scale (mup)",
    authors: "data/preflight_mup_olmo_variant.csv; no law",
  },
  {
    number: "4",
    topic: "Approach 1: loss frontiers on FLOPs and GPU-hours, tokens per parameter",
    authors: "hot_477 (every recorded checkpoint to 100B tokens); convex hull, then a line in log-log; " +
      "binning: the lowest loss in each of 750 log-spaced buckets",
  },
  {
    number: "5",
    topic: "Approach 3: prescribed width, depth and tokens per parameter",
    authors: "hot_100b+; Eq. 2 (width-depth law), Huber δ = 1e-4, brute force over integer shapes",
  },
  {
    number: "6",
    topic: "the rainbow: N_opt(C) of every law and subset",
    authors: "14 Approach 3 Eq. 1 fits and 10 Approach 1 lines over the subsets and their reduced samplings",
  },
  {
    number: "7",
    topic: "overspend of FLOPs and GPU-hours by shape",
    authors: "hot_100b+_477; measured checkpoints against the Approach 1 frontier",
  },
  {
    number: "8",
    topic: "overtraining at fixed FLOPs",
    authors: "hot_100b+; Eq. 2 (width-depth law), relaxed minima rows 2, 5, 9, 12; tokens ×√f",
  },
  {
    number: "9",
    topic: "Approach 1, every panel (params, tokens, tokens per parameter on FLOPs and GPU-hours)",
    authors: "hot_477; convex hull",
  },
  {
    number: "10",
    topic: "Approach 1 on the learning-rate ablation",
    authors: "lr_ablation_hot_477; convex hull",
  },
  { number: "11", topic: "Approach 1 on the cooldown runs", authors: "cool_end; convex hull" },
  {
    number: "12",
    topic: "Approach 3, every panel (width, depth, params, tokens against FLOPs)",
    authors: "hot_100b+; Eq. 2 (width-depth law), Huber δ = 1e-4",
  },
  {
    number: "13",
    topic: "Approach 3 on the learning-rate ablation, integer constraints removed",
    authors: "lr_ablation_hot; Eq. 2, relaxed shapes, Huber δ = 1e-4",
  },
  {
    number: "14",
    topic: "Approach 3 on the cooldown runs, integer constraints removed",
    authors: "cool_end; Eq. 2, relaxed shapes, Huber δ = 1e-4",
  },
  {
    number: "15",
    topic: "Approach 3 without the checkpoints under 120B tokens, integer constraints removed",
    authors: "hot_120b+_only; Eq. 2, relaxed shapes, Huber δ = 1e-4",
  },
  {
    number: "16",
    topic: "Approach 3 on the full data, integer constraints removed",
    authors: "hot_100b+; Eq. 2, relaxed shapes, Huber δ = 1e-4",
  },
  {
    number: "17",
    topic: "Huber δ = 1e-3 on the full data",
    authors: "hot_100b+; Eq. 2, relaxed shapes, Huber δ = 1e-3",
  },
  {
    number: "18",
    topic: "Huber δ = 1e-3 on the learning-rate ablation",
    authors: "lr_ablation_hot; Eq. 2, relaxed shapes, Huber δ = 1e-3",
  },
  {
    number: "19",
    topic: "Huber δ = 1e-3 on the cooldown runs",
    authors: "cool_end; Eq. 2, relaxed shapes, Huber δ = 1e-3",
  },
  {
    number: "20",
    topic: "fitted exponents against the size of the start grid",
    authors: "hot; Eq. 1 over grids of increasing size",
    aside: "drawn by the grid_size_study stage (how far the start grid moves the exponents), which this " +
      "report's graph does not run",
  },
  {
    number: "21",
    topic: "Approach 3 with the alternative form (Eq. 3)",
    authors: "hot_100b+; Eq. 3 (width, depth, tokens), Huber δ = 1e-4",
  },
  {
    number: "22",
    topic: "the feasible design space",
    authors: "every shape with head size 128 within the tolerance of each target size, widths to 8192",
  },
  {
    number: "23",
    topic: "validation-loss curves of every run",
    authors: "hot_100b+_477 (to 350B tokens)",
  },
  {
    number: "24",
    topic: "FLOP counting against 6N",
    authors: "the 22 trained shapes; Appendix G FLOP count per token",
  },
];

/** Returns the paper figure numbered `n`, or undefined. */
export function paperFigure(n: string): PaperFigure | undefined {
  return PAPER_FIGURES.find((f) => f.number === n);
}
