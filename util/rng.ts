/**
 * Seeded pseudo-random numbers, the project's one source of them. Three generators, each kept for the
 * streams its callers depend on (published fits, trained runs and test inputs are reproduced bit for bit):
 * - {@link Rng}: xoshiro128** (Blackman & Vigna) over four 32-bit words, seeded through splitmix32, for
 *   the trainer's initialisation, synthetic corpora and data loader. Its whole state is four unsigned
 *   32-bit integers, saved and restored as JSON so a run resumes with the identical continuation.
 *   Nothing is cached between calls (normals draw fresh uniforms every time), so `state()` alone
 *   determines every future draw.
 * - {@link seededRng}: mulberry32, for the fitter's start grids, the bootstrap and simulated losses.
 * - {@link xorshift32}: Marsaglia's xorshift32, for the kernel tests' random inputs.
 * @module
 */

/** JSON-serialisable state of an {@link Rng}: four unsigned 32-bit words. */
export interface RngState {
  /** Generator name, always "xoshiro128**". */
  readonly algorithm: "xoshiro128**";
  /** The four state words, each in [0, 2³²). */
  readonly s: readonly [number, number, number, number];
}

function splitmix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

/** A seeded xoshiro128** generator with save/restore. */
export class Rng {
  #s: Uint32Array;

  /** Creates a generator from an integer seed (any safe integer; the low and high 32 bits both count). */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new Error(`rng: seed must be a safe integer, got ${seed}`);
    const hi = Math.floor(seed / 2 ** 32) >>> 0;
    const sm = splitmix32((seed >>> 0) ^ Math.imul(hi, 0x27d4eb2d));
    this.#s = new Uint32Array([sm(), sm(), sm(), sm()]);
    if (this.#s.every((v) => v === 0)) this.#s[0] = 1;
  }

  /** Returns a generator in the given saved state; throws naming the field when the state is malformed. */
  static fromState(state: RngState): Rng {
    const r = new Rng(0);
    r.restore(state);
    return r;
  }

  /** Returns the next unsigned 32-bit integer in [0, 2³²). */
  nextU32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Returns a uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.nextU32() >>> 5, lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Returns a uniform integer in [0, n) without modulo bias; n must be a positive integer ≤ 2³². */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32) {
      throw new Error(`rng: nextInt bound must be an integer in [1, 2^32], got ${n}`);
    }
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  /** Returns a standard normal draw (mean 0, variance 1) by Box–Muller, using two fresh uniforms. */
  nextNormal(): number {
    const u1 = 1 - this.nextFloat(); // (0, 1]
    const u2 = this.nextFloat();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Returns a normal draw N(0, σ²) truncated to [−bound·σ, bound·σ] by rejection (σ in the caller's units). */
  nextTruncatedNormal(sigma: number, bound = 3): number {
    for (;;) {
      const z = this.nextNormal();
      if (Math.abs(z) <= bound) return z * sigma;
    }
  }

  /** Returns a JSON-serialisable copy of the state. */
  state(): RngState {
    const s = this.#s;
    return { algorithm: "xoshiro128**", s: [s[0], s[1], s[2], s[3]] };
  }

  /** Replaces the state with a saved one; throws naming the field when it is malformed. */
  restore(state: RngState): void {
    if (state?.algorithm !== "xoshiro128**") {
      throw new Error(
        `rng state: field "algorithm" must be "xoshiro128**", got ${JSON.stringify(state?.algorithm)}`,
      );
    }
    const s = state.s;
    if (
      !Array.isArray(s) || s.length !== 4 || !s.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32)
    ) {
      throw new Error(`rng state: field "s" must be four integers in [0, 2^32), got ${JSON.stringify(s)}`);
    }
    if (s.every((v) => v === 0)) throw new Error(`rng state: field "s" must not be all zero`);
    this.#s = new Uint32Array(s);
  }
}

/** A deterministic generator of uniform numbers in [0, 1) (see {@link seededRng}). */
export interface UniformRng {
  /** Returns the next uniform number in [0, 1) (53-bit resolution from two 32-bit draws). */
  next(): number;
  /** Returns a uniform integer in [0, n). */
  int(n: number): number;
}

/** Returns a mulberry32 generator seeded with `seed` (any finite number; reduced to 32 bits). */
export function seededRng(seed: number): UniformRng {
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

/**
 * Returns an xorshift32 (13, 17, 5) generator of unsigned 32-bit integers in [1, 2³²), seeded from
 * `seed · 2654435761 mod 2³²` (1 when that is 0).
 */
export function xorshift32(seed: number): () => number {
  let s = (seed * 2654435761) >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}
