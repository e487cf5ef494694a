/**
 * Compares two folders of published outputs file by file (bytes, via SHA-256), for refactors that must
 * not change a single result: snapshot `reports/` before the change, reproduce after it, and compare.
 *
 *   cp -r reports /tmp/before                        # before the change
 *   deno task reproduce --all-variants ...           # after it
 *   deno run --allow-read tools/compare_outputs.ts /tmp/before reports
 *
 * Prints every file that differs, is missing or is new, and a summary line; exits 0 when the trees are
 * byte-identical, 1 when they are not, 2 on bad usage. `--ignore SUBSTR` (repeatable) leaves out paths that
 * contain SUBSTR (for outputs that are expected to change).
 * @module
 */
import { parseArgs } from "node:util";
import { sha256Hex } from "../pipeline/hash.ts";

/** The outcome of comparing two trees: relative paths (POSIX separators), sorted. */
export interface TreeComparison {
  /** Files present in both trees with identical bytes. */
  readonly same: string[];
  /** Files present in both trees whose bytes differ. */
  readonly differ: string[];
  /** Files only in the first tree. */
  readonly missing: string[];
  /** Files only in the second tree. */
  readonly added: string[];
}

async function listFiles(root: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(prefix ? `${root}/${prefix}` : root)) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...await listFiles(root, rel));
    else if (e.isFile) out.push(rel);
  }
  return out;
}

/** Compares every file under `a` with the file of the same relative path under `b`, by content. */
export async function compareTrees(
  a: string,
  b: string,
  options: { ignore?: readonly string[] } = {},
): Promise<TreeComparison> {
  const keep = (p: string) => !(options.ignore ?? []).some((s) => p.includes(s));
  const left = new Set((await listFiles(a)).filter(keep));
  const right = new Set((await listFiles(b)).filter(keep));
  const result: TreeComparison = { same: [], differ: [], missing: [], added: [] };
  for (const p of [...left].sort()) {
    if (!right.has(p)) {
      result.missing.push(p);
      continue;
    }
    const ha = sha256Hex(await Deno.readFile(`${a}/${p}`));
    const hb = sha256Hex(await Deno.readFile(`${b}/${p}`));
    (ha === hb ? result.same : result.differ).push(p);
  }
  for (const p of [...right].sort()) if (!left.has(p)) result.added.push(p);
  return result;
}

if (import.meta.main) {
  let parsed;
  try {
    parsed = parseArgs({
      args: Deno.args,
      options: { ignore: { type: "string", multiple: true }, help: { type: "boolean" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    console.error(
      `compare_outputs: ${(e as Error).message}; usage: compare_outputs.ts A B [--ignore SUBSTR]`,
    );
    Deno.exit(2);
  }
  if (parsed.values.help || parsed.positionals.length !== 2) {
    console.error("usage: compare_outputs.ts BEFORE AFTER [--ignore SUBSTR ...]");
    Deno.exit(parsed.values.help ? 0 : 2);
  }
  const [a, b] = parsed.positionals;
  const r = await compareTrees(a, b, { ignore: parsed.values.ignore ?? [] });
  for (const p of r.differ) console.log(`differs  ${p}`);
  for (const p of r.missing) console.log(`missing  ${p}`);
  for (const p of r.added) console.log(`added    ${p}`);
  console.log(
    `${r.same.length} identical, ${r.differ.length} differ, ${r.missing.length} missing, ${r.added.length} added`,
  );
  Deno.exit(r.differ.length + r.missing.length + r.added.length === 0 ? 0 : 1);
}
