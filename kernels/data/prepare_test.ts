import assert from "node:assert/strict";
import { parsePrepareArgs } from "./prepare.ts";
import { readTokenFile } from "./tokenfile.ts";

Deno.test("prepare CLI: arguments map to options; missing or bad flags are named", () => {
  assert.deepEqual(
    parsePrepareArgs(["--source", "text", "--files", "a.txt,b.txt", "--out", "d", "--val-fraction", "0.2"]),
    {
      outDir: "d",
      valFraction: 0.2,
      chunkTokens: undefined,
      source: "text",
      files: ["a.txt", "b.txt"],
    },
  );
  assert.equal(parsePrepareArgs(["--help"]), null);
  assert.throws(
    () => parsePrepareArgs(["--source", "synthetic", "--tokens", "10", "--out", "d"]),
    /--seed: required/,
  );
  assert.throws(
    () => parsePrepareArgs(["--source", "synthetic", "--tokens", "1e3.5", "--seed", "1", "--out", "d"]),
    /--tokens: expected an integer/,
  );
  assert.throws(
    () => parsePrepareArgs(["--source", "web", "--out", "d"]),
    /--source: expected text, synthetic, debian or mqar/,
  );
  assert.throws(() => parsePrepareArgs(["--source", "debian"]), /--out: required/);
});

Deno.test("prepare CLI: a synthetic run writes the corpus and reports its entropy rate", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-write",
        new URL("./prepare.ts", import.meta.url).pathname,
        "--source",
        "synthetic",
        "--tokens",
        "4000",
        "--seed",
        "3",
        "--out",
        dir,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const { header } = await readTokenFile(dir, "train");
    assert.match(
      text,
      new RegExp(
        `train ${header.count} tokens, val 200 tokens, entropy rate ${
          header.source.entropyRateNats!.toFixed(6)
        }`,
      ),
    );
    const bad = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        new URL("./prepare.ts", import.meta.url).pathname,
        "--source",
        "text",
        "--out",
        dir,
      ],
      stderr: "piped",
    }).output();
    assert.equal(bad.code, 2);
    assert.match(new TextDecoder().decode(bad.stderr), /--files: required/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
