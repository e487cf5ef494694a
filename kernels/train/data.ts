/**
 * Adapts a corpus folder written by `kernels/data/prepare.ts` (`train.bin/.json`, `val.bin/.json`) to the
 * loop's {@link TrainingData}: training batches from the seeded, resumable `TokenLoader` over the train
 * split, validation batches from the fixed, evenly spaced windows of the val split.
 * @module
 */

import { type LoaderState, TokenLoader } from "../data/loader.ts";
import type { TokenFileHeader } from "../data/tokenfile.ts";
import type { TrainingData } from "./loop.ts";

/** A corpus opened for training: the loop's data source and the two split headers. */
export interface OpenedCorpus {
  /** Data source for {@link train}. */
  readonly data: TrainingData;
  /** Header of train.bin. */
  readonly train: TokenFileHeader;
  /** Header of val.bin. */
  readonly val: TokenFileHeader;
}

/**
 * Returns the corpus in `dir` opened for a model of `vocabSize` tokens, with the training cursor seeded
 * by `seed`. Throws naming the file when a split is missing or its vocabulary does not fit the model.
 */
export async function openCorpus(dir: string, seed: number, vocabSize: number): Promise<OpenedCorpus> {
  const tr = await TokenLoader.open(dir, "train", seed);
  const va = await TokenLoader.open(dir, "val", seed);
  for (const [split, h] of [["train", tr.header], ["val", va.header]] as const) {
    if (h.vocabSize > vocabSize) {
      throw new Error(
        `${dir}/${split}.json: field "vocabSize" is ${h.vocabSize}, larger than the model's vocabSize ${vocabSize}`,
      );
    }
  }
  const train = tr.loader, val = va.loader;
  const data: TrainingData = {
    nextBatch: (b, t) => train.nextBatch(b, t),
    state: () => train.state(),
    restore: (s) => train.restore(s as LoaderState),
    validationBatches: (n, b, t) => val.validationBatches(n, b, t),
  };
  return { data, train: tr.header, val: va.header };
}
