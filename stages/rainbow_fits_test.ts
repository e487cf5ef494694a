/**
 * The rainbow's (paper Figure 6) ten Approach 1 lines, fitted as the pipeline fits them, against the slopes
 * the authors publish (their `parameters/approach_1_linear_regression_params<suffix>.json`).
 */
import assert from "node:assert/strict";
import { collectTables, writeCollected } from "./collect.ts";
import { approach1Record, DEFAULT_APPROACH1 } from "./fit_approach1.ts";
import { readRunsRows } from "../records/schemas.ts";
import { selectParams, selectRows } from "./select.ts";
import { RAINBOW_APPROACH1, resolveVariant } from "./variants.ts";

/** `coef[0]` of the authors' approach_1_linear_regression_params<suffix>.json, per variant of RAINBOW_APPROACH1. */
const PUBLISHED_SLOPES: Readonly<Record<string, number>> = {
  paper: 0.499380216082636, // approach_1_linear_regression_params.json
  no_embeds: 0.626862527898334, // _no_embeds
  cooldown: 0.5969810173757477, // _cooldown
  cooldown_no_embeds: 0.7241536927100163, // _cooldown_no_embeds
  lr_ablation: 0.5131275357521606, // _lr_ablation
  lr_ablation_no_embeds: 0.622387042714486, // _lr_ablation_no_embeds
  over_100b: 0.45790307973088284, // _100b+
  over_100b_no_embeds: 0.5689324102290297, // _100b+_no_embeds
  over_120b_only: 0.7986724831990091, // _120b+_only
  over_120b_only_no_embeds: 0.9665902174057347, // _120b+_only_no_embeds
};

Deno.test("the rainbow's 10 Approach 1 slopes equal the authors' published ones", async () => {
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const dir = await Deno.makeTempDir({ prefix: "rainbow-fits-test-" });
  try {
    await writeCollected(dir, await collectTables(root));
    const runs = await readRunsRows(`${dir}/runs.csv`);
    assert.deepEqual(RAINBOW_APPROACH1.map((r) => r.variant), Object.keys(PUBLISHED_SLOPES));
    for (const { variant } of RAINBOW_APPROACH1) {
      const rows = selectRows(runs, selectParams(variant, resolveVariant(variant), "approach1"));
      const rec = approach1Record(rows, { ...DEFAULT_APPROACH1, bootstrapSamples: 0, variant });
      const a = rec.flops.hull.params.exponent, published = PUBLISHED_SLOPES[variant];
      assert.ok(Math.abs(a / published - 1) < 1e-12, `${variant}: ours ${a}, published ${published}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
