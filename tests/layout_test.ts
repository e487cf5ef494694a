/**
 * The README's layout table, checked on the source tree: production modules never import the test and
 * bench helpers (`testing/`, `bench/`), `util/` imports no other folder of the project, every benchmark
 * lives in `bench/`, and no Python sits outside it.
 */
import assert from "node:assert/strict";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const SKIP = new Set(["node_modules", ".cache", ".git", "data", "reports"]);

/** Returns every file under `dir`, relative to the project root. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(`${ROOT}/${dir}`)) {
    const rel = dir === "" ? e.name : `${dir}/${e.name}`;
    if (e.isDirectory && !SKIP.has(e.name)) out.push(...filesUnder(rel));
    else if (e.isFile) out.push(rel);
  }
  return out;
}

/** Returns the project-relative targets of a module's relative imports (static and dynamic). */
function localImports(file: string): string[] {
  const text = Deno.readTextFileSync(`${ROOT}/${file}`);
  const base = new URL(`file://${ROOT}/${file}`);
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]);
  return specs.map((s) => new URL(s, base).pathname.slice(ROOT.length + 1));
}

const files = filesUnder("");
const ts = files.filter((f) => f.endsWith(".ts"));
const top = (f: string) => f.split("/")[0];
const isDev = (f: string) =>
  f.endsWith("_test.ts") || ["testing", "bench", "tools", "tests"].includes(top(f));

Deno.test("layout: production modules import neither testing/ nor bench/", () => {
  const production = ts.filter((f) => !isDev(f));
  assert.ok(production.length > 100, `${production.length} production modules`);
  const bad = production.flatMap((f) =>
    localImports(f).filter((t) => ["testing", "bench"].includes(top(t))).map((t) => `${f} -> ${t}`)
  );
  assert.deepEqual(bad, []);
});

Deno.test("layout: util/ imports no other folder of the project", () => {
  const util = ts.filter((f) => top(f) === "util");
  assert.ok(util.length >= 4);
  const bad = util.flatMap((f) =>
    localImports(f).filter((t) => top(t) !== "util").map((t) => `${f} -> ${t}`)
  );
  assert.deepEqual(bad, []);
});

Deno.test("layout: deno task bench runs bench/main.ts; no bench or Python file outside bench/", () => {
  const tasks = JSON.parse(Deno.readTextFileSync(`${ROOT}/deno.json`)).tasks;
  assert.match(tasks.bench.command, / bench\/main\.ts$/);
  const misplaced = files.filter((f) =>
    (/bench[^/]*\.ts$/.test(f) || f.endsWith(".py")) && top(f) !== "bench"
  );
  assert.deepEqual(misplaced, []);
  const py = files.filter((f) => f.endsWith(".py"));
  assert.deepEqual(py.sort(), ["bench/scipy_baseline.py", "bench/torch_baseline.py"]);
});
