/**
 * The fits table against the authors' stored fits (data/gemstones/parameters*, byte-identical copies of
 * github.com/mcleish7/gemstone-scaling-laws): our no-embeddings Eq. 1 fit on `hot` reproduces theirs,
 * the paths and parsing of their files, and the sentence the report writes where ours differs.
 */
import assert from "node:assert/strict";
import { collectTables, writeCollected } from "../stages/collect.ts";
import { approach3Record, DEFAULT_FIT_OPTIONS, fitPointsOf } from "../stages/fit_approach3.ts";
import { readRunsRows } from "../records/schemas.ts";
import { selectParams, selectRows } from "../stages/select.ts";
import { resolveVariant } from "../stages/variants.ts";
import {
  approach3Rows,
  differenceNotes,
  drawnFitIds,
  drawnLawIds,
  fitsCsv,
  gridSizeRows,
  relativeDifference,
} from "./fits_table.ts";
import { AUTHORS_OPTIMISER } from "../scaling/fit/sensitivity.ts";
import { authorsApproach3Path, readAuthorsApproach3 } from "../records/importers/authors_parameters.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const collectDir = await Deno.makeTempDir({ prefix: "fits-table-" });
await writeCollected(collectDir, await collectTables(ROOT));
const runs = await readRunsRows(`${collectDir}/runs.csv`);
await Deno.remove(collectDir, { recursive: true });

function eq1Fit(variant: string, starts: number) {
  const rows = selectRows(runs, selectParams(variant, resolveVariant(variant)));
  return approach3Record(variant, "eq1", fitPointsOf(rows, "eq1"), {
    ...DEFAULT_FIT_OPTIONS.eq1,
    grid: { kind: "lhs", starts, seed: 1 },
    bootstrapSamples: 0,
    budgets: [],
  });
}

async function authors(path: string) {
  return await readAuthorsApproach3(`${ROOT}/${path}`);
}

Deno.test("no_embeds Eq. 1 on hot reproduces the authors' stored fit (one vocab x width matrix dropped)", async () => {
  const path = authorsApproach3Path("eq1", "hot", { huberDelta: 1e-4, noEmbeds: true })!;
  assert.equal(
    path,
    "data/gemstones/parameters_delta-4/approach_3_parameters_grid_search_0_hot_no_embeds.json",
  );
  const theirs = await authors(path);
  const ours = eq1Fit("no_embeds", 100);
  const [p, d] = ours.terms;
  assert.deepEqual([p.variable, d.variable], ["params", "tokens"]);
  // The prescription exponent a = β/(α+β): theirs 0.7030; with both matrices dropped ours was 0.735.
  const aTheirs = theirs.alpha[1] / (theirs.alpha[0] + theirs.alpha[1]);
  assert.ok(Math.abs(aTheirs - 0.703) < 5e-4, `their a = ${aTheirs}`);
  assert.ok(
    Math.abs(d.alpha / (p.alpha + d.alpha) - aTheirs) < 5e-4,
    `our a = ${d.alpha / (p.alpha + d.alpha)}`,
  );
  assert.ok(Math.abs(p.alpha - theirs.alpha[0]) < 2e-3 && Math.abs(d.alpha - theirs.alpha[1]) < 2e-3);
  assert.ok(Math.abs(ours.E / theirs.E - 1) < 1e-3, `E ${ours.E} vs ${theirs.E}`);
  assert.ok(Math.abs(p.A / theirs.A[0] - 1) < 0.02 && Math.abs(d.A / theirs.A[1] - 1) < 0.02);
  // Same objective to 6 digits (theirs 1.838568e-4), ours no higher.
  assert.ok(
    ours.objective <= theirs.objective * (1 + 1e-6),
    `objective ${ours.objective} vs ${theirs.objective}`,
  );
  assert.ok(Math.abs(ours.objective / theirs.objective - 1) < 1e-5);
});

Deno.test("the report says in words where ours differs with a lower objective (Eq. 1 on hot: a flat optimum)", async () => {
  const rec = eq1Fit("paper", 300);
  const rows = await approach3Rows(
    rec,
    { fit: "approach3_eq1.paper", subsets: ["hot"], noEmbeds: false },
    ROOT,
  );
  const a = rows.find((r) => r.quantity === "a = beta/(alpha+beta)")!;
  assert.ok(
    Math.abs(a.ours - 0.7134) < 1e-3 && Math.abs(a.authors! - 0.6986) < 1e-3,
    `${a.ours} ${a.authors}`,
  );
  const obj = rows.find((r) => r.quantity === "objective")!;
  assert.equal(obj.authors, 0.0002076018);
  assert.ok(obj.ours < obj.authors!);
  assert.equal(
    a.authorsFile,
    "data/gemstones/parameters_delta-4/approach_3_parameters_grid_search_0_hot.json",
  );
  const notes = differenceNotes(rows);
  assert.equal(notes.length, 1);
  assert.match(
    notes[0],
    /^eq1 on hot \(approach3_eq1\.paper\): .*a = beta\/\(alpha\+beta\) 0\.713 vs their 0\.699/,
  );
  assert.match(
    notes[0],
    /lower objective than theirs \(objective 2\.0750\de-4 vs their 2\.07602e-4\): the optimum is flat/,
  );
  // E, every A and alpha, the derived slope and the objective: 1 + 2·2 + 1 + 1 rows, all with their value.
  assert.deepEqual(rows.map((r) => r.quantity), [
    "E",
    "A_params",
    "alpha_params",
    "A_tokens",
    "alpha_tokens",
    "a = beta/(alpha+beta)",
    "objective",
  ]);
  assert.ok(rows.every((r) => r.authors !== null && r.starts === 300 && r.converged === rec.converged));
  // Their E = exp(irreducible_error) = exp(0.7663168139).
  assert.ok(Math.abs(rows[0].authors! - Math.exp(0.7663168139)) < 1e-12);
  const csv = fitsCsv(rows).split("\n");
  assert.equal(
    csv[0],
    "fit,subset_file,form,huber_delta,starts,converged,quantity,ours,ci95_lo,ci95_hi,authors,difference," +
      "relative_difference,objective_ours,objective_authors,authors_file",
  );
  assert.equal(csv.filter((l) => l !== "").length, 1 + rows.length);
});

Deno.test("Figure 20's grid-size fits are rows beside the authors' stored fit of the same δ; none for δ = 1e-5", async () => {
  const path = authorsApproach3Path("eq1", "hot", { huberDelta: 1e-3, noEmbeds: false })!;
  const theirs = await authors(path);
  const [alpha, beta] = theirs.alpha;
  const point = (delta: number) => ({
    delta,
    gridSize: 3000,
    starts: 3087,
    converged: 3087,
    objective: 0.0019816128,
    alpha: 0.2928929408,
    beta: 0.7129589321,
    ratio: 0.2928929408 / (0.2928929408 + 0.7129589321),
  });
  const record = {
    kind: "grid_size_study" as const,
    subset: "hot",
    rows: 220,
    optimiser: AUTHORS_OPTIMISER,
    points: [point(1e-3), point(1e-5)],
    published: [{ delta: 1e-3, objective: theirs.objective, alpha, beta, ratio: alpha / (alpha + beta) }],
  };
  const rows = gridSizeRows(record, "grid_size_study");
  assert.equal(rows.length, 8);
  const ratio = rows.find((r) => r.huberDelta === 1e-3 && r.quantity === "alpha/(alpha+beta)")!;
  assert.equal(ratio.authors, alpha / (alpha + beta));
  assert.equal(ratio.authorsFile, path);
  assert.equal(ratio.authorsObjective, theirs.objective);
  // Their δ = 1e-3 objective is 1.9816e-3 (parameters_delta-3): ours equals it to 5 digits.
  assert.ok(Math.abs(theirs.objective / 0.0019816128 - 1) < 1e-4, `${theirs.objective}`);
  assert.ok(
    Math.abs(relativeDifference(ratio)! - (ratio.ours - ratio.authors!) / Math.abs(ratio.authors!)) < 1e-15,
  );
  // Its points are compared on Figure 20 itself, not in one sentence each.
  const far = { ...point(1e-3), beta: 0.6, ratio: 0.2928929408 / (0.2928929408 + 0.6) };
  assert.deepEqual(differenceNotes(gridSizeRows({ ...record, points: [far] }, "grid_size_study")), []);
  // The authors store no δ = 1e-5 fit: its rows have no authors' value.
  assert.ok(
    rows.filter((r) => r.huberDelta === 1e-5).every((r) => r.authors === null && r.authorsFile === null),
  );
});

Deno.test("drawnFitIds reads each figure's inputs' fit records once, in order; drawnLawIds keeps the laws", () => {
  const sources = {
    prescriptions: { fits: ["prescribe.over_100b", "approach3_eq1.over_100b", "approach3_eq2.over_100b"] },
    widthDepthEq2: { fits: ["approach3_eq2.over_100b"] },
    gridSizeStudy: { fits: ["grid_size_study"] },
    industry: { fits: [] },
  };
  const ids = drawnFitIds([
    { reads: ["widthDepthEq2", "prescriptions", "industry"] },
    { reads: ["gridSizeStudy"] },
  ], sources);
  assert.deepEqual(ids, [
    "approach3_eq2.over_100b",
    "prescribe.over_100b",
    "approach3_eq1.over_100b",
    "grid_size_study",
  ]);
  assert.deepEqual(drawnLawIds(ids, ["grid_size_study"]), [
    "approach3_eq2.over_100b",
    "approach3_eq1.over_100b",
    "grid_size_study",
  ]);
  assert.deepEqual(drawnLawIds(["approach1.paper", "approach2.paper", "overspend.paper"]), [
    "approach1.paper",
    "approach2.paper",
  ]);
});
