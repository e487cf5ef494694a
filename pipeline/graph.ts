/**
 * Graph checks and orderings: unique ids, known deps, no cycles, topological order, and the closure
 * of a node over its dependencies.
 * @module
 */
import type { Stage } from "./stage.ts";
import { nodeIdOf } from "./fingerprint.ts";

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
