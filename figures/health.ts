/**
 * How the report and the diff show whether a fit can be trusted: each Approach 3 fit's health verdict
 * (scaling/judge) and each form's backtest, in words beside the figures that draw the law ("these data
 * do not identify this law" beats a confident line), a "Fit health" section with every finding, and in
 * the diff which variant extrapolates best.
 * @module
 */
import { isLawName, LAW_NAMES, lawSpec } from "../scaling/laws/registry.ts";
import type {
  Approach1Record,
  Approach3Record,
  BacktestRecord,
  FitHealth,
  LawForm,
} from "../records/schemas.ts";
import { escapeHtml, type Figure, fmt } from "./specs/common.ts";

import { BACKTEST_FAIL } from "../scaling/judge/backtest_rule.ts";

/** The fits and backtest of one variant, as the report reads them. */
export interface VariantVerdicts {
  /** Variant name. */
  readonly variant: string;
  /** Approach 3 records by form (those the report read). */
  readonly fits: Readonly<Partial<Record<LawForm, Approach3Record>>>;
  /** The variant's backtest, or null when the graph has none. */
  readonly backtest: BacktestRecord | null;
  /** The Approach 1 record (its hull and binning power laws are judged too), when read. */
  readonly approach1?: Approach1Record;
  /** The Eq. 1 fit of every variant drawn in the rainbow figure, when read. */
  readonly rainbow?: readonly { readonly variant: string; readonly fit: Approach3Record }[];
}

/** Returns the Approach 1 fits of a record by label ("hull, FLOPs", …) with their health. */
function approach1Fits(rec: Approach1Record | undefined): [string, FitHealth | undefined][] {
  if (!rec) return [];
  const axes = [["FLOPs", rec.flops], ["GPU-hours", rec.gpuHours]] as const;
  return axes.flatMap(([axis, m]) =>
    m
      ? [[`Approach 1 hull, ${axis}`, m.hull.health], [`Approach 1 binning, ${axis}`, m.binning.health]] as [
        string,
        FitHealth | undefined,
      ][]
      : []
  );
}

/**
 * Returns the law forms a figure draws, from the report inputs it `reads`: an Approach 3 record (`eq1`,
 * `eq2`, `eq3`) is its form, the prescriptions are every form, and the overtraining and overspend
 * records are the Eq. 2 law's.
 */
export function formsRead(reads: readonly string[]): LawForm[] {
  const forms = new Set<LawForm>();
  for (const r of reads) {
    if (isLawName(r)) forms.add(r);
    else if (r === "prescriptions") LAW_NAMES.forEach((f) => forms.add(f));
    else if (r === "overtraining" || r === "overspend") forms.add("eq2");
  }
  return LAW_NAMES.filter((f) => forms.has(f));
}

const label = (form: LawForm) => `${form.replace("eq", "Eq. ")} (${lawSpec(form).equation})`;

/** Returns one sentence on a fit's health: empty for `ok`, else what is wrong in words. */
export function healthWords(form: LawForm, health: FitHealth | undefined): string {
  if (health === undefined || health.verdict === "ok") return "";
  const found = health.findings.map((f) => f.message.replace(/\.$/, "")).join("; ");
  return health.verdict === "refused"
    ? `These data do not identify the ${label(form)} law: ${found}. Do not read numbers off its line.`
    : `The ${label(form)} fit is questionable: ${found}.`;
}

/** Returns one sentence on a form's backtest: how well it predicts the held-out largest runs. */
export function backtestWords(form: LawForm, backtest: BacktestRecord | null): string {
  const f = backtest?.forms.find((x) => x.form === form);
  if (!backtest || !f) return "";
  const runs = backtest.heldOutRuns.join(", ");
  const err = `${(100 * f.meanAbsRelError).toFixed(2)}% (max ${(100 * f.maxAbsRelError).toFixed(2)}%)`;
  return f.meanAbsRelError > BACKTEST_FAIL
    ? `Backtest failed: fitted without the ${backtest.holdoutRuns} largest runs (${runs}), ` +
      `${
        label(form)
      } misses their ${f.heldOutRows} checkpoints by ${err} on average; it does not extrapolate.`
    : `Backtest: fitted without the ${backtest.holdoutRuns} largest runs (${runs}), ${label(form)} ` +
      `predicts their ${f.heldOutRows} checkpoints within ${err} on average.`;
}

/** Returns the HTML note shown beside a figure drawing `forms` ("" when every fit is ok and backtests pass). */
export function healthNoteHtml(forms: readonly LawForm[], v: VariantVerdicts): string {
  const lines = forms.flatMap((form) => {
    const words = [healthWords(form, v.fits[form]?.health)];
    const f = v.backtest?.forms.find((x) => x.form === form);
    if (f && f.meanAbsRelError > BACKTEST_FAIL) words.push(backtestWords(form, v.backtest));
    return words.filter((w) => w !== "");
  });
  return lines.length === 0 ? "" : noteHtml(lines);
}

/** Returns the note beside the Approach 1 figure: which of its power laws are refused or questionable. */
function approach1NoteHtml(v: VariantVerdicts): string {
  const bad = approach1Fits(v.approach1).filter(([, h]) => h !== undefined && h.verdict !== "ok");
  if (bad.length === 0) return "";
  const words = bad.map(([name, h]) =>
    `${name}: ${h!.verdict === "refused" ? "these data do not identify the power law" : "questionable"} (${
      h!.findings.map((f) => f.message.replace(/\.$/, "")).join("; ")
    }).`
  );
  return noteHtml(words);
}

/** Returns the note beside the rainbow figure: the variants whose Eq. 1 fit is refused or questionable. */
function rainbowNoteHtml(v: VariantVerdicts): string {
  const bad = (v.rainbow ?? []).filter((r) => r.fit.health !== undefined && r.fit.health.verdict !== "ok");
  if (bad.length === 0) return "";
  return noteHtml(bad.map((r) => `${r.variant}: ${healthWords("eq1", r.fit.health)}`));
}

function noteHtml(lines: readonly string[]): string {
  return `<div class="health-note" role="note" style="border-left:4px solid #c60;padding:0.2em 0.8em;` +
    `margin:0.5em 0;background:#fff6ee">\n` + lines.map((l) => `<p>${escapeHtml(l)}</p>`).join("\n") +
    "\n</div>";
}

/** Returns `figures` with the health notes of the fits each draws (by its `reads`) put before its tables. */
export function withHealthNotes(figures: readonly Figure[], v: VariantVerdicts): Figure[] {
  return figures.map((fig) => {
    const reads = fig.reads ?? [];
    const notes = [
      reads.includes("approach1") ? approach1NoteHtml(v) : "",
      reads.includes("rainbow") ? rainbowNoteHtml(v) : "",
      healthNoteHtml(formsRead(reads), v),
    ].filter((n) => n !== "");
    const note = notes.join("\n");
    return note === "" ? fig : { ...fig, tablesHtml: `${note}\n${fig.tablesHtml ?? ""}` };
  });
}

function verdictCell(health: FitHealth | undefined): string {
  if (health === undefined) return "<td>–</td>";
  const colour = { ok: "#2a7", warn: "#c60", refused: "#c00" }[health.verdict];
  return `<td style="color:${colour};font-weight:bold">${health.verdict}</td>`;
}

function findingsCell(health: FitHealth | undefined): string {
  if (health === undefined || health.findings.length === 0) return "<td>none</td>";
  return `<td><ul>${
    health.findings.map((f) => `<li><code>${escapeHtml(f.code)}</code>: ${escapeHtml(f.message)}</li>`).join(
      "",
    )
  }</ul></td>`;
}

/** Formats a fraction as a percentage with two decimals ("–" when undefined). */
const pct = (x: number | undefined) => (x === undefined ? "–" : `${(100 * x).toFixed(2)}%`);

/** Returns the "Fit health" section: every fit's verdict and findings, and every form's backtest. */
export function healthSectionHtml(v: VariantVerdicts): string {
  const forms = Object.keys(v.fits) as LawForm[];
  const fitRows = [
    ...approach1Fits(v.approach1).map(([name, h]) =>
      `<tr><td>${escapeHtml(name)}</td>${verdictCell(h)}${findingsCell(h)}</tr>`
    ),
    ...forms.map((form) =>
      `<tr><td>${escapeHtml(label(form))}</td>${verdictCell(v.fits[form]?.health)}${
        findingsCell(v.fits[form]?.health)
      }</tr>`
    ),
  ];
  let backtest = "";
  if (v.backtest) {
    const b = v.backtest;
    const rows = b.forms.map((f) =>
      `<tr><td>${escapeHtml(label(f.form))}</td><td>${f.trainRows}</td><td>${f.heldOutRows}</td>` +
      `<td>${pct(f.meanAbsRelError)}</td><td>${pct(f.maxAbsRelError)}</td>` +
      `${verdictCell(f.health)}<td>${f.form === b.best ? "best" : ""}</td></tr>`
    );
    backtest = `<h3>Backtest: does the law extrapolate?</h3>\n<p>Each form refitted without the ` +
      `${b.holdoutRuns} largest-compute runs (${escapeHtml(b.heldOutRuns.join(", "))}, every checkpoint), ` +
      `then asked to predict them. ${
        b.best
          ? `${escapeHtml(label(b.best))} extrapolates best.`
          : "Every training fit was refused: no form can be trusted to extrapolate."
      } A mean error above ${fmt(100 * BACKTEST_FAIL)}% counts as a failed backtest.</p>\n` +
      `<table><tr><th>law</th><th>rows fitted</th><th>rows held out</th><th>mean |rel. error|</th>` +
      `<th>max |rel. error|</th><th>training-fit verdict</th><th></th></tr>\n${rows.join("\n")}\n</table>`;
  }
  return `<section id="fit-health"><h2>Fit health</h2>\n<p>Every fit is judged by the ` +
    `science library (scaling/judge): <b>ok</b>, <b>warn</b> or <b>refused</b>, with the findings behind ` +
    `it (the README's verdict table, under "Fit your own runs", says what each code means and what to do).</p>\n<table><tr><th>law</th><th>verdict</th>` +
    `<th>findings</th></tr>\n${fitRows.join("\n")}\n</table>\n${backtest}\n</section>`;
}

/** One row of the diff's health comparison: a fit of both variants. */
export interface DiffHealthRow {
  /** The fit, e.g. "Approach 1 hull, FLOPs" or a law's label. */
  readonly fit: string;
  /** Variant A's and B's verdicts (undefined where that variant has no such fit). */
  readonly health: readonly [FitHealth | undefined, FitHealth | undefined];
  /** A's and B's backtest mean |relative error| (fraction; undefined for Approach 1 or without a backtest). */
  readonly backtestError: readonly [number | undefined, number | undefined];
  /** The variant whose backtest error is lower (A's on a tie), or undefined when one is missing. */
  readonly better: string | undefined;
}

/** The diff's comparison of two variants' fit health. */
export interface DiffHealth {
  /** Variant names A and B. */
  readonly variants: readonly [string, string];
  /** Approach 1 fits first, then every law form either variant fitted. */
  readonly rows: readonly DiffHealthRow[];
  /** One sentence: which variant extrapolates better on how many forms. */
  readonly overall: string;
  /** "variant: words" for every questionable or refused law of either variant. */
  readonly notes: readonly string[];
}

/** Compares the verdicts and backtests of variants `a` and `b`. */
export function diffHealth(a: VariantVerdicts, b: VariantVerdicts): DiffHealth {
  const forms = [...new Set([...Object.keys(a.fits), ...Object.keys(b.fits)])] as LawForm[];
  const err = (v: VariantVerdicts, form: LawForm) =>
    v.backtest?.forms.find((f) => f.form === form)?.meanAbsRelError;
  const a1b = new Map(approach1Fits(b.approach1));
  const rows: DiffHealthRow[] = [
    ...approach1Fits(a.approach1).map(([name, h]): DiffHealthRow => ({
      fit: name,
      health: [h, a1b.get(name)],
      backtestError: [undefined, undefined],
      better: undefined,
    })),
    ...forms.map((form): DiffHealthRow => {
      const ea = err(a, form), eb = err(b, form);
      return {
        fit: label(form),
        health: [a.fits[form]?.health, b.fits[form]?.health],
        backtestError: [ea, eb],
        better: ea === undefined || eb === undefined ? undefined : ea <= eb ? a.variant : b.variant,
      };
    }),
  ];
  const wins = (v: VariantVerdicts, w: VariantVerdicts) =>
    forms.filter((f) => {
      const x = err(v, f), y = err(w, f);
      return x !== undefined && y !== undefined && x < y;
    }).length;
  const [wa, wb] = [wins(a, b), wins(b, a)];
  const overall = wa === wb
    ? `Neither variant extrapolates better overall (${wa} forms each).`
    : `${wa > wb ? a.variant : b.variant} extrapolates better on ${
      Math.max(wa, wb)
    } of ${forms.length} forms.`;
  const notes = [a, b].flatMap((v) =>
    forms.map((form) => healthWords(form, v.fits[form]?.health)).filter((w) => w !== "").map((w) =>
      `${v.variant}: ${w}`
    )
  );
  return { variants: [a.variant, b.variant], rows, overall, notes };
}

/** Returns the diff page's section: both variants' verdicts per form and which extrapolates best. */
export function diffHealthHtml(a: VariantVerdicts, b: VariantVerdicts): string {
  const d = diffHealth(a, b);
  const rows = d.rows.map((r) =>
    `<tr><td>${escapeHtml(r.fit)}</td>${verdictCell(r.health[0])}${verdictCell(r.health[1])}` +
    `<td>${pct(r.backtestError[0])}</td><td>${pct(r.backtestError[1])}</td><td>${
      escapeHtml(r.better ?? "–")
    }</td></tr>`
  );
  const notes = d.notes.map((n) => `<li>${escapeHtml(n)}</li>`);
  return `<section id="fit-health"><h2>Fit health and backtests</h2>\n<p>${escapeHtml(d.overall)} Each ` +
    `variant's backtest holds out its own largest-compute runs (all their checkpoints), so the errors ` +
    `compare how well each variant's fit extrapolates on its own data.</p>\n<table><tr><th>law</th>` +
    `<th>verdict ${escapeHtml(a.variant)}</th><th>verdict ${escapeHtml(b.variant)}</th>` +
    `<th>backtest error ${escapeHtml(a.variant)}</th><th>backtest error ${escapeHtml(b.variant)}</th>` +
    `<th>extrapolates better</th></tr>\n${rows.join("\n")}\n</table>\n` +
    (notes.length > 0 ? `<ul>\n${notes.join("\n")}\n</ul>\n` : "") + `</section>`;
}

/** Returns the same comparison as plain text for the diff's terminal summary (`summary.txt`). */
export function diffHealthText(a: VariantVerdicts, b: VariantVerdicts): string {
  const d = diffHealth(a, b);
  const [va, vb] = d.variants;
  const width = Math.max(4, ...d.rows.map((r) => r.fit.length)) + 2;
  const col = (t: string, n: number) => t.padEnd(n);
  const w = Math.max(va.length, vb.length) + 11;
  const head = `  ${col("fit", width)}${col(`verdict ${va}`, w)}${col(`verdict ${vb}`, w)}` +
    `${col(`backtest ${va}`, w)}${col(`backtest ${vb}`, w)}extrapolates better`;
  const lines = [`Fit health and backtests: ${d.overall}`, head];
  for (const r of d.rows) {
    lines.push(
      `  ${col(r.fit, width)}${col(r.health[0]?.verdict ?? "–", w)}${col(r.health[1]?.verdict ?? "–", w)}` +
        `${col(pct(r.backtestError[0]), w)}${col(pct(r.backtestError[1]), w)}${r.better ?? "–"}`,
    );
  }
  for (const n of d.notes) lines.push(`  ${n}`);
  return lines.join("\n") + "\n";
}
