/**
 * Reads the walk through the paper's figures out of a report page (`index.html`), for the tests that
 * check it: the paper figures in the order their sections appear, and those the page says it does not draw.
 * @module
 */

/** The paper walk of a report page. */
export interface PaperWalk {
  /** Paper figure numbers of the `<section class="paper">` sections (asides excluded), in page order. */
  readonly walked: number[];
  /** Paper figure numbers (as written) of the sections that say "Not reproduced in this report yet". */
  readonly missing: string[];
  /** Paper figure number (as written) -> the reason of the sections that say "Not drawn: …" (no full stop). */
  readonly notDrawn: Record<string, string>;
}

/** Returns the paper walk of the report page `html`. */
export function paperWalk(html: string): PaperWalk {
  const walked = [...html.matchAll(/<section class="paper" id="paper-(\d+)">/g)].map((m) => Number(m[1]));
  const sections = [...html.matchAll(/id="paper-(\d+)"[^]*?(?=id="paper-|$)/g)];
  const missing = sections.filter((m) => m[0].includes("Not reproduced in this report yet")).map((m) => m[1]);
  const notDrawn: Record<string, string> = {};
  for (const m of sections) {
    const why = m[0].match(/<p class="missing">Not drawn: ([^<]*)\.<\/p>/);
    if (why) notDrawn[m[1]] = why[1];
  }
  return { walked, missing, notDrawn };
}
