/**
 * Where a report's rows come from: collect's data label (`collect.json`) and the trained runs left out of
 * the fits because they diverged (`own_runs.csv`), with the page's section listing them.
 * @module
 */
import { type CollectSummary, readCsvObjects, readRecord } from "../records/schemas.ts";
import { escapeHtml } from "./specs/common.ts";

/** Where the report's rows come from, and which trained runs were left out of the fits. */
export interface Provenance {
  /** The data label (collect.json's `source`, or "published Gemstones runs" for older records). */
  readonly source: string;
  /** Whether the rows are this project's own (trained or simulated) runs. */
  readonly ownRuns: boolean;
  /** Runs that diverged, from collect's `own_runs.csv`: run id and reason. */
  readonly excluded: readonly { runId: string; reason: string }[];
  /** An HTML section listing the excluded runs ("" when collect trained nothing). */
  readonly excludedHtml: string;
}

/** Reads the data label and the diverged runs from the collect stage's output folder `dir`. */
export async function readProvenance(dir: string): Promise<Provenance> {
  const summary = await readRecord<CollectSummary>(`${dir}/collect.json`);
  const source = summary.source ?? "published Gemstones runs (McLeish et al. 2025)";
  let runs: Record<string, string>[] | null = null;
  try {
    runs = await readCsvObjects(`${dir}/own_runs.csv`);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const ownRuns = runs !== null || !source.startsWith("published");
  const excluded = (runs ?? []).filter((r) => r.diverged === "true").map((r) => ({
    runId: r.run_id,
    reason: r.reason,
  }));
  const excludedHtml = runs === null ? "" : `<section id="excluded"><h2>Runs left out of the fits</h2>\n` +
    (excluded.length === 0
      ? `<p>None: all ${runs.length} trained runs finished without diverging.</p>`
      : `<p>${excluded.length} of ${runs.length} trained runs diverged and are not fitted:</p>\n<ul>\n` +
        excluded.map((x) => `<li>${escapeHtml(x.runId)}: ${escapeHtml(x.reason)}</li>`).join("\n") +
        "\n</ul>") +
    "\n</section>";
  return { source, ownRuns, excluded, excludedHtml };
}
