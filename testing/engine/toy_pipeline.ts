/**
 * A toy pipeline run as a child process by the engine's kill and concurrency tests.
 *
 * usage: deno run -A testing/engine/toy_pipeline.ts <root>
 *
 * Stage "slow" waits while `<root>/hold` exists (and for `TOY_SLEEP_MS` ms), writing `<root>/started-slow`
 * when it starts; every stage appends its id to `<root>/counts.log` when it completes. Prints the run's
 * results as JSON on the last line of stdout.
 * @module
 */
import { runPipeline } from "../../pipeline/runner.ts";
import type { Stage } from "../../pipeline/stage.ts";
import { slowText } from "./toy_stage_module.ts";

const module = new URL("./toy_stage_module.ts", import.meta.url).href;

/** Returns the three toy stages: slow -> fast, and an independent side stage. */
export function toyStages(): Stage[] {
  const done = (root: string, id: string) =>
    Deno.writeTextFileSync(`${root}/counts.log`, `${id}\n`, { append: true });
  const slow: Stage<{ label: string }> = {
    name: "slow",
    module,
    deps: [],
    params: { label: "toy" },
    inputs: [],
    outputs: ["slow.txt"],
    async run(ctx) {
      await Deno.writeTextFile(`${ctx.root}/started-slow`, `${Deno.pid}\n`);
      await Deno.writeTextFile(`${ctx.outDir}/slow.txt`, "partial");
      const sleepMs = Number(Deno.env.get("TOY_SLEEP_MS") ?? "0");
      await new Promise((r) => setTimeout(r, sleepMs));
      while (await Deno.stat(`${ctx.root}/hold`).then(() => true, () => false)) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await Deno.writeTextFile(`${ctx.outDir}/slow.txt`, slowText(ctx.params.label));
      done(ctx.root, ctx.id);
    },
  };
  const fast: Stage = {
    name: "fast",
    module,
    deps: ["slow"],
    params: {},
    inputs: [],
    outputs: ["fast.txt"],
    async run(ctx) {
      const text = await Deno.readTextFile(`${ctx.deps.slow}/slow.txt`);
      await Deno.writeTextFile(`${ctx.outDir}/fast.txt`, text.toUpperCase());
      done(ctx.root, ctx.id);
    },
  };
  const side: Stage = {
    name: "side",
    module,
    deps: [],
    params: { n: 3 },
    inputs: [],
    outputs: ["side.txt"],
    async run(ctx) {
      await Deno.writeTextFile(`${ctx.outDir}/side.txt`, "side\n");
      done(ctx.root, ctx.id);
    },
  };
  return [slow as Stage, fast, side];
}

if (import.meta.main) {
  const root = Deno.args[0];
  if (!root) throw new Error("usage: toy_pipeline.ts <root>");
  const results = await runPipeline(toyStages(), { root, jobs: 2, lockStaleMs: 60_000 });
  const outputs: Record<string, string> = {};
  for (const r of results) {
    for (const f of Deno.readDirSync(r.outDir)) {
      outputs[`${r.id}/${f.name}`] = Deno.readTextFileSync(`${r.outDir}/${f.name}`);
    }
  }
  console.log(JSON.stringify({ pid: Deno.pid, results, outputs }));
}
