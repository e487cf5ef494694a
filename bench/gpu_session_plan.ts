/**
 * The sizing of the GPU session's studies (bench/gpu_session.sh), from one timed probe run: the plan
 * written here beforehand (`plan.json` of bench/gpu_session_prepare.ts: the throughput model fitted to
 * data/micro-h100/timings.json, the probe run, the state tier's planned seconds, the micro study's runs with
 * their planned seconds) is rescaled by what the probe measured on the device, and each study gets what
 * fits the seconds left. Imports no npm package: it runs on the device with `deno run --no-npm`.
 *
 *   deno run --no-npm --allow-read bench/gpu_session_plan.ts state|micro --plan F --probe TIMINGS --left S
 *
 * prints one line: for `state`, `run <timeout s> <predicted s>`, `partial <timeout s> <predicted s>` or
 * `skip 0 <predicted s>`; for `micro`, `<predicted s> <run id,run id,...>` (`-` for none).
 * @module
 */
import { parseArgs } from "node:util";
import { type PlanRun, secondsPerToken, type ThroughputModel } from "../scaling/design/budget.ts";

/** `plan.json`: what bench/gpu_session_prepare.ts planned, before any device time. */
export interface SessionPlan {
  /** Throughput model fitted to the shipped H100 timings (scaling/design/budget.ts). */
  readonly throughput: ThroughputModel;
  /** The probe run timed first on the device. */
  readonly probe: PlanRun;
  /** The state tier: its profile, run count and planned training seconds (state_plan.ts's total), s. */
  readonly state: { readonly profile: string; readonly runs: number; readonly seconds: number };
  /** The micro study's runs in the order they are to run, each with its planned seconds. */
  readonly micro: readonly (PlanRun & { readonly seconds: number })[];
  /** lr·width·√depth of every micro run (the optimum of the shipped H100 sweep). */
  readonly microLr: number;
}

/** What the probe measured, as stages/run_units.ts writes it in timings.json (`runs[0]`). */
export interface ProbeTiming {
  /** Training tokens of the probe. */
  readonly tokens: number;
  /** Wall seconds of the unit (backend creation, training, evaluation, files), s. */
  readonly wallSeconds: number;
  /** Steady training throughput, tokens/s. */
  readonly steadyTokensPerS: number;
}

/** How the device compares with the plan. */
export interface ProbeScale {
  /** Measured seconds per token over planned seconds per token (> 1: the device is slower than planned). */
  readonly factor: number;
  /** Seconds a run costs beyond its tokens (backend creation, pipeline compilation, files), s. */
  readonly overheadSeconds: number;
}

/** Seconds kept free after each study for packing and the next step's start, s. */
export const MARGIN_SECONDS = 15;

/** Fewest seconds worth starting the state tier with (corpora, the sweep, a few runs), s. */
export const STATE_MIN_SECONDS = 60;

/** Returns the probe's scale against the plan; throws when the timing is not positive and finite. */
export function probeScale(plan: SessionPlan, t: ProbeTiming): ProbeScale {
  for (const [field, v] of Object.entries(t)) {
    if (!(typeof v === "number" && Number.isFinite(v) && v > 0)) {
      throw new Error(`probe timing: field "${field}" must be a finite number > 0, got ${v}`);
    }
  }
  const planned = secondsPerToken(plan.throughput, plan.probe.depth, plan.probe.flopsPerToken);
  const measured = 1 / t.steadyTokensPerS;
  return {
    factor: measured / planned,
    overheadSeconds: Math.max(0, t.wallSeconds - (t.tokens + plan.probe.evalTokens) * measured),
  };
}

/** The state tier's decision: run it whole, run what fits in `timeoutSeconds` (partial), or skip it. */
export interface StateDecision {
  /** What to do. */
  readonly action: "run" | "partial" | "skip";
  /** Seconds the tier may take (0 when skipped), s. */
  readonly timeoutSeconds: number;
  /** Predicted seconds of the whole tier on this device, s. */
  readonly predictedSeconds: number;
}

/** Returns the state tier's decision for `left` seconds: planned seconds × factor + overhead per run. */
export function stateDecision(plan: SessionPlan, s: ProbeScale, left: number): StateDecision {
  const predicted = plan.state.seconds * s.factor + plan.state.runs * s.overheadSeconds;
  const room = Math.floor(left - MARGIN_SECONDS);
  if (predicted <= room) {
    return { action: "run", timeoutSeconds: room, predictedSeconds: predicted };
  }
  if (room >= STATE_MIN_SECONDS) {
    return { action: "partial", timeoutSeconds: room, predictedSeconds: predicted };
  }
  return { action: "skip", timeoutSeconds: 0, predictedSeconds: predicted };
}

/** Returns the micro runs that fit `left` seconds, in plan order (a run that does not fit is passed over). */
export function pickMicro(
  plan: SessionPlan,
  s: ProbeScale,
  left: number,
): { readonly ids: string[]; readonly predictedSeconds: number } {
  const room = left - MARGIN_SECONDS;
  const ids: string[] = [];
  let total = 0;
  for (const r of plan.micro) {
    const cost = r.seconds * s.factor + s.overheadSeconds;
    if (total + cost <= room) {
      ids.push(r.id);
      total += cost;
    }
  }
  return { ids, predictedSeconds: total };
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    throw new Error(`${path}: cannot read: ${(e as Error).message}`);
  }
}

/** Reads the probe's timing from a run_units timings.json; throws naming the file and field. */
export async function readProbeTiming(path: string): Promise<ProbeTiming> {
  const t = await readJson(path);
  const run = Array.isArray(t.runs) ? (t.runs[0] as Record<string, unknown> | undefined) : undefined;
  if (run === undefined) throw new Error(`${path}: field "runs" must hold the probe run, got ${t.runs}`);
  const out = { tokens: run.tokens, wallSeconds: run.wallSeconds, steadyTokensPerS: run.steadyTokensPerS };
  for (const [field, v] of Object.entries(out)) {
    if (!(typeof v === "number" && Number.isFinite(v) && v > 0)) {
      throw new Error(`${path}: runs[0] field "${field}" must be a number > 0, got ${v}`);
    }
  }
  return out as ProbeTiming;
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: { plan: { type: "string" }, probe: { type: "string" }, left: { type: "string" } },
  });
  const what = positionals[0];
  const left = Number(values.left);
  if ((what !== "state" && what !== "micro") || !values.plan || !values.probe || !(left >= 0)) {
    console.error(
      "usage: gpu_session_plan.ts state|micro --plan plan.json --probe timings.json --left SECONDS",
    );
    Deno.exit(2);
  }
  const plan = await readJson(values.plan) as unknown as SessionPlan;
  const scale = probeScale(plan, await readProbeTiming(values.probe));
  if (what === "state") {
    const d = stateDecision(plan, scale, left);
    console.log(`${d.action} ${d.timeoutSeconds} ${Math.round(d.predictedSeconds)}`);
  } else {
    const m = pickMicro(plan, scale, left);
    console.log(`${Math.round(m.predictedSeconds)} ${m.ids.length ? m.ids.join(",") : "-"}`);
  }
}
