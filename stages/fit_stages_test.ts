import assert from "node:assert/strict";
import type { StageContext } from "../pipeline/stage.ts";
import { gemstonesFlopsPerToken, gemstonesParams } from "../scaling/count/mod.ts";
import { type AdditiveLaw, evaluateLaw } from "../scaling/law.ts";
import { type CollectedTables, collectTables, writeCollected } from "./collect.ts";
import { approach1Record, approach1Stage } from "./fit_approach1.ts";
import { approach2Record, DEFAULT_APPROACH2 } from "./fit_approach2.ts";
import { approach3Record, DEFAULT_FIT_OPTIONS, fitPointsOf } from "./fit_approach3.ts";
import { DEFAULT_PRESCRIBE, prescriptionsRecord } from "./fit_prescribe.ts";
import { overtrainingRecord } from "./fit_overtraining.ts";
import { overspendRecord } from "./fit_overspend.ts";
import {
  type Approach1Record,
  readRecord,
  readRunsRows,
  type RunsRow,
  type SelectedRow,
} from "../records/schemas.ts";
import { selectParams, selectRows, selectStage } from "./select.ts";
import { resolveVariant } from "./variants.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

// Everything below is computed on first use inside a test (a failure then shows in that test, not as a load
// error) and at most once per file; no test depends on another having run.
let tablesOnce: Promise<CollectedTables> | undefined;
/** Returns collect's tables of the real data under data/. */
function tables(): Promise<CollectedTables> {
  return tablesOnce ??= collectTables(ROOT);
}

type CountedRow = RunsRow & { counts: Record<string, number> };
let runsOnce: Promise<CountedRow[]> | undefined;
/** Returns runs.csv's rows as the fit stages read them (written to a temporary folder, read back, removed). */
function runs(): Promise<CountedRow[]> {
  return runsOnce ??= (async () => {
    const dir = await Deno.makeTempDir();
    try {
      await writeCollected(dir, await tables());
      return await readRunsRows(`${dir}/runs.csv`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  })();
}

/** Returns the rows the paper variant fits. */
async function paperRows(): Promise<SelectedRow[]> {
  return selectRows(await runs(), selectParams("paper", resolveVariant("paper")));
}

const ctxOf = <P extends Record<string, unknown>>(
  id: string,
  params: P,
  outDir: string,
  deps: Record<string, string>,
): StageContext<P & Record<string, never>> => ({
  id,
  params: params as P & Record<string, never>,
  outDir,
  root: ROOT,
  deps,
  progress() {},
  log() {},
  signal: new AbortController().signal,
});

Deno.test("select and approach1 stages write their records from real data", async () => {
  const collectDir = await Deno.makeTempDir(),
    selDir = await Deno.makeTempDir(),
    a1Dir = await Deno.makeTempDir();
  try {
    await writeCollected(collectDir, await tables());
    const sel = selectStage("paper", resolveVariant("paper"), { purpose: "approach1" });
    assert.equal(sel.id, "select_approach1.paper");
    await sel.run(ctxOf(sel.id!, sel.params, selDir, { collect: collectDir }) as never);
    const a1 = approach1Stage("paper", { bootstrapSamples: 20 }, sel.id);
    await a1.run(ctxOf(a1.id!, a1.params, a1Dir, { [sel.id!]: selDir }) as never);
    const rec = await readRecord<Approach1Record>(`${a1Dir}/approach1.json`);
    assert.equal(rec.kind, "approach1");
    const hull = rec.flops.hull;
    // Frontier points ascend in compute with falling loss.
    for (let i = 1; i < hull.points.length; i++) {
      assert.ok(hull.points[i].compute > hull.points[i - 1].compute);
      assert.ok(hull.points[i].loss < hull.points[i - 1].loss);
    }
    // N_opt ∝ C^a, D_opt ∝ C^b with a, b in (0, 1) and a + b ≈ 1 (C ≈ FLOPs/token · D, FLOPs/token ∝ N).
    const a = hull.params.exponent, b = hull.tokens.exponent;
    assert.ok(a > 0 && a < 1 && b > 0 && b < 1, `a ${a}, b ${b}`);
    assert.ok(Math.abs(a + b - 1) < 0.1, `a + b = ${a + b}`);
    // The published Gemstones fit (parameters/approach_1_linear_regression_params.json of the
    // authors' repository): N_opt exponent 0.499380216082636, ln k −2.8451076960767026.
    assert.ok(Math.abs(a - 0.499380216082636) < 1e-9, `a ${a}`);
    const boot = hull.bootstrap!;
    assert.equal(boot.samples + boot.failed, 20);
    assert.ok(boot.exponents.params.lower <= a && a <= boot.exponents.params.upper);
    assert.ok(rec.gpuHours !== null && rec.gpuHours.hull.points.length >= 2);
    assert.ok(rec.flops.binning.points.length >= 2);
  } finally {
    await Deno.remove(collectDir, { recursive: true });
    await Deno.remove(selDir, { recursive: true });
    await Deno.remove(a1Dir, { recursive: true });
  }
});

// Published Approach 1 (convex hull on Appendix G FLOPs) fits of the Gemstones authors' repository
// (mcleish7/gemstone-scaling-laws, parameters/approach_1_linear_regression_params*.json): exponent and
// natural-log intercept of N_opt(C), and for paper the exponent of (D/N)_opt(C).
const PUBLISHED_APPROACH1: Record<string, [number, number]> = {
  paper: [0.499380216082636, -2.8451076960767026],
  no_embeds: [0.626862527898334, -9.044791057021566],
  cooldown: [0.5969810173757477, -7.522191520048853],
  lr_ablation: [0.5131275357521606, -3.568844080633294],
  over_100b: [0.45790307973088284, -1.025860400775425],
  over_120b_only: [0.7986724831990091, -18.042169765083475],
};

Deno.test("approach1 reproduces the published Gemstones Approach 1 fits of six variants", async () => {
  const runsRows = await runs();
  for (const [variant, [slope, intercept]] of Object.entries(PUBLISHED_APPROACH1)) {
    const rows = selectRows(runsRows, selectParams(variant, resolveVariant(variant), "approach1"));
    const r = approach1Record(rows, { variant, bins: 750, bootstrapSamples: 0, seed: 1 });
    const fit = r.flops.hull.params;
    assert.ok(Math.abs(fit.exponent - slope) < 1e-9, `${variant}: exponent ${fit.exponent} vs ${slope}`);
    assert.ok(
      Math.abs(Math.log(fit.k) - intercept) < 1e-7,
      `${variant}: ln k ${Math.log(fit.k)} vs ${intercept}`,
    );
    if (variant === "paper") {
      assert.ok(Math.abs(r.flops.hull.tokensPerParam.exponent - -0.018391392869716076) < 1e-9);
      // The authors' binning (plotters/approach_1.py: 750 log-spaced buckets over the FLOPs range, the
      // lowest loss of each non-empty one): 506 points whose tokens per parameter fall as C^-0.213, the
      // contrast with the hull's flat -0.018 that motivates the hull.
      assert.equal(r.bins, 750);
      assert.equal(r.flops.binning.points.length, 506);
      const slope = r.flops.binning.tokensPerParam.exponent;
      assert.ok(Math.abs(slope - -0.2132) < 5e-4, `binning tokens/param slope ${slope}`);
    }
  }
});

Deno.test("approach2 on the Gemstones grid says why it is unavailable", async () => {
  const r = approach2Record(await paperRows(), { variant: "paper", ...DEFAULT_APPROACH2 });
  assert.equal(r.available, false);
  assert.match(r.reason, /isoFLOP budgets/);
  // Each kind of skip counted, with its real numbers (no "#" placeholders).
  assert.doesNotMatch(r.reason, /#/);
  const onlyTwo =
    r.skipped.filter((x) => x.reason === "only 2 distinct parameter count(s); need >= 3").length;
  assert.ok(onlyTwo > 0);
  assert.match(r.reason, new RegExp(`; ${onlyTwo}× only 2 distinct parameter count\\(s\\); need >= 3; `));
  assert.equal(r.params, null);
  assert.equal(r.bins.length + r.skipped.length, r.budgets.length);
});

type Fit = ReturnType<typeof approach3Record>;
let fitsOnce: Promise<{ eq1: Fit; eq2: Fit; eq3: Fit }> | undefined;
/** Returns the paper variant's Approach 3 fits: Eq. 1 on its full grid (4 bootstrap samples), Eq. 2 and 3 on 150 LHS starts. */
function fits(): Promise<{ eq1: Fit; eq2: Fit; eq3: Fit }> {
  return fitsOnce ??= (async () => {
    const paper = await paperRows();
    const small = { kind: "lhs" as const, starts: 150, seed: 1 };
    return {
      eq1: approach3Record("paper", "eq1", fitPointsOf(paper, "eq1"), {
        ...DEFAULT_FIT_OPTIONS.eq1,
        bootstrapSamples: 4,
        budgets: [1e21],
      }),
      eq2: approach3Record("paper", "eq2", fitPointsOf(paper, "eq2"), {
        ...DEFAULT_FIT_OPTIONS.eq2,
        grid: small,
        bootstrapSamples: 0,
      }),
      eq3: approach3Record("paper", "eq3", fitPointsOf(paper, "eq3"), {
        ...DEFAULT_FIT_OPTIONS.eq3,
        grid: small,
        bootstrapSamples: 0,
      }),
    };
  })();
}

/** Returns the fitted laws of the three forms. */
async function laws(): Promise<Record<"eq1" | "eq2" | "eq3", AdditiveLaw>> {
  const { eq1, eq2, eq3 } = await fits();
  return {
    eq1: { E: eq1.E, terms: eq1.terms },
    eq2: { E: eq2.E, terms: eq2.terms },
    eq3: { E: eq3.E, terms: eq3.terms },
  };
}

Deno.test("approach3 Eq. 1 on `hot`: full grid, converged, plausible exponents, ordered intervals", async () => {
  const { eq1 } = await fits();
  assert.deepEqual(eq1.grid, { kind: "gemstones", starts: 4500, seed: null, fullGridSize: 4500 });
  assert.ok(eq1.converged > 0);
  assert.equal(eq1.rows, 220);
  assert.ok(eq1.E > 1 && eq1.E < 3, `E ${eq1.E}`);
  for (const t of eq1.terms) assert.ok(t.alpha > 0 && t.alpha < 1.5, `${t.variable} alpha ${t.alpha}`);
  const b = eq1.bootstrap!;
  assert.equal(b.samples, 4);
  for (const [name, iv] of Object.entries(b.parameters)) {
    assert.ok(Number.isFinite(iv.lower) && iv.lower <= iv.upper, name);
  }
  assert.equal(b.optima.length, 1);
  assert.equal(b.optima[0].flops, 1e21);
  // The published Eq. 1 fit on `hot` with δ = 1e-4 (parameters_delta-4/approach_3_parameters_grid_search_0_hot.json
  // of the authors' repository): objective 0.0002076018, ln E 0.7663168139, α 0.2989180518, β 0.6928331414.
  // The optimum is flat: our L-BFGS finds an objective at least as low, with E and α close to theirs.
  assert.ok(eq1.objective <= 0.0002076018 * (1 + 1e-6), `objective ${eq1.objective}`);
  assert.ok(Math.abs(Math.log(eq1.E) - 0.7663168139) < 0.01, `ln E ${Math.log(eq1.E)}`);
  assert.ok(Math.abs(eq1.terms[0].alpha - 0.2989180518) < 0.01, `alpha ${eq1.terms[0].alpha}`);
  assert.ok(Math.abs(eq1.terms[1].alpha - 0.6928331414) < 0.05, `beta ${eq1.terms[1].alpha}`);
});

Deno.test("approach3 Eq. 2 and Eq. 3: the terms of their forms, fitted", async () => {
  const { eq1, eq2, eq3 } = await fits();
  assert.deepEqual(eq2.terms.map((t) => t.variable), ["width", "depth", "params", "tokens"]);
  assert.deepEqual(eq3.terms.map((t) => t.variable), ["width", "depth", "tokens"]);
  assert.equal(eq2.grid.fullGridSize, 4050000);
  assert.equal(eq2.starts, 150);
  assert.ok(eq2.converged > 0 && eq3.converged > 0);
  // Eq. 2 nests Eq. 1 (width and depth terms can vanish), so its optimum is at least as good; the
  // published Eq. 2 fit on `hot` (δ = 1e-4, a far larger grid) reached an objective of 0.000111878.
  assert.ok(eq2.objective <= eq1.objective * (1 + 1e-6), `${eq2.objective} vs ${eq1.objective}`);
  assert.ok(eq2.objective < 0.000125, `eq2 objective ${eq2.objective}`);
});

Deno.test("prescriptions: Eq. 1 spends C = 6ND; Eq. 2 spends C = FLOPs/token(shape) · D on even-head shapes", async () => {
  const r = prescriptionsRecord(await laws(), {
    variant: "paper",
    paramsConvention: "total",
    flopsCounter: "gemstones",
    ...DEFAULT_PRESCRIBE,
  });
  assert.deepEqual(r.forms.map((f) => [f.form, f.method]), [
    ["eq1", "closed_form"],
    ["eq2", "brute_force"],
    ["eq3", "brute_force"],
  ]);
  for (const p of r.forms[0].prescriptions) assert.ok(Math.abs(6 * p.params * p.tokens / p.flops - 1) < 1e-9);
  assert.equal(r.forms[0].prescriptions.length, 17);
  for (const p of r.forms[1].prescriptions) {
    const fpt = gemstonesFlopsPerToken({ width: p.width!, depth: p.depth! });
    assert.ok(Math.abs(fpt * p.tokens / p.flops - 1) < 1e-9);
    assert.equal(p.width! % 256, 0);
  }
  // Compute-optimal params grow with the budget.
  const n = r.forms[0].prescriptions.map((p) => p.params);
  for (let i = 1; i < n.length; i++) assert.ok(n[i] > n[i - 1]);
});

Deno.test("prescriptions of a subset of forms (the relaxed Appendix D stages): only those, relaxed shapes continuous", async () => {
  const l = await laws();
  const p = { variant: "paper", paramsConvention: "total", flopsCounter: "gemstones", ...DEFAULT_PRESCRIBE };
  const r = prescriptionsRecord({ eq1: l.eq1, eq2: l.eq2 }, { ...p, relaxed: true, forms: ["eq1", "eq2"] });
  assert.deepEqual(r.forms.map((f) => f.form), ["eq1", "eq2"]);
  assert.ok(
    r.forms[1].prescriptions.some((x) => !Number.isInteger(x.depth)),
    "relaxed depths are continuous",
  );
  assert.throws(
    () => prescriptionsRecord({ eq1: l.eq1 }, { ...p, forms: ["eq1", "eq2"] }),
    /paper: no eq2 law/,
  );
});

Deno.test("overtraining Eq. 1: tokens ×√f, the loss increase A·N*^-α·(f^(α/2) − 1) + B·D*^-β·(f^(-β/2) − 1)", async () => {
  const law = (await laws()).eq1;
  const flops = 1e20;
  const r = overtrainingRecord(law, {
    variant: "paper",
    form: "eq1",
    paramsConvention: "total",
    flopsCounter: "gemstones",
    budgets: [flops],
    factors: [0.25, 0.5, 1, 2, 4],
  });
  // Chinchilla's optimum of L = E + A·N^-α + B·D^-β under C = 6·N·D: N* = G·(C/6)^(β/(α+β)), G = (αA/(βB))^(1/(α+β)).
  const [{ A, alpha }, { A: B, alpha: beta }] = law.terms;
  assert.deepEqual(law.terms.map((t) => t.variable), ["params", "tokens"]);
  const nOpt = Math.pow((alpha * A) / (beta * B), 1 / (alpha + beta)) *
    Math.pow(flops / 6, beta / (alpha + beta));
  const dOpt = flops / 6 / nOpt;
  const pts = r.curves[0].points;
  assert.deepEqual(pts.map((p) => p.factor), [0.25, 0.5, 1, 2, 4]);
  for (const p of pts) {
    const f = p.factor;
    // The authors' factor (overtrained_single_parabola.py): D = √f·D*, so N = N*/√f.
    const want = A * Math.pow(nOpt, -alpha) * (Math.pow(f, alpha / 2) - 1) +
      B * Math.pow(dOpt, -beta) * (Math.pow(f, -beta / 2) - 1);
    assert.ok(Math.abs(p.lossIncrease - want) < 1e-12, `factor ${f}: ${p.lossIncrease} vs ${want}`);
    assert.ok(
      Math.abs(p.tokens / (Math.sqrt(f) * dOpt) - 1) < 1e-12 &&
        Math.abs(6 * p.params * p.tokens / flops - 1) < 1e-12,
    );
    if (f !== 1) assert.ok(p.lossIncrease > 1e-4, `factor ${f} is off the optimum: ${p.lossIncrease}`);
  }
});

Deno.test("overtraining Eq. 2: each point spends the budget, its loss is the law's, zero only at factor 1", async () => {
  const law = (await laws()).eq2;
  const flops = 1e20;
  const r = overtrainingRecord(law, {
    variant: "paper",
    form: "eq2",
    paramsConvention: "total",
    flopsCounter: "gemstones",
    budgets: [flops],
    factors: [0.25, 1, 4],
  });
  const pts = r.curves[0].points;
  assert.deepEqual(pts.map((p) => p.factor), [0.25, 1, 4]);
  const optimum = pts[1].loss;
  for (const p of pts) {
    const shape = { width: p.width!, depth: p.depth! };
    const loss = evaluateLaw(law, { ...shape, params: p.params, tokens: p.tokens });
    assert.ok(Math.abs(loss - p.loss) < 1e-12, `factor ${p.factor}: loss ${p.loss} vs the law's ${loss}`);
    const spent = gemstonesFlopsPerToken(shape) * p.tokens;
    assert.ok(Math.abs(spent / flops - 1) < 1e-6, `factor ${p.factor}: spends ${spent} FLOPs`);
    assert.ok(Math.abs(p.lossIncrease - (p.loss - optimum)) < 1e-12, `factor ${p.factor}`);
  }
  assert.ok(Math.abs(pts[1].lossIncrease) < 1e-12, `at factor 1: ${pts[1].lossIncrease}`);
  assert.ok(pts[0].lossIncrease > 1e-3 && pts[2].lossIncrease > 1e-3, JSON.stringify(pts));
});

Deno.test("overspend: each shape's FLOPs and GPU-hours against the optimum's, which overspends nothing", async () => {
  const law = (await laws()).eq2;
  const r = overspendRecord(law, await paperRows(), {
    variant: "paper",
    form: "eq2",
    paramsConvention: "total",
    flopsCounter: "gemstones",
    targets: 3,
  });
  assert.equal(r.targetLosses.length, 3);
  // FLOPs a shape needs to reach a loss, solved by hand: D = (A_D / (target − rest))^(1/α_D), C = FLOPs/token · D.
  const tokensTerm = law.terms.find((t) => t.variable === "tokens")!;
  const flopsToReach = (width: number, depth: number, target: number): number | null => {
    const shape = { width, depth };
    const rest = evaluateLaw({ E: law.E, terms: law.terms.filter((t) => t !== tokensTerm) }, {
      ...shape,
      params: gemstonesParams(shape),
    });
    if (!(target > rest)) return null;
    return gemstonesFlopsPerToken(shape) * Math.pow(tokensTerm.A / (target - rest), 1 / tokensTerm.alpha);
  };
  for (const target of r.targetLosses) {
    const rows = r.rows.filter((row) => row.loss === target);
    assert.equal(rows.length, 22, `one row per shape with step times at loss ${target}`);
    // FLOPs: the optimum is a shape of the brute-force grid; its own cost is the optimum (it overspends nothing).
    const [w, d] = rows[0].flopsOptimalModel.split("x").map(Number);
    const optimal = flopsToReach(w, d, target)!;
    assert.ok(
      Math.abs(optimal / rows[0].flopsOptimal - 1) < 1e-9,
      `${rows[0].flopsOptimalModel} at ${target}`,
    );
    for (const row of rows) {
      const want = flopsToReach(row.width, row.depth, target);
      assert.equal(row.flops === null, want === null, `${row.model}: reachable`);
      if (want === null) {
        assert.equal(row.flopsOverspend, null, row.model);
        continue;
      }
      assert.ok(Math.abs(row.flops! / want - 1) < 1e-9, `${row.model}: ${row.flops} vs ${want}`);
      assert.ok(Math.abs(row.flopsOverspend! - (row.flops! / row.flopsOptimal - 1)) < 1e-12, row.model);
      assert.ok(row.flopsOverspend! >= 0, `${row.model} beats the FLOP optimum: ${row.flopsOverspend}`);
    }
    // GPU-hours: the optimum is the fastest reachable shape among the rows; it, and only it, overspends nothing.
    const reachable = rows.filter((row) => row.gpuHours !== null);
    assert.ok(reachable.length > 0, `some shape reaches ${target}`);
    const fastest = reachable.reduce((a, b) => (b.gpuHours! < a.gpuHours! ? b : a));
    const atOptimum = rows.filter((row) => row.model === row.gpuHoursOptimalModel);
    assert.deepEqual(atOptimum.map((row) => row.model), [fastest.model]);
    assert.equal(atOptimum[0].gpuHoursOverspend, 0);
    for (const row of reachable) {
      assert.equal(row.gpuHoursOptimal, fastest.gpuHours);
      assert.ok(
        Math.abs(row.gpuHoursOverspend! - (row.gpuHours! / fastest.gpuHours! - 1)) < 1e-12,
        row.model,
      );
      assert.ok(
        row.gpuHoursOverspend! >= 0 && (row === atOptimum[0] || row.gpuHoursOverspend! > 0),
        row.model,
      );
    }
  }
});
