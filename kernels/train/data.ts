/**
 * Adapts a corpus folder written by `kernels/data/prepare.ts` (`train.bin/.json`, `val.bin/.json`) to the
 * loop's {@link TrainingData}. A text corpus: training batches from the seeded, resumable `TokenLoader`
 * over the train split, validation batches from the fixed, evenly spaced windows of the val split. An
 * associative-recall set (the folder has `mqar.json`, `kernels/data/mqar.ts`): whole examples from the
 * `ExampleLoader` (a seeded order per epoch for training, the test set's first examples for validation),
 * each batch with its answer weights, so the loss and accuracy count the answers only.
 * @module
 */

import { type LoaderState, TokenLoader } from "../data/loader.ts";
import { readTokenFile, type TokenFileHeader } from "../data/tokenfile.ts";
import { ExampleLoader, type ExampleLoaderState } from "../data/examples.ts";
import { type MqarManifest, readMqarManifest, readMqarMask } from "../data/mqar.ts";
import type { TrainingData } from "./loop.ts";

/** A corpus opened for training: the loop's data source and the two split headers. */
export interface OpenedCorpus {
  /** Data source for {@link train}. */
  readonly data: TrainingData;
  /** Header of train.bin. */
  readonly train: TokenFileHeader;
  /** Header of val.bin. */
  readonly val: TokenFileHeader;
  /** The manifest of an associative-recall set; absent for a text corpus. */
  readonly mqar?: MqarManifest;
}

/**
 * Returns the corpus in `dir` opened for a model of `vocabSize` tokens, with the training cursor seeded
 * by `seed`. Throws naming the file when a split is missing or its vocabulary does not fit the model.
 */
export async function openCorpus(dir: string, seed: number, vocabSize: number): Promise<OpenedCorpus> {
  const mqar = await readMqarManifest(dir);
  if (mqar !== null) return await openMqar(dir, seed, vocabSize, mqar);
  const tr = await TokenLoader.open(dir, "train", seed);
  const va = await TokenLoader.open(dir, "val", seed);
  checkVocab(dir, vocabSize, tr.header, va.header);
  const train = tr.loader, val = va.loader;
  const data: TrainingData = {
    nextBatch: (b, t) => ({ tokens: train.nextBatch(b, t) }),
    state: () => train.state(),
    restore: (s) => train.restore(s as LoaderState),
    validationBatches: (n, b, t) => val.validationBatches(n, b, t).map((tokens) => ({ tokens })),
  };
  return { data, train: tr.header, val: va.header };
}

/** Throws naming the header when a split's vocabulary is larger than the model's. */
function checkVocab(dir: string, vocabSize: number, train: TokenFileHeader, val: TokenFileHeader): void {
  for (const [split, h] of [["train", train], ["val", val]] as const) {
    if (h.vocabSize > vocabSize) {
      throw new Error(
        `${dir}/${split}.json: field "vocabSize" is ${h.vocabSize}, larger than the model's vocabSize ${vocabSize}`,
      );
    }
  }
}

/** Opens an associative-recall set: example-aligned batches with answer weights (see the module doc). */
async function openMqar(
  dir: string,
  seed: number,
  vocabSize: number,
  m: MqarManifest,
): Promise<OpenedCorpus> {
  const open = async (split: "train" | "val", loaderSeed: number) => {
    const { header, tokens } = await readTokenFile(dir, split);
    if (header.sha256 !== m[split].sha256) {
      throw new Error(
        `${dir}/${split}.json: field "sha256" ${header.sha256} differs from mqar.json field "${split}.sha256" ${
          m[split].sha256
        }`,
      );
    }
    const mask = await readMqarMask(dir, split, m);
    return {
      header,
      loader: new ExampleLoader(tokens, mask, m.exampleTokens, loaderSeed, `${dir}/${split}.bin`),
    };
  };
  const tr = await open("train", seed), va = await open("val", seed);
  checkVocab(dir, vocabSize, tr.header, va.header);
  const train = tr.loader, val = va.loader;
  const data: TrainingData = {
    nextBatch: (b, t) => train.nextBatch(b, t),
    state: () => train.state(),
    restore: (s) => train.restore(s as ExampleLoaderState),
    validationBatches: (n, b, t) => val.validationBatches(n, b, t),
  };
  return { data, train: tr.header, val: va.header, mqar: m };
}
