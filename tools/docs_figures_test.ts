import assert from "node:assert/strict";
import { copyDocFigures, DOC_FIGURES } from "./docs_figures.ts";

Deno.test("docs_figures copies each README figure byte for byte from the published reports", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const [i, f] of DOC_FIGURES.entries()) {
      const path = `${dir}/reports/${f.source}`;
      await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
      await Deno.writeFile(path, new Uint8Array([137, 80, 78, 71, i]));
    }
    const names = await copyDocFigures(`${dir}/reports`, `${dir}/docs`);
    assert.equal(names.length, DOC_FIGURES.length);
    assert.ok(names.includes("fig05-approach3.png") && names.includes("micro-lr-sweep.png"));
    for (const [i, f] of DOC_FIGURES.entries()) {
      assert.deepEqual(await Deno.readFile(`${dir}/docs/${f.name}`), new Uint8Array([137, 80, 78, 71, i]));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("docs_figures names a missing published figure and its reproduce, and writes nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      () => copyDocFigures(`${dir}/reports`, `${dir}/docs`),
      /reports\/micro-h100\/paper\/report\.paper\/figures\/fig03-lr-sweep\.png \(run: deno task reproduce --profile micro-h100\)/,
    );
    await assert.rejects(() => Deno.stat(`${dir}/docs`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
