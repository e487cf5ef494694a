/**
 * The font every figure is drawn with (shipped beside the renderer, so text renders identically on every
 * machine). Kept apart from render.ts so that stages can declare it as an input without loading the
 * rendering libraries.
 * @module
 */

/** Font family name of the shipped font; figure configs use it so SVG and PNG agree. */
export const FONT_FAMILY = "DejaVu Sans";

/** Path of the shipped TTF (relative to the project root), declared as an input of the report stage. */
export const FONT_PATH = "figures/fonts/DejaVuSans.ttf";
