/**
 * Real English corpora installable offline from Debian packages. Each entry names the apt packages,
 * the installed files it reads and how to turn them into text documents; `loadDebianCorpus` finds
 * the files and, when they are absent, throws with the `apt-get install` command to run (and, when
 * the process may not read them, says that instead: a permission is not a missing package).
 * @module
 */
import type { CorpusSource } from "./tokenfile.ts";

/** How one Debian package becomes text. */
export interface DebianCorpus {
  /** apt packages to install. */
  readonly aptPackages: readonly string[];
  /** Installed files the corpus needs (absolute paths). */
  readonly files: readonly string[];
  /** License of the text. */
  readonly license: string;
  /** One line describing the text. */
  readonly description: string;
}

/** The supported corpora, by name (`--package`). "bible-kjv" is an alias of "bible-kjv-text". */
export const DEBIAN_CORPORA: Readonly<Record<string, DebianCorpus>> = {
  "bible-kjv-text": {
    aptPackages: ["bible-kjv", "bible-kjv-text"],
    files: ["/usr/lib/bible.data", "/usr/bin/bible"],
    license: "King James Version text: public domain; Debian packaging GPL-2",
    description: "King James Bible (1611), verse references stripped, via `bible -f Gen1:1-Rev22:21`",
  },
  "jargon-text": {
    aptPackages: ["jargon-text"],
    files: ["/usr/share/doc/jargon-text/jargon.txt.gz"],
    license: "The Jargon File 4.4.7: public domain",
    description: "The Jargon File 4.4.7, plain text",
  },
  "dict-gcide": {
    aptPackages: ["dict-gcide"],
    files: ["/usr/share/dictd/gcide.dict.dz"],
    license: "GCIDE: GNU General Public License (see /usr/share/doc/dict-gcide/copyright)",
    description: "GNU Collaborative International Dictionary of English, dictd text with its markup",
  },
};

/** Returns the text of a gzip (or dictzip) file. */
export async function gunzipText(path: string): Promise<string> {
  const bytes = await Deno.readFile(path);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  try {
    return await new Response(stream).text();
  } catch (e) {
    throw new Error(`${path}: not a readable gzip file: ${(e as Error).message}`);
  }
}

/**
 * Returns true when `path` exists, false when it does not. Any other failure (NotCapable or
 * PermissionDenied: the process may not read it) is thrown as what it is, naming the path and the read
 * access it needs.
 */
async function exists(path: string, key: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    // Deno 2 reports a missing --allow-read as NotCapable, the OS's refusal as PermissionDenied.
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
      throw new Error(
        `debian corpus "${key}": no permission to read ${path} (${(e as Error).name}); ` +
          `the task must be given read access to it, e.g. --allow-read=.,${path.replace(/\/[^/]*$/, "")}`,
      );
    }
    throw new Error(`debian corpus "${key}": cannot read ${path}: ${(e as Error).message}`);
  }
}

/** Returns the KJV text from the `bible` program's output with the leading verse references ("Ge1:1 ") removed. */
export function stripVerseReferences(text: string): string {
  return text.split("\n").map((l) => l.replace(/^\S*\d+:\d+\s/, "")).join("\n");
}

/**
 * Returns the documents (strings) and source record of an installed Debian corpus. `root` prefixes
 * every path (for tests; default ""). Throws naming the missing file and the apt-get command when
 * the package is not installed, or the supported names when `name` is unknown.
 */
export async function loadDebianCorpus(
  name: string,
  root = "",
): Promise<{ documents: string[]; source: CorpusSource }> {
  const key = name === "bible-kjv" ? "bible-kjv-text" : name;
  const corpus = DEBIAN_CORPORA[key];
  if (!corpus) {
    throw new Error(
      `debian corpus "${name}" is not supported; use one of: ${Object.keys(DEBIAN_CORPORA).join(", ")}`,
    );
  }
  for (const f of corpus.files) {
    if (!(await exists(root + f, key))) {
      throw new Error(
        `debian corpus "${key}": ${root + f} not found; install it with: ` +
          `sudo apt-get install -y ${corpus.aptPackages.join(" ")}`,
      );
    }
  }
  let text: string;
  if (key === "bible-kjv-text") {
    const out = await new Deno.Command(root + "/usr/bin/bible", {
      args: ["-f", "Gen1:1-Rev22:21"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(
        `debian corpus "${key}": ${root}/usr/bin/bible failed: ${new TextDecoder().decode(out.stderr)}`,
      );
    }
    text = stripVerseReferences(new TextDecoder().decode(out.stdout));
  } else {
    text = await gunzipText(root + corpus.files[0]);
  }
  return {
    documents: [text],
    source: {
      kind: "debian",
      description: corpus.description,
      package: key,
      files: corpus.files,
      license: corpus.license,
    },
  };
}
