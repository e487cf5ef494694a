/**
 * A figure of the report as a module: the paper figure it reproduces, the report inputs it reads (keys of
 * figures/inputs.ts) and `draw`, which receives exactly those inputs. The report loops over a registry of
 * such modules ({@link drawFigures}); each drawn figure's `reads` is its module's, so figures.json's
 * provenance names what the figure was really given and cannot drift from it.
 * @module
 */
import type { InputKey, InputValue, ReportInputs } from "./inputs.ts";
import { type Figure, type FigureDraft, inPaperOrder } from "./specs/common.ts";

/** What a figure module draws with besides its inputs. */
export interface DrawContext {
  /** The variant's label in titles and captions (the variant, and the data label for our own runs). */
  readonly variant: string;
}

/**
 * What a module returns instead of figures when its inputs hold nothing it may draw: the reason, one
 * sentence without a final full stop, shown in the report where the figure would be.
 */
export interface NotDrawn {
  /** Why the figure is not drawn (e.g. every point lies where the authors leave points out). */
  readonly notDrawn: string;
}

/** The inputs a module reads, by key. */
export type InputsOf<K extends InputKey> = { readonly [P in K]: InputValue<P> };

/** One figure module: what it reproduces, what it reads, how it draws. */
export interface FigureModule<K extends InputKey = InputKey> {
  /** The paper figure(s) it reproduces ("5"; "13-19" for a module drawing several). */
  readonly paperFigure: string;
  /** The report inputs it reads: its provenance in figures.json, and all that `draw` receives. */
  readonly reads: readonly K[];
  /** Not drawn when the report has this input (e.g. the authors' lr sweep gives way to our own). */
  readonly unless?: InputKey;
  /**
   * Returns its figures (none when its inputs hold nothing to draw), or why it draws none where a reader
   * would expect one; the frame adds `reads`.
   */
  draw(inputs: InputsOf<K>, ctx: DrawContext): FigureDraft[] | NotDrawn;
}

/** Returns the module unchanged, typed by the keys it reads (so `draw` sees exactly those). */
export function figureModule<K extends InputKey>(m: FigureModule<K>): FigureModule<K> {
  return m;
}

/** The figures of a registry, and why the modules that drew none did not (paper figure -> reason). */
export interface DrawnFigures {
  /** The figures, in the paper's order, each with its module's `reads`. */
  readonly figures: Figure[];
  /** Paper figure (as its module names it) -> why it is not drawn. */
  readonly notDrawn: Readonly<Record<string, string>>;
}

/**
 * Draws every module of `registry` from `inputs` (each given only the inputs it reads), in the paper's
 * order; every figure's `reads` is its module's. Modules that say why they draw nothing are listed in
 * `notDrawn`.
 */
export function drawReportFigures(
  registry: readonly FigureModule<InputKey>[],
  inputs: Partial<Omit<ReportInputs, "variant" | "sources">>,
  ctx: DrawContext,
): DrawnFigures {
  const out: Figure[] = [];
  const notDrawn: Record<string, string> = {};
  for (const m of registry) {
    if (m.unless !== undefined && inputs[m.unless] !== undefined) continue;
    const given = Object.fromEntries(m.reads.map((k) => [k, inputs[k]])) as InputsOf<InputKey>;
    const drawn = m.draw(given, ctx);
    if ("notDrawn" in drawn) {
      notDrawn[m.paperFigure] = drawn.notDrawn;
      continue;
    }
    for (const f of drawn) out.push({ ...f, reads: m.reads });
  }
  return { figures: inPaperOrder(out), notDrawn };
}

/** The figures of {@link drawReportFigures}, without the reasons for those not drawn. */
export function drawFigures(
  registry: readonly FigureModule<InputKey>[],
  inputs: Partial<Omit<ReportInputs, "variant" | "sources">>,
  ctx: DrawContext,
): Figure[] {
  return drawReportFigures(registry, inputs, ctx).figures;
}
