/**
 * The `overspend.<variant>` stage (seed 002 Figure 7): for each model shape of the selected runs and
 * each target loss, the FLOPs and GPU-hours that shape needs under the Eq. 2 law, against the cheapest
 * shape. FLOPs: the cheapest of the brute-force shape grid (integer, even heads). GPU-hours: the
 * cheapest of the shapes with recorded step times (GPU-seconds per token = gpu_hours·3600 / tokens of
 * the run), since no time model exists for other shapes. Output: `overspend.json`.
 *
 * Beside that law-based view, `measured` is the authors' own Figure 7 (plotters/approach_1_extra_plots.py):
 * the checkpoints of the dense selection (`select_approach1.<variant>`; `hot_100b+_477` for over_100b) at
 * 299-301B tokens, each against the frontier checkpoint (lower convex hull) of nearest loss, in FLOPs and in
 * GPU-hours. Where no checkpoint falls in that window (other subsets, own runs) each run's last checkpoint
 * is compared instead, and the record says so (`tokensRange: null`). Beside the law view, `authors`: the
 * authors' stored Eq. 2 fit of the same subset and Huber δ asked the same question at the same target losses.
 * @module
 */
import type { Params, Stage } from "../pipeline/stage.ts";
import type { AdditiveLaw } from "../scaling/law.ts";
import type { ShapeSpec } from "../scaling/count/shape.ts";
import { measuredOverspend, overspendGrid } from "../scaling/prescribe/overspend.ts";
import { countingOf } from "../scaling/count/conventions.ts";
import { fittedLawOf, selectedRowsOf, writeJson } from "./fit_common.ts";
import { authorsLawOnOurs } from "./authors_law.ts";
import { AUTHORS_PARAMETER_DIRS } from "../records/importers/authors_parameters.ts";
import {
  type LawForm,
  type MeasuredOverspendRecord,
  type OverspendRecord,
  type SelectedRow,
  stageId,
} from "../records/schemas.ts";
import type { VariantSettings } from "./variants.ts";
import { logSpace } from "../scaling/logspace.ts";

/** Parameters of the overspend stage. */
export type OverspendParams = {
  /** Variant name. */
  variant: string;
  /** Law form used. */
  form: LawForm;
  /** Params convention of the variant. */
  paramsConvention: string;
  /** FLOP counter of the variant. */
  flopsCounter: string;
  /** Number of target losses, log-spaced from the lowest selected loss to the median selected loss. */
  targets: number;
  /** Node id of the select stage whose checkpoints the measured overspend compares. */
  measuredSelect: string;
  /** Token window [lo, hi] of the measured comparison (the authors': 299e9-301e9). */
  measuredTokens: number[];
  /** Repository path of the authors' stored fit of `form` on the same subset and δ, asked beside ours ("": none). */
  authorsLaw: string;
};

/** The authors' token window of Figure 7: the checkpoints at 300B tokens (±1B). */
export const MEASURED_TOKENS: readonly [number, number] = [299e9, 301e9];

/**
 * Returns the measured overspend of `rows` (see module doc): the rows within `window` tokens when at least
 * three runs have one there (the earliest such checkpoint per run), else each run's last checkpoint.
 */
export function measuredOverspendRecord(
  rows: readonly SelectedRow[],
  window: readonly [number, number],
): MeasuredOverspendRecord {
  const inWindow = rows.filter((r) => r.tokens >= window[0] && r.tokens <= window[1]);
  const windowed = new Set(inWindow.map((r) => r.run_id)).size >= 3;
  const picked = windowed ? inWindow : [...lastPerRun(rows).values()];
  if (picked.length < 2) throw new Error(`overspend: need >= 2 checkpoints to compare, got ${picked.length}`);
  const flops = measuredOverspend(picked.map((r) => ({ resource: r.flops, lossNats: r.loss })));
  const timedAt = picked.map((r, i) => [r, i] as const).filter(([r]) =>
    Number.isFinite(r.gpu_hours) && r.gpu_hours > 0
  );
  const hours = timedAt.length >= 2
    ? measuredOverspend(timedAt.map(([r]) => ({ resource: r.gpu_hours, lossNats: r.loss })))
    : null;
  const hoursOf = new Map<number, { overspend: number; frontier: boolean }>();
  if (hours) {
    const onFrontier = new Set(hours.frontier);
    timedAt.forEach(([, i], k) =>
      hoursOf.set(i, { overspend: hours.overspend[k], frontier: onFrontier.has(k) })
    );
  }
  const flopsFrontier = new Set(flops.frontier);
  return {
    subsets: [...new Set(rows.map((r) => r.subset))],
    tokensRange: windowed ? [window[0], window[1]] : null,
    rows: picked.map((r, i) => ({
      run_id: r.run_id,
      model: r.model,
      width: r.width,
      depth: r.depth,
      tokens: r.tokens,
      loss: r.loss,
      flops: r.flops,
      gpuHours: Number.isFinite(r.gpu_hours) ? r.gpu_hours : null,
      flopsOverspend: flops.overspend[i],
      gpuHoursOverspend: hoursOf.get(i)?.overspend ?? null,
      flopsFrontier: flopsFrontier.has(i),
      gpuHoursFrontier: hoursOf.get(i)?.frontier ?? false,
    })),
  };
}

function lastPerRun(rows: readonly SelectedRow[]): Map<string, SelectedRow> {
  const last = new Map<string, SelectedRow>();
  for (const r of rows) {
    const seen = last.get(r.run_id);
    if (!seen || r.tokens > seen.tokens) last.set(r.run_id, r);
  }
  return last;
}

/** Returns `x` where it is a finite number, else null (unreachable or unknown; JSON has no NaN/Infinity). */
function finiteOrNull(x: number | undefined): number | null {
  return x !== undefined && Number.isFinite(x) ? x : null;
}

/** Returns the overspend record of `law` for the shapes of `rows`. */
export function overspendRecord(
  law: AdditiveLaw,
  rows: readonly SelectedRow[],
  p: Omit<OverspendParams, "measuredSelect" | "measuredTokens" | "authorsLaw">,
  measuredRows: readonly SelectedRow[] = rows,
  measuredTokens: readonly [number, number] = MEASURED_TOKENS,
): OverspendRecord {
  const counting = countingOf(p.paramsConvention, p.flopsCounter);
  const secondsPerToken = new Map<string, number>();
  const shapes: ShapeSpec[] = [];
  for (const r of rows) {
    if (!secondsPerToken.has(r.model)) {
      secondsPerToken.set(r.model, r.gpu_hours * 3600 / r.tokens);
      shapes.push({ width: r.width, depth: r.depth });
    }
  }
  const timed = shapes.filter((s) => Number.isFinite(secondsPerToken.get(`${s.width}x${s.depth}`)));
  const losses = rows.map((r) => r.loss).sort((a, b) => a - b);
  const targetLosses = logSpace(losses[0], losses[Math.floor(losses.length / 2)], Math.max(2, p.targets));
  const options = { flopsPerToken: counting.flopsPerToken, params: counting.params };
  const out: OverspendRecord["rows"][number][] = [];
  for (const target of targetLosses) {
    let flops;
    try {
      flops = overspendGrid(law, shapes, target, { kind: "flops" }, options);
    } catch {
      continue; // no shape reaches this loss under the law
    }
    let hours: ReturnType<typeof overspendGrid> | null = null;
    if (timed.length > 0) {
      try {
        hours = overspendGrid(law, timed, target, {
          kind: "gpuHours",
          gpuSecondsPerToken: (s) => secondsPerToken.get(`${s.width}x${s.depth}`) ?? NaN,
        }, { ...options, candidates: timed });
      } catch {
        hours = null;
      }
    }
    shapes.forEach((s, i) => {
      const f = flops[i];
      const h = hours?.find((x) => x.width === s.width && x.depth === s.depth);
      out.push({
        model: `${s.width}x${s.depth}`,
        width: s.width,
        depth: s.depth,
        loss: target,
        flops: finiteOrNull(f.cost),
        flopsOptimal: f.optimalCost,
        flopsOverspend: finiteOrNull(f.ratio - 1),
        gpuHours: finiteOrNull(h?.cost),
        gpuHoursOptimal: h?.optimalCost ?? NaN,
        gpuHoursOverspend: finiteOrNull(h ? h.ratio - 1 : undefined),
        flopsOptimalModel: `${f.optimalWidth}x${f.optimalDepth}`,
        gpuHoursOptimalModel: h ? `${h.optimalWidth}x${h.optimalDepth}` : "",
      });
    });
  }
  return {
    kind: "overspend",
    variant: p.variant,
    form: p.form,
    rows: out,
    targetLosses,
    candidates: {
      flops: "brute-force shape grid (integer, even heads)",
      gpuHours: `the ${timed.length} shapes with recorded step times`,
    },
    measured: measuredOverspendRecord(measuredRows, measuredTokens),
  };
}

/**
 * Returns the overspend stage of `variant` (id `overspend.<variant>`, depends on its Eq. 2 fit and selection,
 * and on `measuredSelect`, the selection of the measured comparison, default the same selection); with
 * `authorsLaw` (a repository path) it asks the authors' stored fit the same question beside ours.
 */
export function overspendStage(
  variant: string,
  v: VariantSettings,
  form: LawForm = "eq2",
  measuredSelect: string = stageId("select", variant),
  authorsLaw = "",
): Stage<OverspendParams & Params> {
  return {
    name: "overspend",
    id: stageId("overspend", variant),
    module: import.meta.url,
    deps: [...new Set([stageId(`approach3_${form}`, variant), stageId("select", variant), measuredSelect])],
    params: {
      variant,
      form,
      paramsConvention: v.paramsConvention,
      flopsCounter: v.flopsCounter,
      targets: 6,
      measuredSelect,
      measuredTokens: [...MEASURED_TOKENS],
      authorsLaw,
    },
    // The authors' stored fit it asks beside ours is read from the repository.
    inputs: authorsLaw === "" ? [] : [...AUTHORS_PARAMETER_DIRS],
    outputs: ["overspend.json"],
    async run(ctx) {
      const { variant, form } = ctx.params;
      const law = await fittedLawOf(ctx.deps, variant, form);
      const rows = await selectedRowsOf(ctx.deps, variant);
      const measured = await selectedRowsOf(ctx.deps, variant, ctx.params.measuredSelect);
      const [lo, hi] = ctx.params.measuredTokens;
      const record = overspendRecord(law, rows, ctx.params, measured, [lo, hi]);
      const theirs = await authorsLawOnOurs(ctx.params.authorsLaw, ctx.root, ctx.deps, variant, form);
      await writeJson(
        ctx.outDir,
        "overspend.json",
        theirs === null ? record : {
          ...record,
          authors: {
            ...theirs.beside,
            rows: overspendRecord(theirs.law, rows, ctx.params, measured, [lo, hi]).rows,
          },
        },
      );
    },
  };
}
