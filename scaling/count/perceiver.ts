/**
 * Training-compute and parameter estimates of Perceiver AR language models (seed 000), and the IsoFLOP
 * experiment tables built from them.
 *
 * FLOPs per latent token follow Kaplan et al. (2020, Table 1) with `d_attn = d_model`, `d_ff = 4·d_model`,
 * plus the embedding (`4·d`) and final-logits (`2·d·V`) terms that seed 000 takes from Hoffmann et al.
 * (2022, Appendix F); training = 3 × forward. The cross-attention part adds the prefix embedding and the
 * key/value projections and attention of the kept prefix positions. Parameter counts are those of the
 * perceiver-io 0.8 causal language model: token embedding `V·d`, absolute position embedding
 * `(m + n)·d`, a hybrid cross-attention layer (`12d² + 7d`: two input LayerNorms, q/k/v without bias,
 * output projection with bias, bias-free MLP with LayerNorm), `L − 1` self-attention layers
 * (`12d² + 4d`), and a tied output layer with a `V` bias. The self-attention part excludes the prefix
 * position embedding `m·d`, which is the cross-attention part.
 * @module
 */

/** Sequence and vocabulary settings of a Perceiver AR estimator (seed 000 `ComputeEstimator`). */
export interface PerceiverArConfig {
  /** Vocabulary size V. */
  readonly vocabSize: number;
  /** Total input length m + n (prefix plus latents), in tokens. */
  readonly maxSeqLen: number;
  /** Number of latent positions n (tokens that get a prediction). */
  readonly numLatents: number;
}

/** A Perceiver AR model size. */
export interface PerceiverArModel {
  /** Model dimension d (`num_channels`). */
  readonly channels: number;
  /** Number of attention layers L including the hybrid cross-attention layer (`num_layers`). */
  readonly layers: number;
}

/** Returns the prefix length m = maxSeqLen − numLatents, in tokens. */
export function perceiverPrefixLength(config: PerceiverArConfig): number {
  return config.maxSeqLen - config.numLatents;
}

/**
 * Returns training FLOPs per latent token of the self-attention part (seed 000 `self_attn`):
 * `3·(4d + L·(8d² + 2·d·n) + L·16d² + 2·d·V)`. Also valid for a plain decoder-only transformer.
 */
export function perceiverSelfAttnFlops(config: PerceiverArConfig, channels: number, layers: number): number {
  const d = channels;
  const embed = 4 * d;
  const attention = 6 * d * d + 2 * d * config.numLatents + 2 * d * d;
  const mlp = 16 * d * d;
  const logits = 2 * d * config.vocabSize;
  return 3 * (embed + layers * (attention + mlp) + logits);
}

/**
 * Returns training FLOPs per latent token of the prefix cross-attention (seed 000 `cross_attn`):
 * `3·⌊(m/n)·4d + (m/n)·(1 − dropout)·(4d² + 2·d·n)⌋` (prefix embedding, key/value projections and
 * attention of the kept prefix positions; the forward count is truncated to an integer as printed).
 */
export function perceiverCrossAttnFlops(
  config: PerceiverArConfig,
  channels: number,
  prefixDropout = 0.5,
): number {
  const d = channels;
  const ratio = perceiverPrefixLength(config) / config.numLatents;
  const embedPrefix = 4 * d * ratio;
  const attentionPrefix = (4 * d * d + 2 * d * config.numLatents) * ratio * (1 - prefixDropout);
  return Math.trunc(embedPrefix + attentionPrefix) * 3;
}

/** Returns the total parameter count of a Perceiver AR causal language model (see module doc). */
export function perceiverParams(config: PerceiverArConfig, model: PerceiverArModel): number {
  const d = model.channels, l = model.layers, v = config.vocabSize;
  const embeddings = v * d + config.maxSeqLen * d;
  const hybridLayer = 12 * d * d + 7 * d;
  const selfLayers = (l - 1) * (12 * d * d + 4 * d);
  return embeddings + hybridLayer + selfLayers + v;
}

/** Returns the parameters of the cross-attention part: the prefix position embedding `m·d`. */
export function perceiverCrossAttnParams(config: PerceiverArConfig, channels: number): number {
  return channels * perceiverPrefixLength(config);
}

/** Returns the parameters of the self-attention part (seed 000 `num_self_attn_params`): total − m·d. */
export function perceiverSelfAttnParams(config: PerceiverArConfig, model: PerceiverArModel): number {
  return perceiverParams(config, model) - perceiverCrossAttnParams(config, model.channels);
}

/** Returns latent training tokens of `numSteps` steps of `batchSize` sequences: `batch · n · steps`. */
export function perceiverTrainingTokens(numSteps: number, numLatents: number, batchSize: number): number {
  return batchSize * numLatents * numSteps;
}

/** Returns the number of steps needed for `tokens` latent tokens: `⌈tokens / n / batch⌉`. */
export function perceiverTrainingSteps(tokens: number, numLatents: number, batchSize: number): number {
  return Math.ceil(tokens / numLatents / batchSize);
}

/** A reference compute budget. */
export interface PerceiverReferenceCompute {
  /** Self-attention training FLOPs C_ref. */
  readonly flops: number;
  /** Latent training tokens D_ref. */
  readonly tokens: number;
}

/**
 * Returns the reference budget of seed 000 (`training_flops`): `D_ref = batch · n · steps` latent
 * tokens and `C_ref = self-attention FLOPs per token · D_ref` FLOPs.
 */
export function perceiverReferenceCompute(
  config: PerceiverArConfig,
  model: PerceiverArModel,
  numSteps: number,
  batchSize: number,
): PerceiverReferenceCompute {
  const tokens = perceiverTrainingTokens(numSteps, config.numLatents, batchSize);
  return { flops: perceiverSelfAttnFlops(config, model.channels, model.layers) * tokens, tokens };
}

/** One row of seed 000's experiment tables (Tables 1-4 merged). FLOPs are totals over the run. */
export interface PerceiverExperimentRow {
  /** Model dimension d. */
  readonly channels: number;
  /** Attention layers L. */
  readonly layers: number;
  /** Training steps. */
  readonly numSteps: number;
  /** Latent training tokens D_iso. */
  readonly tokens: number;
  /** Total parameters N. */
  readonly params: number;
  /** Cross-attention parameters N_cross. */
  readonly crossParams: number;
  /** Self-attention parameters N_self. */
  readonly selfParams: number;
  /** Total training FLOPs C = C_cross + C_self. */
  readonly flops: number;
  /** Cross-attention training FLOPs C_cross. */
  readonly crossFlops: number;
  /** Self-attention training FLOPs C_self. */
  readonly selfFlops: number;
  /** The 6·N_self·D approximation of C_self (Ĉ_self). */
  readonly selfFlopsApprox: number;
  /** N_cross / N. */
  readonly crossParamFraction: number;
  /** C_cross / C. */
  readonly crossFlopFraction: number;
  /** C_self / Ĉ_self. */
  readonly selfFlopsRatio: number;
}

/**
 * Returns the IsoFLOP experiment rows (seed 000 `experiment_setup` and `experiment_ratios`): each model
 * trains for `⌈C_ref / C_self-per-token / n / batch⌉` steps, so all share self-attention compute ≈ C_ref.
 */
export function perceiverExperimentRows(
  config: PerceiverArConfig,
  models: readonly PerceiverArModel[],
  referenceFlops: number,
  batchSize: number,
  prefixDropout = 0.5,
): PerceiverExperimentRow[] {
  return models.map((model) => {
    const selfPerToken = perceiverSelfAttnFlops(config, model.channels, model.layers);
    const crossPerToken = perceiverCrossAttnFlops(config, model.channels, prefixDropout);
    const numSteps = perceiverTrainingSteps(referenceFlops / selfPerToken, config.numLatents, batchSize);
    const tokens = perceiverTrainingTokens(numSteps, config.numLatents, batchSize);
    const params = perceiverParams(config, model);
    const crossParams = perceiverCrossAttnParams(config, model.channels);
    const selfParams = params - crossParams;
    const selfFlops = selfPerToken * tokens, crossFlops = crossPerToken * tokens;
    const flops = selfFlops + crossFlops;
    const selfFlopsApprox = 6 * selfParams * tokens;
    return {
      channels: model.channels,
      layers: model.layers,
      numSteps,
      tokens,
      params,
      crossParams,
      selfParams,
      flops,
      crossFlops,
      selfFlops,
      selfFlopsApprox,
      crossParamFraction: crossParams / params,
      crossFlopFraction: crossFlops / flops,
      selfFlopsRatio: selfFlops / selfFlopsApprox,
    };
  });
}

/** One of seed 000's experiments: estimator settings, models (the first is the reference) and budget. */
export interface PerceiverExperiment {
  /** Experiment name as in seed 000 ("scaling-1", "scaling-2a", "scaling-2b"). */
  readonly name: string;
  /** Estimator settings. */
  readonly config: PerceiverArConfig;
  /** Models; the first is the reference model. */
  readonly models: readonly PerceiverArModel[];
  /** Training steps of the reference model. */
  readonly referenceSteps: number;
  /** Global batch size in sequences. */
  readonly batchSize: number;
}

/** The three experiments of seed 000 (Experiment 1, 2a, 2b), batch 80 sequences of 512 latents. */
export const PERCEIVER_EXPERIMENTS: readonly PerceiverExperiment[] = [
  {
    name: "scaling-1",
    config: { vocabSize: 32000, maxSeqLen: 2048, numLatents: 512 },
    models: [{ channels: 512, layers: 9 }, { channels: 624, layers: 11 }, { channels: 728, layers: 13 }],
    referenceSteps: 50000,
    batchSize: 80,
  },
  {
    name: "scaling-2a",
    config: { vocabSize: 262, maxSeqLen: 4096, numLatents: 512 },
    models: [
      { channels: 512, layers: 9 },
      { channels: 584, layers: 10 },
      { channels: 584, layers: 9 },
      { channels: 432, layers: 7 },
      { channels: 768, layers: 13 },
    ],
    referenceSteps: 26144,
    batchSize: 80,
  },
  {
    name: "scaling-2b",
    config: { vocabSize: 262, maxSeqLen: 2048, numLatents: 512 },
    models: [{ channels: 512, layers: 9 }, { channels: 584, layers: 10 }],
    referenceSteps: 26144,
    batchSize: 80,
  },
];

/** Returns the reference budget and table rows of one seed 000 experiment. */
export function perceiverExperimentTable(
  experiment: PerceiverExperiment,
): { readonly reference: PerceiverReferenceCompute; readonly rows: PerceiverExperimentRow[] } {
  const reference = perceiverReferenceCompute(
    experiment.config,
    experiment.models[0],
    experiment.referenceSteps,
    experiment.batchSize,
  );
  return {
    reference,
    rows: perceiverExperimentRows(
      experiment.config,
      experiment.models,
      reference.flops,
      experiment.batchSize,
    ),
  };
}

/**
 * Returns a row's cells as seed 000 prints them: counts and FLOPs as `x.xxe+yy`, ratios to 4 decimals,
 * in the order channels, layers, steps, D_iso, N, N_cross, N_self, C, C_cross, C_self, Ĉ_self,
 * N_cross/N, C_cross/C, C_self/Ĉ_self.
 */
export function formatPerceiverRow(row: PerceiverExperimentRow): string[] {
  const e = (x: number) => formatExp2(x);
  return [
    String(row.channels),
    String(row.layers),
    String(row.numSteps),
    e(row.tokens),
    e(row.params),
    e(row.crossParams),
    e(row.selfParams),
    e(row.flops),
    e(row.crossFlops),
    e(row.selfFlops),
    e(row.selfFlopsApprox),
    row.crossParamFraction.toFixed(4),
    row.crossFlopFraction.toFixed(4),
    row.selfFlopsRatio.toFixed(4),
  ];
}

/** Returns `x` in Python's `{:.2e}` format, e.g. `5.78e+17`. */
export function formatExp2(x: number): string {
  const [mantissa, exponent] = x.toExponential(2).split("e");
  const sign = exponent.startsWith("-") ? "-" : "+";
  const digits = exponent.replace(/^[+-]/, "").padStart(2, "0");
  return `${mantissa}e${sign}${digits}`;
}

/** A compute-optimal size seed 000 prints for an experiment's reference budget. */
export interface PublishedPerceiverPrediction {
  /** Experiment ("scaling-1", "scaling-2a"). */
  readonly experiment: string;
  /** Chinchilla approach of the law used (1 or 2). */
  readonly approach: 1 | 2;
  /** N_opt at C_ref, parameters, as printed (3 significant digits). */
  readonly paramsOpt: number;
}

/**
 * The N_opt predictions seed 000 prints at the reference budgets: 7.32e+07 (Experiment 1, Approach 2),
 * 3.90e+07 and 4.33e+07 (Experiment 2a, Approaches 1 and 2); it prints none for Experiment 2b, whose
 * C_ref equals 2a's.
 */
export const SEED000_PREDICTIONS: readonly PublishedPerceiverPrediction[] = [
  { experiment: "scaling-1", approach: 2, paramsOpt: 7.32e7 },
  { experiment: "scaling-2a", approach: 1, paramsOpt: 3.9e7 },
  { experiment: "scaling-2a", approach: 2, paramsOpt: 4.33e7 },
];
