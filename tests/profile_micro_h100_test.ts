import assert from "node:assert/strict";
import type { Stage } from "../pipeline/stage.ts";
import { MICRO_GRID, MICRO_H100_DIR, MICRO_H100_RUNS } from "../stages/profile_settings.ts";
import { buildVariant, PROFILES } from "../stages/pipeline.ts";
import { buildGrid } from "../stages/grid.ts";
import { readCsvObjects, readRunsRows } from "../records/schemas.ts";
import { runPipeline } from "../pipeline/mod.ts";
import { paperWalk } from "../testing/report_page.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

Deno.test("micro-h100 profile: collect of the shipped H100 runs, fits and report, no training", () => {
  assert.ok(PROFILES.includes("micro-h100"));
  const stages = buildVariant("paper", "micro-h100");
  const byId = new Map(stages.map((s) => [s.id ?? s.name, s]));
  assert.equal(byId.size, stages.length, "unique stage ids");
  for (const s of stages) for (const d of s.deps) assert.ok(byId.has(d), `${s.id}: unknown dependency ${d}`);
  assert.equal(stages.filter((s) => s.name === "train").length, 0);
  for (
    const id of [
      "collect_imported",
      "select.paper",
      "approach1.paper",
      "approach3_eq1.paper",
      "approach3_eq2.paper",
    ]
  ) {
    assert.ok(byId.has(id), id);
  }
  assert.ok(byId.has("report.paper"));
  // One run per micro-grid shape, read from data/micro-h100/<run id>.
  assert.deepEqual(
    [...MICRO_H100_RUNS].sort(),
    buildGrid(MICRO_GRID).map((r) => `micro_${r.model}`).sort(),
  );
  assert.deepEqual(
    byId.get("collect_imported")!.inputs,
    MICRO_H100_RUNS.map((id) => `${MICRO_H100_DIR}/${id}`),
  );
});

Deno.test("micro-h100 collect reads every run: 15 runs × 8 evaluations, losses in (0, ln 259]", async () => {
  const collect = buildVariant("paper", "micro-h100").find((s) => s.id === "collect_imported") as Stage;
  const outDir = await Deno.makeTempDir({ prefix: "micro_h100_collect_" });
  try {
    const lines: string[] = [];
    await collect.run({
      id: "collect_imported",
      params: collect.params,
      outDir,
      root: ROOT,
      deps: {},
      progress: () => {},
      log: (l) => lines.push(l),
      signal: new AbortController().signal,
    });
    const rows = await readRunsRows(`${outDir}/runs.csv`);
    assert.equal(rows.length, 15 * 8);
    const perRun = new Map<string, number>();
    for (const r of rows) perRun.set(r.run_id, (perRun.get(r.run_id) ?? 0) + 1);
    assert.deepEqual([...perRun.keys()].sort(), [...MICRO_H100_RUNS].sort());
    assert.ok([...perRun.values()].every((n) => n === 8));
    assert.ok(rows.every((r) => r.subset === "own" && r.loss > 0 && r.loss <= Math.log(259)));
    // The largest model's last checkpoint: 1080 steps of 64 × 128 tokens.
    const last = rows.filter((r) => r.run_id === "micro_160x28").sort((a, b) => b.tokens - a.tokens)[0];
    assert.equal(last.tokens, 1080 * 64 * 128);
    assert.equal(last.width, 160);
    assert.equal(last.depth, 28);
    const summary = JSON.parse(await Deno.readTextFile(`${outDir}/collect.json`));
    assert.equal(summary.rows, 120);
    assert.equal(summary.source, "own runs on NVIDIA H100 80GB HBM3");
    const own = await readCsvObjects(`${outDir}/own_runs.csv`);
    assert.equal(own.length, 15);
    assert.ok(own.every((r) => r.status === "done" && r.diverged === "false"));
    assert.equal(own.find((r) => r.run_id === "micro_160x28")!.steps, "1080");
    assert.match(
      lines.join("\n"),
      /120 checkpoints of 15 own runs \(webgpu:4318 9008 NVIDIA H100 80GB HBM3\)/,
    );
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("micro-h100 profile end to end: its report is published, Figure 8 says why it is not drawn", async () => {
  const stages = buildVariant("paper", "micro-h100");
  const results = await runPipeline(stages, { root: ROOT, profile: "micro-h100", variant: "paper", jobs: 2 });
  const report = results.find((r) => r.id === "report.paper")!.outDir;
  const html = await Deno.readTextFile(`${report}/index.html`);
  const walk = paperWalk(html);
  // A law fitted on 15 micro models puts every shape of Figure 8 at the narrowest width searched, which the
  // authors leave out: the section says so, with the first budget's reason, instead of drawing empty panels.
  assert.ok(!walk.missing.includes("8"), "Figure 8 gives its reason");
  assert.match(
    walk.notDrawn["8"],
    /^law eq2 of variant paper leaves no point to draw: every overtraining factor at each of the 4 budgets/,
  );
  assert.match(walk.notDrawn["8"], /on the edge of the authors' box \(width 128, depth [0-9.]+\)/);
  const figures = JSON.parse(await Deno.readTextFile(`${report}/figures/figures.json`));
  assert.ok(figures.length > 0);
  assert.ok(figures.every((f: { paperFigure: string }) => f.paperFigure !== "8"));
});
