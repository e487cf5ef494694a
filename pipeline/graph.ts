/**
 * Graph checks and orderings: unique ids, known deps, no cycles, topological order, the closure
 * of a node over its dependencies, the merge of stage lists that share nodes ({@link uniqueStages}) and
 * the rule that every stage computing on the CPU runs in a worker ({@link requireWorkers}).
 * @module
 */
import { isDeepStrictEqual } from "node:util";
import type { Stage } from "./stage.ts";
import { nodeIdOf } from "./fingerprint.ts";
import { canonicalJson } from "./hash.ts";

/** Returns the stages in a topological order (deps first, ties kept in declaration order); throws naming
 * duplicate ids, unknown deps or the stages of a cycle. */
export function topologicalOrder(stages: readonly Stage[]): Stage[] {
  const byId = new Map<string, Stage>();
  for (const stage of stages) {
    const id = nodeIdOf(stage);
    if (byId.has(id)) throw new Error(`duplicate stage id: ${id}`);
    byId.set(id, stage);
  }
  for (const stage of stages) {
    for (const dep of stage.deps) {
      if (!byId.has(dep)) {
        throw new Error(
          `stage ${nodeIdOf(stage)} depends on unknown stage ${dep} (known: ${[...byId.keys()].join(", ")})`,
        );
      }
    }
  }
  const state = new Map<string, "visiting" | "done">();
  const order: Stage[] = [];
  const path: string[] = [];
  const visit = (id: string): void => {
    const s = state.get(id);
    if (s === "done") return;
    if (s === "visiting") {
      const cycle = [...path.slice(path.indexOf(id)), id];
      throw new Error(`dependency cycle: ${cycle.join(" -> ")}`);
    }
    state.set(id, "visiting");
    path.push(id);
    for (const dep of byId.get(id)!.deps) visit(dep);
    path.pop();
    state.set(id, "done");
    order.push(byId.get(id)!);
  };
  for (const stage of stages) visit(nodeIdOf(stage));
  return order;
}

/** Returns the ids of a node and all its transitive dependencies; throws naming an unknown id. */
export function withDependencies(stages: readonly Stage[], id: string): Set<string> {
  const byId = new Map(stages.map((s) => [nodeIdOf(s), s]));
  if (!byId.has(id)) throw new Error(`unknown stage ${id} (known: ${[...byId.keys()].join(", ")})`);
  const out = new Set<string>();
  const stack = [id];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (out.has(next)) continue;
    out.add(next);
    stack.push(...(byId.get(next)?.deps ?? []));
  }
  return out;
}

/** Returns the ids of stages no other stage depends on (the sinks), in declaration order. */
export function sinks(stages: readonly Stage[]): string[] {
  const used = new Set(stages.flatMap((s) => s.deps));
  return stages.map(nodeIdOf).filter((id) => !used.has(id));
}

/**
 * Returns what makes two stages under one id the same node, or null when they are: the first field
 * (name, module, parameters, deps, inputs, outputs, unit, environment identity or worker spec) that
 * differs, with both values.
 */
function stageDifference(a: Stage, b: Stage): string | null {
  const fields: [string, unknown, unknown][] = [
    ["name", a.name, b.name],
    ["module", a.module, b.module],
    ["params", canonicalJson(a.params), canonicalJson(b.params)],
    ["deps", a.deps, b.deps],
    ["inputs", a.inputs, b.inputs],
    ["outputs", a.outputs, b.outputs],
    ["unit", a.unit ?? false, b.unit ?? false],
    ["envIdentity", a.envIdentity !== undefined, b.envIdentity !== undefined],
    ["worker", a.worker ?? null, b.worker ?? null],
  ];
  for (const [field, x, y] of fields) {
    if (!isDeepStrictEqual(x, y)) return `${field} ${JSON.stringify(x)} vs ${JSON.stringify(y)}`;
  }
  return null;
}

/**
 * Returns `stages` with repeated nodes kept once (at their first place): stage lists built for
 * different purposes may share nodes (a fit both drawn in the rainbow and fitted for Appendix D), and
 * the same id must then mean the same stage. Throws naming the id and the first differing field when
 * two different stages share an id.
 */
export function uniqueStages(stages: readonly Stage[]): Stage[] {
  const byId = new Map<string, Stage>();
  const out: Stage[] = [];
  for (const stage of stages) {
    const id = nodeIdOf(stage);
    const seen = byId.get(id);
    if (seen === undefined) {
      byId.set(id, stage);
      out.push(stage);
      continue;
    }
    const diff = stageDifference(seen, stage);
    if (diff !== null) throw new Error(`two different stages share the id ${id}: ${diff}`);
  }
  return out;
}

/**
 * True for a stage that computes on a device named in its fingerprint (its `envIdentity`, e.g. the GPU
 * adapter of a train stage): such a stage drives the device from the main thread (or hands its unit to an
 * executor) and needs no worker.
 */
export function usesDevice(stage: Stage): boolean {
  return stage.envIdentity !== undefined;
}

/**
 * Throws unless every stage that does not use a device ({@link usesDevice}) says how to rebuild it in a
 * worker (its `worker` field, set by `offThread` of pipeline/off_thread.ts), so that CPU work never runs
 * on the main thread and `--jobs N` keeps N cores busy. The error names every such stage.
 */
export function requireWorkers(stages: readonly Stage[]): void {
  const bad = stages.filter((s) => !usesDevice(s) && s.worker === undefined).map(nodeIdOf);
  if (bad.length > 0) {
    throw new Error(
      `stage${bad.length === 1 ? "" : "s"} ${bad.join(", ")} would run on the main thread: a stage that ` +
        `computes on the CPU must be built with offThread (pipeline/off_thread.ts), so that it runs in a worker`,
    );
  }
}
