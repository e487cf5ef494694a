/**
 * Builds a corpus directory (`train.bin/.json`, `val.bin/.json`) from user text files, the synthetic
 * Markov language, or an installed Debian corpus. Text becomes `<bos> bytes <eos>` per document,
 * concatenated. The split is deterministic and contiguous: the stream is cut into chunks of
 * `chunkTokens` and chunk i goes to validation exactly when `floor((i + 1)·f) > floor(i·f)` (f the
 * validation fraction), which spreads validation chunks evenly through the corpus.
 * @module
 */
import { loadDebianCorpus } from "./debian.ts";
import { markovChain, sampleMarkov, syntheticEntropyRate } from "./markov.ts";
import { type CorpusSource, type TokenFileHeader, writeTokenFile } from "./tokenfile.ts";
import { BYTE_VOCAB_SIZE, encodeDocument } from "./tokenizer.ts";

/** Default validation fraction of a corpus. */
export const DEFAULT_VAL_FRACTION = 0.05;
/** Default split chunk size, tokens. */
export const DEFAULT_CHUNK_TOKENS = 8192;

/** Options of {@link prepareCorpus}: one source, an output folder and the split. */
export type PrepareOptions =
  & {
    /** Output folder (created if needed). */
    readonly outDir: string;
    /** Fraction of tokens held out for validation, in (0, 1) (default 0.05). */
    readonly valFraction?: number;
    /** Split chunk size in tokens (default 8192; reduced so that validation gets at least one chunk). */
    readonly chunkTokens?: number;
  }
  & (
    | { readonly source: "text"; readonly files: readonly string[] }
    | {
      readonly source: "synthetic";
      readonly tokens: number;
      readonly seed: number;
      readonly alphabetSize?: number;
      readonly sharpness?: number;
    }
    | { readonly source: "debian"; readonly package: string; readonly root?: string }
  );

/** Returns the chunk size actually used: `chunkTokens`, reduced to `floor(total·f)` so validation is non-empty. */
export function effectiveChunkTokens(total: number, valFraction: number, chunkTokens: number): number {
  const c = Math.min(chunkTokens, Math.floor(total * valFraction));
  if (c < 1) {
    throw new Error(`corpus of ${total} tokens is too small for a validation fraction of ${valFraction}`);
  }
  return c;
}

/** Returns the train and validation token streams of `tokens` split by contiguous chunks (see module doc). */
export function splitTrainVal(
  tokens: Uint16Array,
  valFraction: number,
  chunkTokens: number,
): { train: Uint16Array; val: Uint16Array } {
  if (!(valFraction > 0 && valFraction < 1)) {
    throw new Error(`valFraction must be in (0, 1), got ${valFraction}`);
  }
  if (!Number.isInteger(chunkTokens) || chunkTokens < 1) {
    throw new Error(`chunkTokens must be a positive integer, got ${chunkTokens}`);
  }
  const train: Uint16Array[] = [], val: Uint16Array[] = [];
  const n = Math.ceil(tokens.length / chunkTokens);
  for (let i = 0; i < n; i++) {
    const chunk = tokens.subarray(i * chunkTokens, Math.min(tokens.length, (i + 1) * chunkTokens));
    (Math.floor((i + 1) * valFraction) > Math.floor(i * valFraction) ? val : train).push(chunk);
  }
  const cat = (parts: Uint16Array[]) => {
    const out = new Uint16Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };
  return { train: cat(train), val: cat(val) };
}

/** Returns the concatenated `<bos> text <eos>` tokens of the documents. */
export function encodeDocuments(documents: readonly string[]): Uint16Array {
  const parts = documents.map(encodeDocument);
  const out = new Uint16Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Returns the byte offset of the first invalid UTF-8 sequence in `bytes`, or −1 when all of it is valid. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const c = bytes[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (n === 0 || i + n > bytes.length - 1) return i;
    let cp = c & (0x7f >> (n + 1));
    for (let k = 1; k <= n; k++) {
      if ((bytes[i + k] & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (bytes[i + k] & 0x3f);
    }
    const min = [0, 0x80, 0x800, 0x10000][n];
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

async function readTextFiles(files: readonly string[]): Promise<string[]> {
  if (files.length === 0) throw new Error("text source: no files given");
  return await Promise.all(files.map(async (f) => {
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(f);
    } catch (e) {
      throw new Error(`${f}: cannot read text file: ${(e as Error).message}`);
    }
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      const at = firstInvalidUtf8(bytes);
      let line = 1;
      for (let k = 0; k < at; k++) if (bytes[k] === 10) line++;
      throw new Error(`${f}: line ${line}, byte ${at}: invalid UTF-8`);
    }
  }));
}

/** Builds the corpus folder from one source; returns the train and validation headers written. */
export async function prepareCorpus(
  opts: PrepareOptions,
): Promise<{ train: TokenFileHeader; val: TokenFileHeader }> {
  const valFraction = opts.valFraction ?? DEFAULT_VAL_FRACTION;
  if (!(valFraction > 0 && valFraction < 1)) {
    throw new Error(`valFraction must be in (0, 1), got ${valFraction}`);
  }
  let tokens: Uint16Array;
  let source: CorpusSource;
  if (opts.source === "text") {
    tokens = encodeDocuments(await readTextFiles(opts.files));
    source = { kind: "text", description: `${opts.files.length} user text file(s)`, files: [...opts.files] };
  } else if (opts.source === "synthetic") {
    const alphabetSize = opts.alphabetSize ?? 16, sharpness = opts.sharpness ?? 2;
    const chain = markovChain(alphabetSize, opts.seed, sharpness);
    tokens = sampleMarkov(chain, opts.tokens, opts.seed + 1);
    source = {
      kind: "synthetic",
      description: `stationary order-1 Markov chain over ${alphabetSize} symbols ("a"...)`,
      seed: opts.seed,
      alphabetSize,
      sharpness,
      entropyRateNats: syntheticEntropyRate(chain),
    };
  } else {
    const c = await loadDebianCorpus(opts.package, opts.root ?? "");
    tokens = encodeDocuments(c.documents);
    source = c.source;
  }
  const chunkTokens = effectiveChunkTokens(
    tokens.length,
    valFraction,
    opts.chunkTokens ?? DEFAULT_CHUNK_TOKENS,
  );
  const { train, val } = splitTrainVal(tokens, valFraction, chunkTokens);
  const meta = { vocabSize: BYTE_VOCAB_SIZE, valFraction, chunkTokens, source };
  return {
    train: await writeTokenFile(opts.outDir, "train", train, meta),
    val: await writeTokenFile(opts.outDir, "val", val, meta),
  };
}
