/**
 * The worker side of running a stage off the main thread: rebuilds the stage by calling the factory its
 * `worker` field names (an export of the stage's module) with the given arguments, runs it on the
 * context the runner sent, and posts back its progress, log lines and outcome. One worker per stage run.
 *
 * Messages in: `{ op: "run", module, factory, args, id, outDir, root, deps, params }`.
 * Messages out: `{ op: "progress", done, total, message }`, `{ op: "log", line }`, `{ op: "done" }`,
 * `{ op: "error", message, stack }`.
 * @module
 */
/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
import type { Params, Stage, StageContext } from "./stage.ts";
import { validatedParams } from "./fingerprint.ts";
import { canonicalJson } from "./hash.ts";

/** What the runner sends to a stage worker. */
export interface StageWorkerRequest {
  /** Always "run". */
  readonly op: "run";
  /** URL of the stage's module. */
  readonly module: string;
  /** Name of the exported factory that returns the stage. */
  readonly factory: string;
  /** Arguments of the factory (structured-cloneable). */
  readonly args: readonly unknown[];
  /** Node id of the stage. */
  readonly id: string;
  /** The stage's temporary output folder. */
  readonly outDir: string;
  /** The project root. */
  readonly root: string;
  /** Upstream node id -> output folder. */
  readonly deps: Readonly<Record<string, string>>;
  /** Canonical JSON of the graph's (validated) parameters of the stage; the rebuilt stage must match. */
  readonly params: string;
}

/** What a stage worker posts back. */
export type StageWorkerMessage =
  | { readonly op: "progress"; readonly done: number; readonly total: number; readonly message?: string }
  | { readonly op: "log"; readonly line: string }
  | { readonly op: "done" }
  | { readonly op: "error"; readonly message: string; readonly stack?: string };

const post = (m: StageWorkerMessage) => self.postMessage(m);

self.onmessage = async (event: MessageEvent<StageWorkerRequest>) => {
  const req = event.data;
  try {
    const mod = await import(req.module) as Record<string, unknown>;
    const factory = mod[req.factory];
    if (typeof factory !== "function") {
      throw new Error(`stage worker: ${req.module} exports no function "${req.factory}"`);
    }
    const stage = (factory as (...a: readonly unknown[]) => Stage)(...req.args);
    const params = validatedParams(stage);
    if (canonicalJson(params) !== req.params) {
      throw new Error(
        `stage worker: ${req.factory}(...) in ${req.module} rebuilt stage ${req.id} with other parameters ` +
          `than the graph's; a stage run off the main thread must be a pure function of its arguments`,
      );
    }
    const ctx: StageContext<Params> = {
      id: req.id,
      params,
      outDir: req.outDir,
      root: req.root,
      deps: req.deps,
      progress: (done, total, message) => post({ op: "progress", done, total, message }),
      log: (line) => post({ op: "log", line }),
      signal: new AbortController().signal,
    };
    await stage.run(ctx);
    post({ op: "done" });
  } catch (e) {
    post({ op: "error", message: e instanceof Error ? e.message : String(e), stack: (e as Error)?.stack });
  }
};
