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
  /** Returns its figures (none when its inputs hold nothing to draw); the frame adds `reads`. */
  draw(inputs: InputsOf<K>, ctx: DrawContext): FigureDraft[];
}

/** Returns the module unchanged, typed by the keys it reads (so `draw` sees exactly those). */
export function figureModule<K extends InputKey>(m: FigureModule<K>): FigureModule<K> {
  return m;
}

/**
 * Draws every module of `registry` from `inputs` (each given only the inputs it reads), in the paper's
 * order; every figure's `reads` is its module's.
 */
export function drawFigures(
  registry: readonly FigureModule<InputKey>[],
  inputs: Partial<Omit<ReportInputs, "variant" | "sources">>,
  ctx: DrawContext,
): Figure[] {
  const out: Figure[] = [];
  for (const m of registry) {
    if (m.unless !== undefined && inputs[m.unless] !== undefined) continue;
    const given = Object.fromEntries(m.reads.map((k) => [k, inputs[k]])) as InputsOf<InputKey>;
    for (const f of m.draw(given, ctx)) out.push({ ...f, reads: m.reads });
  }
  return inPaperOrder(out);
}
