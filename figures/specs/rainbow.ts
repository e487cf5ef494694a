/**
 * Figure 4 (seed 002 Figure 6): the "rainbow" — the compute-optimal parameter count N_opt(C) that the
 * Chinchilla-form law (Eq. 1) fitted under every variant prescribes (closed form under C = 6ND), with
 * a table of slopes, plus the Hoffmann, Epoch and Kaplan references.
 * @module
 */
import type { Approach1Record, Approach3Record } from "../../records/schemas.ts";
import {
  chinchillaClosedForm,
  evalPower,
  type FigureDraft,
  fmt,
  referencePrescriptions,
  topLevel,
} from "./common.ts";
import { logSpace } from "../../scaling/logspace.ts";

/** One variant's Eq. 1 fit. */
export interface RainbowVariant {
  /** Variant name. */
  readonly variant: string;
  /** Its Approach 3 Eq. 1 record (terms "params" and "tokens"). */
  readonly fit: Approach3Record;
}

/** One Approach 1 line of the rainbow: N_opt(C) of a FLOPs-hull fit. */
export interface RainbowApproach1 {
  /** Legend label. */
  readonly label: string;
  /** The Approach 1 record (its `flops.hull.params` power law is drawn). */
  readonly record: Approach1Record;
}

/** Input of {@link rainbowFigure}. */
export interface RainbowData {
  /** Every Eq. 1 fit (`variant` is the legend label). */
  readonly variants: readonly RainbowVariant[];
  /** The Approach 1 lines (the authors draw 10). */
  readonly approach1?: readonly RainbowApproach1[];
  /** FLOP range (default 1e18..1e28, the authors'). */
  readonly flopsRange?: readonly [number, number];
}

/** The slope row of one law: N_opt = k·C^a and D_opt = k·C^b. */
export interface RainbowSlope {
  /** Law label (variant name or reference). */
  readonly law: string;
  /** Exponent a of N_opt(C). */
  readonly a: number;
  /** Exponent b of D_opt(C). */
  readonly b: number;
  /** Coefficient of N_opt(C), params per FLOPs^a. */
  readonly kN: number;
  /** N_opt at 1e23 FLOPs, parameters. */
  readonly nAt1e23: number;
}

/** Returns N_opt(C) and D_opt(C) power laws of an Eq. 1 record; throws naming the variant if terms are missing. */
export function eq1Optimum(
  fit: Pick<Approach3Record, "terms" | "variant">,
): ReturnType<typeof chinchillaClosedForm> {
  const p = fit.terms.find((t) => t.variable === "params");
  const d = fit.terms.find((t) => t.variable === "tokens");
  if (!p || !d) {
    throw new Error(`rainbow: Eq. 1 fit of variant ${fit.variant} lacks a "params" or "tokens" term`);
  }
  return chinchillaClosedForm(p.A, p.alpha, d.A, d.alpha);
}

/**
 * Returns `n` colours of matplotlib's `rainbow` map at evenly spaced points from 0 (violet) to 1 (red), as the
 * authors colour their lines in ascending order of N_opt.
 */
export function rainbowColours(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    // matplotlib's rainbow: r = |2x - 1|, g = sin(πx), b = cos(πx/2).
    const x = n === 1 ? 1 : i / (n - 1);
    const r = Math.abs(2 * x - 1), g = Math.sin(Math.PI * x), b = Math.cos(Math.PI * x / 2);
    const hex = (v: number) => Math.round(Math.max(0, Math.min(1, v)) * 255).toString(16).padStart(2, "0");
    return `#${hex(r)}${hex(g)}${hex(b)}`;
  });
}

/** Returns paper Figure 6: one N_opt(C) line per law (Eq. 1 fits and Approach 1 fits), with a slope table. */
export function rainbowFigure(data: RainbowData): FigureDraft {
  const [lo, hi] = data.flopsRange ?? [1e18, 1e28];
  const xs = logSpace(lo, hi, 30);
  const slopes: RainbowSlope[] = [];
  const lines: { flops: number; paramsOpt: number; law: string; kind: string }[] = [];
  for (const a of data.approach1 ?? []) {
    const p = a.record.flops.hull.params;
    slopes.push({ law: a.label, a: p.exponent, b: 1 - p.exponent, kN: p.k, nAt1e23: evalPower(p, 1e23) });
    for (const c of xs) {
      lines.push({ flops: c, paramsOpt: evalPower(p, c), law: a.label, kind: "Approach 1" });
    }
  }
  for (const v of data.variants) {
    const opt = eq1Optimum(v.fit);
    slopes.push({
      law: v.variant,
      a: opt.params.exponent,
      b: opt.tokens.exponent,
      kN: opt.params.k,
      nAt1e23: evalPower(opt.params, 1e23),
    });
    for (const c of xs) {
      lines.push({
        flops: c,
        paramsOpt: evalPower(opt.params, c),
        law: v.variant,
        kind: "Approach 3 (Eq. 1)",
      });
    }
  }
  for (const ref of referencePrescriptions()) {
    slopes.push({
      law: ref.label,
      a: ref.params.exponent,
      b: ref.tokens.exponent,
      kN: ref.params.k,
      nAt1e23: evalPower(ref.params, 1e23),
    });
    for (const c of xs) {
      lines.push({ flops: c, paramsOpt: evalPower(ref.params, c), law: ref.label, kind: "reference" });
    }
  }
  // The authors colour the lines red to violet in order of N_opt at the right edge (rainbow.py, x_sort).
  const ours = slopes.filter((s) => !referencePrescriptions().some((r) => r.label === s.law));
  const order = [...ours].sort((a, b) => a.kN * Math.pow(hi, a.a) - b.kN * Math.pow(hi, b.a)).map((s) =>
    s.law
  );
  const tableRows = slopes.map((s, i) => ({
    row: i,
    law: s.law,
    text: `${s.law}: a = ${s.a.toFixed(3)}, b = ${s.b.toFixed(3)}, N_opt(1e23) = ${fmt(s.nAt1e23)}`,
  }));
  const spec = topLevel({
    title: "A rainbow of scaling laws: N_opt(C) of 24 fits",
    datasets: { lines, slopes: tableRows },
    vconcat: [
      {
        width: 560,
        height: 340,
        data: { name: "lines" },
        mark: { type: "line", strokeWidth: 2 },
        encoding: {
          x: {
            field: "flops",
            type: "quantitative",
            scale: { type: "log", nice: false },
            title: "training FLOPs",
            axis: { format: ".0e" },
          },
          y: {
            field: "paramsOpt",
            type: "quantitative",
            scale: { type: "log" },
            title: "compute-optimal parameters",
            axis: { format: ".0e" },
          },
          color: {
            field: "law",
            type: "nominal",
            title: "law",
            sort: [...order, ...referencePrescriptions().map((r) => r.label)],
            scale: {
              domain: [...order, ...referencePrescriptions().map((r) => r.label)],
              range: [...rainbowColours(order.length), "#000000", "#555555", "#999999"],
            },
            legend: { labelLimit: 420, columns: 1, symbolLimit: 40 },
          },
          strokeDash: {
            field: "kind",
            type: "nominal",
            title: null,
            scale: {
              domain: ["Approach 3 (Eq. 1)", "Approach 1", "reference"],
              range: [[1, 0], [6, 2, 1, 2], [3, 3]],
            },
          },
          tooltip: [{ field: "law" }, { field: "paramsOpt", type: "quantitative", format: ".3s" }],
        },
      },
      {
        title: "Slopes: N_opt ∝ C^a, D_opt ∝ C^b",
        width: 560,
        height: 14 * tableRows.length,
        data: { name: "slopes" },
        mark: { type: "text", align: "left", fontSize: 10 },
        encoding: {
          y: { field: "row", type: "ordinal", axis: null },
          x: { value: 0 },
          text: { field: "text" },
        },
      },
    ],
  });
  const caption =
    `${data.variants.length} Approach 3 Eq. 1 fits (N_opt from the closed form under C = 6ND) and ` +
    `${
      (data.approach1 ?? []).length
    } Approach 1 FLOPs-hull fits, ${ours.length} lines in all (the authors' ` +
    `rainbow.py draws 24). Slopes a: ${
      ours.map((s) => `${s.law} ${s.a.toFixed(3)}`).join("; ")
    }. References: ` +
    slopes.slice(ours.length).map((s) => `${s.law} ${s.a.toFixed(3)}`).join("; ") + ".";
  return {
    paperFigure: "6",
    name: "rainbow",
    title: "A rainbow of scaling laws",
    caption,
    howToRead:
      "Each solid line is the compute-optimal model size prescribed by a law fitted to a different subset " +
      "or convention of the same runs (dashed: published laws). Steeper lines put more of a growing budget into " +
      "parameters; the spread between lines at a given budget is how much the prescription depends on choices " +
      "that look innocuous. The table lists each law's exponents and its N_opt at 1e23 FLOPs.",
    spec,
  };
}
