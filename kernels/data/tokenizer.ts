/**
 * Byte-level tokenizer: a token is one UTF-8 byte (0..255), plus three special tokens. Encoding never
 * fails and decoding of encoded text is exact, so the loss is in nats per byte of UTF-8.
 * @module
 */

/** Special token ids, placed after the 256 byte values. */
export const SPECIAL_TOKENS = { bos: 256, eos: 257, pad: 258 } as const;

/** Vocabulary size of the byte tokenizer: 256 bytes + 3 special tokens = 259. */
export const BYTE_VOCAB_SIZE = 259;

/** Returns the UTF-8 bytes of `text` as token ids (0..255), without special tokens. */
export function encodeText(text: string): Uint16Array {
  return Uint16Array.from(new TextEncoder().encode(text));
}

/** Returns `[<bos>, ...bytes(text), <eos>]`: one document's tokens. */
export function encodeDocument(text: string): Uint16Array {
  const bytes = new TextEncoder().encode(text);
  const out = new Uint16Array(bytes.length + 2);
  out[0] = SPECIAL_TOKENS.bos;
  out.set(bytes, 1);
  out[out.length - 1] = SPECIAL_TOKENS.eos;
  return out;
}

/**
 * Returns the text of byte tokens. Special tokens are dropped, or written as `<bos>`, `<eos>`, `<pad>`
 * when `showSpecial`; invalid UTF-8 sequences become U+FFFD. Throws naming the position of any id ≥ 259.
 */
export function decodeTokens(tokens: ArrayLike<number>, showSpecial = false): string {
  const names = ["<bos>", "<eos>", "<pad>"];
  const dec = new TextDecoder("utf-8");
  let out = "";
  let bytes: number[] = [];
  const flush = () => {
    out += dec.decode(Uint8Array.from(bytes));
    bytes = [];
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!Number.isInteger(t) || t < 0 || t >= BYTE_VOCAB_SIZE) {
      throw new Error(`decodeTokens: token ${t} at position ${i} is outside [0, ${BYTE_VOCAB_SIZE})`);
    }
    if (t < 256) bytes.push(t);
    else if (showSpecial) {
      flush();
      out += names[t - 256];
    }
  }
  flush();
  return out;
}
