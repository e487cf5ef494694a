/**
 * Multi-query associative recall (MQAR), the synthetic recall task of Zoology (Arora, Eyuboglu et al.
 * 2023, "Zoology: Measuring and improving recall in efficient language models"), generated as
 * HazyResearch/zoology's `zoology/data/multiquery_ar.py` describes it (facts taken from that file; the
 * code here is our own):
 *
 * - the vocabulary of V tokens is split in two: keys are drawn from the lower half `[1, V/2)` (token 0 is
 *   the filler placeholder), values from the upper half `[V/2, V)`; an example draws K distinct keys and K
 *   distinct values (without replacement);
 * - an example opens with the K key-value pairs `k₁ v₁ k₂ v₂ … k_K v_K` (2K tokens);
 * - the rest holds the queries: the `space = (T − 2K)/2` even slots after the pairs are the query
 *   positions, key i is placed at slot `gap_i`, and the K gaps are drawn without replacement with
 *   probability `p_g ∝ a·g^(a−1)`, g = 1..space (Zoology's `power_a`, default a = 0.01: short gaps are far
 *   likelier, as repeated bigrams in text are); the first drawn gap goes to the first key;
 * - every other position is filler: token 0, or, with `randomNonQueries` (Zoology's default), a token drawn
 *   uniformly from the whole vocabulary;
 * - only the answers are scored: Zoology labels the position after each query with its value and every
 *   other position with −100 (ignored by the loss and the metrics). Here the weight file holds 1 at each
 *   answer token and 0 elsewhere, and the trainer's cross-entropy and accuracy count the 1s only.
 *
 * One difference, forced by the trainer's format (targets are the inputs shifted by one): Zoology keeps
 * inputs and labels apart, so the input token after a query is filler and the value appears only as a
 * label; here an example is one stream of T + 1 tokens and the value is written into the stream after its
 * query (the model predicts it from the query before it sees it, so the task is the same; later queries
 * see earlier answers in their context). Zoology also asserts V > T, which the task itself does not need;
 * here only what the generation needs is checked (T even, 4K ≤ T, K < V/2). Zoology's `num_passes` (the
 * pairs repeated, after JRT) is fixed at its default, one pass.
 *
 * A prepared folder holds `train.bin/.json` and `val.bin/.json` (token files, `tokenfile.ts`; each a
 * concatenation of whole examples of T + 1 tokens), `train.mask.bin` and `val.mask.bin` (one byte per
 * token: 1 where the token is an answer whose prediction is scored) and the manifest `mqar.json` (the
 * options, the counts and the SHA-256 of each mask file). The validation split is the fixed test set,
 * drawn from its own seed (`testSeed`), so runs with different training seeds share it.
 * @module
 */
import { Rng } from "../../util/rng.ts";
import { sha256Hex } from "../../util/hex.ts";
import { writeFileAtomic } from "../../util/fs.ts";
import { type TokenFileHeader, writeTokenFile } from "./tokenfile.ts";

/** File name of the manifest of an MQAR folder. */
export const MQAR_MANIFEST = "mqar.json";
/** Default exponent of the query-gap power law (Zoology's `power_a`). */
export const DEFAULT_POWER_A = 0.01;
/** Default seed of the test set: fixed, so that every training seed is scored on the same examples. */
export const DEFAULT_TEST_SEED = 1_000_003;

/** What an MQAR set is made of. */
export interface MqarOptions {
  /** Vocabulary size V (tokens): keys from [1, V/2), values from [V/2, V). */
  readonly vocabSize: number;
  /** Sequence length T (tokens): an example is T + 1 tokens, the trainer's window. Even. */
  readonly seqLen: number;
  /** Key-value pairs K per example (also the queries per example); 4K ≤ T. */
  readonly pairs: number;
  /** Exponent a of the query-gap law p_g ∝ g^(a−1) (1: uniform gaps). Default 0.01. */
  readonly powerA: number;
  /** Filler tokens drawn uniformly from the vocabulary (true, Zoology's default) or all 0 (false). */
  readonly randomNonQueries: boolean;
}

/** Options of {@link prepareMqar}: the task, the two set sizes and their seeds, the output folder. */
export interface MqarPrepareOptions extends MqarOptions {
  /** Output folder (created if needed). */
  readonly outDir: string;
  /** Training examples. */
  readonly trainExamples: number;
  /** Test (validation) examples. */
  readonly testExamples: number;
  /** Seed of the training examples. */
  readonly seed: number;
  /** Seed of the test examples (default {@link DEFAULT_TEST_SEED}). */
  readonly testSeed: number;
}

/** One split's entry in the manifest. */
export interface MqarSplit {
  /** Examples in the split. */
  readonly examples: number;
  /** Tokens in the split's .bin: examples · (T + 1). */
  readonly tokens: number;
  /** Scored answer positions: examples · K. */
  readonly answers: number;
  /** Hex SHA-256 of `<split>.mask.bin`. */
  readonly maskSha256: string;
  /** Hex SHA-256 of `<split>.bin` (as in its header). */
  readonly sha256: string;
}

/** The manifest `mqar.json`: everything that decides the bytes, and the counts. */
export interface MqarManifest {
  /** Always "mqar". */
  readonly format: "mqar";
  /** Task options. */
  readonly options: MqarOptions;
  /** Tokens per example, T + 1 (the trainer's window). */
  readonly exampleTokens: number;
  /** Seed of the training examples. */
  readonly seed: number;
  /** Seed of the test examples. */
  readonly testSeed: number;
  /** The training split. */
  readonly train: MqarSplit;
  /** The test split (file names `val.*`, the trainer's validation split). */
  readonly val: MqarSplit;
}

/** Examples as the trainer reads them: tokens and the answer mask, both `[examples · (T + 1)]`. */
export interface MqarExamples {
  /** Concatenated examples, T + 1 tokens each. */
  readonly tokens: Uint16Array;
  /** 1 where the token is an answer (a value following its query), else 0. */
  readonly mask: Uint8Array;
}

/** Throws naming the option when `o` cannot be generated (see the module doc for the conditions). */
export function validateMqarOptions(o: MqarOptions): MqarOptions {
  const int = (name: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min) {
      throw new Error(`mqar: ${name} must be an integer ≥ ${min}, got ${v}`);
    }
  };
  int("vocabSize", o.vocabSize, 4);
  if (o.vocabSize > 65536) throw new Error(`mqar: vocabSize must be at most 65536, got ${o.vocabSize}`);
  int("seqLen", o.seqLen, 4);
  int("pairs", o.pairs, 1);
  if (o.seqLen % 2 !== 0) throw new Error(`mqar: seqLen must be even, got ${o.seqLen}`);
  if (4 * o.pairs > o.seqLen) {
    throw new Error(`mqar: pairs ${o.pairs} need 4·pairs ≤ seqLen, but seqLen is ${o.seqLen}`);
  }
  const keys = Math.floor(o.vocabSize / 2) - 1;
  if (o.pairs > keys) {
    throw new Error(
      `mqar: pairs ${o.pairs} exceed the ${keys} keys of vocabSize ${o.vocabSize} (keys are [1, V/2))`,
    );
  }
  if (!(Number.isFinite(o.powerA) && o.powerA > 0)) {
    throw new Error(`mqar: powerA must be a positive number, got ${o.powerA}`);
  }
  return o;
}

/** Writes `k` distinct draws from `pool` (partially shuffled in place) into `out`. */
function drawDistinct(rng: Rng, pool: Int32Array, k: number, out: Int32Array): void {
  for (let i = 0; i < k; i++) {
    const j = i + rng.nextInt(pool.length - i);
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
    out[i] = pool[i];
  }
}

/**
 * Returns `count` examples of the task drawn from `Rng(seed)` (see the module doc). Deterministic: the
 * same options, count and seed give the same tokens and mask.
 */
export function mqarExamples(options: MqarOptions, count: number, seed: number): MqarExamples {
  const o = validateMqarOptions(options);
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`mqar: count must be a positive integer, got ${count}`);
  }
  const V = o.vocabSize, T = o.seqLen, K = o.pairs, L = T + 1, half = Math.floor(V / 2);
  const context = 2 * K, space = (T - context) / 2;
  // log-weights of the gap law: p_g ∝ g^(a−1), gap slot s = g − 1 ∈ [0, space)
  const logW = Float64Array.from({ length: space }, (_, s) => (o.powerA - 1) * Math.log(s + 1));
  const rng = new Rng(seed);
  const keyPool = Int32Array.from({ length: half - 1 }, (_, i) => 1 + i);
  const valuePool = Int32Array.from({ length: V - half }, (_, i) => half + i);
  const keys = new Int32Array(K), values = new Int32Array(K);
  const score = new Float64Array(space), order = Array.from({ length: space }, (_, s) => s);
  const tokens = new Uint16Array(count * L), mask = new Uint8Array(count * L);
  for (let e = 0; e < count; e++) {
    drawDistinct(rng, keyPool, K, keys);
    drawDistinct(rng, valuePool, K, values);
    // K gaps without replacement with probability ∝ w: the K largest of log(u)/w (Efraimidis–Spirakis),
    // taken in decreasing order, are distributed as K sequential weighted draws.
    for (let s = 0; s < space; s++) score[s] = Math.log(1 - rng.nextFloat()) / Math.exp(logW[s]);
    order.sort((a, b) => score[b] - score[a] || a - b);
    const base = e * L;
    const ex = tokens.subarray(base, base + L), m = mask.subarray(base, base + L);
    for (let i = 0; i < K; i++) {
      ex[2 * i] = keys[i];
      ex[2 * i + 1] = values[i];
    }
    const filled = new Uint8Array(L);
    filled.fill(1, 0, context);
    for (let i = 0; i < K; i++) {
      const q = context + 2 * order[i];
      ex[q] = keys[i];
      ex[q + 1] = values[i];
      m[q + 1] = 1;
      filled[q] = filled[q + 1] = 1;
    }
    if (o.randomNonQueries) {
      for (let t = 0; t < L; t++) if (!filled[t]) ex[t] = rng.nextInt(V);
    }
  }
  return { tokens, mask };
}

/** Returns the options resolved from a partial input (defaults filled in) and validated. */
export function resolveMqarPrepare(
  input: Partial<MqarPrepareOptions> & Pick<MqarPrepareOptions, "outDir" | "seed">,
): MqarPrepareOptions {
  const need = (name: string, v: number | undefined): number => {
    if (v === undefined) throw new Error(`mqar: ${name} is required`);
    return v;
  };
  const o: MqarPrepareOptions = {
    outDir: input.outDir,
    vocabSize: need("vocabSize", input.vocabSize),
    seqLen: need("seqLen", input.seqLen),
    pairs: need("pairs", input.pairs),
    powerA: input.powerA ?? DEFAULT_POWER_A,
    randomNonQueries: input.randomNonQueries ?? true,
    trainExamples: need("trainExamples", input.trainExamples),
    testExamples: need("testExamples", input.testExamples),
    seed: input.seed,
    testSeed: input.testSeed ?? DEFAULT_TEST_SEED,
  };
  validateMqarOptions(o);
  for (const [k, v] of [["seed", o.seed], ["testSeed", o.testSeed]] as const) {
    if (!Number.isSafeInteger(v)) throw new Error(`mqar: ${k} must be an integer, got ${v}`);
  }
  return o;
}

/**
 * Writes an MQAR folder (see the module doc): the train and test token files, their mask files and the
 * manifest; returns the manifest and the two token-file headers.
 */
export async function prepareMqar(
  opts: MqarPrepareOptions,
): Promise<{ manifest: MqarManifest; train: TokenFileHeader; val: TokenFileHeader }> {
  const task: MqarOptions = {
    vocabSize: opts.vocabSize,
    seqLen: opts.seqLen,
    pairs: opts.pairs,
    powerA: opts.powerA,
    randomNonQueries: opts.randomNonQueries,
  };
  validateMqarOptions(task);
  const L = task.seqLen + 1, total = opts.trainExamples + opts.testExamples;
  if (total * L > 2 ** 31) throw new Error(`mqar: ${total} examples of ${L} tokens are too many`);
  const description =
    `multi-query associative recall (Zoology MQAR): V ${task.vocabSize}, T ${task.seqLen}, ` +
    `K ${task.pairs}, power_a ${task.powerA}`;
  const valFraction = opts.testExamples / total;
  const writeSplit = async (split: "train" | "val", n: number, seed: number) => {
    const ex = mqarExamples(task, n, seed);
    const header = await writeTokenFile(opts.outDir, split, ex.tokens, {
      vocabSize: task.vocabSize,
      valFraction,
      chunkTokens: L,
      source: { kind: "mqar", description, seed },
    });
    await writeFileAtomic(`${opts.outDir}/${split}.mask.bin`, ex.mask);
    const entry: MqarSplit = {
      examples: n,
      tokens: ex.tokens.length,
      answers: n * task.pairs,
      maskSha256: sha256Hex(ex.mask),
      sha256: header.sha256,
    };
    return { header, entry };
  };
  const train = await writeSplit("train", opts.trainExamples, opts.seed);
  const val = await writeSplit("val", opts.testExamples, opts.testSeed);
  const manifest: MqarManifest = {
    format: "mqar",
    options: task,
    exampleTokens: L,
    seed: opts.seed,
    testSeed: opts.testSeed,
    train: train.entry,
    val: val.entry,
  };
  await writeFileAtomic(
    `${opts.outDir}/${MQAR_MANIFEST}`,
    new TextEncoder().encode(JSON.stringify(manifest, null, 2) + "\n"),
  );
  return { manifest, train: train.header, val: val.header };
}

/**
 * Reads and checks `<dir>/mqar.json`; returns null when the folder has none (a text corpus). Throws
 * naming the file and the field, with the value as written, when the manifest is malformed.
 */
export async function readMqarManifest(dir: string): Promise<MqarManifest | null> {
  const path = `${dir}/${MQAR_MANIFEST}`;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw new Error(`${path}: cannot read the MQAR manifest: ${(e as Error).message}`);
  }
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message})`);
  }
  const bad = (field: string, what: string, v: unknown) =>
    new Error(`${path}: field "${field}" must be ${what}, got ${JSON.stringify(v)}`);
  if (raw?.format !== "mqar") throw bad("format", `"mqar"`, raw?.format);
  const opts = raw.options as Record<string, unknown> | undefined;
  if (typeof opts !== "object" || opts === null) throw bad("options", "an object", opts);
  try {
    validateMqarOptions(opts as unknown as MqarOptions);
  } catch (e) {
    throw new Error(`${path}: field "options": ${(e as Error).message}`);
  }
  const m = raw as unknown as MqarManifest;
  if (m.exampleTokens !== m.options.seqLen + 1) {
    throw bad("exampleTokens", `options.seqLen + 1 = ${m.options.seqLen + 1}`, m.exampleTokens);
  }
  for (const split of ["train", "val"] as const) {
    const s = raw[split] as Record<string, unknown> | undefined;
    if (typeof s !== "object" || s === null) throw bad(split, "an object", s);
    if (!Number.isInteger(s.examples) || (s.examples as number) < 1) {
      throw bad(`${split}.examples`, "a positive integer", s.examples);
    }
    if (s.tokens !== (s.examples as number) * m.exampleTokens) {
      throw bad(`${split}.tokens`, `examples · exampleTokens`, s.tokens);
    }
    if (typeof s.maskSha256 !== "string" || !/^[0-9a-f]{64}$/.test(s.maskSha256)) {
      throw bad(`${split}.maskSha256`, "64 hex digits", s.maskSha256);
    }
  }
  return m;
}

/**
 * Reads `<dir>/<split>.mask.bin` and checks it against the manifest (length, SHA-256, values 0 or 1);
 * throws naming the file and what disagrees.
 */
export async function readMqarMask(
  dir: string,
  split: "train" | "val",
  manifest: MqarManifest,
): Promise<Uint8Array> {
  const path = `${dir}/${split}.mask.bin`;
  let mask: Uint8Array;
  try {
    mask = await Deno.readFile(path);
  } catch (e) {
    throw new Error(`${path}: cannot read the answer mask: ${(e as Error).message}`);
  }
  const want = manifest[split];
  if (mask.length !== want.tokens) {
    throw new Error(
      `${path}: ${mask.length} bytes, but ${MQAR_MANIFEST} field "${split}.tokens" says ${want.tokens}`,
    );
  }
  const digest = sha256Hex(mask);
  if (digest !== want.maskSha256) {
    throw new Error(
      `${path}: SHA-256 ${digest} does not match ${MQAR_MANIFEST} field "${split}.maskSha256" ${want.maskSha256}`,
    );
  }
  const at = mask.findIndex((v) => v > 1);
  if (at >= 0) throw new Error(`${path}: byte ${at} is ${mask[at]}, expected 0 or 1`);
  return mask;
}
