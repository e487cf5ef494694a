/**
 * The matmul tile autotuner: every product of a plan is recorded through `MatmulTuner.record`, which
 * picks its tile (fixed, `chooseTile`, or the fastest found so far for its layout and shape) and its K
 * split; `tune` times each tile of `TUNE_TILES` on the products recorded since the last call (their real
 * operands, a scratch output, so no state changes) and returns the re-recorded dispatches of the
 * products whose fastest tile differs. All tuning tiles are 16 deep and the K split follows the default
 * tile, so results are bit-identical whichever tile runs.
 * @module
 */
import type { Dispatch, GpuContext } from "./context.ts";
import {
  chooseSplitK,
  DEFAULT_TILE,
  matmulDispatch,
  type MatmulPart,
  matmulSharedBytes,
  type MatmulSpec,
  type MatmulTile,
  matmulWgsl,
  multiMatmulDispatch,
  type MultiMatmulSpec,
  TUNE_TILES,
  WIDE_TILE,
} from "./matmul.ts";

/** One recorded matmul that tuning may re-record: operands, the full spec it was recorded with and its dispatches. */
interface Product {
  readonly a: GPUBuffer;
  readonly b: GPUBuffer;
  readonly c: GPUBuffer;
  readonly spec: MatmulSpec;
  readonly key: string;
  readonly dispatches: Dispatch[];
}

/** Options of a `MatmulTuner`. */
export interface MatmulTunerOptions {
  /** Tile of every product (default: `chooseTile` per product, or the tuned one). */
  readonly tile?: MatmulTile;
  /** Split the K dimension of products with few output tiles over more workgroups. */
  readonly splitK: boolean;
  /** Time the candidate tiles (`tune`); when false, nothing is kept for tuning and `tune` is a no-op. */
  readonly tune: boolean;
}

/**
 * Returns the wide tile (64×128) for outputs of at least 1024×1024, where it measured fastest on an
 * H100 (docs/BENCHMARKS.md); the default 64×64 tile otherwise.
 */
export function chooseTile(spec: { m: number; n: number }): MatmulTile {
  return spec.m >= 1024 && spec.n >= 1024 ? WIDE_TILE : DEFAULT_TILE;
}

/** The offsets and strides of a part, as `MatmulSpec` fields. */
function offsets(q: MatmulPart): Partial<MatmulSpec> {
  return { offsetA: q.offsetA, offsetB: q.offsetB, offsetC: q.offsetC, lda: q.lda, ldb: q.ldb, ldc: q.ldc };
}

/** Records matmuls with a chosen (or tuned) tile and tunes them on request; see the module doc. */
export class MatmulTuner {
  readonly #ctx: GpuContext;
  readonly #opts: MatmulTunerOptions;
  readonly #products: Product[] = [];
  readonly #tuned = new Map<string, MatmulTile>();
  readonly #buildable = new Map<string, boolean>();
  readonly #scratch: GPUBuffer[] = [];

  /** A tuner recording on `ctx`. */
  constructor(ctx: GpuContext, opts: MatmulTunerOptions) {
    this.#ctx = ctx;
    this.#opts = opts;
  }

  /** Records `c (+)= op(a)·op(b)` per `spec` and returns its dispatches (one, or two with a K split). */
  record(a: GPUBuffer, b: GPUBuffer, c: GPUBuffer, spec: MatmulSpec): Dispatch[] {
    const base = spec.tile ?? this.#opts.tile ?? chooseTile(spec);
    // the K split follows the default tile, so that a tuned tile (same depth) gives the same bits
    const splitK = this.#opts.splitK ? chooseSplitK(spec, base) : 1;
    const key = `${spec.transA ? "T" : "N"}${
      spec.transB ? "T" : "N"
    } ${spec.m}x${spec.n}x${spec.k}/${splitK}`;
    const tile = this.#tuned.get(key) ?? base;
    let scratch = this.#scratch[this.#scratch.length - 1];
    if (splitK > 1 && (!scratch || scratch.size < splitK * spec.m * spec.n * 4)) {
      scratch = this.#ctx.storage("split-K scratch", splitK * spec.m * spec.n);
      this.#scratch.push(scratch);
    }
    const full = { ...spec, tile, splitK, scratch };
    const dispatches = matmulDispatch(this.#ctx, a, b, c, full);
    // only a product that tuning may re-record is kept (none when tuning is off or its tile is fixed)
    if (this.#opts.tune && spec.tile === undefined) {
      this.#products.push({ a, b, c, spec: full, key, dispatches });
    }
    return dispatches;
  }

  /**
   * Records the products `parts` combined per `spec.kind` (see `MultiMatmulKind`): as one dispatch when
   * none of them would be split over K (with the fixed tile, or `chooseTile` of the widest part; such
   * dispatches are not tuned), otherwise each as `record` would (a sum's first product overwriting, the
   * others accumulating; the GEGLU pair as the gate product and the up product with the "geglu"
   * epilogue). The bits are the same either way.
   */
  recordMulti(parts: readonly MatmulPart[], spec: MultiMatmulSpec): Dispatch[] {
    const m = spec.m, t = { transA: spec.transA, transB: spec.transB };
    const one = (q: MatmulPart) => ({ ...t, m, n: q.n, k: q.k, ...offsets(q) });
    const base = spec.tile ?? this.#opts.tile ?? chooseTile({ m, n: Math.max(...parts.map((q) => q.n)) });
    const split = parts.some((q) =>
      this.#opts.splitK && chooseSplitK(one(q), spec.tile ?? this.#opts.tile ?? chooseTile(one(q))) > 1
    );
    if (!split) return [multiMatmulDispatch(this.#ctx, parts, { ...spec, tile: base })];
    if (spec.kind === "geglu") {
      const [gate, up] = parts;
      return [
        ...this.record(gate.a, gate.b, gate.c, one(gate)),
        ...this.record(up.a, up.b, up.c, {
          ...one(up),
          epilogue: { kind: "geglu", gate: gate.c, h: spec.h! },
        }),
      ];
    }
    return parts.flatMap((q, i) =>
      this.record(q.a, q.b, q.c, { ...one(q), accumulate: spec.kind === "summed" && i > 0 })
    );
  }

  /** Returns the tile chosen by tuning for each product key (`"NT MxNxK/splitK"`); empty when tuning is off. */
  tunedTiles(): Map<string, MatmulTile> {
    return new Map(this.#tuned);
  }

  /** Returns whether a tuning candidate's kernel builds on this device (validation errors captured). */
  async #candidateBuilds(code: string): Promise<boolean> {
    const hit = this.#buildable.get(code);
    if (hit !== undefined) return hit;
    const dev = this.#ctx.device;
    dev.pushErrorScope("validation");
    let ok = true;
    try {
      const module = dev.createShaderModule({ label: "tune candidate", code });
      await dev.createComputePipelineAsync({ layout: "auto", compute: { module, entryPoint: "main" } });
    } catch {
      ok = false;
    }
    if (await dev.popErrorScope()) ok = false;
    this.#buildable.set(code, ok);
    return ok;
  }

  /** Returns the mean time (ms) of `ds` submitted alone, after one warm-up run. */
  async #time(ds: Dispatch[]): Promise<number> {
    const q = this.#ctx.device.queue;
    this.#ctx.run("tune", ds);
    await q.onSubmittedWorkDone();
    let t0 = performance.now();
    this.#ctx.run("tune", ds);
    await q.onSubmittedWorkDone();
    const reps = Math.max(1, Math.min(32, Math.ceil(2 / Math.max(performance.now() - t0, 1e-3))));
    let best = Infinity;
    for (let trial = 0; trial < 2; trial++) {
      t0 = performance.now();
      this.#ctx.run("tune", Array.from({ length: reps }, () => ds).flat());
      await q.onSubmittedWorkDone();
      best = Math.min(best, (performance.now() - t0) / reps);
    }
    return best;
  }

  /**
   * Times the candidate tiles of every product recorded since the last call (once per distinct layout,
   * shape and K split) and returns, per dispatch to replace, its re-recorded dispatch with the fastest
   * tile (empty when tuning is off or nothing changed).
   */
  async tune(): Promise<Map<Dispatch, Dispatch>> {
    const swap = new Map<Dispatch, Dispatch>();
    // each product is tuned once: taken off the list here
    const todo = this.#products.splice(0);
    if (todo.length === 0) return swap;
    const ctx = this.#ctx;
    const out = ctx.storage(
      "tune output",
      Math.max(
        ...todo.map((p) => (p.spec.offsetC ?? 0) + p.spec.m * (p.spec.ldc ?? p.spec.n)),
      ),
    );
    try {
      for (const p of todo) {
        const ta = p.spec.transA ?? false, tb = p.spec.transB ?? false;
        let best = this.#tuned.get(p.key);
        if (!best) {
          let bestMs = Infinity;
          for (const tile of TUNE_TILES) {
            if (matmulSharedBytes(tile, ta, tb) > ctx.limits.maxComputeWorkgroupStorageSize) continue;
            if (tile !== p.spec.tile && !(await this.#candidateBuilds(matmulWgsl(ta, tb, tile)))) continue;
            const ms = await this.#time(matmulDispatch(ctx, p.a, p.b, out, { ...p.spec, tile }));
            if (ms < bestMs) [bestMs, best] = [ms, tile];
          }
          best ??= p.spec.tile ?? DEFAULT_TILE;
          this.#tuned.set(p.key, best);
        }
        if (best !== p.spec.tile) {
          const fresh = matmulDispatch(ctx, p.a, p.b, p.c, { ...p.spec, tile: best });
          p.dispatches.forEach((d, i) => swap.set(d, fresh[i]));
        }
      }
    } finally {
      await ctx.device.queue.onSubmittedWorkDone();
      out.destroy();
    }
    await ctx.check();
    return swap;
  }

  /** Releases the split-K scratch buffers. */
  destroy(): void {
    this.#scratch.forEach((b) => b.destroy());
  }
}
