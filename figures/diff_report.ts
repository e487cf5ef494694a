/**
 * The diff of two variants: a side-by-side report of every fitted coefficient with absolute and relative
 * differences and both bootstrap intervals, prescriptions at 1e19, 1e21, 1e23 and 1e25 FLOPs, both variants
 * overlaid in each figure, the data rows that differ between their selections, and both variants' fit health.
 * Writes `index.html` (offline, self-contained), `summary.txt` (what the CLI prints) and `figures/`; the
 * `diff` stage (stages/diff.ts) calls {@link writeDiffReport}.
 * @module
 */
import type {
  Approach1Record,
  Approach3Record,
  BacktestRecord,
  Interval,
  LawForm,
  PrescriptionsRecord,
  SelectedRow,
} from "../records/schemas.ts";
import { stageId } from "../records/schemas.ts";
import { LAW_NAMES } from "../scaling/laws/registry.ts";
import {
  compareApproach1,
  compareApproach3,
  comparePrescriptions,
  type DiffResult,
  diffRows,
  summaryText,
} from "./compare.ts";
import { diffFrontierFigure, diffPrescriptionFigure, type DiffSide } from "./specs/diff.ts";
import { escapeHtml, fmt } from "./specs/common.ts";
import { readRecord, readSelectedRows } from "./load.ts";
// The rendering libraries (vega, vega-lite, resvg) load only when the diff is written.
import { diffHealthHtml, diffHealthText, type VariantVerdicts } from "./health.ts";
import { type InputSource, sourceFile } from "./sources.ts";
import { writeFileAtomic } from "../util/fs.ts";

/** Upstream node ids of one side of the diff. */
export interface DiffSideDeps {
  /** select node. */
  readonly select: string;
  /** approach1 node. */
  readonly approach1: string;
  /** Approach 3 nodes per law form. */
  readonly approach3: Readonly<Record<LawForm, string>>;
  /** prescribe node. */
  readonly prescribe: string;
  /** backtest node (absent: no backtest column in the fit-health table). */
  readonly backtest?: string;
}

/** Returns the default node ids of one variant's side (`<stage>.<variant>`; Approach 3 of every registered form). */
export function defaultDiffSideDeps(variant: string): DiffSideDeps {
  return {
    select: stageId("select", variant),
    approach1: stageId("approach1", variant),
    approach3: Object.fromEntries(LAW_NAMES.map((f) => [f, stageId(`approach3_${f}`, variant)])) as Record<
      LawForm,
      string
    >,
    prescribe: stageId("prescribe", variant),
    backtest: stageId("backtest", variant),
  };
}

/** One side of the diff, loaded: its rows, records and every form's fit. */
export interface LoadedSide extends DiffSide {
  /** Approach 3 fits by law form. */
  readonly fits: Readonly<Record<LawForm, Approach3Record>>;
}

/** Reads one side of the diff from the upstream folders `dirs`; throws naming a node that is not among them. */
export async function loadSide(
  variant: string,
  deps: DiffSideDeps,
  dirs: Readonly<Record<string, string>>,
): Promise<LoadedSide> {
  const dir = (id: string) => {
    const d = dirs[id];
    if (d === undefined) {
      throw new Error(`diff: upstream node "${id}" of variant ${variant} is not among the deps`);
    }
    return d;
  };
  const fits = {} as Record<LawForm, Approach3Record>;
  for (const f of LAW_NAMES) {
    fits[f] = await readRecord<Approach3Record>(`${dir(deps.approach3[f])}/fit.json`, "approach3");
  }
  const rows: SelectedRow[] = await readSelectedRows(`${dir(deps.select)}/rows.csv`);
  return {
    variant,
    rows,
    approach1: await readRecord<Approach1Record>(`${dir(deps.approach1)}/approach1.json`, "approach1"),
    eq1: fits.eq1,
    prescriptions: await readRecord<PrescriptionsRecord>(
      `${dir(deps.prescribe)}/prescriptions.json`,
      "prescriptions",
    ),
    fits,
  };
}

/** Returns the comparison of two loaded sides (coefficients, prescriptions, rows). */
export function compareSides(
  a: DiffSide & { fits: Readonly<Record<LawForm, Approach3Record>> },
  b: DiffSide & { fits: Readonly<Record<LawForm, Approach3Record>> },
): DiffResult {
  return {
    a: a.variant,
    b: b.variant,
    coefficients: [
      ...LAW_NAMES.flatMap((f) => compareApproach3(a.fits[f], b.fits[f])),
      ...compareApproach1(a.approach1, b.approach1),
    ],
    prescriptions: comparePrescriptions(a.prescriptions, b.prescriptions),
    rows: diffRows(a.rows, b.rows),
    rowCounts: { a: a.rows.length, b: b.rows.length },
  };
}

/** Returns the HTML tables of a diff (coefficients, prescriptions, differing rows). */
export function diffTablesHtml(d: DiffResult): string {
  const iv = (i: Interval | null) => (i ? `[${fmt(i.lower, 4)}, ${fmt(i.upper, 4)}]` : "–");
  const coef = d.coefficients.map((c) =>
    `<tr><td style="text-align:left">${escapeHtml(c.fit)}</td><td style="text-align:left">${
      escapeHtml(c.name)
    }</td>` +
    `<td>${fmt(c.a, 4)}</td><td>${fmt(c.b, 4)}</td><td>${fmt(c.abs, 3)}</td>` +
    `<td>${Number.isFinite(c.rel) ? (100 * c.rel).toFixed(1) + "%" : "–"}</td><td>${iv(c.aInterval)}</td>` +
    `<td>${iv(c.bInterval)}</td></tr>`
  ).join("");
  const cell = (p: { params: number; tokens: number; width: number | null; depth: number | null } | null) =>
    p
      ? `<td>${fmt(p.params)}</td><td>${fmt(p.tokens)}</td><td>${
        p.width !== null ? `${p.width}x${p.depth}` : "–"
      }</td>`
      : `<td colspan="3">out of range</td>`;
  const pres = d.prescriptions.map((p) =>
    `<tr><td>${p.form}</td><td>${p.flops.toExponential(0)}</td>${cell(p.a)}${cell(p.b)}</tr>`
  ).join("");
  const rows = d.rows.map((r) =>
    `<tr><td style="text-align:left">${r.change}</td><td style="text-align:left">${
      escapeHtml(r.run_id)
    }</td>` +
    `<td>${r.step}</td><td style="text-align:left">${escapeHtml(r.detail)}</td></tr>`
  ).join("");
  const A = escapeHtml(d.a), B = escapeHtml(d.b);
  return `<h2>Fitted coefficients</h2>
<table class="data"><tr><th>fit</th><th>coefficient</th><th>A: ${A}</th><th>B: ${B}</th><th>B − A</th><th>relative</th>` +
    `<th>A interval</th><th>B interval</th></tr>${coef}</table>
<h2>Prescriptions</h2>
<table class="data"><tr><th>law</th><th>FLOPs</th><th>A params</th><th>A tokens</th><th>A shape</th><th>B params</th>` +
    `<th>B tokens</th><th>B shape</th></tr>${pres}</table>
<h2>Data rows that differ (${d.rows.length}; A ${d.rowCounts.a} rows, B ${d.rowCounts.b} rows)</h2>
<details${d.rows.length <= 50 ? " open" : ""}><summary>${d.rows.length} rows</summary>
<table class="data"><tr><th>change</th><th>run</th><th>step</th><th>detail</th></tr>${rows}</table></details>`;
}

/** Returns one side's fits and backtest for the fit-health section (figures/health.ts). */
export async function verdictsOf(
  side: LoadedSide,
  deps: DiffSideDeps,
  dirs: Readonly<Record<string, string>>,
): Promise<VariantVerdicts> {
  const backtest = deps.backtest
    ? await readRecord<BacktestRecord>(`${dirs[deps.backtest]}/backtest.json`, "backtest")
    : null;
  return { variant: side.variant, fits: side.fits, backtest, approach1: side.approach1 };
}

/**
 * Returns the provenance of one side's inputs, keyed `rows.<side>`, `approach1.<side>` and
 * `prescriptions.<side>` (side "a" or "b"), as the diff figures name them in their `reads`.
 */
export async function diffSources(
  side: "a" | "b",
  variant: string,
  deps: DiffSideDeps,
  dirs: Readonly<Record<string, string>>,
): Promise<Record<string, InputSource>> {
  const file = (id: string, name: string) => sourceFile(`${dirs[id]}/${name}`, `${id}/${name}`);
  return {
    [`rows.${side}`]: {
      files: [await file(deps.select, "rows.csv"), await file(deps.select, "select.json")],
      fits: [],
      describe: `${side.toUpperCase()} = ${variant}: its selected rows (${deps.select})`,
    },
    [`approach1.${side}`]: {
      files: [await file(deps.approach1, "approach1.json")],
      fits: [deps.approach1],
      describe: `${side.toUpperCase()}: Approach 1 (${deps.approach1})`,
    },
    [`prescriptions.${side}`]: {
      files: [await file(deps.prescribe, "prescriptions.json")],
      fits: [deps.prescribe],
      describe: `${side.toUpperCase()}: prescriptions (${deps.prescribe})`,
    },
  };
}

/** Writes the diff of variants `a` and `b` (sides read with `da`, `db` from `dirs`) under `outDir`; returns its summary line. */
export async function writeDiffReport(
  a: string,
  b: string,
  da: DiffSideDeps,
  db: DiffSideDeps,
  dirs: Readonly<Record<string, string>>,
  outDir: string,
): Promise<string> {
  const sa = await loadSide(a, da, dirs);
  const sb = await loadSide(b, db, dirs);
  const result = compareSides(sa, sb);
  // The diff is its own frame: it names what each of its figures reads (keys of diffSources).
  const figures = [
    { ...diffFrontierFigure(sa, sb), reads: ["rows.a", "rows.b", "approach1.a", "approach1.b"] },
    {
      ...diffPrescriptionFigure(sa, sb),
      reads: ["prescriptions.a", "prescriptions.b", "approach1.a", "approach1.b"],
    },
  ];
  const verdicts = [await verdictsOf(sa, da, dirs), await verdictsOf(sb, db, dirs)] as const;
  const { writeReport } = await import("./write.ts");
  await writeReport(outDir, figures, {
    title: `Variant diff: ${a} (A) vs ${b} (B)`,
    intro: `Both variants fitted on the same pipeline; A = ${a} (${sa.rows.length} rows), ` +
      `B = ${b} (${sb.rows.length} rows).`,
    extraHtml: diffTablesHtml(result) + "\n" + diffHealthHtml(...verdicts),
    sources: {
      ...await diffSources("a", a, da, dirs),
      ...await diffSources("b", b, db, dirs),
    },
  });
  await writeFileAtomic(`${outDir}/summary.txt`, summaryText(result) + "\n" + diffHealthText(...verdicts));
  return `diff: ${result.coefficients.length} coefficients, ${result.rows.length} differing rows`;
}
