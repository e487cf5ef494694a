/**
 * Picking a design: from one target group of feasible shapes, the few that span its aspect ratios
 * (seed 002 §3: "one standard, one wide and one deep" at large sizes, up to 5 at small ones).
 * @module
 */
import type { GridShape } from "../count/shapes.ts";

/** A picked shape and its role: "deep", "standard", "wide" or "between". */
export interface SpanningPick {
  /** The shape. */
  readonly shape: GridShape;
  /** Its role in the group. */
  readonly role: string;
}

/**
 * Returns up to `k` of `shapes` (one target group) spanning aspect ratios (width/depth), each with its
 * role: the deepest, the widest, the one nearest `standardAspect` (log distance), then shapes nearest to
 * the middle of the largest remaining gap in log aspect ratio. Ordered deep to wide. `k` = 0 keeps all.
 */
export function pickSpanning(
  shapes: readonly GridShape[],
  k: number,
  standardAspect: number,
): SpanningPick[] {
  const sorted = [...shapes].sort((a, b) => a.width / a.depth - b.width / b.depth || a.width - b.width);
  const n = sorted.length;
  const la = (s: GridShape) => Math.log(s.width / s.depth);
  const chosen = new Map<number, string>();
  if (k === 0 || k >= n) {
    sorted.forEach((_, i) =>
      chosen.set(i, n === 1 ? "standard" : i === 0 ? "deep" : i === n - 1 ? "wide" : "between")
    );
  } else {
    chosen.set(0, "deep");
    if (k >= 2) chosen.set(n - 1, "wide");
    if (k >= 3) {
      let best = -1;
      for (let i = 1; i < n - 1; i++) {
        if (chosen.has(i)) continue;
        const d = Math.abs(la(sorted[i]) - Math.log(standardAspect));
        if (best < 0 || d < Math.abs(la(sorted[best]) - Math.log(standardAspect))) best = i;
      }
      if (best >= 0) chosen.set(best, "standard");
    }
    while (chosen.size < k) {
      // Fill the largest gap in log aspect ratio among the chosen with the shape nearest its middle.
      const picked = [...chosen.keys()].sort((a, b) => a - b);
      let gapAt = -1, gap = -1;
      for (let i = 0; i + 1 < picked.length; i++) {
        const g = la(sorted[picked[i + 1]]) - la(sorted[picked[i]]);
        if (g > gap && picked[i + 1] - picked[i] > 1) [gap, gapAt] = [g, i];
      }
      if (gapAt < 0) break;
      const mid = (la(sorted[picked[gapAt]]) + la(sorted[picked[gapAt + 1]])) / 2;
      let best = picked[gapAt] + 1;
      for (let i = picked[gapAt] + 1; i < picked[gapAt + 1]; i++) {
        if (Math.abs(la(sorted[i]) - mid) < Math.abs(la(sorted[best]) - mid)) best = i;
      }
      chosen.set(best, "between");
    }
  }
  return [...chosen.entries()].sort(([a], [b]) => a - b).map(([i, role]) => ({ shape: sorted[i], role }));
}
