/**
 * Builds the report's inputs from the real data shipped under `data/` without the pipeline engine, for
 * tests and benchmarks: the collect and select stages run into temporary folders, then the fit records
 * are computed with the library (small seeded LHS grids, no bootstrap, so it takes seconds) and written
 * where the report stage expects them. Returns the upstream folders keyed by the default node ids.
 * @module
 */
import type { Stage, StageContext } from "../pipeline/stage.ts";
import { type LawForm, type SelectedRow, stageId } from "../records/schemas.ts";
import { collectStage } from "../stages/collect.ts";
import { selectStage } from "../stages/select.ts";
import { resolveVariant } from "../stages/variants.ts";
import { approach1Record, DEFAULT_APPROACH1 } from "../stages/fit_approach1.ts";
import { approach2Record, DEFAULT_APPROACH2 } from "../stages/fit_approach2.ts";
import { approach3Record, fitPointsOf } from "../stages/fit_approach3.ts";
import { backtestRecord, DEFAULT_HOLDOUT_RUNS } from "../stages/fit_backtest.ts";
import { AUTHORS_OVERTRAINING_BUDGETS, OVERTRAINING_FACTORS } from "../scaling/prescribe/overtraining.ts";
import { overtrainingRecord } from "../stages/fit_overtraining.ts";
import { overspendRecord } from "../stages/fit_overspend.ts";
import { authorsLawOnOurs } from "../stages/authors_law.ts";
import { authorsLawPath } from "../stages/pipeline.ts";
import { DEFAULT_PRESCRIBE, prescriptionsRecord } from "../stages/fit_prescribe.ts";
import type { AdditiveLaw } from "../scaling/law.ts";
import { defaultReportDeps, type ReportDeps } from "../figures/inputs.ts";
import { defaultDiffSideDeps, type DiffSideDeps } from "../figures/diff_report.ts";
import { readSelectedRows } from "../figures/load.ts";

async function runStage(stage: Stage, root: string, deps: Record<string, string>): Promise<string> {
  const outDir = await Deno.makeTempDir({ prefix: `fixture-${stage.id ?? stage.name}-` });
  const ctx: StageContext = {
    id: stage.id ?? stage.name,
    params: stage.params,
    outDir,
    root,
    deps,
    progress() {},
    log() {},
    signal: new AbortController().signal,
  };
  await stage.run(ctx);
  return outDir;
}

async function writeJson(dir: string, name: string, value: unknown): Promise<void> {
  await Deno.writeTextFile(`${dir}/${name}`, JSON.stringify(value, null, 1) + "\n");
}

/** Options of {@link buildFixture}. */
export interface FixtureOptions {
  /** Project root (default: the current working directory). */
  readonly root?: string;
  /** LHS starts per Approach 3 fit (default 24). */
  readonly starts?: number;
}

/** What {@link buildFixture} produced. */
export interface Fixture {
  /** Node id -> output folder. */
  readonly dirs: Readonly<Record<string, string>>;
  /** Report deps of each variant (default ids, rainbow over the fixture's variants). */
  readonly reportDeps: Readonly<Record<string, ReportDeps>>;
  /** Diff deps of each variant. */
  readonly diffDeps: Readonly<Record<string, DiffSideDeps>>;
  /** Selected rows per variant. */
  readonly rows: Readonly<Record<string, readonly SelectedRow[]>>;
  /** Removes every temporary folder. */
  cleanup(): Promise<void>;
}

function lawOf(
  rec: { E: number; terms: readonly { variable: string; A: number; alpha: number }[] },
): AdditiveLaw {
  return { E: rec.E, terms: rec.terms.map((t) => ({ ...t })) };
}

/** Returns fit records of the given variants computed from the real data, in temporary folders. */
export async function buildFixture(
  variants: readonly string[],
  options: FixtureOptions = {},
): Promise<Fixture> {
  const root = options.root ?? Deno.cwd();
  const starts = options.starts ?? 24;
  const dirs: Record<string, string> = {};
  dirs["collect"] = await runStage(collectStage(), root, {});
  const rowsOf: Record<string, SelectedRow[]> = {};
  const reportDeps: Record<string, ReportDeps> = {};
  const diffDeps: Record<string, DiffSideDeps> = {};
  for (const variant of variants) {
    const v = resolveVariant(variant);
    const deps = defaultReportDeps(variant);
    const sel = selectStage(variant, v);
    dirs[deps.select] = await runStage(sel, root, { collect: dirs["collect"] });
    const rows = await readSelectedRows(`${dirs[deps.select]}/rows.csv`);
    rowsOf[variant] = rows;
    const mk = async (id: string) => (dirs[id] = await Deno.makeTempDir({ prefix: `fixture-${id}-` }));
    // Approach 1 on its own (dense) selection, as the pipeline does; the long runs of the width-depth
    // variant (hot_100b+_477 for paper) for Figures 7 and 23.
    const selectApproach1 = async (w: string) => {
      const id = stageId("select_approach1", w);
      if (dirs[id] === undefined) {
        dirs[id] = await runStage(selectStage(w, resolveVariant(w), { purpose: "approach1" }), root, {
          collect: dirs["collect"],
        });
      }
      return id;
    };
    const approach1Select = await selectApproach1(variant);
    const approach1Rows = await readSelectedRows(`${dirs[approach1Select]}/rows.csv`);
    const longRuns = await selectApproach1(v.widthDepthVariant === "" ? variant : v.widthDepthVariant);
    const longRows = await readSelectedRows(`${dirs[longRuns]}/rows.csv`);
    await writeJson(
      await mk(deps.approach1),
      "approach1.json",
      approach1Record(approach1Rows, { ...DEFAULT_APPROACH1, bootstrapSamples: 0, variant }),
    );
    await writeJson(
      await mk(deps.approach2),
      "approach2.json",
      approach2Record(rows, { ...DEFAULT_APPROACH2, variant }),
    );
    const side = defaultDiffSideDeps(variant);
    const laws: Partial<Record<LawForm, AdditiveLaw>> = {};
    for (const form of ["eq1", "eq2", "eq3"] as const) {
      const rec = approach3Record(variant, form, fitPointsOf(rows, form), {
        huberDelta: v.huberDelta,
        grid: { kind: "lhs", starts, seed: 1 },
        // A few resamples so the diff has intervals (bootstrapSamples 0 is rejected by bootstrapApproach3).
        bootstrapSamples: 3,
        bootstrapSeed: 1,
        bootstrapStarts: 1,
        budgets: [],
      });
      laws[form] = lawOf(rec);
      await writeJson(await mk(side.approach3[form]), "fit.json", rec);
    }
    const eq2 = laws.eq2 as AdditiveLaw;
    const prescriptions = prescriptionsRecord(laws as Record<LawForm, AdditiveLaw>, {
      ...DEFAULT_PRESCRIBE,
      maxFlops: 1e25,
      variant,
      paramsConvention: v.paramsConvention,
      flopsCounter: v.flopsCounter,
    });
    await writeJson(await mk(deps.prescribe), "prescriptions.json", prescriptions);
    // Overtraining and overspend with the stages' own record functions (the fixture only shrinks grids).
    const counting = {
      variant,
      form: "eq2" as const,
      paramsConvention: v.paramsConvention,
      flopsCounter: v.flopsCounter,
    };
    const traced = {
      ...counting,
      budgets: [...AUTHORS_OVERTRAINING_BUDGETS],
      factors: [...OVERTRAINING_FACTORS],
    };
    // The authors' stored Eq. 2 law of the variant's subset and δ beside ours, as the two stages do.
    const theirs = await authorsLawOnOurs(authorsLawPath(v, "eq2") ?? "", root, dirs, variant, "eq2");
    const overtraining = overtrainingRecord(eq2, traced);
    await writeJson(
      await mk(deps.overtraining),
      "overtraining.json",
      theirs === null ? overtraining : {
        ...overtraining,
        authors: { ...theirs.beside, curves: overtrainingRecord(theirs.law, traced).curves },
      },
    );
    const overspend = overspendRecord(eq2, rows, { ...counting, targets: 2 }, longRows);
    await writeJson(
      await mk(deps.overspend),
      "overspend.json",
      theirs === null ? overspend : {
        ...overspend,
        authors: {
          ...theirs.beside,
          rows: overspendRecord(theirs.law, rows, { ...counting, targets: 2 }, longRows).rows,
        },
      },
    );
    // The backtest with the stage's own record function (small LHS grids, like the fits above).
    const lhs = { kind: "lhs" as const, starts, seed: 1 };
    await writeJson(
      await mk(side.backtest!),
      "backtest.json",
      backtestRecord(rows, {
        variant,
        holdoutRuns: DEFAULT_HOLDOUT_RUNS,
        huberDelta: v.huberDelta,
        grids: { eq1: lhs, eq2: lhs, eq3: lhs },
      }),
    );
    reportDeps[variant] = { ...deps, selectApproach1: approach1Select, longRuns };
    diffDeps[variant] = side;
  }
  const rainbow = Object.fromEntries(variants.map((v) => [v, defaultDiffSideDeps(v).approach3.eq1]));
  const rainbowApproach1 = Object.fromEntries(
    variants.map((v) => [`Approach 1 ${v}`, stageId("approach1", v)]),
  );
  // The paper's Approach 1 ablations (Figures 10 and 11) among the fixture's variants.
  const approach1Ablations = Object.fromEntries(
    ["lr_ablation", "cooldown"].filter((w) => variants.includes(w)).map((w) => [w, {
      select: stageId("select_approach1", w),
      approach1: stageId("approach1", w),
    }]),
  );
  for (const v of variants) {
    reportDeps[v] = { ...reportDeps[v], rainbow, rainbowApproach1, approach1Ablations };
  }
  return {
    dirs,
    reportDeps,
    diffDeps,
    rows: rowsOf,
    async cleanup() {
      for (const d of new Set(Object.values(dirs))) await Deno.remove(d, { recursive: true });
    },
  };
}
