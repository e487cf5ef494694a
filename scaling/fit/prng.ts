/**
 * A small seeded PRNG (mulberry32) so that every randomised fit is reproducible bit for bit.
 * @module
 */

/** A deterministic generator of uniform numbers in [0, 1). */
export interface Rng {
  /** Returns the next uniform number in [0, 1) (53-bit resolution from two 32-bit draws). */
  next(): number;
  /** Returns a uniform integer in [0, n). */
  int(n: number): number;
}

/** Returns a mulberry32 generator seeded with `seed` (any finite number; reduced to 32 bits). */
export function seededRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new Error(`seededRng: seed must be finite, got ${seed}`);
  let state = (Math.floor(seed) >>> 0) ^ 0x9e3779b9;
  const u32 = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => ((u32() >>> 5) * 67108864 + (u32() >>> 6)) / 9007199254740992;
  return {
    next,
    int(n: number): number {
      return Math.min(n - 1, Math.floor(next() * n));
    },
  };
}
