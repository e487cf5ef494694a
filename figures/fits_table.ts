/**
 * The fits table of a report: every law a figure of the report draws (Approach 1 slopes, Approach 2's
 * isoFLOP laws when the data allowed them, every Approach 3 law, the grid-size study's and the tornado's
 * Eq. 1 refits; the list is read from the drawn figures' provenance, {@link drawnLawIds}), one row per
 * fitted quantity, beside the authors' published value from their stored parameters files
 * (`data/gemstones/parameters*`, copied byte-identical from github.com/mcleish7/gemstone-scaling-laws),
 * the absolute and relative difference and both objectives. Written as `figures/fits.csv` and shown as
 * an HTML table, with one sentence per fit where ours differs from theirs (saying whether our objective is
 * lower, i.e. a flat optimum, or higher, i.e. our starts missed theirs).
 *
 * The authors' files are read by records/importers/authors_parameters.ts.
 * @module
 */
import { formatCsv } from "../records/importers/table.ts";
import type { Approach1Record, Approach2Record, Approach3Record } from "../records/schemas.ts";
import type { GridSizeStudyRecord, SensitivityRecord } from "../records/sensitivity.ts";
import { isLawNode } from "./inputs.ts";
import { escapeHtml, fmt } from "./specs/common.ts";
import {
  authorsApproach1Path,
  authorsApproach3Path,
  parseAuthorsApproach1,
  parseAuthorsApproach3,
} from "../records/importers/authors_parameters.ts";

/** One row of the fits table: one fitted quantity of one fit. */
export interface FitRow {
  /** Fit record (node id). */
  readonly fit: string;
  /** Subset file(s) fitted, e.g. "hot". */
  readonly subset: string;
  /** Form: "eq1", "eq2", "eq3" or "approach1 hull (FLOPs)". */
  readonly form: string;
  /** Huber δ (Approach 3), else null. */
  readonly huberDelta: number | null;
  /** Starts run (Approach 3), else null. */
  readonly starts: number | null;
  /** Starts that converged (Approach 3), else null. */
  readonly converged: number | null;
  /** Quantity: "E", "A_<variable>", "alpha_<variable>", "a (N_opt exponent)", "objective", "slope N_opt(C)", ... */
  readonly quantity: string;
  /** Our value. */
  readonly ours: number;
  /** Bootstrap 95 % interval (or the record's confidence level), else null. */
  readonly interval: readonly [number, number] | null;
  /** The authors' published value, else null. */
  readonly authors: number | null;
  /** The authors' file it comes from, else null. */
  readonly authorsFile: string | null;
  /** Our fit's objective (Approach 3: the summed Huber loss on ln loss), else null. */
  readonly objective?: number | null;
  /** The authors' objective of the same fit (their stored `loss`), else null. */
  readonly authorsObjective?: number | null;
}

/** A fit's context: what it was fitted on and whether the authors publish it. */
export interface FitContext {
  /** Node id of the fit record. */
  readonly fit: string;
  /** Subsets fitted (the authors publish single-subset fits only). */
  readonly subsets: readonly string[];
  /** Whether params are counted without embeddings. */
  readonly noEmbeds: boolean;
}

/** Reads a repository file relative to `root`, or returns null when it does not exist. */
async function readMaybe(root: string, path: string | null): Promise<string | null> {
  if (path === null) return null;
  try {
    return await Deno.readTextFile(`${root}/${path}`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

function eq1Slope(terms: readonly { variable: string; alpha: number }[]): number | null {
  const p = terms.find((t) => t.variable === "params"), d = terms.find((t) => t.variable === "tokens");
  return p && d ? d.alpha / (p.alpha + d.alpha) : null;
}

/** Returns the rows of one Approach 3 fit, with the authors' values where they publish that fit. */
export async function approach3Rows(
  record: Approach3Record,
  ctx: FitContext,
  root: string,
): Promise<FitRow[]> {
  const subset = ctx.subsets.join(" + ");
  const path = ctx.subsets.length === 1
    ? authorsApproach3Path(record.form, ctx.subsets[0], {
      huberDelta: record.huberDelta,
      noEmbeds: ctx.noEmbeds,
    })
    : null;
  const text = await readMaybe(root, path);
  const theirs = text === null ? null : parseAuthorsApproach3(text, path!);
  if (theirs && theirs.A.length !== record.terms.length) {
    throw new Error(
      `${path}: ${theirs.A.length} terms, but our ${record.form} fit ${ctx.fit} has ${record.terms.length}`,
    );
  }
  const ci = (key: string): readonly [number, number] | null => {
    const iv = record.bootstrap?.parameters[key];
    return iv ? [iv.lower, iv.upper] : null;
  };
  const base = {
    fit: ctx.fit,
    subset,
    form: record.form,
    huberDelta: record.huberDelta,
    starts: record.starts,
    converged: record.converged,
    authorsFile: theirs ? path : null,
    objective: record.objective,
    authorsObjective: theirs?.objective ?? null,
  };
  const rows: FitRow[] = [
    { ...base, quantity: "E", ours: record.E, interval: ci("E"), authors: theirs?.E ?? null },
  ];
  record.terms.forEach((t, i) => {
    rows.push({
      ...base,
      quantity: `A_${t.variable}`,
      ours: t.A,
      interval: ci(`A_${t.variable}`),
      authors: theirs?.A[i] ?? null,
    });
    rows.push({
      ...base,
      quantity: `alpha_${t.variable}`,
      ours: t.alpha,
      interval: ci(`alpha_${t.variable}`),
      authors: theirs?.alpha[i] ?? null,
    });
  });
  if (record.form === "eq1") {
    const ours = eq1Slope(record.terms);
    const authors = theirs ? theirs.alpha[1] / (theirs.alpha[0] + theirs.alpha[1]) : null;
    if (ours !== null) {
      rows.push({ ...base, quantity: "a = beta/(alpha+beta)", ours, interval: null, authors });
    }
  }
  rows.push({
    ...base,
    quantity: "objective",
    ours: record.objective,
    interval: null,
    authors: theirs?.objective ?? null,
  });
  return rows;
}

/** Returns the rows of an Approach 1 record: hull slopes and coefficients on FLOPs (and GPU-hours). */
export async function approach1Rows(
  record: Approach1Record,
  ctx: FitContext,
  root: string,
): Promise<FitRow[]> {
  const subset = ctx.subsets.join(" + ");
  const rows: FitRow[] = [];
  const laws = [["params", "params", "N_opt(C)"], ["tokens", "tokens", "D_opt(C)"], [
    "tokensPerParam",
    "tokens_per_param",
    "(D/N)_opt(C)",
  ]] as const;
  const axes = [["FLOPs", record.flops], ["GPU-hours", record.gpuHours]] as const;
  for (const [axis, methods] of axes) {
    if (methods === null) continue;
    for (const method of [methods.hull, methods.binning]) {
      for (const [key, file, label] of laws) {
        // The authors store the hull lines on FLOPs only.
        const path = axis === "FLOPs" && method.method === "hull" && ctx.subsets.length === 1
          ? authorsApproach1Path(file, ctx.subsets[0], ctx.noEmbeds)
          : null;
        const text = await readMaybe(root, path);
        const theirs = text === null ? null : parseAuthorsApproach1(text, path!);
        const law = method[key];
        const boot = method.bootstrap;
        const base = {
          fit: ctx.fit,
          subset,
          form: `approach1 ${method.method} (${axis})`,
          huberDelta: null,
          starts: null,
          converged: null,
          authorsFile: theirs ? path : null,
        };
        rows.push({
          ...base,
          quantity: `slope ${label}`,
          ours: law.exponent,
          interval: boot ? [boot.exponents[key].lower, boot.exponents[key].upper] : null,
          authors: theirs?.slope ?? null,
        });
        rows.push({
          ...base,
          quantity: `k ${label}`,
          ours: law.k,
          interval: boot ? [boot.coefficients[key].lower, boot.coefficients[key].upper] : null,
          authors: theirs?.k ?? null,
        });
      }
    }
  }
  return rows;
}

/**
 * Returns the rows of an Approach 2 record: the isoFLOP power laws N_opt(C) and D_opt(C) (C in FLOPs),
 * slope and k, when it was available (else none). The authors publish no Approach 2 fit.
 */
export function approach2Rows(record: Approach2Record, ctx: FitContext): FitRow[] {
  if (record.params === null || record.tokens === null) return [];
  const base = {
    fit: ctx.fit,
    subset: ctx.subsets.join(" + "),
    form: "approach2 isoFLOP (FLOPs)",
    huberDelta: null,
    starts: null,
    converged: null,
    interval: null,
    authors: null,
    authorsFile: null,
  };
  return ([["N_opt(C)", record.params], ["D_opt(C)", record.tokens]] as const).flatMap(([label, law]) => [
    { ...base, quantity: `slope ${label}`, ours: law.exponent },
    { ...base, quantity: `k ${label}`, ours: law.k },
  ]);
}

/** Returns ours − theirs, or null without a published value. */
export function difference(row: FitRow): number | null {
  return row.authors === null ? null : row.ours - row.authors;
}

/**
 * Returns (ours − theirs) / |theirs|, or null without a published value (or when theirs is 0): a
 * coefficient 1.04e38 against their 5.46e10 reads 1.9e27, not as a small absolute number.
 */
export function relativeDifference(row: FitRow): number | null {
  return row.authors === null || row.authors === 0 ? null : (row.ours - row.authors) / Math.abs(row.authors);
}

/** The form of the grid-size study's rows, before "(N target starts)". */
const GRID_SIZE_FORM = "eq1 grid-size study";

/**
 * Returns the rows of the grid-size study (paper Figure 20): per Huber δ and grid size, the best
 * converged start's α, β, α/(α+β) and objective, beside the authors' stored full-grid (4,500-start)
 * Eq. 1 fit of the same subset and δ where they store one (their Figure 20 points themselves are not
 * stored).
 */
export function gridSizeRows(record: GridSizeStudyRecord, fit: string): FitRow[] {
  return record.points.flatMap((p) => {
    const theirs = record.published.find((q) => Math.abs(q.delta - p.delta) < 1e-15) ?? null;
    const base = {
      fit,
      subset: record.subset,
      form: `${GRID_SIZE_FORM} (${p.gridSize} target starts)`,
      huberDelta: p.delta,
      starts: p.starts,
      converged: p.converged,
      interval: null,
      authorsFile: theirs
        ? authorsApproach3Path("eq1", record.subset, { huberDelta: p.delta, noEmbeds: false })
        : null,
      objective: p.objective,
      authorsObjective: theirs?.objective ?? null,
    };
    return [
      { ...base, quantity: "alpha_params", ours: p.alpha, authors: theirs?.alpha ?? null },
      { ...base, quantity: "alpha_tokens", ours: p.beta, authors: theirs?.beta ?? null },
      { ...base, quantity: "alpha/(alpha+beta)", ours: p.ratio, authors: theirs?.ratio ?? null },
      { ...base, quantity: "objective", ours: p.objective, authors: theirs?.objective ?? null },
    ];
  });
}

/**
 * Returns the rows of the tornado's refits (the sensitivity stage): E, every A and α and the objective of
 * each case's Eq. 1 law. The authors publish none of these refits.
 */
export function sensitivityRows(record: SensitivityRecord, fit: string): FitRow[] {
  return record.results.flatMap((r) => {
    const base = {
      fit,
      subset: record.variant,
      form: `eq1 tornado (${r.choice}: ${r.option})`,
      huberDelta: null,
      starts: r.starts,
      converged: null,
      interval: null,
      authors: null,
      authorsFile: null,
      objective: r.objective,
      authorsObjective: null,
    };
    return [
      { ...base, quantity: "E", ours: r.law.E },
      ...r.law.terms.flatMap((t) => [
        { ...base, quantity: `A_${t.variable}`, ours: t.A },
        { ...base, quantity: `alpha_${t.variable}`, ours: t.alpha },
      ]),
      { ...base, quantity: "objective", ours: r.objective },
    ];
  });
}

/**
 * Returns the node ids of every fit record the drawn figures read (each figure's `reads`, resolved to
 * the fit records of their provenance), each once in the figures' order: the list the fits table must
 * cover. Derived records (prescriptions, overtraining, overspend) name the law fits they come from in
 * their provenance, so those appear too.
 */
export function drawnFitIds(
  figures: readonly { readonly reads?: readonly string[] }[],
  sources: Readonly<Record<string, { readonly fits: readonly string[] }>>,
): string[] {
  const out = new Set<string>();
  for (const f of figures) {
    for (const key of f.reads ?? []) for (const id of sources[key]?.fits ?? []) out.add(id);
  }
  return [...out];
}

/**
 * Returns the node ids among `ids` that hold fitted laws (the Approach 1, 2 and 3 fits, and the study
 * nodes named in `studies`); the rest (prescribe, overtraining, overspend) are derived from those.
 */
export function drawnLawIds(ids: readonly string[], studies: readonly string[] = []): string[] {
  return ids.filter((id) => isLawNode(id) || studies.includes(id));
}

/** Returns the fits table as CSV (one header row, one row per quantity). */
export function fitsCsv(rows: readonly FitRow[]): string {
  const header = [
    "fit",
    "subset_file",
    "form",
    "huber_delta",
    "starts",
    "converged",
    "quantity",
    "ours",
    "ci95_lo",
    "ci95_hi",
    "authors",
    "difference",
    "relative_difference",
    "objective_ours",
    "objective_authors",
    "authors_file",
  ];
  const n = (x: number | null) => (x === null ? "" : String(x));
  return formatCsv(
    header,
    rows.map((r) => [
      r.fit,
      r.subset,
      r.form,
      n(r.huberDelta),
      n(r.starts),
      n(r.converged),
      r.quantity,
      String(r.ours),
      n(r.interval?.[0] ?? null),
      n(r.interval?.[1] ?? null),
      n(r.authors),
      n(difference(r)),
      n(relativeDifference(r)),
      n(r.objective ?? null),
      n(r.authorsObjective ?? null),
      r.authorsFile ?? "",
    ]),
  );
}

/**
 * Returns one sentence per Approach 3 fit whose exponents differ from the authors' by more than
 * `tolerance` (absolute): which is lower in objective, and what that means.
 */
export function differenceNotes(rows: readonly FitRow[], tolerance = 0.005): string[] {
  const notes: string[] = [];
  // One group per fit (and form and δ); the grid-size study's points are compared on Figure 20 itself.
  const byFit = new Map<string, FitRow[]>();
  for (const r of rows) {
    if (r.huberDelta === null || r.form.startsWith(GRID_SIZE_FORM)) continue;
    const key = `${r.fit}|${r.form}|${r.huberDelta}`;
    byFit.set(key, [...(byFit.get(key) ?? []), r]);
  }
  for (const rs of byFit.values()) {
    const fit = rs[0].fit;
    const obj = rs.find((r) => r.quantity === "objective");
    const exps = rs.filter((r) => r.quantity.startsWith("alpha_") || r.quantity.startsWith("a = "));
    if (!obj || obj.authors === null) continue;
    const far = exps.filter((r) => r.authors !== null && Math.abs(r.ours - r.authors) > tolerance);
    if (far.length === 0) continue;
    const what = far.map((r) => `${r.quantity} ${fmt(r.ours)} vs their ${fmt(r.authors!)}`).join(", ");
    const lead = `${rs[0].form} on ${rs[0].subset} (${fit}): ${what}`;
    const objText = `objective ${obj.ours.toExponential(5)} vs their ${obj.authors.toExponential(5)}`;
    notes.push(
      obj.ours <= obj.authors
        ? `${lead}, with a lower objective than theirs (${objText}): the optimum is flat, and parameters ` +
          `this far apart fit the data equally well; ours is not a worse fit.`
        : `${lead}, with a higher objective than theirs (${objText}): our ${rs[0].starts} starts did not ` +
          `reach their optimum; more starts (a parameter of the fit stage) should close the gap.`,
    );
  }
  return notes;
}

/** Returns the fits table as an HTML section (table plus the sentences of {@link differenceNotes}). */
export function fitsHtml(rows: readonly FitRow[]): string {
  const n = (x: number | null) => (x === null ? "" : escapeHtml(fmt(x, 4)));
  const body = rows.map((r) => {
    // Differences at rounding level (equal fits) read as 0, not as 5.551e-17.
    const raw = difference(r);
    const equal = raw !== null && Math.abs(raw) <= 1e-12 * Math.max(1, Math.abs(r.ours));
    const d = equal ? 0 : raw;
    const rel = equal ? 0 : relativeDifference(r);
    return `<tr><td style="text-align:left">${escapeHtml(r.fit)}</td><td style="text-align:left">${
      escapeHtml(r.subset)
    }</td><td style="text-align:left">${escapeHtml(r.form)}</td><td>${n(r.huberDelta)}</td><td>${
      r.starts === null ? "" : `${r.converged}/${r.starts}`
    }</td><td style="text-align:left">${escapeHtml(r.quantity)}</td><td>${n(r.ours)}</td><td>${
      r.interval ? `${n(r.interval[0])} – ${n(r.interval[1])}` : ""
    }</td><td>${n(r.authors)}</td><td>${n(d)}</td><td>${n(rel)}</td></tr>`;
  }).join("\n");
  const notes = differenceNotes(rows);
  return `<section id="fits"><h2>Every law the figures draw beside the authors' published values</h2>
<p>One row per fitted quantity of every law a figure of this report draws (also in <code>figures/fits.csv</code>,
with both objectives and the authors' file of each value).
The authors' values come from their stored parameters files (data/gemstones/parameters*, as published in
github.com/mcleish7/gemstone-scaling-laws): A = exp(coefficient) and E = exp(irreducible error), since they fit
in log space. Converged/starts counts the optimizer starts; intervals are bootstrap percentile intervals over runs.</p>
${notes.length > 0 ? `<ul>${notes.map((s) => `<li>${escapeHtml(s)}</li>`).join("\n")}</ul>` : ""}
<div class="view"><table class="data"><tr><th>fit</th><th>subset file</th><th>form</th><th>Huber δ</th><th>converged/starts</th>` +
    `<th>quantity</th><th>ours</th><th>95% interval</th><th>authors</th><th>ours − authors</th>` +
    `<th>(ours − authors) / |authors|</th></tr>
${body}
</table></div></section>`;
}
