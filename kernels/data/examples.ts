/**
 * `ExampleLoader`: batches of whole examples from a stream of fixed-length examples (an MQAR set,
 * `mqar.ts`: each example is one sequence of T + 1 tokens), with the per-target loss weights taken from
 * the answer mask. Where `TokenLoader` draws windows at random offsets (which would cut examples), this one
 * walks the examples in a seeded random order, a fresh permutation each epoch, so every example is seen once
 * per epoch. The cursor (the RNG state at the start of the epoch, the position in it, the batch count) is
 * saved and restored as JSON; a resumed run sees exactly the batches an uninterrupted run would.
 * Validation batches are the first examples of the stream in order: a fixed set that depends on nothing
 * else.
 * @module
 */
import { Rng, type RngState } from "../../util/rng.ts";
import type { TokenBatch } from "../batch.ts";

/** JSON-serialisable cursor of an {@link ExampleLoader}. */
export interface ExampleLoaderState {
  /** Always "examples" (tells it from a `TokenLoader` cursor). */
  readonly kind: "examples";
  /** RNG state at the start of the current epoch (its permutation is drawn from it). */
  readonly epochRng: RngState;
  /** Index of the current epoch (0-based). */
  readonly epoch: number;
  /** Examples of the current epoch already used. */
  readonly index: number;
  /** Training batches drawn so far. */
  readonly batches: number;
  /** Examples in the stream (checked on restore). */
  readonly examples: number;
}

/** Seeded, resumable batches of whole examples with their answer weights. */
export class ExampleLoader {
  /** The examples, concatenated (`examples · exampleTokens`). */
  readonly tokens: Uint16Array;
  /** 1 where a token is a scored answer, else 0 (same length as `tokens`). */
  readonly mask: Uint8Array;
  /** Tokens per example (T + 1). */
  readonly exampleTokens: number;
  /** Number of examples. */
  readonly examples: number;
  /** Name used in error messages (usually the .bin path). */
  readonly name: string;
  #rng: Rng;
  #epochRng: RngState;
  #perm: Uint32Array;
  #epoch = 0;
  #index = 0;
  #batches = 0;

  /** Creates a loader over `tokens` and `mask` cut into examples of `exampleTokens`, ordered by `Rng(seed)`. */
  constructor(tokens: Uint16Array, mask: Uint8Array, exampleTokens: number, seed: number, name = "examples") {
    if (!Number.isInteger(exampleTokens) || exampleTokens < 2) {
      throw new Error(`${name}: exampleTokens must be an integer ≥ 2, got ${exampleTokens}`);
    }
    if (tokens.length % exampleTokens !== 0 || tokens.length === 0) {
      throw new Error(
        `${name}: ${tokens.length} tokens are not a whole number of ${exampleTokens}-token examples`,
      );
    }
    if (mask.length !== tokens.length) {
      throw new Error(`${name}: the mask has ${mask.length} entries for ${tokens.length} tokens`);
    }
    this.tokens = tokens;
    this.mask = mask;
    this.exampleTokens = exampleTokens;
    this.examples = tokens.length / exampleTokens;
    this.name = name;
    this.#rng = new Rng(seed);
    this.#epochRng = this.#rng.state();
    this.#perm = this.#permutation();
  }

  /** Draws the next epoch's permutation of the examples from the RNG (Fisher–Yates). */
  #permutation(): Uint32Array {
    const p = Uint32Array.from({ length: this.examples }, (_, i) => i);
    for (let i = p.length - 1; i > 0; i--) {
      const j = this.#rng.nextInt(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  #checkShape(what: string, batchSize: number, seqLen: number): void {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new Error(`${what}: batchSize must be a positive integer, got ${batchSize}`);
    }
    if (seqLen + 1 !== this.exampleTokens) {
      throw new Error(
        `${this.name}: examples are ${this.exampleTokens} tokens (T = ${this.exampleTokens - 1}), ` +
          `but the model's seqLen is ${seqLen}; train with seqLen ${this.exampleTokens - 1}`,
      );
    }
  }

  /** Returns examples `ids` as one batch: their tokens and the weights of their targets (the mask shifted by one). */
  #batch(ids: ArrayLike<number>): TokenBatch {
    const L = this.exampleTokens, T = L - 1, n = ids.length;
    const tokens = new Int32Array(n * L), weights = new Float32Array(n * T);
    for (let b = 0; b < n; b++) {
      const o = ids[b] * L;
      tokens.set(this.tokens.subarray(o, o + L), b * L);
      for (let t = 0; t < T; t++) weights[b * T + t] = this.mask[o + t + 1];
    }
    return { tokens, weights };
  }

  /**
   * Returns the next `batchSize` examples of the epoch's order (starting the next epoch, with a fresh
   * permutation, when this one runs out); `seqLen` must be the examples' T.
   */
  nextBatch(batchSize: number, seqLen: number): TokenBatch {
    this.#checkShape("nextBatch", batchSize, seqLen);
    const ids = new Uint32Array(batchSize);
    for (let b = 0; b < batchSize; b++) {
      if (this.#index === this.examples) {
        this.#epochRng = this.#rng.state();
        this.#perm = this.#permutation();
        this.#epoch++;
        this.#index = 0;
      }
      ids[b] = this.#perm[this.#index++];
    }
    this.#batches++;
    return this.#batch(ids);
  }

  /** Number of training batches drawn so far. */
  get batches(): number {
    return this.#batches;
  }

  /** Returns the cursor as a JSON-serialisable object. */
  state(): ExampleLoaderState {
    return {
      kind: "examples",
      epochRng: this.#epochRng,
      epoch: this.#epoch,
      index: this.#index,
      batches: this.#batches,
      examples: this.examples,
    };
  }

  /** Restores a cursor saved by `state()`; throws naming the field when it does not fit this stream. */
  restore(state: ExampleLoaderState): void {
    const bad = (field: string, what: string, v: unknown) =>
      new Error(`${this.name}: loader state field "${field}" must be ${what}, got ${JSON.stringify(v)}`);
    if (state?.kind !== "examples") throw bad("kind", `"examples"`, state?.kind);
    if (state.examples !== this.examples) {
      throw bad("examples", `${this.examples} (this stream's)`, state.examples);
    }
    for (const f of ["epoch", "index", "batches"] as const) {
      if (!Number.isInteger(state[f]) || state[f] < 0) throw bad(f, "a non-negative integer", state[f]);
    }
    if (state.index > this.examples) throw bad("index", `at most ${this.examples}`, state.index);
    this.#rng = Rng.fromState(state.epochRng);
    this.#epochRng = this.#rng.state();
    this.#perm = this.#permutation();
    this.#epoch = state.epoch;
    this.#index = state.index;
    this.#batches = state.batches;
  }

  /**
   * Returns `n` fixed validation batches of `batchSize` examples: the first n·batchSize examples of the
   * stream, in order. Throws when the stream has fewer.
   */
  validationBatches(n: number, batchSize: number, seqLen: number): TokenBatch[] {
    this.#checkShape("validationBatches", batchSize, seqLen);
    if (!Number.isInteger(n) || n < 1) {
      throw new Error(`validationBatches: n must be a positive integer, got ${n}`);
    }
    if (n * batchSize > this.examples) {
      throw new Error(
        `${this.name}: ${n} evaluation batches of ${batchSize} need ${n * batchSize} examples, ` +
          `but the test set has ${this.examples}; prepare more test examples or evaluate fewer batches`,
      );
    }
    return Array.from(
      { length: n },
      (_, i) => this.#batch(Uint32Array.from({ length: batchSize }, (_, b) => i * batchSize + b)),
    );
  }
}
