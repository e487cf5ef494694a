import assert from "node:assert/strict";
import { collectTables, writeCollected } from "./collect.ts";
import { readRunsRows, type RunsRow } from "../records/schemas.ts";
import { selectParams, selectRows } from "./select.ts";
import { resolveVariant, VARIANT_NAMES } from "./variants.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
type CountedRow = RunsRow & { counts: Record<string, number> };
let runsOnce: Promise<CountedRow[]> | undefined;
/**
 * Returns runs.csv's rows of the real data as select reads them (written to a temporary folder, read back,
 * removed), with select for a variant and for its Approach 1. Built on first use inside a test (a failure
 * shows in that test, not as a load error), once.
 */
async function real() {
  const runs = await (runsOnce ??= (async () => {
    const dir = await Deno.makeTempDir();
    try {
      await writeCollected(dir, await collectTables(ROOT));
      return await readRunsRows(`${dir}/runs.csv`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  })());
  const select = (v: string) => selectRows(runs, selectParams(v, resolveVariant(v)));
  const selectA1 = (v: string) => selectRows(runs, selectParams(v, resolveVariant(v), "approach1"));
  return { runs, select, selectA1 };
}

Deno.test("select: row and run counts of every variant", async () => {
  const { select } = await real();
  const counts = Object.fromEntries(VARIANT_NAMES.map((v) => {
    const rows = select(v);
    return [v, [rows.length, new Set(rows.map((r) => r.run_id)).size]];
  }));
  assert.deepEqual(counts, {
    paper: [220, 22],
    no_embeds: [220, 22],
    cooldown: [199, 20],
    lr_ablation: [200, 20],
    over_100b: [770, 22],
    over_120b_only: [528, 22],
    width_512_only: [175, 5],
    chinchilla_reduced_sampling: [24, 5],
    "huber_1e-3": [220, 22],
    // The rainbow's and Appendix D's variants: the subsets above under another convention or Huber delta.
    cooldown_no_embeds: [199, 20],
    lr_ablation_no_embeds: [200, 20],
    over_100b_no_embeds: [770, 22],
    over_120b_only_no_embeds: [528, 22],
    lr_ablation_reduced_sampling: [23, 5],
    "over_100b_huber_1e-3": [770, 22],
    "lr_ablation_huber_1e-3": [200, 20],
    "cooldown_huber_1e-3": [199, 20],
  });
});

Deno.test("select: Approach 1 uses the dense (every 477 steps) checkpoint files where they exist", async () => {
  const { selectA1 } = await real();
  assert.equal(selectA1("paper").length, 1100);
  assert.equal(selectA1("over_100b").length, 3850);
  assert.equal(selectA1("lr_ablation").length, 1000);
  assert.equal(selectA1("cooldown").length, 199);
  assert.equal(selectA1("chinchilla_reduced_sampling").length, 24);
});

Deno.test("select: counting conventions resolve into params and flops", async () => {
  const { select, selectA1 } = await real();
  const paper = select("paper"), noEmb = select("no_embeds");
  for (let i = 0; i < paper.length; i++) {
    // no_embeds' fits drop one vocab x width matrix, as the authors' Approach 3 (params - 50304 * width).
    assert.equal(paper[i].params - noEmb[i].params, 50304 * paper[i].width);
    assert.equal(paper[i].flops, noEmb[i].flops);
  }
  // Its Approach 1 drops both (the input embedding and the untied LM head), as the authors' Approach 1.
  const paperA1 = selectA1("paper"), noEmbA1 = selectA1("no_embeds");
  for (let i = 0; i < paperA1.length; i++) {
    assert.equal(paperA1[i].params - noEmbA1[i].params, 2 * 50304 * paperA1[i].width);
  }
  assert.ok(select("width_512_only").every((r) => r.width === 512));
  assert.ok(select("over_120b_only").every((r) => r.tokens > 120e9));
});

Deno.test("select: unknown subset, column or run is an error naming the valid values", async () => {
  const { runs } = await real();
  const p = selectParams("paper", resolveVariant("paper"));
  assert.throws(
    () => selectRows(runs, { ...p, subsets: ["hott"] }),
    /unknown subset "hott"; subsets in runs.csv: cool_begin/,
  );
  assert.throws(
    () => selectRows(runs, { ...p, paramsColumn: "params_nope" }),
    /columns in runs.csv: params_total/,
  );
  assert.throws(() => selectRows(runs, { ...p, excludeRuns: ["nobody"] }), /unknown run "nobody"/);
  const fewer = selectRows(runs, { ...p, excludeRuns: ["PyGemma-512x11_pretrain"] });
  assert.equal(fewer.length, 210);
});
