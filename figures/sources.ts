/**
 * Provenance of the report's figures: each report input (a key such as `rows` or `eq2`) is one or more
 * files (path and SHA-256), maybe a fit record, and a phrase saying what it is ("subset hot", "Eq. 2 on
 * hot, Huber δ = 1e-4"). A figure names the inputs it reads; {@link figureProvenance} turns those
 * names into its files, its fit records and its one line "subset · law".
 * @module
 */
import type { Figure } from "./specs/common.ts";
import { sha256File } from "../util/hex.ts";

/** One file a figure was drawn from. */
export interface SourceFile {
  /** Display path: `<node id>/<file>` for a stage output (published under `reports/<variant>/`), or a repository path. */
  readonly path: string;
  /** SHA-256 of its bytes, lowercase hex. */
  readonly sha256: string;
}

/** One report input: its files, the fit record it is (if any) and a phrase saying what it is. */
export interface InputSource {
  /** The files. */
  readonly files: readonly SourceFile[];
  /** Node ids of the fit records this input is (empty for data). */
  readonly fits: readonly string[];
  /** What it is, e.g. "subset hot (220 rows)" or "Eq. 2 fit on hot (Huber δ = 1e-4)". */
  readonly describe: string;
}

/** A figure's provenance, as `figures.json` carries it. */
export interface FigureProvenance {
  /** The paper figure it reproduces. */
  readonly paperFigure: string;
  /** One line: which subset and which law it uses. */
  readonly basis: string;
  /** The files it was drawn from, each once. */
  readonly files: readonly SourceFile[];
  /** The fit records it uses (node ids), each once. */
  readonly fits: readonly string[];
}

/** Returns the {@link SourceFile} of `abs` shown as `display`; throws naming the file when unreadable. */
export async function sourceFile(abs: string, display: string): Promise<SourceFile> {
  try {
    return { path: display, sha256: (await sha256File(abs)).sha256 };
  } catch (e) {
    throw new Error(`report: cannot hash ${abs}: ${(e as Error).message}`);
  }
}

/**
 * Returns the provenance of `figure` from the report's `sources`: its paper figure, the phrases of the
 * inputs it reads joined into one line ("no data file: counted by scaling/count" when it reads none),
 * and their files and fit records, each once. Throws naming the figure and the key when a figure reads
 * an input the report does not have.
 */
export function figureProvenance(
  figure: Pick<Figure, "paperFigure" | "name" | "reads">,
  sources: Readonly<Record<string, InputSource>>,
): FigureProvenance {
  if (typeof figure.paperFigure !== "string" || figure.paperFigure === "") {
    throw new Error(`report: figure "${figure.name}" declares no paperFigure`);
  }
  const files = new Map<string, SourceFile>();
  const fits = new Set<string>();
  const phrases: string[] = [];
  for (const key of figure.reads) {
    const src = sources[key];
    if (src === undefined || !Object.hasOwn(sources, key)) {
      throw new Error(
        `report: figure ${figure.paperFigure} (${figure.name}) reads "${key}", which is not an input of this ` +
          `report; inputs: ${Object.keys(sources).join(", ")}`,
      );
    }
    for (const f of src.files) files.set(f.path, f);
    for (const id of src.fits) fits.add(id);
    phrases.push(src.describe);
  }
  return {
    paperFigure: figure.paperFigure,
    basis: phrases.length > 0 ? phrases.join("; ") : "no data file: counted by the library (scaling/count)",
    files: [...files.values()],
    fits: [...fits],
  };
}
