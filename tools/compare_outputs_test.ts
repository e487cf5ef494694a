import assert from "node:assert/strict";
import { compareTrees } from "./compare_outputs.ts";

Deno.test("compareTrees names identical, differing, missing and added files", async () => {
  const a = await Deno.makeTempDir();
  const b = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${a}/x`);
    await Deno.mkdir(`${b}/x`);
    await Deno.writeTextFile(`${a}/x/same.json`, "{}");
    await Deno.writeTextFile(`${b}/x/same.json`, "{}");
    await Deno.writeTextFile(`${a}/fit.json`, '{"E":1}');
    await Deno.writeTextFile(`${b}/fit.json`, '{"E":2}');
    await Deno.writeTextFile(`${a}/gone.csv`, "a");
    await Deno.writeTextFile(`${b}/new.csv`, "b");
    const r = await compareTrees(a, b);
    assert.deepEqual(r, {
      same: ["x/same.json"],
      differ: ["fit.json"],
      missing: ["gone.csv"],
      added: ["new.csv"],
    });
    const ignored = await compareTrees(a, b, { ignore: ["fit", ".csv"] });
    assert.deepEqual(ignored, { same: ["x/same.json"], differ: [], missing: [], added: [] });
  } finally {
    await Deno.remove(a, { recursive: true });
    await Deno.remove(b, { recursive: true });
  }
});
