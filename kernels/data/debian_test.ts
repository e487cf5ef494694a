import assert from "node:assert/strict";
import { prepareCorpus } from "./corpus.ts";
import { loadDebianCorpus, stripVerseReferences } from "./debian.ts";
import { readTokenFile } from "./tokenfile.ts";
import { decodeTokens } from "./tokenizer.ts";

async function gzip(text: string): Promise<Uint8Array> {
  const s = new Blob([new TextEncoder().encode(text)]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(s).arrayBuffer());
}

Deno.test("debian: a missing package names the file and the apt-get command; unknown names listed", async () => {
  const root = await Deno.makeTempDir();
  try {
    await assert.rejects(
      () => loadDebianCorpus("jargon-text", root),
      new RegExp(
        `${root}/usr/share/doc/jargon-text/jargon.txt.gz not found; install it with: sudo apt-get install -y jargon-text`,
      ),
    );
    await assert.rejects(
      () => loadDebianCorpus("bible-kjv", root),
      /apt-get install -y bible-kjv bible-kjv-text/,
    );
    await assert.rejects(
      () => loadDebianCorpus("lorem", root),
      /"lorem" is not supported; use one of: bible-kjv-text, jargon-text, dict-gcide/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("debian: gzip corpus under a root is read; the bible program's verse references are stripped", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${root}/usr/share/doc/jargon-text`, { recursive: true });
    const text = "hacker: n. [originally, someone who makes furniture with an axe]\n".repeat(30);
    await Deno.writeFile(`${root}/usr/share/doc/jargon-text/jargon.txt.gz`, await gzip(text));
    const c = await loadDebianCorpus("jargon-text", root);
    assert.deepEqual(c.documents, [text]);
    assert.equal(c.source.license, "The Jargon File 4.4.7: public domain");
    await prepareCorpus({
      source: "debian",
      package: "jargon-text",
      root,
      outDir: `${root}/out`,
      valFraction: 0.1,
    });
    const t = await readTokenFile(`${root}/out`, "train");
    assert.equal(t.header.source.package, "jargon-text");
    assert.ok(decodeTokens(t.tokens).startsWith("hacker: n."));
    // a stand-in for /usr/bin/bible that prints two verses
    await Deno.mkdir(`${root}/usr/bin`, { recursive: true });
    await Deno.mkdir(`${root}/usr/lib`, { recursive: true });
    await Deno.writeTextFile(`${root}/usr/lib/bible.data`, "");
    await Deno.writeTextFile(
      `${root}/usr/bin/bible`,
      "#!/bin/sh\nprintf 'Ge1:1 In the beginning.\\n1Co13:4 Charity suffereth long.\\n'\n",
    );
    await Deno.chmod(`${root}/usr/bin/bible`, 0o755);
    const kjv = await loadDebianCorpus("bible-kjv-text", root);
    assert.deepEqual(kjv.documents, ["In the beginning.\nCharity suffereth long.\n"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("stripVerseReferences: removes book-chapter:verse prefixes only", () => {
  assert.equal(
    stripVerseReferences("Rev22:21 The grace.\n2Ki3:4 And Mesha 3:4 stays"),
    "The grace.\nAnd Mesha 3:4 stays",
  );
});

Deno.test("debian: a corpus the process may not read is reported as a permission, never as not found", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${root}/usr/share/doc/jargon-text`, { recursive: true });
    await Deno.writeFile(`${root}/usr/share/doc/jargon-text/jargon.txt.gz`, await gzip("text\n"));
    const module = new URL("./debian.ts", import.meta.url).href;
    const script = `${root}/probe.ts`;
    await Deno.writeTextFile(
      script,
      `import { loadDebianCorpus } from "${module}";
      try { await loadDebianCorpus("jargon-text", "${root}"); console.log("read"); }
      catch (e) { console.log(e.message); }`,
    );
    // Read access to the code only, as a task with --allow-read=. has: the corpus exists but is off limits.
    const codeDir = new URL("../..", import.meta.url).pathname;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", `--allow-read=${codeDir}`, "--no-prompt", script],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.match(
      text,
      new RegExp(
        `no permission to read ${root}/usr/share/doc/jargon-text/jargon\\.txt\\.gz .*read access to it, ` +
          `e\\.g\\. --allow-read=\\.,${root}/usr/share/doc/jargon-text`,
      ),
    );
    assert.doesNotMatch(text, /not found|apt-get/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
