/** Paper Figure 24: FLOP counting against 6N for every feasible and trained shape. @module */
import { enumerateShapes, GEMSTONES_CONSTRAINTS, GEMSTONES_MODELS } from "../../scaling/count/shapes.ts";
import { gemstonesParams } from "../../scaling/count/params.ts";
import { gemstonesFlopsPerToken } from "../../scaling/count/flops.ts";
import { figureModule } from "../figure_module.ts";
import { flopCountingFigure, type FlopShape } from "../specs/flop_counting.ts";

/** Returns the shapes of the figure: every feasible Gemstones shape plus the 22 trained ones, each once. */
export function flopCountingShapes(): FlopShape[] {
  const trained = new Set(GEMSTONES_MODELS.map((m) => `${m.width}x${m.depth}`));
  const seen = new Set<string>();
  const out: FlopShape[] = [];
  for (const s of [...enumerateShapes(GEMSTONES_CONSTRAINTS), ...GEMSTONES_MODELS]) {
    const key = `${s.width}x${s.depth}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      width: s.width,
      depth: s.depth,
      params: gemstonesParams(s),
      flopsPerToken: gemstonesFlopsPerToken(s),
      trained: trained.has(key),
    });
  }
  return out;
}

/** Paper Figure 24 (reads the counted shapes only). */
export const FIG24 = figureModule({
  paperFigure: "24",
  reads: ["shapes"],
  draw: (_inputs, { variant }) => [flopCountingFigure({
    shapes: flopCountingShapes(),
    counter: "gemstones (Appendix G)",
    paramsConvention: "all (incl. embeddings)",
    variant,
  })],
});
