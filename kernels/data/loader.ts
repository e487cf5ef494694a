/**
 * `TokenLoader`: batches of token windows from one token stream. Training batches start at seeded
 * random offsets (uniform over every window that fits); the cursor (RNG state and batch count) is
 * saved and restored as JSON, so a resumed run sees exactly the batches an uninterrupted run would.
 * Validation batches are a fixed, evenly spaced set of windows that depends on nothing but the stream
 * and the shape asked for.
 * @module
 */
import { Rng, type RngState } from "../../util/rng.ts";
import { readTokenFile, type TokenFileHeader } from "./tokenfile.ts";

/** JSON-serialisable cursor of a {@link TokenLoader}. */
export interface LoaderState {
  /** RNG state that draws the next batch's offsets. */
  readonly rng: RngState;
  /** Number of training batches drawn so far. */
  readonly batches: number;
  /** Number of tokens in the stream (checked on restore). */
  readonly count: number;
}

function checkShape(what: string, batchSize: number, seqLen: number, count: number, name: string): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`${what}: batchSize must be a positive integer, got ${batchSize}`);
  }
  if (!Number.isInteger(seqLen) || seqLen < 1) {
    throw new Error(`${what}: seqLen must be a positive integer, got ${seqLen}`);
  }
  if (count < seqLen + 1) {
    throw new Error(`${name}: ${count} tokens are fewer than one window of seqLen + 1 = ${seqLen + 1}`);
  }
}

/** Seeded, resumable batches of `seqLen + 1`-token windows from a token stream. */
export class TokenLoader {
  /** The token stream. */
  readonly tokens: Uint16Array;
  /** Name used in error messages (usually the .bin path). */
  readonly name: string;
  #rng: Rng;
  #batches = 0;

  /** Creates a loader over `tokens` whose training batches are drawn from `Rng(seed)`. */
  constructor(tokens: Uint16Array, seed: number, name = "tokens") {
    this.tokens = tokens;
    this.name = name;
    this.#rng = new Rng(seed);
  }

  /** Returns a loader over `<dir>/<split>.bin` (verified against its header) and the header. */
  static async open(
    dir: string,
    split: string,
    seed: number,
  ): Promise<{ loader: TokenLoader; header: TokenFileHeader }> {
    const { header, tokens } = await readTokenFile(dir, split);
    return { loader: new TokenLoader(tokens, seed, `${dir}/${split}.bin`), header };
  }

  /**
   * Returns `batchSize` windows of `seqLen + 1` consecutive tokens each, concatenated
   * (`Int32Array` of batchSize·(seqLen+1)), at uniformly random start offsets.
   */
  nextBatch(batchSize: number, seqLen: number): Int32Array {
    checkShape("nextBatch", batchSize, seqLen, this.tokens.length, this.name);
    const L = seqLen + 1, starts = this.tokens.length - L + 1;
    const out = new Int32Array(batchSize * L);
    for (let b = 0; b < batchSize; b++) {
      const o = this.#rng.nextInt(starts);
      out.set(this.tokens.subarray(o, o + L), b * L);
    }
    this.#batches++;
    return out;
  }

  /** Number of training batches drawn so far. */
  get batches(): number {
    return this.#batches;
  }

  /** Returns the cursor as a JSON-serialisable object. */
  state(): LoaderState {
    return { rng: this.#rng.state(), batches: this.#batches, count: this.tokens.length };
  }

  /** Restores a cursor saved by `state()`; throws naming the field when it does not fit this stream. */
  restore(state: LoaderState): void {
    if (state?.count !== this.tokens.length) {
      throw new Error(
        `${this.name}: loader state field "count" is ${state?.count}, but the stream has ${this.tokens.length} tokens`,
      );
    }
    if (!Number.isInteger(state.batches) || state.batches < 0) {
      throw new Error(
        `${this.name}: loader state field "batches" must be a non-negative integer, got ${state.batches}`,
      );
    }
    this.#rng = Rng.fromState(state.rng);
    this.#batches = state.batches;
  }

  /**
   * Returns `n` fixed validation batches (each `Int32Array` of batchSize·(seqLen+1)): the n·batchSize
   * windows start at `floor(k · (count − seqLen − 1) / max(1, n·batchSize − 1))`, k = 0.., evenly spaced
   * over the stream; they do not touch the training cursor.
   */
  validationBatches(n: number, batchSize: number, seqLen: number): Int32Array[] {
    checkShape("validationBatches", batchSize, seqLen, this.tokens.length, this.name);
    if (!Number.isInteger(n) || n < 1) {
      throw new Error(`validationBatches: n must be a positive integer, got ${n}`);
    }
    const L = seqLen + 1, windows = n * batchSize, last = this.tokens.length - L;
    const out: Int32Array[] = [];
    for (let i = 0; i < n; i++) {
      const batch = new Int32Array(batchSize * L);
      for (let b = 0; b < batchSize; b++) {
        const k = i * batchSize + b;
        const o = Math.floor((k * last) / Math.max(1, windows - 1));
        batch.set(this.tokens.subarray(o, o + L), b * L);
      }
      out.push(batch);
    }
    return out;
  }
}
