/**
 * The README's layout table, checked on the source tree: every top-level folder has a row and every row's
 * folder, file and subfolder exists; production modules never import the test and bench helpers
 * (`testing/`, `bench/`), `util/` imports no other folder of the project, every benchmark lives in
 * `bench/`, and no Python sits outside it. Also the documentation's links: every relative link of
 * README.md and docs/*.md points to an existing file and, with `#anchor`, to an existing heading; and the
 * README stays a page for users (at most 250 lines, no dates, load averages or issue numbers).
 */
import assert from "node:assert/strict";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
/** Folders the walk leaves out: anywhere, and (large, or generated) at the top level only. */
const SKIP = new Set(["node_modules", ".cache", ".git"]);
const SKIP_TOP = new Set(["data", "reports"]);

/** Returns every file under `dir`, relative to the project root. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(`${ROOT}/${dir}`)) {
    const rel = dir === "" ? e.name : `${dir}/${e.name}`;
    if (e.isDirectory && !SKIP.has(e.name) && !(dir === "" && SKIP_TOP.has(e.name))) {
      out.push(...filesUnder(rel));
    } else if (e.isFile) out.push(rel);
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
const tops = new Set(files.map(top));
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

/** The README's text. */
const README = Deno.readTextFileSync(`${ROOT}/README.md`);

/** Returns the rows of the README's layout table as `[folder, owns]` (folder without backticks or slash). */
function layoutRows(): [string, string][] {
  const section = README.split(/^## /m).find((s) => s.startsWith("Layout\n"));
  assert.ok(section, 'README.md has a "## Layout" section');
  const rows = section.split("\n").filter((l) => /^\| `[^`]+\/` +\|/.test(l));
  return rows.map((l) => {
    const cells = l.split(/(?<!\\)\|/).map((c) => c.trim());
    return [cells[1].replace(/^`|\/`$/g, ""), cells[2]];
  });
}

Deno.test("layout: the README's layout table has a row for every top-level folder, and no other", () => {
  const rows = layoutRows().map(([folder]) => folder);
  const tracked = [...Deno.readDirSync(ROOT)]
    .filter((e) => e.isDirectory && !e.name.startsWith(".") && !SKIP.has(e.name) && !SKIP_TOP.has(e.name))
    .map((e) => e.name);
  // data/ and reports/ are skipped by the file walk (large, or generated), but still have their rows.
  assert.deepEqual(rows.sort(), [...tracked, "data", "reports"].sort());
});

Deno.test("layout: every file and subfolder the layout table names exists under its row's folder", () => {
  const missing: string[] = [];
  for (const [folder, owns] of layoutRows()) {
    if (folder === "data" || folder === "reports") continue;
    const under = files.filter((f) => top(f) === folder).map((f) => f.slice(folder.length));
    const names = [...owns.matchAll(/`([^`]+)`/g)].map((m) => m[1])
      .filter((n) => /^[\w./-]+$/.test(n) && (/\.(ts|sh|py|json)$/.test(n) || n.endsWith("/")));
    for (const name of names) {
      // A name that starts with a top-level folder (`docs/figures/`) is a path from the project root.
      const fromRoot = name.includes("/") && tops.has(name.split("/")[0]);
      const inside = fromRoot ? files.map((f) => `/${f}`) : under;
      const found = name.endsWith("/")
        ? inside.some((f) => f.includes(`/${name}`))
        : inside.some((f) => f.endsWith(`/${name}`));
      if (!found) missing.push(`${folder}/: ${name}`);
    }
  }
  assert.deepEqual(missing, []);
});

/** Returns GitHub's anchor for a heading's text: lower case, punctuation dropped, spaces as hyphens. */
function headingAnchor(text: string): string {
  return text.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}

/** Returns a Markdown text without its fenced code blocks and inline code spans. */
function withoutCode(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "");
}

/** Returns the anchors of every heading of a Markdown text, numbered as GitHub numbers repeats. */
function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  const headings = text.replace(/^```[\s\S]*?^```/gm, "").matchAll(/^#{1,6} +(.+)$/gm);
  for (const [, heading] of headings) {
    const base = headingAnchor(heading);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** The Markdown files whose links are checked, relative to the project root. */
const DOCS = ["README.md", ...files.filter((f) => top(f) === "docs" && f.endsWith(".md"))];

Deno.test("headingAnchor: GitHub's anchors of this project's headings", () => {
  assert.equal(headingAnchor("Fit your own runs: `deno task fit`"), "fit-your-own-runs-deno-task-fit");
  assert.equal(headingAnchor("Reading `status`"), "reading-status");
  assert.equal(
    headingAnchor("Multi-product matmuls (issue 14 item 4), llvmpipe, 2026-12-02"),
    "multi-product-matmuls-issue-14-item-4-llvmpipe-2026-12-02",
  );
  assert.deepEqual([...anchorsOf("# A\n## A\n```\n# not a heading\n```\n")], ["a", "a-1"]);
});

Deno.test("layout: every relative link of README.md and docs/*.md reaches a file and a heading", () => {
  assert.ok(DOCS.length >= 9, DOCS.join(", "));
  const broken: string[] = [];
  let checked = 0;
  for (const doc of DOCS) {
    const text = Deno.readTextFileSync(`${ROOT}/${doc}`);
    for (const [, target] of withoutCode(text).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      checked++;
      const [path, anchor] = target.split("#");
      const file = path === "" ? doc : new URL(path, `file:///${doc}`).pathname.slice(1);
      let body: string;
      try {
        body = Deno.readTextFileSync(`${ROOT}/${file}`);
      } catch {
        if (!files.includes(file)) broken.push(`${doc}: ${target} (no file ${file})`);
        continue;
      }
      if (anchor !== undefined && !anchorsOf(body).has(anchor)) {
        broken.push(`${doc}: ${target} (no heading #${anchor} in ${file})`);
      }
    }
  }
  assert.ok(checked >= 20, `${checked} links checked`);
  assert.deepEqual(broken, []);
});

Deno.test("layout: the README is a page for users: at most 250 lines, no dates, load averages or issues", () => {
  const lines = README.split("\n");
  assert.ok(lines.length <= 250, `README.md has ${lines.length} lines`);
  const notebook = lines.map((l, i) => `${i + 1}: ${l}`)
    .filter((l) => /\b20\d\d-\d\d-\d\d\b|load average|\bissue \d+/i.test(l));
  assert.deepEqual(notebook, []);
});
