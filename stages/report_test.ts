import assert from "node:assert/strict";
import { readProvenance } from "./report.ts";

async function collectDir(summary: Record<string, unknown>, ownRuns?: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "provenance-" });
  await Deno.writeTextFile(`${dir}/collect.json`, JSON.stringify(summary));
  if (ownRuns !== undefined) await Deno.writeTextFile(`${dir}/own_runs.csv`, ownRuns);
  return dir;
}

const BASE = { rows: 1, subsets: {}, paramsColumns: [], flopsColumns: [], inputs: [] };
const HEADER = "run_id,status,diverged,reason,steps,tokens,final_val_loss,peak_lr,seconds,device\n";

Deno.test("report provenance: published data has no own-runs label and no exclusion section", async () => {
  const dir = await collectDir({ ...BASE, source: "published Gemstones runs (McLeish et al. 2025)" });
  const p = await readProvenance(dir);
  assert.equal(p.ownRuns, false);
  assert.equal(p.source, "published Gemstones runs (McLeish et al. 2025)");
  assert.deepEqual(p.excluded, []);
  assert.equal(p.excludedHtml, "");
  // Records written before `source` existed read as the published runs.
  const old = await readProvenance(await collectDir(BASE));
  assert.equal(old.ownRuns, false);
  assert.match(old.source, /^published Gemstones runs/);
});

Deno.test("report provenance: own runs are labelled and diverged runs are listed with their reason", async () => {
  const dir = await collectDir(
    { ...BASE, source: "this machine's own runs: 2 trained on webgpu:llvmpipe" },
    HEADER +
      "nano-32x1,done,false,,120,30720,3.1,0.01,40,webgpu:llvmpipe\n" +
      "nano-64x1,diverged,true,non-finite train loss NaN,11,2816,,0.01,4,webgpu:llvmpipe\n",
  );
  const p = await readProvenance(dir);
  assert.equal(p.ownRuns, true);
  assert.deepEqual(p.excluded, [{ runId: "nano-64x1", reason: "non-finite train loss NaN" }]);
  assert.match(p.excludedHtml, /1 of 2 trained runs diverged/);
  assert.match(p.excludedHtml, /<li>nano-64x1: non-finite train loss NaN<\/li>/);
  const none = await readProvenance(
    await collectDir(BASE, HEADER + "nano-32x1,done,false,,120,30720,3.1,0.01,40,webgpu:llvmpipe\n"),
  );
  assert.match(none.excludedHtml, /None: all 1 trained runs finished without diverging/);
});
