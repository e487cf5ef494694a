// How a published folder differs from its store entry, in words, and the leftovers of a cut-short publish.
import assert from "node:assert/strict";
import {
  isPublished,
  publishedDifference,
  publishFolder,
  publishLeftovers,
  removePublishLeftovers,
} from "./publish.ts";
import { StatHashCache } from "./statcache.ts";
import { collectOutputs } from "./store.ts";

Deno.test("publish: a published copy is missing, lacks or adds a file, or one differs in size or content", async () => {
  const dir = await Deno.makeTempDir({ prefix: "publish_" });
  try {
    await Deno.mkdir(`${dir}/store/figs`, { recursive: true });
    for (const [f, t] of [["a.txt", "alpha"], ["figs/b.svg", "<svg/>"], ["figs/c.svg", "<svg></svg>"]]) {
      await Deno.writeTextFile(`${dir}/store/${f}`, t);
    }
    const hashes = await StatHashCache.load();
    const outputs = await collectOutputs("s", `${dir}/store`, ["a.txt", "figs/"], hashes);
    const target = `${dir}/reports/v/s`;
    assert.equal(await publishedDifference(target, outputs, hashes), "is missing");
    await publishFolder(`${dir}/store`, target);
    assert.equal(await publishedDifference(target, outputs, hashes), null);
    assert.ok(await isPublished(target, outputs, hashes));
    await Deno.remove(`${target}/figs/b.svg`);
    assert.equal(await publishedDifference(target, outputs, hashes), "lacks 1 of its 3 file(s) (figs/b.svg)");
    await Deno.writeTextFile(`${target}/figs/b.svg`, "<svg/>");
    await Deno.writeTextFile(`${target}/x.tmp`, "");
    assert.equal(await publishedDifference(target, outputs, hashes), "has a file not in the store: x.tmp");
    await Deno.remove(`${target}/x.tmp`);
    await Deno.writeTextFile(`${target}/a.txt`, "alphabet");
    assert.equal(await publishedDifference(target, outputs, hashes), "a.txt differs (size 5 -> 8 bytes)");
    await Deno.writeTextFile(`${target}/a.txt`, "ALPHA");
    assert.equal(await publishedDifference(target, outputs, hashes), "a.txt differs in content");

    // What a kill between the copy and the renames leaves beside the target; only those are removed.
    for (const n of [".s.new-0123456789abcdef", ".s.old-fedcba9876543210", ".s.new-notmine", "t"]) {
      await Deno.mkdir(`${dir}/reports/v/${n}`);
    }
    assert.deepEqual(publishLeftovers(`${dir}/reports/v`), [
      ".s.new-0123456789abcdef",
      ".s.old-fedcba9876543210",
    ]);
    assert.deepEqual(await removePublishLeftovers(`${dir}/reports/v`), [
      ".s.new-0123456789abcdef",
      ".s.old-fedcba9876543210",
    ]);
    assert.deepEqual([...Deno.readDirSync(`${dir}/reports/v`)].map((e) => e.name).sort(), [
      ".s.new-notmine",
      "s",
      "t",
    ]);
    assert.deepEqual(publishLeftovers(`${dir}/nowhere`), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
