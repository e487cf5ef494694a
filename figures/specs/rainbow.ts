/**
 * Figure 4 (seed 002 Figure 6): the "rainbow" — the compute-optimal parameter count N_opt(C) that the
 * Chinchilla-form law (Eq. 1) fitted under every variant prescribes (closed form under C = 6ND), with
 * a table of slopes, plus the Hoffmann, Epoch and Kaplan references.
 * @module
 */
import type { Approach1Record, Approach3Record } from "../../records/schemas.ts";
import {
  chinchillaClosedForm,
  escapeHtml,
  evalPower,
  type FigureDraft,
  fmt,
  logAxisChannel,
  referencePrescriptions,
  topLevel,
} from "./common.ts";
import { logSpace } from "../../scaling/logspace.ts";
import {
  AUTHORS_FIT_DASH,
  AUTHORS_FIT_LABEL,
  authorsAsRecord,
  authorsFitSentence,
  type AuthorsLaw,
  authorsLawOf,
  differsFromAuthors,
  exponentGap,
} from "./authors_fit.ts";

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
  /** The authors' stored fits by fit key (authors_fit.ts); each Eq. 1 law that differs gets theirs dashed. */
  readonly authorsLaws?: Readonly<Record<string, AuthorsLaw>>;
}

/** Line styles of the rainbow's kinds of line, as the authors' rainbow.py draws them (and ours for theirs). */
const KINDS: readonly { readonly kind: string; readonly dash: readonly number[] }[] = [
  { kind: "Approach 3 (Eq. 1)", dash: [1, 0] },
  { kind: "Approach 3 (Eq. 1), no embeddings", dash: [6, 3] },
  { kind: "Approach 1", dash: [6, 2, 1, 2] },
  { kind: "Approach 1, no embeddings", dash: [1, 2] },
  { kind: "reference", dash: [3, 3] },
  { kind: AUTHORS_FIT_LABEL, dash: AUTHORS_FIT_DASH },
];

/** Returns the kind of a law's line: the authors tell a no-embeddings law by "No Embeds" in its label. */
function kindOf(base: "Approach 3 (Eq. 1)" | "Approach 1", label: string): string {
  return /No Embeds/.test(label) ? `${base}, no embeddings` : base;
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
  /** The authors' a where their stored law differs from ours (drawn dashed), else absent. */
  readonly authorsA?: number;
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
  const notes: string[] = [];
  for (const a of data.approach1 ?? []) {
    const p = a.record.flops.hull.params;
    slopes.push({ law: a.label, a: p.exponent, b: 1 - p.exponent, kN: p.k, nAt1e23: evalPower(p, 1e23) });
    for (const c of xs) {
      lines.push({ flops: c, paramsOpt: evalPower(p, c), law: a.label, kind: kindOf("Approach 1", a.label) });
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
        kind: kindOf("Approach 3 (Eq. 1)", v.variant),
      });
    }
    // Where our law differs from the authors' stored one, theirs too (dashed, in the same colour).
    const theirs = authorsLawOf(v.fit, data.authorsLaws);
    if (theirs !== undefined && differsFromAuthors(v.fit, theirs)) {
      const their = eq1Optimum(authorsAsRecord(v.fit, theirs));
      slopes[slopes.length - 1] = { ...slopes[slopes.length - 1], authorsA: their.params.exponent };
      notes.push(
        authorsFitSentence(v.variant, v.fit, theirs, exponentGap(v.fit, theirs)) +
          ` Their a = ${their.params.exponent.toFixed(3)}, ours ${opt.params.exponent.toFixed(3)}.`,
      );
      for (const c of xs) {
        lines.push({
          flops: c,
          paramsOpt: evalPower(their.params, c),
          law: v.variant,
          kind: AUTHORS_FIT_LABEL,
        });
      }
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
  // The slope table goes under the figure as HTML (not into the chart, whose legend it would push aside).
  const cell = (x: string) => `<td>${escapeHtml(x)}</td>`;
  const tablesHtml = `<table><thead><tr><th>law</th><th>a (N_opt ∝ C^a)</th><th>b (D_opt ∝ C^b)</th>` +
    `<th>N_opt at 1e23 FLOPs</th><th>authors' fit: a</th></tr></thead><tbody>` +
    slopes.map((s) =>
      `<tr>${cell(s.law)}${cell(s.a.toFixed(3))}${cell(s.b.toFixed(3))}${cell(fmt(s.nAt1e23))}${
        cell(s.authorsA === undefined ? "" : s.authorsA.toFixed(3))
      }</tr>`
    ).join("") + `</tbody></table>`;
  const spec = topLevel({
    title: "A rainbow of scaling laws: N_opt(C) of 24 fits",
    datasets: { lines },
    width: 640,
    height: 340,
    data: { name: "lines" },
    mark: { type: "line" },
    encoding: {
      // The report's log axes (axes.ts): one tick format, whole decades, no colliding labels.
      x: logAxisChannel("flops", { title: "training FLOPs", values: [lo, hi], pad: 1 }),
      y: logAxisChannel("paramsOpt", {
        title: "compute-optimal parameters",
        values: lines.map((l) => l.paramsOpt),
      }),
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
        scale: { domain: KINDS.map((k) => k.kind), range: KINDS.map((k) => k.dash) },
        legend: { labelLimit: 360, symbolStrokeWidth: 2 },
      },
      // The authors' lines thinner than ours, so that both show where they overlap.
      strokeWidth: {
        condition: { test: `datum.kind === "${AUTHORS_FIT_LABEL}"`, value: 1.5 },
        value: 2.5,
      },
      tooltip: [
        { field: "law" },
        { field: "kind" },
        { field: "paramsOpt", type: "quantitative", format: ".3s" },
      ],
    },
  });
  const caption =
    `${data.variants.length} Approach 3 Eq. 1 fits (N_opt from the closed form under C = 6ND) and ` +
    `${
      (data.approach1 ?? []).length
    } Approach 1 FLOPs-hull fits, ${ours.length} lines in all (the authors' ` +
    `rainbow.py draws 24). Slopes a: ${
      ours.map((s) => `${s.law} ${s.a.toFixed(3)}`).join("; ")
    }. References: ` +
    slopes.slice(ours.length).map((s) => `${s.law} ${s.a.toFixed(3)}`).join("; ") + ". Line styles as the " +
    "authors' rainbow.py: Eq. 1 laws solid (without embeddings dashed), Approach 1 dash-dot (without " +
    "embeddings dotted); long thin dashes: the authors' stored fit where ours differs." +
    (notes.length > 0 ? " " + notes.join(" ") : "");
  return {
    paperFigure: "6",
    name: "rainbow",
    title: "A rainbow of scaling laws",
    caption,
    tablesHtml,
    howToRead:
      "Each line is the compute-optimal model size prescribed by a law fitted to a different subset or " +
      "convention of the same runs, styled as the authors' (see the caption); black and grey short dashes: " +
      "published laws; long thin dashes in a law's colour: the authors' stored fit of that law, where it differs " +
      "from ours. Steeper lines put more of a growing budget into " +
      "parameters; the spread between lines at a given budget is how much the prescription depends on choices " +
      "that look innocuous. The table under it lists each law's exponents, its N_opt at 1e23 FLOPs and, where it differs, the authors' a.",
    spec,
  };
}
