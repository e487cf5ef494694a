import assert from "node:assert/strict";
import {
  bootstrapApproach3,
  EQ1_VARIABLES,
  EQ2_VARIABLES,
  fitApproach3,
  type FitPoint,
} from "../scaling/fit/mod.ts";
import type { AdditiveLaw } from "../scaling/law.ts";
import { readRunsRows } from "../records/schemas.ts";
import { buildGrid, type GridParams, gridShape, PAPER_GRID } from "./grid.ts";
import { simulatedRows } from "./simulate.ts";
import { runsCsvOf } from "./runs_table.ts";
import { MICRO_GRID } from "./profile_settings.ts";

// The micro grid (byte vocabulary, 15 models of 0.1M-10M params), 20 tokens per parameter but at least 1e8
// tokens, so that every checkpoint's loss under these laws stays below the 20 nats runs.csv accepts.
const GRID: GridParams = {
  ...MICRO_GRID,
  tokensPerParam: PAPER_GRID.tokensPerParam,
  minTokens: 1e8,
  maxTokens: PAPER_GRID.maxTokens,
  batchSize: 8,
};
const MODELS = buildGrid(GRID).map((r) => ({ shape: gridShape(GRID, r.width, r.depth), tokens: r.tokens }));
const SETTINGS = {
  paramsConvention: "total",
  checkpoints: 8,
  firstFraction: 1 / 16,
  tokensPerStep: 1024,
  cooldown: null,
  noise: 0,
  seed: 1,
};
const CHINCHILLA: AdditiveLaw = {
  E: 1.69,
  terms: [{ variable: "params", A: 406.4, alpha: 0.34 }, { variable: "tokens", A: 410.7, alpha: 0.28 }],
};
const WIDTH_DEPTH: AdditiveLaw = {
  E: 1.5,
  terms: [
    { variable: "width", A: 20, alpha: 0.6 },
    { variable: "depth", A: 0.5, alpha: 0.8 },
    { variable: "params", A: 300, alpha: 0.35 },
    { variable: "tokens", A: 400, alpha: 0.3 },
  ],
};

/** Writes the rows as runs.csv and reads them back the way the fit stages do, as fit points. */
async function pointsThroughCsv(
  law: AdditiveLaw,
  vars: readonly string[],
  noise: number,
): Promise<FitPoint[]> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/runs.csv`,
      runsCsvOf(simulatedRows(MODELS, law, { ...SETTINGS, noise })),
    );
    const rows = await readRunsRows(`${dir}/runs.csv`);
    return rows.map((r) => {
      const all: Record<string, number> = {
        params: r.counts.params_total,
        tokens: r.tokens,
        width: r.width,
        depth: r.depth,
      };
      return { x: Object.fromEntries(vars.map((v) => [v, all[v]])), lossNats: r.loss, group: r.run_id };
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function assertClose(got: AdditiveLaw, want: AdditiveLaw, rel: number): void {
  const close = (a: number, b: number, what: string) =>
    assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${what}: got ${a}, want ${b}`);
  close(got.E, want.E, "E");
  want.terms.forEach((t, i) => {
    close(got.terms[i].A, t.A, `A_${t.variable}`);
    close(got.terms[i].alpha, t.alpha, `alpha_${t.variable}`);
  });
}

Deno.test("simulated rows: one hot run per model and one cooled run per checkpoint, named and subset", () => {
  const rows = simulatedRows(MODELS, CHINCHILLA, { ...SETTINGS, cooldown: { fraction: 0.1, drop: 0.2 } });
  assert.equal(rows.length, MODELS.length * 8 * 2);
  const m = `${MODELS[0].shape.width}x${MODELS[0].shape.depth}`;
  assert.deepEqual(rows.slice(0, 4).map((r) => [r.run_id, r.subset, r.cooldown, r.line]), [
    [`sim_${m}`, "simulated", false, 1],
    [`sim_cool_${m}_0`, "simulated_cool", true, 2],
    [`sim_${m}`, "simulated", false, 3],
    [`sim_cool_${m}_1`, "simulated_cool", true, 4],
  ]);
  // Each row carries the grid's architecture (everything of the shape but width and depth).
  const { width: _w, depth: _d, ...architecture } = MODELS[0].shape;
  assert.deepEqual(rows[0].shape, architecture);
  assert.equal(rows[0].shape?.vocabSize, 259);
});

Deno.test("noise-free simulated data: Approach 3 recovers Eq. 1 and Eq. 2 to 1e-6 relative", async () => {
  const eq1 = fitApproach3(await pointsThroughCsv(CHINCHILLA, EQ1_VARIABLES, 0), {
    variables: EQ1_VARIABLES,
    grid: { kind: "lhs", starts: 100, seed: 1 },
  });
  assertClose(eq1.law, CHINCHILLA, 1e-6);
  const eq2 = fitApproach3(await pointsThroughCsv(WIDTH_DEPTH, EQ2_VARIABLES, 0), {
    variables: EQ2_VARIABLES,
    grid: { kind: "lhs", starts: 2000, seed: 1 },
  });
  assertClose(eq2.law, WIDTH_DEPTH, 1e-6);
});

Deno.test("noisy simulated data: the generating Eq. 1 law lies within the bootstrap intervals", async () => {
  const points = await pointsThroughCsv(CHINCHILLA, EQ1_VARIABLES, 0.01);
  const b = bootstrapApproach3(points, {
    variables: EQ1_VARIABLES,
    grid: { kind: "lhs", starts: 100, seed: 1 },
  }, {
    samples: 40,
    seed: 3,
    localStarts: 4,
  });
  const truth: Record<string, number> = {
    E: 1.69,
    A_params: 406.4,
    alpha_params: 0.34,
    A_tokens: 410.7,
    alpha_tokens: 0.28,
  };
  for (const [k, v] of Object.entries(truth)) {
    const iv = b.parameters[k];
    assert.ok(iv.lower <= v && v <= iv.upper, `${k}: ${v} outside [${iv.lower}, ${iv.upper}]`);
    assert.ok(iv.upper > iv.lower, `${k}: empty interval`);
  }
});
