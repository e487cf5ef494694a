/**
 * The module that the child-process toy pipeline's stages name as their code (kept free of imports so
 * that its module graph is this one file).
 * @module
 */

/** Returns the output text of the toy "slow" stage for a given label. */
export function slowText(label: string): string {
  return `slow output for ${label}\n`;
}
