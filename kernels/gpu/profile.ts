/**
 * Per-kernel timing of a recorded plan: every group of dispatches sharing a kernel name is submitted
 * alone, `reps` times after one warm-up, and timed on the host.
 * @module
 */
import type { Dispatch, GpuContext } from "./context.ts";

/** Time of one kernel of a plan: its name, milliseconds per plan run and how many dispatches it has. */
export interface KernelTime {
  /** Kernel name (the dispatches' name). */
  readonly name: string;
  /** Milliseconds per run of the plan spent in this kernel's dispatches. */
  readonly ms: number;
  /** Dispatches of this kernel per run of the plan. */
  readonly dispatches: number;
}

/** Times each kernel of `plan` separately (see the module doc); returns them slowest first. */
export async function profileDispatches(
  ctx: GpuContext,
  plan: readonly Dispatch[],
  reps: number,
): Promise<KernelTime[]> {
  const names = [...new Set(plan.map((d) => d.name))];
  const out: KernelTime[] = [];
  for (const name of names) {
    const ds = plan.filter((d) => d.name === name);
    ctx.run(`profile ${name}`, ds);
    await ctx.device.queue.onSubmittedWorkDone();
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) ctx.run(`profile ${name}`, ds);
    await ctx.device.queue.onSubmittedWorkDone();
    out.push({ name, ms: (performance.now() - t0) / reps, dispatches: ds.length });
  }
  await ctx.check();
  return out.sort((a, b) => b.ms - a.ms);
}
