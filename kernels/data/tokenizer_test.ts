import assert from "node:assert/strict";
import { BYTE_VOCAB_SIZE, decodeTokens, encodeDocument, encodeText, SPECIAL_TOKENS } from "./tokenizer.ts";

Deno.test("tokenizer: multi-byte UTF-8 round trip with the expected byte counts", () => {
  const text = "naïve café — 東京 🙂 ∑x²";
  const t = encodeText(text);
  // ï é: 2 bytes, — ∑ ²: 3/3/2, 東 京: 3 each, 🙂: 4
  assert.equal(t.length, new TextEncoder().encode(text).length);
  assert.deepEqual(Array.from(encodeText("é🙂")), [0xc3, 0xa9, 0xf0, 0x9f, 0x99, 0x82]);
  assert.equal(decodeTokens(t), text);
  assert.equal(BYTE_VOCAB_SIZE, 259);
  assert.deepEqual(SPECIAL_TOKENS, { bos: 256, eos: 257, pad: 258 });
});

Deno.test("tokenizer: documents are wrapped in <bos>/<eos>; specials dropped or shown on decode", () => {
  const d = encodeDocument("hé");
  assert.deepEqual(Array.from(d), [256, 104, 0xc3, 0xa9, 257]);
  assert.equal(decodeTokens(d), "hé");
  assert.equal(decodeTokens([...d, 258], true), "<bos>hé<eos><pad>");
  assert.throws(() => decodeTokens([65, 300]), /token 300 at position 1/);
});
