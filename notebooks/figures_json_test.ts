import assert from "node:assert/strict";
import { parseFiguresJson } from "./figures_json.ts";

const ENTRY = {
  paperFigure: "4",
  name: "approach1",
  stem: "fig04-approach1",
  title: "Figure 4. Approach 1",
  basis: "subset hot_477",
  files: [{ path: "approach1.paper/approach1.json", sha256: "ab" }],
  fits: ["approach1.paper"],
  caption: "c",
  howToRead: "h",
};

Deno.test("parseFiguresJson: the entries figures/write.ts writes, field for field", () => {
  assert.deepEqual(parseFiguresJson(JSON.stringify([ENTRY]), "f.json"), [ENTRY]);
});

Deno.test("parseFiguresJson: errors name the file, the entry and the field, with the value as written", () => {
  assert.throws(() => parseFiguresJson("{", "f.json"), /^Error: f\.json: invalid JSON/);
  assert.throws(() => parseFiguresJson("{}", "f.json"), /f\.json: expected an array of figures, got \{\}/);
  assert.throws(
    () => parseFiguresJson(JSON.stringify([ENTRY, { ...ENTRY, stem: 4 }]), "f.json"),
    /f\.json: figure 1: field "stem" must be a string, got 4/,
  );
  assert.throws(
    () => parseFiguresJson(JSON.stringify([{ ...ENTRY, files: [{ path: "p" }] }]), "f.json"),
    /figure 0: files\[0\] must be \{"path", "sha256"\} strings, got \{"path":"p"\}/,
  );
});
