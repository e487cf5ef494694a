/**
 * The `overspend.<variant>` stage (seed 002 Figure 7): for each model shape of the selected runs and
 * each target loss, the FLOPs and GPU-hours that shape needs under the Eq. 2 law, against the cheapest
 * shape. FLOPs: the cheapest of the brute-force shape grid (integer, even heads). GPU-hours: the
 * cheapest of the shapes with recorded step times (GPU-seconds per token = gpu_hours·3600 / tokens of
 * the run), since no time model exists for other shapes. Output: `overspend.json`.
 * @module
 */
import type { Params, Stage } from "../pipeline/stage.ts";
import type { AdditiveLaw } from "../scaling/law.ts";
import type { ShapeSpec } from "../scaling/count/mod.ts";
import { overspendGrid } from "../scaling/prescribe/mod.ts";
import { countingOf, fittedLawOf, selectedRowsOf, writeJson } from "./fit_common.ts";
import { type LawForm, type OverspendRecord, type SelectedRow, stageId } from "./schemas.ts";
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
};

/** Returns `x` where it is a finite number, else null (unreachable or unknown; JSON has no NaN/Infinity). */
function finiteOrNull(x: number | undefined): number | null {
  return x !== undefined && Number.isFinite(x) ? x : null;
}

/** Returns the overspend record of `law` for the shapes of `rows`. */
export function overspendRecord(
  law: AdditiveLaw,
  rows: readonly SelectedRow[],
  p: OverspendParams,
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
  };
}

/** Returns the overspend stage of `variant` (id `overspend.<variant>`, depends on its Eq. 2 fit and selection). */
export function overspendStage(
  variant: string,
  v: VariantSettings,
  form: LawForm = "eq2",
): Stage<OverspendParams & Params> {
  return {
    name: "overspend",
    id: stageId("overspend", variant),
    module: import.meta.url,
    deps: [stageId(`approach3_${form}`, variant), stageId("select", variant)],
    params: { variant, form, paramsConvention: v.paramsConvention, flopsCounter: v.flopsCounter, targets: 6 },
    inputs: [],
    outputs: ["overspend.json"],
    async run(ctx) {
      const law = await fittedLawOf(ctx.deps, ctx.params.variant, ctx.params.form);
      const rows = await selectedRowsOf(ctx.deps, ctx.params.variant);
      await writeJson(ctx.outDir, "overspend.json", overspendRecord(law, rows, ctx.params));
    },
  };
}
