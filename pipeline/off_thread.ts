/**
 * Running stages off the main thread, so that `--jobs N` keeps N cores busy: a stage built by
 * {@link offThread} carries the name of its factory (an export of its module) and the factory's
 * arguments; the runner rebuilds it in a fresh Web Worker (`stage_worker.ts`) and runs it there
 * ({@link runInWorker}), relaying progress and log lines. The rebuilt stage must have the same parameters
 * as the graph's (checked), so the fingerprint still describes what ran. A pipeline definition may require
 * it of every stage that computes on the CPU (`requireWorkers` of pipeline/graph.ts; stages/pipeline.ts
 * does).
 * @module
 */
import type { Params, Stage, StageContext } from "./stage.ts";
import { canonicalJson } from "./hash.ts";
import type { StageWorkerMessage, StageWorkerRequest } from "./stage_worker.ts";

/**
 * Returns `factory(...args)` marked to run in a worker: `factory` must be an export of the stage's
 * module under its own name, and `args` structured-cloneable (plain data).
 */
export function offThread<A extends unknown[], P extends Params>(
  factory: (...args: A) => Stage<P>,
  ...args: A
): Stage<P> {
  const stage = factory(...args);
  return { ...stage, worker: { factory: factory.name, args } };
}

/** Runs `stage` (which has a `worker` field) in a fresh worker on `ctx`; resolves when it finished, rejects with its error. */
export function runInWorker(stage: Stage, ctx: StageContext): Promise<void> {
  const spec = stage.worker!;
  const worker = new Worker(new URL("./stage_worker.ts", import.meta.url), { type: "module" });
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(ctx.signal.reason ?? new Error(`stage ${ctx.id}: aborted`));
    if (ctx.signal.aborted) return onAbort();
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    worker.onmessage = (event: MessageEvent<StageWorkerMessage>) => {
      const m = event.data;
      if (m.op === "progress") ctx.progress(m.done, m.total, m.message);
      else if (m.op === "log") ctx.log(m.line);
      else if (m.op === "done") resolve();
      else {
        const e = new Error(m.message);
        if (m.stack) e.stack = m.stack;
        reject(e);
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new Error(`stage ${ctx.id}: worker failed: ${event.message}`));
    };
    const request: StageWorkerRequest = {
      op: "run",
      module: stage.module,
      factory: spec.factory,
      args: spec.args,
      id: ctx.id,
      outDir: ctx.outDir,
      root: ctx.root,
      deps: ctx.deps,
      params: canonicalJson(ctx.params),
    };
    worker.postMessage(request);
  }).finally(() => worker.terminate());
}
