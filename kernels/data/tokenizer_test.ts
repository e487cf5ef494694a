import assert from "node:assert/strict";
import { BYTE_VOCAB_SIZE, decodeTokens, encodeDocument, encodeText, SPECIAL_TOKENS } from "./tokenizer.ts";

Deno.test("tokenizer: multi-byte UTF-8 round trip with the expected byte counts", () => {
  const text = "naïve café — 東京 🙂 ∑x²";
  const t = encodeText(text);
  // 13 ASCII characters (1 byte each); ï é ²: 2 bytes each; — 東 京 ∑: 3 each; 🙂: 4. 13 + 6 + 12 + 4 = 35.
  assert.equal(t.length, 35);
  // The UTF-8 bytes of each multi-byte character (Unicode code charts: U+00EF, U+2014, U+6771, U+4EAC, U+2211, U+00B2).
  assert.deepEqual(Array.from(encodeText("ï—東京∑²")), [
    0xc3,
    0xaf,
    0xe2,
    0x80,
    0x94,
    0xe6,
    0x9d,
    0xb1,
    0xe4,
    0xba,
    0xac,
    0xe2,
    0x88,
    0x91,
    0xc2,
    0xb2,
  ]);
  assert.deepEqual(Array.from(encodeText("é🙂")), [0xc3, 0xa9, 0xf0, 0x9f, 0x99, 0x82]);
  assert.deepEqual(Array.from(encodeText("Ab ")), [65, 98, 32]);
  assert.equal(decodeTokens(t), text);
  assert.equal(decodeTokens([0xff, 65]), "\ufffdA", "an invalid UTF-8 byte decodes to U+FFFD");
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
