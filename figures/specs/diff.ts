/**
 * Figures of the diff report: variant A and variant B overlaid — Approach 1 frontiers and loss curves,
 * and what the laws prescribe (N_opt, tokens per parameter, width/depth) against FLOPs.
 * @module
 */
import type {
  Approach1Record,
  Approach3Record,
  PrescriptionsRecord,
  SelectedRow,
} from "../../records/schemas.ts";
import { evalPower, type FigureDraft, fmt, logAxisChannel, topLevel } from "./common.ts";
import { eq1Optimum } from "./rainbow.ts";
import { logSpace } from "../../scaling/logspace.ts";

/** One side of the diff. */
export interface DiffSide {
  /** Variant name. */
  readonly variant: string;
  /** Selected rows. */
  readonly rows: readonly SelectedRow[];
  /** Approach 1 record. */
  readonly approach1: Approach1Record;
  /** Eq. 1 fit. */
  readonly eq1: Approach3Record;
  /** Prescriptions. */
  readonly prescriptions: PrescriptionsRecord;
}

/** Returns the overlay of both variants' checkpoints, loss curves and Approach 1 hulls (figure D1). */
export function diffFrontierFigure(a: DiffSide, b: DiffSide): FigureDraft {
  const tag = (s: DiffSide, label: string) => `${label}: ${s.variant}`;
  const checkpoints = [a, b].flatMap((s, i) =>
    s.rows.map((r) => ({
      side: tag(s, i === 0 ? "A" : "B"),
      run: `${i}:${r.run_id}`,
      flops: r.flops,
      tokens: r.tokens,
      loss: r.loss,
    }))
  );
  const hulls = [a, b].flatMap((s, i) =>
    s.approach1.flops.hull.points.map((p) => ({
      side: tag(s, i === 0 ? "A" : "B"),
      flops: p.compute,
      loss: p.loss,
    }))
  );
  const color = {
    field: "side",
    type: "nominal",
    title: "variant",
    scale: { range: ["#1f77b4", "#d62728"] },
  };
  // Axes trimmed to both variants' data, in the report's single log tick format.
  const flopsX = logAxisChannel("flops", {
    title: "training FLOPs",
    values: [...checkpoints.map((c) => c.flops), ...hulls.map((h) => h.flops)],
  });
  const tokensX = logAxisChannel("tokens", { title: "tokens", values: checkpoints.map((c) => c.tokens) });
  const spec = topLevel({
    title: `Checkpoints and Approach 1 hulls: ${a.variant} (A) vs ${b.variant} (B)`,
    datasets: { checkpoints, hulls },
    hconcat: [
      {
        title: "Loss vs FLOPs (lines: hulls)",
        width: 380,
        height: 300,
        layer: [
          {
            data: { name: "checkpoints" },
            mark: { type: "point", size: 10, opacity: 0.5 },
            encoding: {
              x: flopsX,
              y: { field: "loss", type: "quantitative", scale: { zero: false }, title: "loss (nats/token)" },
              color,
            },
          },
          {
            data: { name: "hulls" },
            mark: { type: "line", strokeWidth: 2, point: { size: 30, filled: true } },
            encoding: {
              x: flopsX,
              y: { field: "loss", type: "quantitative", scale: { zero: false } },
              color,
            },
          },
        ],
      },
      {
        title: "Loss curves",
        width: 380,
        height: 300,
        data: { name: "checkpoints" },
        mark: { type: "line", strokeWidth: 1, opacity: 0.7 },
        encoding: {
          x: tokensX,
          y: { field: "loss", type: "quantitative", scale: { zero: false }, title: "loss (nats/token)" },
          detail: { field: "run" },
          color,
        },
      },
    ],
  });
  const h = (s: DiffSide) => s.approach1.flops.hull;
  return {
    paperFigure: "D1",
    name: "diff-frontiers",
    title: "Checkpoints, loss curves and Approach 1 hulls of both variants",
    caption: `A = ${a.variant}: ${a.rows.length} rows, hull N_opt ∝ C^${fmt(h(a).params.exponent)} ` +
      `(${h(a).points.length} hull points). B = ${b.variant}: ${b.rows.length} rows, hull N_opt ∝ C^` +
      `${fmt(h(b).params.exponent)} (${h(b).points.length} hull points).`,
    howToRead:
      "Blue is variant A, red variant B. Left: every checkpoint against training FLOPs with each variant's " +
      "lower convex hull; where the hulls part, the two variants disagree on which runs are compute-optimal. " +
      "Right: the loss curves each variant fits.",
    spec,
  };
}

/** Returns the overlay of both variants' prescriptions against FLOPs (figure D2). */
export function diffPrescriptionFigure(
  a: DiffSide,
  b: DiffSide,
  flopsRange: readonly [number, number] = [1e18, 1e25],
): FigureDraft {
  const xs = logSpace(flopsRange[0], flopsRange[1], 30);
  const rows: {
    side: string;
    law: string;
    flops: number;
    params: number;
    tokensPerParam: number;
    ratio: number | null;
  }[] = [];
  for (const [i, s] of [a, b].entries()) {
    const side = `${i === 0 ? "A" : "B"}: ${s.variant}`;
    const opt = eq1Optimum(s.eq1);
    for (const c of xs) {
      const n = evalPower(opt.params, c), d = evalPower(opt.tokens, c);
      rows.push({ side, law: "Eq. 1 closed form", flops: c, params: n, tokensPerParam: d / n, ratio: null });
    }
    const tpp = s.approach1.flops.hull.tokensPerParam, np = s.approach1.flops.hull.params;
    for (const c of xs) {
      rows.push({
        side,
        law: "Approach 1 hull",
        flops: c,
        params: evalPower(np, c),
        tokensPerParam: evalPower(tpp, c),
        ratio: null,
      });
    }
    const eq2 = s.prescriptions.forms.find((f) => f.form === "eq2");
    for (const p of eq2?.prescriptions ?? []) {
      rows.push({
        side,
        law: "Eq. 2 brute force",
        flops: p.flops,
        params: p.params,
        tokensPerParam: p.tokens / p.params,
        ratio: p.width !== null && p.depth !== null ? p.width / p.depth : null,
      });
    }
  }
  const x = logAxisChannel("flops", { title: "training FLOPs", values: rows.map((r) => r.flops) });
  const y = (field: "params" | "tokensPerParam" | "ratio", title: string) =>
    logAxisChannel(field, { title, values: rows.map((r) => r[field] ?? NaN) });
  const color = {
    field: "side",
    type: "nominal",
    title: "variant",
    scale: { range: ["#1f77b4", "#d62728"] },
  };
  const dash = {
    field: "law",
    type: "nominal",
    title: "law",
    scale: {
      domain: ["Eq. 1 closed form", "Approach 1 hull", "Eq. 2 brute force"],
      range: [[1, 0], [5, 3], [2, 2]],
    },
  };
  const panel = (field: "params" | "tokensPerParam" | "ratio", title: string, filter?: string) => ({
    title,
    width: 250,
    height: 240,
    data: { name: "prescriptions" },
    transform: filter ? [{ filter }] : [],
    mark: { type: "line", strokeWidth: 2 },
    encoding: {
      x,
      y: y(field, title),
      color,
      strokeDash: dash,
      detail: { field: "law" },
    },
  });
  const spec = topLevel({
    title: `Prescriptions: ${a.variant} (A) vs ${b.variant} (B)`,
    datasets: { prescriptions: rows },
    hconcat: [
      panel("params", "compute-optimal parameters"),
      panel("tokensPerParam", "tokens per parameter"),
      panel("ratio", "width / depth (Eq. 2)", "isValid(datum.ratio)"),
    ],
  });
  const ea = eq1Optimum(a.eq1), eb = eq1Optimum(b.eq1);
  return {
    paperFigure: "D2",
    name: "diff-prescriptions",
    title: "What each variant prescribes",
    caption:
      `Eq. 1 closed form: A N_opt ∝ C^${fmt(ea.params.exponent)}, B N_opt ∝ C^${fmt(eb.params.exponent)}; ` +
      `N_opt(1e23) A ${fmt(evalPower(ea.params, 1e23))}, B ${fmt(evalPower(eb.params, 1e23))}.`,
    howToRead:
      "Blue is variant A, red variant B; line style is the law (solid: Eq. 1 closed form, dashed: Approach 1 " +
      "hull, dotted: Eq. 2 brute force over shapes). The vertical gap between blue and red at a budget is how " +
      "much the prescription moves when switching variants.",
    spec,
  };
}
