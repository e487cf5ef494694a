/**
 * Reading a published report's `figures/figures.json` (written by figures/write.ts: one entry per figure, with
 * its provenance) back into typed entries, for the Reading a report notebook; errors name the file, the entry
 * and the field, with the value as written.
 * @module
 */
import type { FigureProvenance } from "../figures/sources.ts";

/** One figure of `figures.json`: what figures/write.ts writes for it. */
export interface FigureEntry extends FigureProvenance {
  /** File-name stem after the paper number, e.g. "approach1". */
  readonly name: string;
  /** File stem of its `.vl.json`, `.svg` and `.png`, e.g. "fig04-approach1". */
  readonly stem: string;
  /** Title as the page shows it. */
  readonly title: string;
  /** Caption: fitted numbers, data subset and variant. */
  readonly caption: string;
  /** How to read it. */
  readonly howToRead: string;
}

/** Returns the entries of `figures.json` text read from `path`; throws naming the file, entry and field. */
export function parseFiguresJson(text: string, path: string): FigureEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: invalid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(data)) {
    throw new Error(`${path}: expected an array of figures, got ${JSON.stringify(data)}`);
  }
  return data.map((entry, i) => {
    const where = `${path}: figure ${i}`;
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      throw new Error(`${where}: expected an object, got ${JSON.stringify(entry)}`);
    }
    const e = entry as Record<string, unknown>;
    const text = (field: string): string => {
      if (typeof e[field] !== "string") {
        throw new Error(`${where}: field "${field}" must be a string, got ${JSON.stringify(e[field])}`);
      }
      return e[field] as string;
    };
    const list = (field: string): unknown[] => {
      if (!Array.isArray(e[field])) {
        throw new Error(`${where}: field "${field}" must be an array, got ${JSON.stringify(e[field])}`);
      }
      return e[field] as unknown[];
    };
    const files = list("files").map((f, j) => {
      const file = f as Record<string, unknown> | null;
      if (typeof file?.path !== "string" || typeof file?.sha256 !== "string") {
        throw new Error(`${where}: files[${j}] must be {"path", "sha256"} strings, got ${JSON.stringify(f)}`);
      }
      return { path: file.path, sha256: file.sha256 };
    });
    const fits = list("fits").map((id, j) => {
      if (typeof id !== "string") {
        throw new Error(`${where}: fits[${j}] must be a string, got ${JSON.stringify(id)}`);
      }
      return id;
    });
    return {
      paperFigure: text("paperFigure"),
      name: text("name"),
      stem: text("stem"),
      title: text("title"),
      basis: text("basis"),
      files,
      fits,
      caption: text("caption"),
      howToRead: text("howToRead"),
    };
  });
}

/** Reads and parses `figures.json` at `path` (see {@link parseFiguresJson}). */
export async function readFiguresJson(path: string): Promise<FigureEntry[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new Error(`${path}: cannot read: ${(e as Error).message}`);
  }
  return parseFiguresJson(text, path);
}
