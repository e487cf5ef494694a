/**
 * Figure 4 (seed 002 Figure 6): the "rainbow" — the compute-optimal parameter count N_opt(C) that the
 * Chinchilla-form law (Eq. 1) fitted under every variant prescribes (closed form under C = 6ND), with
 * a table of slopes, plus the Hoffmann, Epoch and Kaplan references.
 * @module
 */
import type { Approach3Record } from "../../schemas.ts";
import {
  chinchillaClosedForm,
  evalPower,
  type Figure,
  fmt,
  referencePrescriptions,
  topLevel,
} from "./common.ts";
import { logSpace } from "../../../scaling/logspace.ts";

/** One variant's Eq. 1 fit. */
export interface RainbowVariant {
  /** Variant name. */
  readonly variant: string;
  /** Its Approach 3 Eq. 1 record (terms "params" and "tokens"). */
  readonly fit: Approach3Record;
}

/** Input of {@link rainbowFigure}. */
export interface RainbowData {
  /** Every variant's fit. */
  readonly variants: readonly RainbowVariant[];
  /** FLOP range (default 1e18..1e25). */
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

/** Returns Figure 4: one N_opt(C) line per variant, with a slope table. */
export function rainbowFigure(data: RainbowData): Figure {
  const [lo, hi] = data.flopsRange ?? [1e18, 1e25];
  const xs = logSpace(lo, hi, 30);
  const slopes: RainbowSlope[] = [];
  const lines: { flops: number; paramsOpt: number; law: string; kind: string }[] = [];
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
      lines.push({ flops: c, paramsOpt: evalPower(opt.params, c), law: v.variant, kind: "variant" });
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
  const tableRows = slopes.map((s, i) => ({
    row: i,
    law: s.law,
    text: `${s.law}: a = ${s.a.toFixed(3)}, b = ${s.b.toFixed(3)}, N_opt(1e23) = ${fmt(s.nAt1e23)}`,
  }));
  const spec = topLevel({
    title: "A rainbow of scaling laws: N_opt(C) per variant",
    datasets: { lines, slopes: tableRows },
    vconcat: [
      {
        width: 560,
        height: 340,
        data: { name: "lines" },
        mark: { type: "line", strokeWidth: 2 },
        encoding: {
          x: { field: "flops", type: "quantitative", scale: { type: "log" }, title: "training FLOPs" },
          y: {
            field: "paramsOpt",
            type: "quantitative",
            scale: { type: "log" },
            title: "compute-optimal parameters",
          },
          color: {
            field: "law",
            type: "nominal",
            title: "law",
            scale: { scheme: "rainbow" },
            legend: { labelLimit: 320 },
          },
          strokeDash: {
            field: "kind",
            type: "nominal",
            title: null,
            scale: { domain: ["variant", "reference"], range: [[1, 0], [4, 3]] },
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
  const own = slopes.slice(0, data.variants.length);
  const caption =
    `Eq. 1 (Chinchilla form) fitted under ${data.variants.length} variants; N_opt from the closed form ` +
    `under C = 6ND. Slopes a: ${own.map((s) => `${s.law} ${s.a.toFixed(3)}`).join("; ")}. References: ` +
    slopes.slice(data.variants.length).map((s) => `${s.law} ${s.a.toFixed(3)}`).join("; ") + ".";
  return {
    paperFigure: "6",
    reads: ["rainbow"],
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
