import assert from "node:assert/strict";
import {
  base64,
  figureBundle,
  formatCell,
  tableBundle,
  tableMarkdown,
  VALUES_MIME,
  VEGALITE_MIME,
} from "./show.ts";

Deno.test("formatCell: integers below a million as they are, other numbers with 5 significant digits", () => {
  assert.deepEqual(
    [110, 1e6, 2.0777123, 1.5002e6, -0.0123456, NaN, null, true, "x"].map(formatCell),
    ["110", "1.0000e+6", "2.0777", "1.5002e+6", "-0.012346", "NaN", "–", "true", "x"],
  );
});

Deno.test("tableMarkdown: a heading and every column of every row, pipes escaped", () => {
  const md = tableMarkdown({ id: "t", title: "T", rows: [{ a: 1, b: "x|y" }, { a: 2.5, c: false }] });
  assert.equal(md, "**T**\n\n| a | b | c |\n| --- | --- | --- |\n| 1 | x\\|y | – |\n| 2.5000 | – | false |");
});

Deno.test("tableBundle: Markdown for people and the unrounded rows under the values type", () => {
  const rows = [{ E: 2.077712345678 }];
  const b = tableBundle({ id: "fit.eq1", title: "fit", rows });
  assert.deepEqual(b[VALUES_MIME], { id: "fit.eq1", title: "fit", rows });
  assert.match(b["text/markdown"] as string, /\| 2\.0777 \|/);
});

Deno.test("figureBundle: the spec, the PNG as base64 that decodes to the same bytes, the title", () => {
  const png = Uint8Array.from({ length: 70000 }, (_, i) => (i * 7919) % 256);
  const b = figureBundle({ $schema: "s" }, png, "title");
  assert.deepEqual(b[VEGALITE_MIME], { $schema: "s" });
  assert.deepEqual(Uint8Array.from(atob(b["image/png"] as string), (c) => c.charCodeAt(0)), png);
  assert.equal(base64(new TextEncoder().encode("Man")), "TWFu");
  assert.equal(b["text/plain"], "title");
});
