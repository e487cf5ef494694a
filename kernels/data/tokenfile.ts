/**
 * Token files: `<split>.bin` holds the tokens as unsigned 16-bit little-endian integers, `<split>.json`
 * its header (vocabulary, count, SHA-256 of the .bin, source). Both are written to a temporary path and
 * renamed into place, so a reader never sees a half-written file.
 * @module
 */
import { writeFileAtomic } from "../../util/fs.ts";
import { sha256Hex } from "../../util/hex.ts";

/** Where a corpus came from (recorded in every header). */
export interface CorpusSource {
  /**
   * "text" (user files), "synthetic" (Markov chain), "debian" (an installed package) or "mqar" (the
   * associative-recall task, `mqar.ts`; its options are in the folder's `mqar.json`).
   */
  readonly kind: "text" | "synthetic" | "debian" | "mqar";
  /** One line saying what the tokens are. */
  readonly description: string;
  /** Input files, for "text" and "debian". */
  readonly files?: readonly string[];
  /** Debian package name, for "debian". */
  readonly package?: string;
  /** License of the text, where known. */
  readonly license?: string;
  /** Seed, for "synthetic" and "mqar". */
  readonly seed?: number;
  /** Alphabet size K, for "synthetic". */
  readonly alphabetSize?: number;
  /** Sharpness of the transition logits, for "synthetic". */
  readonly sharpness?: number;
  /** Entropy rate of the source in nats/token: the irreducible loss, for "synthetic". */
  readonly entropyRateNats?: number;
}

/** Header of one token file (`<split>.json`). */
export interface TokenFileHeader {
  /** Always "uint16le". */
  readonly format: "uint16le";
  /** "train" or "val". */
  readonly split: string;
  /** Vocabulary size; every token is < vocabSize. */
  readonly vocabSize: number;
  /** Number of tokens in the .bin. */
  readonly count: number;
  /** Hex SHA-256 of the .bin bytes. */
  readonly sha256: string;
  /** Fraction of the corpus's tokens held out for validation. */
  readonly valFraction: number;
  /** Size of the contiguous chunks the train/val split was made of (tokens). */
  readonly chunkTokens: number;
  /** Where the tokens came from. */
  readonly source: CorpusSource;
}

/** Returns the tokens as little-endian uint16 bytes; throws naming the position of a token outside 0..65535. */
export function tokensToBytes(tokens: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(tokens.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!Number.isInteger(t) || t < 0 || t > 65535) {
      throw new Error(`token ${t} at position ${i} is not a uint16`);
    }
    view.setUint16(2 * i, t, true);
  }
  return bytes;
}

/** Writes `<dir>/<split>.bin` and `<dir>/<split>.json` atomically; returns the header written. */
export async function writeTokenFile(
  dir: string,
  split: string,
  tokens: ArrayLike<number>,
  meta: { vocabSize: number; valFraction: number; chunkTokens: number; source: CorpusSource },
): Promise<TokenFileHeader> {
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] >= meta.vocabSize) {
      throw new Error(
        `${split}: token ${tokens[i]} at position ${i} is outside the vocabulary ${meta.vocabSize}`,
      );
    }
  }
  const bytes = tokensToBytes(tokens);
  const header: TokenFileHeader = {
    format: "uint16le",
    split,
    vocabSize: meta.vocabSize,
    count: tokens.length,
    sha256: sha256Hex(bytes),
    valFraction: meta.valFraction,
    chunkTokens: meta.chunkTokens,
    source: meta.source,
  };
  await Deno.mkdir(dir, { recursive: true });
  await writeFileAtomic(`${dir}/${split}.bin`, bytes);
  await writeFileAtomic(
    `${dir}/${split}.json`,
    new TextEncoder().encode(JSON.stringify(header, null, 2) + "\n"),
  );
  return header;
}

/**
 * Reads and verifies `<dir>/<split>.json` and `<dir>/<split>.bin`: returns the header and the tokens.
 * Throws an Error naming the file and the field when the header is malformed, the size or SHA-256
 * disagrees with the header, or a token is outside the vocabulary.
 */
export async function readTokenFile(
  dir: string,
  split: string,
): Promise<{ header: TokenFileHeader; tokens: Uint16Array }> {
  const jsonPath = `${dir}/${split}.json`, binPath = `${dir}/${split}.bin`;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(await Deno.readTextFile(jsonPath));
  } catch (e) {
    throw new Error(`${jsonPath}: cannot read token file header: ${(e as Error).message}`);
  }
  const need = (field: string, ok: (v: unknown) => boolean, what: string) => {
    if (!ok(raw[field])) {
      throw new Error(`${jsonPath}: field "${field}" must be ${what}, got ${JSON.stringify(raw[field])}`);
    }
  };
  const posInt = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
  need("format", (v) => v === "uint16le", `"uint16le"`);
  need("vocabSize", (v) => posInt(v) && (v as number) <= 65536, "an integer in [1, 65536]");
  need("count", (v) => Number.isInteger(v) && (v as number) >= 0, "a non-negative integer");
  need("sha256", (v) => typeof v === "string" && /^[0-9a-f]{64}$/.test(v), "64 hex digits");
  need("source", (v) => typeof v === "object" && v !== null, "an object");
  const header = raw as unknown as TokenFileHeader;
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(binPath);
  } catch (e) {
    throw new Error(`${binPath}: cannot read tokens: ${(e as Error).message}`);
  }
  if (bytes.length !== 2 * header.count) {
    throw new Error(
      `${binPath}: ${bytes.length} bytes, but header field "count" says ${header.count} tokens`,
    );
  }
  const digest = sha256Hex(bytes);
  if (digest !== header.sha256) {
    throw new Error(`${binPath}: SHA-256 ${digest} does not match header field "sha256" ${header.sha256}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tokens = new Uint16Array(header.count);
  for (let i = 0; i < header.count; i++) {
    const t = view.getUint16(2 * i, true);
    if (t >= header.vocabSize) {
      throw new Error(
        `${binPath}: token ${t} at index ${i} is outside field "vocabSize" ${header.vocabSize}`,
      );
    }
    tokens[i] = t;
  }
  return { header, tokens };
}
