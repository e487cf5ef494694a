/**
 * The `diff` stage: a side-by-side report of two variants (figures/diff_report.ts writes it: coefficients,
 * prescriptions, both variants overlaid in each figure, the differing rows, fit health). Writes
 * `index.html`, `summary.txt` (what the CLI prints) and `figures/`.
 * @module
 */
import type { Stage } from "../pipeline/stage.ts";
import { LAW_NAMES } from "../scaling/laws/registry.ts";
import { FONT_PATH } from "../figures/font.ts";
import { defaultDiffSideDeps, type DiffSideDeps, writeDiffReport } from "../figures/diff_report.ts";

/** Parameters of the diff stage. */
export type DiffParams = {
  /** Variant A. */
  a: string;
  /** Variant B. */
  b: string;
};

/** Returns the default node id of the diff stage of variants `a` and `b`: `diff.<a>.<b>`. */
export function diffStageId(a: string, b: string): string {
  return `diff.${a}.${b}`;
}

/** Returns the diff stage of variants `a` and `b` (id defaults to `diff.<a>.<b>`). */
export function diffStage(
  options: { a: string; b: string; id?: string; deps?: { a?: DiffSideDeps; b?: DiffSideDeps } },
): Stage<DiffParams> {
  const da = options.deps?.a ?? defaultDiffSideDeps(options.a);
  const db = options.deps?.b ?? defaultDiffSideDeps(options.b);
  const ids = (d: DiffSideDeps) => [
    d.select,
    d.approach1,
    ...LAW_NAMES.map((f) => d.approach3[f]),
    d.prescribe,
    ...(d.backtest ? [d.backtest] : []),
  ];
  return {
    name: "diff",
    id: options.id ?? diffStageId(options.a, options.b),
    module: import.meta.url,
    deps: [...new Set([...ids(da), ...ids(db)])],
    params: { a: options.a, b: options.b },
    inputs: [FONT_PATH],
    outputs: ["index.html", "summary.txt", "figures/"],
    async run(ctx) {
      ctx.log(await writeDiffReport(options.a, options.b, da, db, ctx.deps, ctx.outDir));
    },
  };
}
