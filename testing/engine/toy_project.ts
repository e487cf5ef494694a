/**
 * A toy project for the engine's tests: a temporary root with local modules (one imported only
 * indirectly), input files and three toy stages (source -> sum -> report) whose calls are counted.
 * @module
 */
import type { Stage } from "../../pipeline/stage.ts";

/** A toy project on disk and its stages. */
export interface ToyProject {
  /** Absolute temporary root. */
  root: string;
  /** Node id -> number of times its `run` was called in this process. */
  calls: Record<string, number>;
  /** Returns the stages with the given parameter overrides. */
  stages(overrides?: { scale?: number; offset?: number }): Stage[];
}

/** Writes a file (creating its folder) under a root. Returns nothing. */
export async function put(root: string, rel: string, text: string): Promise<void> {
  const path = `${root}/${rel}`;
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await Deno.writeTextFile(path, text);
}

/** Returns a fresh toy project in a temporary folder. */
export async function makeToyProject(): Promise<ToyProject> {
  const root = await Deno.makeTempDir({ prefix: "pipeline-toy-" });
  await put(root, "lib/util.ts", "export const k = 1;\n");
  await put(root, "lib/deep.ts", 'import { k } from "./util.ts";\nexport const d = k + 1;\n');
  await put(root, "stages/source.ts", 'import { d } from "../lib/deep.ts";\nexport const s = d;\n');
  await put(root, "stages/other.ts", "export const o = 1;\n");
  await put(root, "unrelated.ts", "export const u = 1;\n");
  await put(root, "data/in.csv", "1\n2\n3\n");
  await put(root, "data/dir/a.txt", "alpha\n");
  await put(root, "data/dir/b.txt", "beta\n");
  const calls: Record<string, number> = {};
  const count = (id: string) => (calls[id] = (calls[id] ?? 0) + 1);
  const url = (rel: string) => new URL(`file://${root}/${rel}`).href;
  return {
    root,
    calls,
    stages(overrides = {}) {
      const source: Stage<{ scale: number }> = {
        name: "source",
        module: url("stages/source.ts"),
        deps: [],
        params: { scale: overrides.scale ?? 2 },
        inputs: ["data/in.csv"],
        outputs: ["numbers.txt"],
        async run(ctx) {
          count(ctx.id);
          const text = await Deno.readTextFile(`${ctx.root}/data/in.csv`);
          const nums = text.trim().split("\n").map((l) => Number(l) * ctx.params.scale);
          ctx.progress(1, 1);
          await Deno.writeTextFile(`${ctx.outDir}/numbers.txt`, nums.join("\n") + "\n");
        },
      };
      const sum: Stage<{ offset: number }> = {
        name: "sum",
        module: url("stages/other.ts"),
        deps: ["source"],
        params: { offset: overrides.offset ?? 0 },
        inputs: [],
        outputs: ["sum.txt"],
        async run(ctx) {
          count(ctx.id);
          const text = await Deno.readTextFile(`${ctx.deps.source}/numbers.txt`);
          const total = text.trim().split("\n").reduce((a, l) => a + Number(l), 0) + ctx.params.offset;
          ctx.log(`sum = ${total}`);
          await Deno.writeTextFile(`${ctx.outDir}/sum.txt`, `${total}\n`);
        },
      };
      const report: Stage = {
        name: "report",
        module: url("stages/other.ts"),
        deps: ["sum"],
        params: {},
        inputs: ["data/dir"],
        outputs: ["report/"],
        async run(ctx) {
          count(ctx.id);
          const total = (await Deno.readTextFile(`${ctx.deps.sum}/sum.txt`)).trim();
          const files = [...Deno.readDirSync(`${ctx.root}/data/dir`)].length;
          await Deno.mkdir(`${ctx.outDir}/report`);
          await Deno.writeTextFile(`${ctx.outDir}/report/summary.txt`, `sum=${total} files=${files}\n`);
        },
      };
      return [source, sum, report] as Stage[];
    },
  };
}
