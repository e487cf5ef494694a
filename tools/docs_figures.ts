/**
 * Copies the README's figure PNGs into `docs/figures/` from the published outputs of a real reproduce
 * (`reports/`), so the README shows exactly what `deno task reproduce` draws (the fits' full start grids,
 * not a test fixture's). Run after:
 *
 *     deno task reproduce --all-variants          # the paper profile: its report and the Perceiver AR report
 *     deno task reproduce --profile micro-h100    # the micro study's figures
 *     deno run --allow-read=reports,docs/figures --allow-write=docs/figures tools/docs_figures.ts [--reports reports] [--out docs/figures]
 *
 * A figure whose source is missing fails the whole copy, naming the file and the reproduce that makes it.
 * @module
 */
import { parseArgs } from "node:util";
import { writeFileAtomic } from "../util/fs.ts";

/** One README figure: its name under docs/figures and the published PNG it is copied from. */
export interface DocFigure {
  /** File name under docs/figures, e.g. "fig05-approach3.png". */
  readonly name: string;
  /** Path of the published PNG, relative to the reports folder. */
  readonly source: string;
  /** The command that publishes it. */
  readonly reproduce: string;
}

const PAPER = "deno task reproduce --all-variants";
const MICRO = "deno task reproduce --profile micro-h100";

/** Returns the docs figure `name` copied from figure `stem` of a report folder under reports/. */
function fromReport(name: string, report: string, stem: string, reproduce: string): DocFigure {
  return { name: `${name}.png`, source: `${report}/figures/${stem}.png`, reproduce };
}

/** The README's figures, each from the report that publishes it (stems named after the paper figure). */
export const DOC_FIGURES: readonly DocFigure[] = [
  ...[
    "fig02-width-depth",
    "fig04-approach1",
    "fig05-approach3",
    "fig06-rainbow",
    "fig07-overspend",
    "fig08-overtraining",
    "fig23-loss-curves",
    "fig24-flop-counting",
  ].map((stem) => fromReport(stem, "paper/report.paper", stem, PAPER)),
  fromReport("tables-1-4-perceiver-ar", "paper/report_perceiver", "tables-1-4-perceiver-ar", PAPER),
  fromReport("micro-approach1", "micro-h100/paper/report.paper", "fig04-approach1", MICRO),
  fromReport("micro-loss-curves", "micro-h100/paper/report.paper", "fig23-loss-curves", MICRO),
  fromReport("micro-lr-sweep", "micro-h100/paper/report.paper", "fig03-lr-sweep", MICRO),
];

/**
 * Copies every {@link DOC_FIGURES} PNG from `reports` to `out` (each written atomically); returns the names
 * written. Throws before writing anything when a source is missing, naming it and the command that makes it.
 */
export async function copyDocFigures(reports: string, out: string): Promise<string[]> {
  const missing: string[] = [];
  const bytes: Uint8Array[] = [];
  for (const f of DOC_FIGURES) {
    try {
      bytes.push(await Deno.readFile(`${reports}/${f.source}`));
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      missing.push(`${reports}/${f.source} (run: ${f.reproduce})`);
    }
  }
  if (missing.length > 0) {
    throw new Error(`docs_figures: published figures missing:\n  ${missing.join("\n  ")}`);
  }
  await Deno.mkdir(out, { recursive: true });
  for (const [i, f] of DOC_FIGURES.entries()) await writeFileAtomic(`${out}/${f.name}`, bytes[i]);
  return DOC_FIGURES.map((f) => f.name);
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      reports: { type: "string", default: "reports" },
      out: { type: "string", default: "docs/figures" },
    },
  });
  const names = await copyDocFigures(values.reports, values.out);
  console.log(`copied ${names.length} PNGs from ${values.reports}/ to ${values.out}/`);
}
