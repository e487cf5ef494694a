import assert from "node:assert/strict";
import { readRecord, readSelectedRows } from "./load.ts";

Deno.test("readSelectedRows parses rows (empty gpu_hours -> NaN) and names file, line and field on bad input", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const header = "run_id,model,width,depth,step,tokens,params,flops,gpu_hours,loss,subset";
    const good = `${dir}/rows.csv`;
    await Deno.writeTextFile(good, `${header}\nr1,512x12,512,12,10,100,5,3000,,3.25,hot\n`);
    const rows = await readSelectedRows(good);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].loss, 3.25);
    assert.ok(Number.isNaN(rows[0].gpu_hours));
    const bad = `${dir}/bad.csv`;
    await Deno.writeTextFile(
      bad,
      `${header}\nr1,512x12,512,12,10,100,5,3000,,3.25,hot\nr1,512x12,512,12,20,200,5,x,,3.1,hot\n`,
    );
    await assert.rejects(() => readSelectedRows(bad), (e: Error) => {
      assert.match(e.message, /bad\.csv:3: field "flops": expected a number, got "x"/);
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readRecord checks the kind field and names the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/fit.json`, JSON.stringify({ kind: "approach1" }));
    assert.deepEqual(await readRecord(`${dir}/fit.json`, "approach1"), { kind: "approach1" });
    await assert.rejects(
      () => readRecord(`${dir}/fit.json`, "approach3"),
      /fit\.json:1: field "kind": expected "approach3"/,
    );
    await Deno.writeTextFile(`${dir}/broken.json`, "{");
    await assert.rejects(() => readRecord(`${dir}/broken.json`), /broken\.json: invalid JSON/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
