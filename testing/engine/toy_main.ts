/**
 * A toy pipeline entry point, like `stages/main.ts`, for checking the CLI under the exact permissions
 * of the deno.json tasks. Run from a project root that contains `toy/` (written on first use).
 *
 * usage: deno run --allow-read=. --allow-write=. --allow-run=deno --allow-env --allow-sys=hostname,osRelease
 *        testing/engine/toy_main.ts <command> [flags]
 * @module
 */
import { runCli } from "../../pipeline/cli.ts";
import type { PipelineDefinition, Stage } from "../../pipeline/stage.ts";

const root = Deno.cwd();

function stages(variant: string): Stage[] {
  const module = new URL("./toy_stage_module.ts", import.meta.url).href;
  const numbers: Stage<{ n: number }> = {
    name: "numbers",
    module,
    deps: [],
    params: { n: variant === "big" ? 100 : 10 },
    inputs: ["testing/engine/toy_stage_module.ts"],
    outputs: ["numbers.txt"],
    async run(ctx) {
      for (let i = 1; i <= ctx.params.n; i++) ctx.progress(i, ctx.params.n);
      const text = Array.from({ length: ctx.params.n }, (_, i) => i + 1).join("\n");
      await Deno.writeTextFile(`${ctx.outDir}/numbers.txt`, `${text}\n`);
    },
  };
  const total: Stage = {
    name: "total",
    module,
    deps: ["numbers"],
    params: {},
    inputs: [],
    outputs: ["total.txt"],
    async run(ctx) {
      const text = await Deno.readTextFile(`${ctx.deps.numbers}/numbers.txt`);
      const sum = text.trim().split("\n").reduce((a, l) => a + Number(l), 0);
      await Deno.writeTextFile(`${ctx.outDir}/total.txt`, `${sum}\n`);
    },
  };
  return [numbers as Stage, total];
}

/** The toy definition: variants "small" (1..10) and "big" (1..100), one profile. */
export const toyDefinition: PipelineDefinition = {
  variants: ["small", "big"],
  profiles: ["default"],
  build: ({ variant }) => stages(variant),
  publish: ["total"],
};

if (import.meta.main) Deno.exit(await runCli(Deno.args, toyDefinition, { root }));
