import assert from "node:assert/strict";
import { cellError, checkKernelSpec, isInside, parseNotebooksArgs } from "./notebooks.ts";
import { UsageError } from "../cli/mod.ts";

Deno.test("parseNotebooksArgs: defaults, and --out must lie inside the project", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${root}/notebooks`);
    for (const n of ["b.ipynb", "a.ipynb", "x.ts"]) await Deno.writeTextFile(`${root}/notebooks/${n}`, "{}");
    const o = await parseNotebooksArgs([], root);
    assert.deepEqual(o?.notebooks, [`${root}/notebooks/a.ipynb`, `${root}/notebooks/b.ipynb`]);
    assert.equal(o?.out, `${root}/reports/notebooks`);
    assert.deepEqual([o?.reports, o?.reportsGiven], [`${root}/reports`, false]);
    await assert.rejects(() => parseNotebooksArgs(["--out", "/elsewhere"], root), UsageError);
    await assert.rejects(() => parseNotebooksArgs([`${root}/notebooks/x.ts`], root), /is not a notebook/);
    assert.equal(await parseNotebooksArgs(["--help"], root), null);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
  assert.ok(isInside("/a/b/c", "/a/b") && isInside("/a/b", "/a/b") && !isInside("/a/bc", "/a/b"));
});

Deno.test("checkKernelSpec: the first spec found must launch this deno", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const deno = Deno.execPath();
    assert.match((await checkKernelSpec([`${dir}/none`], deno)).message, /no "deno" kernel spec/);
    await Deno.mkdir(`${dir}/a/kernels/deno`, { recursive: true });
    await Deno.mkdir(`${dir}/b/kernels/deno`, { recursive: true });
    await Deno.symlink(deno, `${dir}/deno-link`);
    const spec = (exe: string) =>
      JSON.stringify({ argv: [exe, "jupyter", "--kernel", "--conn", "{connection_file}"] });
    await Deno.writeTextFile(`${dir}/a/kernels/deno/kernel.json`, spec("/nonexistent/deno"));
    await Deno.writeTextFile(`${dir}/b/kernels/deno/kernel.json`, spec(`${dir}/deno-link`));
    const first = await checkKernelSpec([`${dir}/a`, `${dir}/b`], deno);
    assert.equal(first.ok, false);
    assert.match(first.message, /launches \/nonexistent\/deno, not the deno running this task .*--force/);
    assert.equal(
      (await checkKernelSpec([`${dir}/b`, `${dir}/a`], deno)).ok,
      true,
      "a link to this deno is fine",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cellError: from nbconvert's error onwards, npm noise and colours dropped", () => {
  const esc = String.fromCharCode(27);
  const stderr = [
    `${esc}[32mInitialize${esc}[0m vega@6.4.0`,
    "Traceback (most recent call last):",
    "nbclient.exceptions.CellExecutionError: An error occurred while executing the following cell:",
    "throw new Error('boom')",
    "Error: boom",
  ].join("\n");
  assert.equal(
    cellError(stderr),
    "nbclient.exceptions.CellExecutionError: An error occurred while executing the following cell:\n" +
      "throw new Error('boom')\nError: boom",
  );
});
