/**
 * The `diff` stage: a side-by-side report of two variants — every fitted coefficient with absolute and
 * relative differences and both bootstrap intervals, prescriptions at 1e19, 1e21, 1e23 and 1e25 FLOPs,
 * both variants overlaid in each figure, and the data rows that differ between their selections.
 * Writes `index.html` (offline, self-contained), `summary.txt` (what the CLI prints) and `figures/`.
 * @module
 */
import type { Stage } from "../pipeline/stage.ts";
import type {
  Approach1Record,
  Approach3Record,
  BacktestRecord,
  Interval,
  LawForm,
  PrescriptionsRecord,
  SelectedRow,
} from "./schemas.ts";
import { stageId } from "./schemas.ts";
import {
  compareApproach1,
  compareApproach3,
  comparePrescriptions,
  type DiffResult,
  diffRows,
  summaryText,
} from "../figures/compare.ts";
import { diffFrontierFigure, diffPrescriptionFigure, type DiffSide } from "../figures/specs/diff.ts";
import { escapeHtml, fmt } from "../figures/specs/common.ts";
import { readRecord, readSelectedRows } from "../figures/load.ts";
// The rendering libraries (vega, vega-lite, resvg) load only when the diff is written (in run).
import { diffHealthHtml, diffHealthText, type VariantVerdicts } from "../figures/health.ts";
import { type InputSource, sourceFile } from "../figures/sources.ts";
import { FONT_PATH } from "../figures/font.ts";
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

/** Returns the default node ids of one variant's side (`<stage>.<variant>`). */
export function defaultDiffSideDeps(variant: string): DiffSideDeps {
  return {
    select: stageId("select", variant),
    approach1: stageId("approach1", variant),
    approach3: {
      eq1: stageId("approach3_eq1", variant),
      eq2: stageId("approach3_eq2", variant),
      eq3: stageId("approach3_eq3", variant),
    },
    prescribe: stageId("prescribe", variant),
    backtest: stageId("backtest", variant),
  };
}

/** Parameters of the diff stage. */
export type DiffParams = {
  /** Variant A. */
  a: string;
  /** Variant B. */
  b: string;
};

const FORMS: readonly LawForm[] = ["eq1", "eq2", "eq3"];

interface LoadedSide extends DiffSide {
  readonly fits: Readonly<Record<LawForm, Approach3Record>>;
}

async function loadSide(
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
  for (const f of FORMS) {
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
      ...FORMS.flatMap((f) => compareApproach3(a.fits[f], b.fits[f])),
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
async function verdictsOf(
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

/** Returns the default node id of the diff stage of variants `a` and `b`: `diff.<a>.<b>`. */
export function diffStageId(a: string, b: string): string {
  return `diff.${a}.${b}`;
}

/** Returns the diff stage of variants `a` and `b` (id defaults to `diff.<a>.<b>`). */
export function diffStage(
  options: { a: string; b: string; id?: string; deps?: { a?: DiffSideDeps; b?: DiffSideDeps } },
): Stage<DiffParams> {
  const da = options.deps?.a ?? defaultDiffSideDeps(options.a);
  const db = options.deps?.b ?? defaultDiffSideDeps(options.b);
  const ids = (d: DiffSideDeps) => [
    d.select,
    d.approach1,
    ...FORMS.map((f) => d.approach3[f]),
    d.prescribe,
    ...(d.backtest ? [d.backtest] : []),
  ];
  return {
    name: "diff",
    id: options.id ?? diffStageId(options.a, options.b),
    module: import.meta.url,
    deps: [...new Set([...ids(da), ...ids(db)])],
    params: { a: options.a, b: options.b },
    inputs: [FONT_PATH],
    outputs: ["index.html", "summary.txt", "figures/"],
    async run(ctx) {
      const a = await loadSide(options.a, da, ctx.deps);
      const b = await loadSide(options.b, db, ctx.deps);
      const result = compareSides(a, b);
      const figures = [diffFrontierFigure(a, b), diffPrescriptionFigure(a, b)];
      const verdicts = [await verdictsOf(a, da, ctx.deps), await verdictsOf(b, db, ctx.deps)] as const;
      const { writeReport } = await import("../figures/write.ts");
      await writeReport(ctx.outDir, figures, {
        title: `Variant diff: ${options.a} (A) vs ${options.b} (B)`,
        intro: `Both variants fitted on the same pipeline; A = ${options.a} (${a.rows.length} rows), ` +
          `B = ${options.b} (${b.rows.length} rows).`,
        extraHtml: diffTablesHtml(result) + "\n" + diffHealthHtml(...verdicts),
        sources: {
          ...await diffSources("a", options.a, da, ctx.deps),
          ...await diffSources("b", options.b, db, ctx.deps),
        },
      });
      await writeFileAtomic(
        `${ctx.outDir}/summary.txt`,
        summaryText(result) + "\n" + diffHealthText(...verdicts),
      );
      ctx.log(`diff: ${result.coefficients.length} coefficients, ${result.rows.length} differing rows`);
    },
  };
}
