/**
 * The row every run importer produces: one checkpoint (run, step) of one source file.
 * @module
 */
import type { RowSource } from "../schemas.ts";

/** One imported checkpoint. Units: tokens in tokens, loss in nats per token, GPU-hours in hours. */
export interface ImportedRow {
  /** Run identifier. */
  readonly run_id: string;
  /** Model width d_model. */
  readonly width: number;
  /** Number of transformer blocks. */
  readonly depth: number;
  /** Optimizer step. */
  readonly step: number;
  /** Tokens seen at the checkpoint. */
  readonly tokens: number;
  /** Validation loss, nats per token. */
  readonly loss: number;
  /** Parameter count as published with the data, or NaN when the source gives none. */
  readonly params_published: number;
  /** GPU-hours to reach the checkpoint, or NaN when unknown. */
  readonly gpu_hours: number;
  /** Subset (source file family) the row came from. */
  readonly subset: string;
  /** True for cooled-down checkpoints. */
  readonly cooldown: boolean;
  /** True for learning-rate-ablation runs. */
  readonly lr_ablation: boolean;
  /** Where the row came from. */
  readonly source: RowSource;
  /** File the row was read from. */
  readonly file: string;
  /** 1-based line in that file. */
  readonly line: number;
  /** Architecture fields that differ from the Gemstones defaults (own runs: from config.json's model). */
  readonly shape?: ShapeOverrides;
}

/** Architecture fields of a run that may differ from the Gemstones defaults of scaling/count. */
export interface ShapeOverrides {
  /** Attention head size. */
  readonly headSize?: number;
  /** Query heads per key/value head. */
  readonly gqaRatio?: number;
  /** MLP intermediate size / width. */
  readonly mlpRatio?: number;
  /** Vocabulary size, tokens. */
  readonly vocabSize?: number;
  /** Context length, tokens. */
  readonly seqLen?: number;
}
