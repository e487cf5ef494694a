/**
 * The authors' stored Eq. 2 law beside ours in the overtraining and overspend stages (Figures 8 and 7's law
 * view): every point of their curve is checked against a direct evaluation of their stored file, in its own
 * log-space form `logsumexp(coef_i − exp_i·ln x_i, e)`, not through the project's law code.
 */
import assert from "node:assert/strict";
import { authorsLawOnOurs } from "./authors_law.ts";
import { overtrainingStage } from "./fit_overtraining.ts";
import { overspendStage } from "./fit_overspend.ts";
import { SELECTED_COLUMNS } from "./select.ts";
import { resolveVariant } from "./variants.ts";
import { formatCsv } from "../records/importers/table.ts";
import type { OverspendRecord, OvertrainingRecord, SelectedRow } from "../records/schemas.ts";
import { gemstonesFlopsPerToken } from "../scaling/count/flops.ts";
import { gemstonesParams } from "../scaling/count/params.ts";
import type { Params, Stage } from "../pipeline/stage.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const EQ2 =
  "data/gemstones/parameters_delta-4/approach_3_width_depth_parameters_grid_search_0_hot_100b+.json";

/** The authors' raw file: exponents and log-coefficients of (width, depth, params, tokens), log of E. */
interface RawFile {
  readonly exponents: { readonly "0": number[] };
  readonly coefficients: { readonly "0": number[] };
  readonly irreducible_error: { readonly "0": number };
  readonly loss: { readonly "0": number };
}
const raw = JSON.parse(await Deno.readTextFile(`${ROOT}/${EQ2}`)) as RawFile;

/** Their stored law at x = (width, depth, params, tokens), as their code predicts: logsumexp of the terms. */
function theirLoss(x: readonly number[]): number {
  const terms = [
    ...raw.coefficients[0].map((c, i) => c - raw.exponents[0][i] * Math.log(x[i])),
    raw.irreducible_error[0],
  ];
  // Their prediction is the log of the loss.
  const m = Math.max(...terms);
  return Math.exp(m) * terms.reduce((s, t) => s + Math.exp(t - m), 0);
}

/** Our Eq. 2 fit of over_100b in a temporary deps folder: their law with every exponent moved by `shift`. */
async function ourFit(dir: string, shift: number): Promise<Record<string, string>> {
  const names = ["width", "depth", "params", "tokens"];
  await Deno.mkdir(`${dir}/eq2`, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/eq2/fit.json`,
    JSON.stringify({
      kind: "approach3",
      variant: "over_100b",
      form: "eq2",
      E: Math.exp(raw.irreducible_error[0]),
      terms: names.map((variable, i) => ({
        variable,
        A: Math.exp(raw.coefficients[0][i]),
        alpha: raw.exponents[0][i] + shift,
      })),
      objective: 3e-4,
    }),
  );
  return { "approach3_eq2.over_100b": `${dir}/eq2` };
}

/** Runs `stage` (`params` overriding its own) with `deps` into a temporary folder; returns its JSON output `name`. */
async function run<T>(
  stage: Stage<Params>,
  deps: Record<string, string>,
  name: string,
  params: Params = {},
): Promise<T> {
  const out = await Deno.makeTempDir();
  try {
    await stage.run({
      id: stage.id!,
      params: { ...stage.params, ...params },
      outDir: out,
      root: ROOT,
      deps,
      progress() {},
      log() {},
      signal: new AbortController().signal,
    });
    return JSON.parse(await Deno.readTextFile(`${out}/${name}`)) as T;
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

Deno.test("authorsLawOnOurs: none without a path or a file; a file whose terms differ from our fit is named", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const deps = await ourFit(dir, 0.01);
    assert.equal(await authorsLawOnOurs("", ROOT, deps, "over_100b", "eq2"), null);
    assert.equal(await authorsLawOnOurs("data/gemstones/nosuch.json", ROOT, deps, "over_100b", "eq2"), null);
    const eq1 = "data/gemstones/parameters_delta-4/approach_3_parameters_grid_search_0_hot_100b+.json";
    await assert.rejects(
      () => authorsLawOnOurs(eq1, ROOT, deps, "over_100b", "eq2"),
      /approach_3_parameters_grid_search_0_hot_100b\+\.json: 2 terms, but our eq2 fit of over_100b has 4/,
    );
    const a = await authorsLawOnOurs(EQ2, ROOT, deps, "over_100b", "eq2");
    assert.deepEqual([a?.beside.path, a?.beside.objective, a?.beside.ourObjective], [EQ2, raw.loss[0], 3e-4]);
    assert.ok(Math.abs((a?.beside.exponentGap ?? NaN) - 0.01) < 1e-12);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("overtraining: the authors' curve beside ours is their stored law evaluated at each point", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const stage = overtrainingStage("over_100b", resolveVariant("over_100b"), "eq2", EQ2) as Stage<Params>;
    // The stage hashes the authors' file it reads.
    assert.ok(stage.inputs.includes("data/gemstones/parameters_delta-4"));
    const r = await run<OvertrainingRecord>(stage, await ourFit(dir, 0.02), "overtraining.json");
    const a = r.authors!;
    assert.equal(a.path, EQ2);
    assert.ok(Math.abs(a.exponentGap - 0.02) < 1e-12);
    assert.deepEqual(a.curves.map((c) => c.flops), r.curves.map((c) => c.flops));
    let checked = 0;
    for (const c of a.curves) {
      for (const p of c.points) {
        assert.ok(
          Math.abs(p.loss - theirLoss([p.width!, p.depth!, p.params, p.tokens])) < 1e-9,
          `${c.flops} FLOPs, factor ${p.factor}`,
        );
        checked++;
      }
    }
    assert.ok(checked >= 8, `${checked} points`);
    // Their curve is not ours: the exponents differ by 0.02.
    const ours = r.curves[1].points.find((p) => p.factor === 1)!;
    const theirs = a.curves[1].points.find((p) => p.factor === 1)!;
    assert.ok(Math.abs(ours.loss - theirs.loss) > 1e-3, `${ours.loss} vs ${theirs.loss}`);
    // Without a path, no authors' curve.
    const none = overtrainingStage("over_100b", resolveVariant("over_100b")) as Stage<Params>;
    assert.equal(
      (await run<OvertrainingRecord>(none, await ourFit(`${dir}/x`, 0), "overtraining.json")).authors,
      undefined,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("overspend: the authors' cells beside ours reach each target loss under their stored law", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const deps = await ourFit(dir, 0.02);
    // Four Gemstones shapes, one checkpoint each (with step times), as the select stage writes them.
    const shapes = [[512, 8], [1024, 12], [1792, 18], [2560, 20]];
    const rows: SelectedRow[] = shapes.map(([width, depth], i) => ({
      run_id: `r${i}`,
      model: `${width}x${depth}`,
      width,
      depth,
      step: 1000,
      tokens: 1e11,
      params: gemstonesParams({ width, depth }),
      flops: gemstonesFlopsPerToken({ width, depth }) * 1e11,
      gpu_hours: 100 * (i + 1),
      loss: 2.9 - 0.1 * i,
      subset: "hot_100b+",
    }));
    const csv = formatCsv(SELECTED_COLUMNS, rows.map((r) => SELECTED_COLUMNS.map((c) => r[c])));
    for (const id of ["select.over_100b", "select_approach1.over_100b"]) {
      await Deno.mkdir(`${dir}/${id}`);
      await Deno.writeTextFile(`${dir}/${id}/rows.csv`, csv);
      deps[id] = `${dir}/${id}`;
    }
    const stage = overspendStage(
      "over_100b",
      resolveVariant("over_100b"),
      "eq2",
      "select_approach1.over_100b",
      EQ2,
    ) as Stage<Params>;
    // Two target losses keep the test short (each asks the brute-force shape grid of both laws).
    const r = await run<OverspendRecord>(stage, deps, "overspend.json", { targets: 2 });
    const a = r.authors!;
    assert.equal(a.path, EQ2);
    assert.equal(a.rows.length, r.rows.length);
    assert.deepEqual([...new Set(a.rows.map((x) => x.loss))], r.targetLosses);
    let checked = 0;
    for (const x of a.rows) {
      if (x.flops === null) continue;
      const shape = { width: x.width, depth: x.depth };
      const tokens = x.flops / gemstonesFlopsPerToken(shape);
      const loss = theirLoss([x.width, x.depth, gemstonesParams(shape), tokens]);
      assert.ok(Math.abs(loss - x.loss) < 1e-9, `${x.model} at ${x.loss}: their law gives ${loss}`);
      checked++;
    }
    assert.ok(checked >= 4, `${checked} cells`);
    assert.ok(a.rows.some((x, i) => x.flops !== r.rows[i].flops), "their cells differ from ours");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
