/**
 * Regenerates the README's figure PNGs under `docs/figures/` from the real data (without the engine):
 * builds the fixture for several variants (seeded LHS fits), renders the report of `paper` into a
 * temporary folder and copies the key figures. Prints the time each step took.
 *
 * Usage: `deno run -A tools/docs_figures.ts [--starts 60] [--out docs/figures]`
 * @module
 */
import { parseArgs } from "node:util";
import { buildFixture } from "../testing/report_fixture.ts";
import { readReportInputs } from "../stages/report.ts";
import { perceiverFigures, variantFigures } from "../figures/figures_of_variant.ts";
import { writeReport } from "../figures/write.ts";
import { writeFileAtomic } from "../util/fs.ts";

/** Figures copied to docs/figures (stems, named after the paper figure they reproduce). */
export const DOC_FIGURES: readonly string[] = [
  "fig02-width-depth",
  "fig04-approach1",
  "fig05-approach3",
  "fig06-rainbow",
  "fig07-overspend",
  "fig08-overtraining",
  "fig23-loss-curves",
  "fig24-flop-counting",
  "tables-1-4-perceiver-ar",
];

/** Variants of the rainbow in the docs figure. */
export const DOC_VARIANTS: readonly string[] = [
  "paper",
  "no_embeds",
  "cooldown",
  "lr_ablation",
  "over_100b",
  "width_512_only",
  "chinchilla_reduced_sampling",
];

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { starts: { type: "string", default: "60" }, out: { type: "string", default: "docs/figures" } },
  });
  const starts = Number(values.starts);
  if (!Number.isInteger(starts) || starts < 1) {
    throw new Error(`--starts must be a positive integer, got ${values.starts}`);
  }
  const t0 = performance.now();
  const fx = await buildFixture(DOC_VARIANTS, { starts });
  const t1 = performance.now();
  const tmp = await Deno.makeTempDir({ prefix: "docs-figures-" });
  try {
    const inputs = await readReportInputs("paper", fx.reportDeps["paper"], fx.dirs);
    const figures = [...variantFigures(inputs), ...perceiverFigures(inputs.perceiverValidation)];
    const written = await writeReport(tmp, figures, { title: "docs", intro: "", sources: inputs.sources });
    const t2 = performance.now();
    await Deno.mkdir(values.out, { recursive: true });
    for (const stem of DOC_FIGURES) {
      const dst = `${values.out}/${stem}.png`;
      await writeFileAtomic(dst, await Deno.readFile(`${tmp}/figures/${stem}.png`));
    }
    console.log(
      `fixture (${DOC_VARIANTS.length} variants, ${starts} starts): ${((t1 - t0) / 1000).toFixed(1)} s`,
    );
    console.log(`render ${written.stems.length} figures: ${((t2 - t1) / 1000).toFixed(1)} s`);
    for (const [stem, ms] of Object.entries(written.renderMs)) console.log(`  ${stem}: ${ms.toFixed(0)} ms`);
    console.log(`wrote ${DOC_FIGURES.length} PNGs to ${values.out}`);
  } finally {
    await fx.cleanup();
    await Deno.remove(tmp, { recursive: true });
  }
}
