/**
 * A toy stage factory for the engine's worker tests: the stage records on which global scope it ran
 * (`Window` on the main thread, `DedicatedWorkerGlobalScope` in a worker), reports progress, logs, and
 * fails on demand.
 * @module
 */
import type { Stage } from "../../pipeline/stage.ts";

/** Returns the toy stage `thread.<label>` (fails with "boom in <label>" when `fail`). */
export function threadStage(label: string, fail = false): Stage<{ label: string; fail: boolean }> {
  return {
    name: "thread",
    id: `thread.${label}`,
    module: import.meta.url,
    deps: [],
    params: { label, fail },
    inputs: [],
    outputs: ["where.txt"],
    async run(ctx) {
      ctx.progress(1, 2, "half way");
      ctx.log(`hello from ${ctx.params.label}`);
      if (ctx.params.fail) throw new Error(`boom in ${ctx.params.label}`);
      await Deno.writeTextFile(`${ctx.outDir}/where.txt`, globalThis.constructor.name);
    },
  };
}
